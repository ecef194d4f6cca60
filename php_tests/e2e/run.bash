#!/usr/bin/env bash
# Browser tests of the WordPress plugin (wordpress/native-smtp) on a real WordPress.
#
# Sets up, all on loopback and all stopped again by process id when the run ends:
#   - Debian's WordPress (copied into .build/e2e/www) with the plugin and an editor account,
#   - a private MariaDB server (own data directory and socket, no TCP),
#   - the project's test SMTP server (STARTTLS with a test CA, AUTH PLAIN/LOGIN, one user, one
#     recipient refused, XOAUTH2 for a second user), and a second one that refuses every sender (550 5.7.60),
#   - a fake OAuth authorization server (fake_oauth.py: the authorize page over HTTP, the token
#     endpoint over HTTPS with the test CA, PKCE checked),
#   - three `php -S` web servers on the same site:
#       A  with the extension loaded (-d extension=modules/smtp.so)   the normal case
#       B  without the extension                                      the plugin's notice, the site still works
#       C  with the extension and smtp.allow_runtime_config=0         a host that locked the settings
#       D  with the extension, smtp.spool_dir and smtp.log (a file)  the queue box, the log page
#     and a fourth for a second WordPress installed as a subdirectory multisite (.build/e2e/www-ms,
#     database wpms: the main site, /site2/ and its own administrator; a router script does the
#     rewriting WordPress's .htaccess would do),
#     All three have a sendmail_path that captures what PHP's own transport would send.
# then runs the browser tests (php_tests/e2e/e2e.mjs: headless Chromium driven by playwright-core).
# Prints one line per test and "N passed, N failed"; exits non-zero when anything failed.
# Screenshots: .build/e2e-artifacts/ (a test that fails leaves NN-name-FAILED.png).
# Installs what it needs: apt (wordpress wordpress-theme-twentytwentythree mariadb-server chromium php-mysql) and npm (playwright-core
# from package-lock.json into php_tests/e2e/node_modules).
#   E2E_KEEP=1  leaves .build/e2e in place (logs, captured mail) for a look afterwards.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
W=$top/.build/e2e
ART=$top/.build/e2e-artifacts
LOGS=$W/logs
PHP=${PHP:-php}
PY=/usr/bin/python3
T0=$SECONDS

say() { echo "# $*"; }
fatal() { # a setup step failed: report it as one failed test, with the end of its log
	echo "not ok - setup: $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2" | sed 's/^/#   /'
	echo "0 passed, 1 failed"
	exit 1
}

pids=()   # process-group leaders to stop (each was started with setsid)
cleanup() {
	local p i
	for p in "${pids[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL -- "-$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # seconds, command...: polls every 0.1 s
	local n=$(($1 * 10)) i; shift
	for i in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

# ---------------------------------------------------------------- dependencies
rm -rf "$W" "$ART"
mkdir -p "$LOGS" "$ART" || fatal "cannot create $W"

need=()
for p in wordpress wordpress-theme-twentytwentythree mariadb-server chromium php-mysql; do
	dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	say "apt-get install ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${need[@]}" >"$LOGS/apt.log" 2>&1 ||
		{ apt-get update -q >>"$LOGS/apt.log" 2>&1 &&
		  apt-get install -y -q --no-install-recommends "${need[@]}" >>"$LOGS/apt.log" 2>&1; } ||
		fatal "apt-get install ${need[*]} failed" "$LOGS/apt.log"
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
	say "npm ci (playwright-core)"
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS/npm.log" 2>&1 ||
		fatal "npm ci failed" "$LOGS/npm.log"
fi
if [ ! -f "$top/modules/smtp.so" ]; then
	say "tools/build.sh"
	(cd "$top" && tools/build.sh) >"$LOGS/build.log" 2>&1 || fatal "tools/build.sh failed" "$LOGS/build.log"
fi
EXT=$top/modules/smtp.so
$PHP -d extension="$EXT" -r 'exit(extension_loaded("smtp") ? 0 : 1);' 2>"$LOGS/ext.log" ||
	fatal "modules/smtp.so does not load" "$LOGS/ext.log"
$PHP -r 'exit(extension_loaded("mysqli") ? 0 : 1);' || fatal "PHP has no mysqli (php-mysql)"

# ---------------------------------------------------------------- MariaDB (private instance)
say "mariadb"
DBDIR=$W/db
mkdir -p "$DBDIR"
mariadb-install-db --no-defaults --datadir="$DBDIR/data" --user=root --skip-test-db \
	--auth-root-authentication-method=normal >"$LOGS/mariadb-install.log" 2>&1 ||
	fatal "mariadb-install-db failed" "$LOGS/mariadb-install.log"
setsid mariadbd --no-defaults --datadir="$DBDIR/data" --socket="$DBDIR/sock" --pid-file="$DBDIR/pid" \
	--skip-networking --user=root --innodb-buffer-pool-size=32M --log-error="$LOGS/mariadb.err" \
	</dev/null >/dev/null 2>&1 &
pids+=($!)
wait_for 30 mariadb-admin --no-defaults --socket="$DBDIR/sock" -uroot ping || fatal "mariadbd did not start" "$LOGS/mariadb.err"
mariadb --no-defaults --socket="$DBDIR/sock" -uroot <<'SQL' || fatal "creating the database failed"
CREATE DATABASE wp DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp-db-pass';
GRANT ALL PRIVILEGES ON wp.* TO 'wp'@'localhost';
SQL

# ---------------------------------------------------------------- test SMTP server
say "smtp server"
bash "$top/php_tests/servers/certs.bash" "$W/certs" >"$LOGS/certs.log" 2>&1 || fatal "certs.bash failed" "$LOGS/certs.log"
export SMTP_USER=mailer@example.com
export SMTP_PASS=E2e-app-pass-7Hq2Zx91
# OAuth: the fake authorization server's app and tokens; the SMTP server takes the access token (XOAUTH2).
export OAUTH_USER=oauth-mailbox@example.com OAUTH_CLIENT_ID=e2e-client-4711.apps.example
export OAUTH_CLIENT_SECRET=E2e-client-secret-Qw8Lp3 OAUTH_REFRESH_TOKEN=1//e2e-refresh-token-Zr4Nb7
export OAUTH_ACCESS_TOKEN=ya29.e2e-access-token-Hk2Vm5
mkdir -p "$W/capture"
setsid $PY "$top/php_tests/servers/smtp_server.py" --port-file "$W/smtp.port" --hostname mail.e2e.test \
	--tls-cert "$W/certs/server.pem" --tls-key "$W/certs/server.key" --starttls \
	--auth "PLAIN LOGIN XOAUTH2" --user "$SMTP_USER:$SMTP_PASS" --user "$OAUTH_USER:$OAUTH_ACCESS_TOKEN" --capture-dir "$W/capture" \
	--fault 'rcpt:nobody@example.net=550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown' \
	--transcript "$W/smtp-transcript.txt" --idle-exit 900 --max-lifetime 1200 --parent-pid $$ \
	</dev/null >"$LOGS/smtp-server.log" 2>&1 &
pids+=($!)
wait_for 10 test -s "$W/smtp.port" || fatal "smtp_server.py did not start" "$LOGS/smtp-server.log"
export SMTP_PORT=$(cat "$W/smtp.port")
# More test servers that refuse every sender with one fault: NAME HOSTNAME FAULT (port in $W/smtp-NAME.port).
faulty_smtp() {
	setsid $PY "$top/php_tests/servers/smtp_server.py" --port-file "$W/smtp-$1.port" --hostname "$2" \
		--tls-cert "$W/certs/server.pem" --tls-key "$W/certs/server.key" --starttls \
		--auth "PLAIN LOGIN" --user "$SMTP_USER:$SMTP_PASS" --capture-dir "$W/capture-$1" --fault "$3" \
		--idle-exit 900 --max-lifetime 1200 --parent-pid $$ </dev/null >"$LOGS/smtp-$1.log" 2>&1 &
	pids+=($!)
	wait_for 10 test -s "$W/smtp-$1.port" || fatal "the $1 smtp_server.py did not start" "$LOGS/smtp-$1.log"
}
# One that refuses every sender as Microsoft 365 does for a login without send-as rights (the check's
# sender probe), and one that answers 451 as a server that is down for now (the spool's test).
faulty_smtp refuse refuse.e2e.test 'mail=550 5.7.60 SMTP; Client does not have permissions to send as this sender'
faulty_smtp 451 later.e2e.test 'mail=451 4.3.0 Try again later'
export SMTP_PORT_REFUSE=$(cat "$W/smtp-refuse.port") SMTP_PORT_451=$(cat "$W/smtp-451.port")

# ---------------------------------------------------------------- fake OAuth authorization server
say "oauth server"
setsid $PY "$here/fake_oauth.py" --cert "$W/certs/server.pem" --key "$W/certs/server.key" --port-file "$W/oauth.ports" \
	--log "$W/oauth.log" --client-id "$OAUTH_CLIENT_ID" --client-secret "$OAUTH_CLIENT_SECRET" \
	--refresh-token "$OAUTH_REFRESH_TOKEN" --access-token "$OAUTH_ACCESS_TOKEN" --parent-pid $$ --max-lifetime 1200 \
	</dev/null >"$LOGS/oauth-server.log" 2>&1 &
pids+=($!)
wait_for 10 test -s "$W/oauth.ports" || fatal "fake_oauth.py did not start" "$LOGS/oauth-server.log"
read -r OAUTH_AUTHZ_PORT OAUTH_TOKEN_PORT <"$W/oauth.ports"
export OAUTH_AUTHZ_PORT OAUTH_TOKEN_PORT

# ---------------------------------------------------------------- WordPress
say "wordpress"
WWW=$W/www
cp -rL /usr/share/wordpress "$WWW" || fatal "copying /usr/share/wordpress failed"
rm -f "$WWW/wp-config.php" "$WWW/.htaccess"
cp -r "$top/wordpress/native-smtp" "$WWW/wp-content/plugins/native-smtp" || fatal "copying the plugin failed"
mkdir -p "$WWW/wp-content/mu-plugins"
cp "$here/mu-e2e-helper.inc" "$WWW/wp-content/mu-plugins/e2e-helper.php"
PORT_A=$(free_port); PORT_B=$(free_port); PORT_C=$(free_port); PORT_D=$(free_port)
salts=$($PHP -r 'foreach (["AUTH_KEY","SECURE_AUTH_KEY","LOGGED_IN_KEY","NONCE_KEY","AUTH_SALT","SECURE_AUTH_SALT","LOGGED_IN_SALT","NONCE_SALT"] as $k) printf("define(%s, %s);\n", var_export($k, true), var_export(bin2hex(random_bytes(32)), true));')
cat >"$WWW/wp-config.php" <<PHP
<?php
// Written by php_tests/e2e/run.bash for one test run.
define( 'DB_NAME', 'wp' ); define( 'DB_USER', 'wp' ); define( 'DB_PASSWORD', 'wp-db-pass' );
define( 'DB_HOST', 'localhost:$DBDIR/sock' ); define( 'DB_CHARSET', 'utf8mb4' ); define( 'DB_COLLATE', '' );
$salts
\$table_prefix = 'wp_';
// The same site answers on three ports (with, without and with a locked extension).
\$e2e_host = isset( \$_SERVER['HTTP_HOST'] ) && preg_match( '/^127\.0\.0\.1:[0-9]+\$/', \$_SERVER['HTTP_HOST'] ) ? \$_SERVER['HTTP_HOST'] : '127.0.0.1:$PORT_A';
define( 'WP_HOME', 'http://' . \$e2e_host ); define( 'WP_SITEURL', 'http://' . \$e2e_host );
define( 'WP_HTTP_BLOCK_EXTERNAL', true ); define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false ); define( 'DISABLE_WP_CRON', true ); define( 'FS_METHOD', 'direct' );
define( 'WP_DEBUG', true ); define( 'WP_DEBUG_DISPLAY', false ); define( 'WP_DEBUG_LOG', '$LOGS/wp-debug.log' );
define( 'E2E_LOG_DIR', '$LOGS' );
// Constants a test puts in place (NATIVE_SMTP_*, WPMS_*), like a site owner editing wp-config.php.
if ( is_file( '$W/wp-constants.php' ) ) { require '$W/wp-constants.php'; }
if ( ! defined( 'ABSPATH' ) ) { define( 'ABSPATH', __DIR__ . '/' ); }
require_once ABSPATH . 'wp-settings.php';
PHP
export E2E_W=$W E2E_WWW=$WWW E2E_HOST=127.0.0.1:$PORT_A
export WP_ADMIN_USER=admin WP_ADMIN_PASS=Admin-pass-e2e-1 WP_ADMIN_EMAIL=admin@example.com
export WP_EDITOR_USER=editor WP_EDITOR_PASS=Editor-pass-e2e-2 WP_EDITOR_EMAIL=editor@example.com
$PHP "$here/wp-setup.inc" >"$LOGS/wp-setup.log" 2>&1 || fatal "WordPress install failed" "$LOGS/wp-setup.log"

# ---------------------------------------------------------------- WordPress multisite (subdirectory)
# A second WordPress, installed as a network of sites with WordPress's own functions (ms-setup.inc),
# served by `php -S` with a router that does what WordPress's .htaccess does for /site2/.
say "wordpress multisite"
mariadb --no-defaults --socket="$DBDIR/sock" -uroot <<'SQL' || fatal "creating the multisite database failed"
CREATE DATABASE wpms DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON wpms.* TO 'wp'@'localhost';
SQL
WWWM=$W/www-ms
cp -rL /usr/share/wordpress "$WWWM" || fatal "copying /usr/share/wordpress failed"
rm -f "$WWWM/wp-config.php" "$WWWM/.htaccess"
cp -r "$top/wordpress/native-smtp" "$WWWM/wp-content/plugins/native-smtp" || fatal "copying the plugin failed"
mkdir -p "$WWWM/wp-content/mu-plugins"
cp "$here/mu-e2e-helper.inc" "$WWWM/wp-content/mu-plugins/e2e-helper.php"
cp "$here/ms-router.inc" "$W/ms-router.php"
PORT_M=$(free_port)
cat >"$WWWM/wp-config.php" <<PHP
<?php
// Written by php_tests/e2e/run.bash for one test run: the multisite network.
define( 'DB_NAME', 'wpms' ); define( 'DB_USER', 'wp' ); define( 'DB_PASSWORD', 'wp-db-pass' );
define( 'DB_HOST', 'localhost:$DBDIR/sock' ); define( 'DB_CHARSET', 'utf8mb4' ); define( 'DB_COLLATE', '' );
$salts
\$table_prefix = 'wp_';
define( 'WP_HTTP_BLOCK_EXTERNAL', true ); define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false ); define( 'DISABLE_WP_CRON', true ); define( 'FS_METHOD', 'direct' );
define( 'WP_DEBUG', true ); define( 'WP_DEBUG_DISPLAY', false ); define( 'WP_DEBUG_LOG', '$LOGS/wp-ms-debug.log' );
define( 'E2E_LOG_DIR', '$LOGS' );
if ( is_file( '$W/ms-on' ) ) { // written once ms-setup.inc has made the network tables
	define( 'WP_ALLOW_MULTISITE', true ); define( 'MULTISITE', true ); define( 'SUBDOMAIN_INSTALL', false );
	define( 'DOMAIN_CURRENT_SITE', '127.0.0.1:$PORT_M' ); define( 'PATH_CURRENT_SITE', '/' );
	define( 'SITE_ID_CURRENT_SITE', 1 ); define( 'BLOG_ID_CURRENT_SITE', 1 );
}
if ( is_file( '$W/wp-ms-constants.php' ) ) { require '$W/wp-ms-constants.php'; }
if ( ! defined( 'ABSPATH' ) ) { define( 'ABSPATH', __DIR__ . '/' ); }
require_once ABSPATH . 'wp-settings.php';
PHP
export E2E_MS_WWW=$WWWM E2E_MS_HOST=127.0.0.1:$PORT_M
export WP_SITEADMIN_USER=siteadmin WP_SITEADMIN_PASS=Siteadmin-pass-e2e-3 WP_SITEADMIN_EMAIL=siteadmin@example.com
$PHP "$here/ms-setup.inc" network >"$LOGS/wp-ms-setup.log" 2>&1 || fatal "WordPress multisite install failed" "$LOGS/wp-ms-setup.log"
touch "$W/ms-on"
$PHP "$here/ms-setup.inc" sites >>"$LOGS/wp-ms-setup.log" 2>&1 || fatal "WordPress multisite sites failed" "$LOGS/wp-ms-setup.log"

# A sendmail stand-in: what PHP's own mail transport would have sent (one file per message).
mkdir -p "$W/bin" "$W/sendmail"
cat >"$W/bin/sendmail" <<SH
#!/bin/sh
f="$W/sendmail/\$(date +%s%N).eml"
{ echo "X-Sendmail-Args: \$*"; cat; } >"\$f.tmp" && mv "\$f.tmp" "\$f"
SH
chmod +x "$W/bin/sendmail"

# ---------------------------------------------------------------- web servers
say "web servers on $PORT_A (extension), $PORT_B (no extension), $PORT_C (locked), $PORT_D (spool), $PORT_M (multisite)"
web() { # name port extra php -d options...
	local name=$1 port=$2; shift 2
	PHP_CLI_SERVER_WORKERS=4 setsid $PHP -d sendmail_path="$W/bin/sendmail -t -i" -d display_errors=0 \
		-d log_errors=1 -d error_log="$LOGS/php-errors.log" -d opcache.enable_cli=1 -d opcache.revalidate_freq=0 \
		-d smtp.cafile="$W/certs/ca.pem" "$@" -S "127.0.0.1:$port" -t "$WWW" \
		</dev/null >"$LOGS/php-$name.log" 2>&1 &
	pids+=($!)
}
web A "$PORT_A" -d extension="$EXT"
web B "$PORT_B"
web C "$PORT_C" -d extension="$EXT" -d smtp.allow_runtime_config=0
mkdir -p "$W/spool"
web D "$PORT_D" -d extension="$EXT" -d smtp.spool_dir="$W/spool" -d smtp.log="$W/smtp.log"
PHP_CLI_SERVER_WORKERS=4 setsid $PHP -d sendmail_path="$W/bin/sendmail -t -i" -d display_errors=0 \
	-d log_errors=1 -d error_log="$LOGS/php-errors.log" -d opcache.enable_cli=1 -d opcache.revalidate_freq=0 \
	-d smtp.cafile="$W/certs/ca.pem" -d extension="$EXT" -S "127.0.0.1:$PORT_M" -t "$WWWM" "$W/ms-router.php" \
	</dev/null >"$LOGS/php-M.log" 2>&1 &
pids+=($!)
for port in "$PORT_A" "$PORT_B" "$PORT_C" "$PORT_D" "$PORT_M"; do
	wait_for 20 curl -fsS -o /dev/null "http://127.0.0.1:$port/wp-login.php" ||
		fatal "php -S on $port did not answer" "$LOGS/php-A.log"
done
say "setup took $((SECONDS - T0)) s"

# ---------------------------------------------------------------- the tests
export E2E_URL_A=http://127.0.0.1:$PORT_A E2E_URL_B=http://127.0.0.1:$PORT_B E2E_URL_C=http://127.0.0.1:$PORT_C
export E2E_URL_M=http://127.0.0.1:$PORT_M E2E_URL_D=http://127.0.0.1:$PORT_D
export E2E_ART=$ART E2E_TOP=$top E2E_EXT=$EXT E2E_PHP=$PHP
timeout 900 node "$here/e2e.mjs"
rc=$?
[ $rc -eq 124 ] && { echo "not ok - the browser tests did not finish within 900 s"; echo "0 passed, 1 failed"; }
cleanup
say "total $((SECONDS - T0)) s"
if [ -z "${E2E_KEEP:-}" ] && [ $rc -eq 0 ]; then
	rm -rf "$W"
else
	say "logs, captured mail and the site: $W"
fi
exit $rc
