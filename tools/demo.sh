#!/usr/bin/env bash
# The main job, end to end: builds the extension, starts a local SMTP server (the project's test
# server: STARTTLS with a certificate made now, AUTH, PIPELINING) on 127.0.0.1, sends one message
# with plain PHP mail() through the extension, and prints the session transcript and the message
# exactly as the server received it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash tools/deps.sh build
tools/build.sh

run=$(mktemp -d /tmp/smtp-demo.XXXXXX)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$run"; }
trap cleanup EXIT

bash php_tests/servers/certs.bash "$run/certs" >/dev/null
/usr/bin/python3 php_tests/servers/smtp_server.py --listen 127.0.0.1 --port 0 --port-file "$run/port" \
	--starttls --tls-cert "$run/certs/server.pem" --tls-key "$run/certs/server.key" \
	--auth "PLAIN LOGIN CRAM-MD5" --auth-requires-tls --user "demo@example.com:app-password-1234" --require-auth \
	--capture-dir "$run/mail" --transcript "$run/transcript.log" --idle-exit 60 --parent-pid $$ &
server_pid=$!
for _ in $(seq 50); do [ -s "$run/port" ] && break; sleep 0.1; done
port=$(cat "$run/port")

cat > "$run/send.php" <<'PHP'
<?php
$ok = mail(
    '"Doe, Jane" <jane@example.org>',
    'Hello from mail() over SMTP',
    "Hi Jane,\n\nthis message went through PHP's mail(), the smtp extension, STARTTLS and AUTH.\n.\nThat line above was a lone dot.\n",
    ['From' => 'Demo Site <demo@example.com>', 'Cc' => 'ops@example.org', 'Bcc' => 'audit@example.org']
);
echo "mail() returned ", var_export($ok, true), "\n";
if (!$ok) { print_r(smtp_last_error()); exit(1); }
PHP

echo "== php -d extension=modules/smtp.so -d smtp.host=127.0.0.1 -d smtp.port=$port -d smtp.encryption=tls ... send.php"
DEMO_SMTP_PASSWORD=app-password-1234 php -d extension="$top/modules/smtp.so" \
	-d smtp.host=127.0.0.1 -d smtp.port="$port" -d smtp.encryption=tls \
	-d smtp.cafile="$run/certs/ca.pem" -d smtp.username=demo@example.com \
	-d smtp.password=env:DEMO_SMTP_PASSWORD -d smtp.timeout=10 \
	"$run/send.php" </dev/null
echo
echo "== session transcript (as the server saw it; AUTH payload masked here, the client never logs it)"
# The server logs everything it reads; mask what the client sent after a 334 and any AUTH initial response.
awk '{ if (after334 && $0 ~ / C: /) sub(/ C: .*/, " C: ********"); after334 = ($0 ~ / S: 334/); print }' "$run/transcript.log" \
	| sed -E 's/( C: AUTH [A-Za-z0-9-]+) .+$/\1 ********/'
echo
echo "== envelope"
cat "$run/mail/"*.json; echo
echo "== message as delivered"
cat "$run/mail/"*.eml
