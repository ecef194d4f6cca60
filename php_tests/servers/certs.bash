#!/usr/bin/env bash
# Generates the test certificates into DIR (reused when already complete and not about to expire):
#   ca.pem / ca.key               a test certificate authority
#   server.pem / server.key       localhost (SAN DNS:localhost, IP:127.0.0.1, IP:::1), signed by the CA
#   selfsigned.pem / selfsigned.key   localhost, self-signed (not signed by the CA)
#   wrongname.pem / wrongname.key     wrong.example.net only, signed by the CA
# Certificates are made at test time and never committed. Safe to run concurrently: the set is
# built in a private directory and renamed into place.
#   php_tests/servers/certs.bash DIR
set -euo pipefail
dir=${1:?usage: certs.bash DIR}

complete() {
	[ -f "$1/complete" ] && openssl x509 -checkend 86400 -noout -in "$1/server.pem" >/dev/null 2>&1
}
complete "$dir" && exit 0

parent=$(dirname "$dir")
mkdir -p "$parent"
tmp=$(mktemp -d "$dir.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

newkey ca.key
openssl req -x509 -new -key ca.key -sha256 -days 30 -subj "/O=smtp extension tests/CN=smtp test CA" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	-addext "subjectKeyIdentifier=hash" -out ca.pem 2>/dev/null

sign() { # name CN SAN
	newkey "$1.key"
	openssl req -new -key "$1.key" -subj "/O=smtp extension tests/CN=$2" -out "$1.csr" 2>/dev/null
	printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
		"extendedKeyUsage=serverAuth" "subjectAltName=$3" "subjectKeyIdentifier=hash" \
		"authorityKeyIdentifier=keyid" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 30 \
		-extfile "$1.ext" -out "$1.pem" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}
sign server localhost "DNS:localhost,IP:127.0.0.1,IP:::1"
sign wrongname wrong.example.net "DNS:wrong.example.net"

newkey selfsigned.key
openssl req -x509 -new -key selfsigned.key -sha256 -days 30 -subj "/O=smtp extension tests/CN=localhost" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" -out selfsigned.pem 2>/dev/null

openssl verify -CAfile ca.pem server.pem >/dev/null
chmod 644 ./*.pem ./*.key
touch complete
cd /
if [ -d "$dir" ]; then
	if complete "$dir"; then exit 0; fi   # made by a concurrent run meanwhile
	rm -rf "$dir.old.$$" && mv "$dir" "$dir.old.$$" && rm -rf "$dir.old.$$"
fi
if ! mv -T "$tmp" "$dir" 2>/dev/null; then
	complete "$dir" || { echo "certs.bash: could not install certificates into $dir" >&2; exit 1; }
fi
trap - EXIT
