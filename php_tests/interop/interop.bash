#!/usr/bin/env bash
# Interop tests: the extension's mail() against a real Postfix submission server (postfix.bash):
# 127.0.0.1:10587 STARTTLS + SASL and 127.0.0.1:10465 implicit TLS + SASL, certificate verified with
# the test CA, messages checked byte for byte at the capture sink Postfix relays to.
#   php_tests/interop/interop.bash          (INTEROP_KEEP=1 keeps the run directory)
# Then api_check.inc checks smtp_check() and smtp_test_send() against the same Postfix, and
# dkim_relay.inc sends the drop-in set signed (RSA, Ed25519, both) through it and has python3-dkim
# verify every copy Postfix delivered.
# Prints one line per check and "N passed, N failed" (both together); exits non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
php=${PHP:-php}
rundir=$(mktemp -d /tmp/smtp-interop.XXXXXX)
chmod 755 "$rundir"

cleanup() {
	"$here/postfix.bash" stop "$rundir/pf" >/dev/null 2>&1 || echo "warning: postfix.bash stop failed" >&2
}
trap cleanup EXIT

so=${SMTP_SO:-$top/modules/smtp.so}
if [ ! -f "$so" ]; then
	echo "modules/smtp.so missing; building it"
	"$top/tools/build.sh" >/dev/null 2>&1 || true
fi
if [ ! -f "$so" ]; then
	echo "FAIL extension not built ($so missing; tools/build.sh failed)"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! "$here/postfix.bash" start "$rundir/pf"; then
	echo "FAIL could not start Postfix and the capture sink (see $rundir/pf)"
	echo "0 passed, 1 failed"
	exit 1
fi

"$php" -d "extension=$so" -d sendmail_path=/bin/false "$here/interop_check.inc" "$rundir/pf" | tee "$rundir/mail.out"
rc=${PIPESTATUS[0]}
# smtp_check() / smtp_test_send() against the same Postfix run
"$php" -d "extension=$so" -d sendmail_path=/bin/false "$here/api_check.inc" "$rundir/pf" | tee "$rundir/api.out"
rc_api=${PIPESTATUS[0]}
[ "$rc" -ne 0 ] || rc=$rc_api
# DKIM signatures still verify after Postfix relayed the messages
"$php" -d mail.add_x_header=0 "$here/dkim_relay.inc" "$rundir/pf" "$so" | tee "$rundir/dkim.out"
rc_dkim=${PIPESTATUS[0]}
[ "$rc" -ne 0 ] || rc=$rc_dkim
# one total for all three: the last "N passed, N failed" line is the stage's result
p=0; f=0
for out in "$rundir/mail.out" "$rundir/api.out" "$rundir/dkim.out"; do
	line=$(grep -aE '(^|: )[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $(basename "$out" .out) checks printed no result"; f=$((f + 1)); rc=1; continue
	fi
	p=$((p + $(printf '%s' "$line" | sed -E 's/.*(^|[^0-9])([0-9]+) passed.*/\2/')))
	f=$((f + $(printf '%s' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
done
echo "$p passed, $f failed"
if [ $rc -ne 0 ] || [ -n "${INTEROP_KEEP:-}" ]; then
	echo "(run directory kept: $rundir; Postfix log: $rundir/pf/maillog)"
else
	trap - EXIT
	cleanup
	rm -rf "$rundir"
fi
exit $rc
