#!/usr/bin/env bash
# Installs what building and testing need on Debian 12 (as root). Idempotent and quiet when
# everything is already there.
set -euo pipefail
#   tools/deps.sh          everything the full test run needs
#   tools/deps.sh build    only what building and the demo need
pkgs=(php8.2-dev php8.2-cli libssl-dev libc-ares-dev libcurl4-openssl-dev openssl pkg-config make gcc python3)
if [ "${1:-}" != "build" ]; then
	pkgs+=(php-pear postfix sasl2-bin libsasl2-modules swaks valgrind clang libclang-rt-14-dev libphp-phpmailer python3-dkim python3-nacl clang-format-16 php8.2-fpm libfcgi-bin php8.2-mbstring php8.2-cgi composer rsync debootstrap xz-utils zlib1g-dev)
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Postfix must not try to configure itself for the internet; the tests configure their own.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	apt-get update -qq
	apt-get install -y -qq "${missing[@]}" >/dev/null
fi
