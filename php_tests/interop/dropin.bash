#!/usr/bin/env bash
# The drop-in proof: the same list of mail() calls (dropin_cases.inc) sent once through stock mail()
# (no extension; sendmail_path = Postfix's "sendmail -t -i", the real Postfix of postfix.bash, which
# relays to the capture sink) and once through the extension (smtp.host = the capture sink itself,
# encryption none), then compared case by case (dropin_compare.inc says exactly what is compared).
#
#   php_tests/interop/dropin.bash            start Postfix + sink, run both halves, compare, stop
#   DROPIN_STOCK_ONLY=1 ...                  only run (and show) the stock half
#   DROPIN_ONLY=3,7 ...                      only these case numbers
#   DROPIN_KEEP=1 ...                        keep the run directory (default: removed on success)
# Prints one PASS/FAIL line per case and "N passed, N failed"; exits non-zero on any failure.
#
# smtp.encryption is given as "none" in quotes: unquoted, PHP's ini parser turns the word none into "".
# The extension run sets smtp.from=root@mx.test.localhost and smtp.from_name=root. Stock sendmail
# submits as the Unix user running PHP (root here: envelope sender root@$myorigin, and a From:
# "root <...>" made from the passwd full name when the message has none); smtp.from/smtp.from_name
# are the extension's equivalent of that identity, so the cases without -f compare like for like.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
php=${PHP:-php}
rundir=$(mktemp -d /tmp/smtp-dropin.XXXXXX)
chmod 755 "$rundir"
out=$rundir/out
mkdir -p "$out/stock" "$out/ext"

cleanup() {
	"$here/postfix.bash" stop "$rundir/pf" >/dev/null 2>&1 || echo "warning: postfix.bash stop failed" >&2
}
trap cleanup EXIT

fail_all() {
	echo "FAIL $*"
	echo "0 passed, 1 failed"
	exit 1
}

if ! "$here/postfix.bash" start "$rundir/pf"; then
	fail_all "could not start Postfix and the capture sink (see $rundir/pf)"
fi
sink=$rundir/pf/sink
export MAIL_CONFIG=$rundir/pf/etc

echo "== stock mail() -> /usr/sbin/sendmail -t -i -> Postfix -> sink"
"$php" "$here/dropin_run.inc" "$out/stock" "$sink" 60 \
	"$php" -d "sendmail_path=/usr/sbin/sendmail -t -i" -d smtp.host= ||
	echo "(some stock runs failed; the comparison shows which)"

# Nothing may be left in Postfix's queue or at the sink before the extension's half starts.
for ((i = 0; i < 100; i++)); do
	if [ -z "$(find "$rundir/pf/queue/incoming" "$rundir/pf/queue/active" "$rundir/pf/queue/deferred" \
		"$rundir/pf/queue/maildrop" -type f 2>/dev/null | head -n 1)" ]; then break; fi
	sleep 0.1
done
if [ -n "$(ls -A "$sink")" ]; then
	echo "warning: unexpected messages at the sink after the stock half: $(ls "$sink" | tr '\n' ' ')"
	mkdir -p "$rundir/stray" && mv "$sink"/* "$rundir/stray/"
fi

if [ -n "${DROPIN_STOCK_ONLY:-}" ]; then
	for f in "$out"/stock/*.1.eml; do
		echo "---- $f"; head -c 2000 "$f" | cat -A | head -n 30
	done
	echo "stock half only: results in $out/stock"
	DROPIN_KEEP=1
	trap 'cleanup' EXIT
	exit 0
fi

so=${SMTP_SO:-$top/modules/smtp.so}
if [ ! -f "$so" ]; then
	echo "modules/smtp.so missing; building it"
	"$top/tools/build.sh" >/dev/null 2>&1 || true
fi
[ -f "$so" ] || fail_all "extension not built ($so missing; tools/build.sh failed)"

echo "== extension mail() -> sink (127.0.0.1:2525, no TLS)"
unset MAIL_CONFIG
"$php" "$here/dropin_run.inc" "$out/ext" "$sink" 30 \
	"$php" -d "extension=$so" -d smtp.host=127.0.0.1 -d smtp.port=2525 -d 'smtp.encryption="none"' \
	-d smtp.from=root@mx.test.localhost -d smtp.from_name=root -d smtp.timeout=30 \
	-d sendmail_path=/bin/false ||
	echo "(some extension runs failed; the comparison shows which)"

echo "== comparison"
"$php" "$here/dropin_compare.inc" "$out"
rc=$?
if [ $rc -ne 0 ] || [ -n "${DROPIN_KEEP:-}" ]; then
	# keep the evidence, but not the 8 MB copies (unless asked to keep everything)
	[ -n "${DROPIN_KEEP:-}" ] || find "$out" -name '*.eml' -size +1M -delete
	echo "(run directory kept: $rundir)"
else
	trap - EXIT
	cleanup
	rm -rf "$rundir"
fi
exit $rc
