#!/usr/bin/env bash
# The smoke check of an installed or freshly built module: mail() through it reaches the project's
# test SMTP server (started here on an ephemeral loopback port, stopped by its pid) with the right
# envelope, and phpversion('smtp') is the version of ext/php_smtp.h. Used by run.bash (PECL, PIE)
# and by the PHP matrix (php_tests/matrix/pecl.bash) with that PHP first on PATH.
#   bash php_tests/packaging/smoke.bash NAME PHP-ARGS...     e.g. -d extension=/path/smtp.so
# Prints "ok   - NAME ..." or "FAIL - NAME" with the details; exits 0 or 1.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
python=/usr/bin/python3
name=$1; shift
version=$(sed -n 's/^#define PHP_SMTP_VERSION "\(.*\)"/\1/p' "$top/ext/php_smtp.h")
work=$(mktemp -d /tmp/smtp-smoke.XXXXXX)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/capture"
"$python" "$top/php_tests/servers/smtp_server.py" --port 0 --port-file "$work/port" --capture-dir "$work/capture" \
	--idle-exit 30 --max-lifetime 120 --parent-pid $$ >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port" 2>/dev/null)
if [ -z "$port" ]; then
	echo "FAIL - $name: the test SMTP server did not start"; sed 's/^/       /' "$work/server.log"; exit 1
fi
nonce="smoke-$$-$RANDOM"
out=$(timeout 60 php -n "$@" \
	-d smtp.host=127.0.0.1 -d smtp.port="$port" -d smtp.encryption=none -d smtp.timeout=10 \
	-d smtp.from=packager@example.org -r '
		$ok = mail("smoke@example.org", $argv[1], "Sent through the installed extension.\n");
		echo json_encode(["mail" => $ok, "version" => phpversion("smtp"),
			"error" => $ok ? null : (smtp_last_error()["error"] ?? null)]), "\n";' "$nonce" 2>&1)
got=$("$python" - "$work/capture" "$nonce" <<'PY'
import glob, json, sys
for j in sorted(glob.glob(sys.argv[1] + "/*.json")):
    m = json.load(open(j))
    eml = open(j[:-5] + ".eml", "rb").read().decode("utf-8", "replace")
    if m.get("accepted") and "Subject: " + sys.argv[2] in eml:
        print("%s %s" % (m.get("mail_from"), ",".join(m.get("rcpt_to", []))))
PY
)
if printf '%s' "$out" | grep -q "\"mail\":true,\"version\":\"$version\"" \
	&& [ "$got" = "packager@example.org smoke@example.org" ]; then
	echo "ok   - $name (version $version, PHP $(php -n -r 'echo PHP_VERSION;')): mail() delivered to 127.0.0.1:$port, envelope $got"
	exit 0
fi
echo "FAIL - $name: mail() through the extension"
printf '%s\n' "php: $out" "server captured: ${got:-nothing}" "$(tail -n 5 "$work/server.log")" | sed 's/^/       /'
exit 1
