#!/usr/bin/env bash
# Makes one PHP of the matrix (php_tests/matrix/phps.txt) and caches it outside the tree, keyed by
# what made it, so later runs on the same machine reuse it (CI starts from a fresh clone: a cache in
# the tree would always be empty). Sourced by run.bash; also usable alone:
#   bash php_tests/matrix/provision.bash 8.4        makes it (or finds it) and prints where it is
#
# After `matrix_provision NAME` these are set:
#   MX_ROOT     the chroot to run in, or "" for this machine
#   MX_PHP      the php binary (a path inside MX_ROOT), MX_PHPIZE and MX_PHP_CONFIG likewise
#   MX_RUNNER   run-tests.php of that PHP (inside MX_ROOT)
# and `matrix_in CMD...` runs a command there (in the chroot with /proc and /dev in a private mount
# namespace, so nothing stays mounted when it ends).
#   SMTP_MATRIX_CACHE   where the cache lives (default /var/cache/smtp-php-matrix)
set -uo pipefail

MX_CACHE=${SMTP_MATRIX_CACHE:-/var/cache/smtp-php-matrix}
MX_MIRROR=${SMTP_MATRIX_MIRROR:-$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)}
MX_MIRROR=${MX_MIRROR:-http://deb.debian.org/debian}
MX_LIST="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/phps.txt"
# What the tests need inside a chroot besides PHP: the build chain and libraries, the test servers
# (python3, openssl), the independent DKIM verifier and Debian's PHPMailer (the peers tests).
MX_CHROOT_PKGS="make gcc pkg-config libssl-dev libcurl4-openssl-dev libc-ares-dev python3 python3-dkim python3-nacl ca-certificates openssl libphp-phpmailer procps"

mx_log() { echo "matrix: $*" >&2; }

mx_host_pkgs() {  # package...: installs what is missing on this machine (apt-get update once if needed)
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
		|| { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; } \
		|| { mx_log "cannot install ${missing[*]}"; return 1; }
}

mx_key() {  # text...: a short key of what makes a cache entry (the recipe's text and its inputs)
	printf '%s\n' "$@" | sha256sum | cut -c1-12
}

mx_line() {  # name: "how what..." of that PHP in phps.txt
	awk -v n="$1" '!/^#/ && $1 == n { $1 = ""; sub(/^ +/, ""); print; exit }' "$MX_LIST"
}

mx_names() { awk '!/^#/ && NF { print $1 }' "$MX_LIST"; }

# A Debian chroot of a suite with the test prerequisites; every PHP version of that suite is
# installed into it on demand (8.5 and 8.6 share sid's).
mx_make_chroot() {  # suite -> sets MX_ROOT
	local suite=$1 key dir tmp
	key=$(mx_key "$suite" "$MX_MIRROR" "$MX_CHROOT_PKGS" "$(declare -f mx_make_chroot)")
	dir="$MX_CACHE/chroot-$suite-$key"
	MX_ROOT=$dir
	[ -f "$dir/.smtp-ready" ] && return 0
	mx_host_pkgs debootstrap || return 1
	tmp="$dir.tmp"; rm -rf "$tmp"
	mx_log "debootstrap $suite into $dir (a few minutes, once per machine)"
	debootstrap --variant=minbase "$suite" "$tmp" "$MX_MIRROR" >"$MX_CACHE/debootstrap-$suite.log" 2>&1 \
		|| { mx_log "debootstrap $suite failed: $(tail -n 3 "$MX_CACHE/debootstrap-$suite.log")"; return 1; }
	if [ "$suite" = sid ]; then
		echo "deb $MX_MIRROR experimental main" >"$tmp/etc/apt/sources.list.d/experimental.list"
	fi
	# sid's and experimental's Release files are past their Valid-Until date on this mirror.
	echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99smtp-valid-until"
	echo 'APT::Install-Recommends "false";' >"$tmp/etc/apt/apt.conf.d/99smtp-no-recommends"
	chroot "$tmp" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $MX_CHROOT_PKGS" \
		>"$MX_CACHE/apt-$suite.log" 2>&1 || { mx_log "packages in $suite failed: $(tail -n 3 "$MX_CACHE/apt-$suite.log")"; return 1; }
	touch "$tmp/.smtp-ready"
	rm -rf "$dir"; mv "$tmp" "$dir"
}

mx_chroot_php() {  # version, suite: installs phpX.Y's packages into the chroot (with pecl, which runs on
	# the PHP in PHP_PEAR_PHP_BIN and needs its xml extension)
	local v=$1 suite=$2 target="" stamp
	[ "$suite" = sid+experimental ] && target="-t experimental"
	stamp="$MX_ROOT/.smtp-php$v-$(mx_key "$suite" "$(declare -f mx_chroot_php)")"
	[ -f "$stamp" ] && return 0
	mx_log "installing PHP $v into $MX_ROOT"
	chroot "$MX_ROOT" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $target php$v-cli php$v-dev php$v-mbstring php$v-cgi php$v-xml php-pear" \
		>"$MX_CACHE/apt-php$v.log" 2>&1 || { mx_log "PHP $v packages failed: $(tail -n 3 "$MX_CACHE/apt-php$v.log")"; return 1; }
	[ -x "$MX_ROOT/usr/bin/php$v" ] || { mx_log "PHP $v: no /usr/bin/php$v after the install"; return 1; }
	touch "$stamp"
}

# PHP 8.2 from Debian 12's source package: the only PHP source this machine can download.
# What the suite needs and no more: the CLI and CGI SAPIs, openssl (PHPMailer's DKIM), mbstring
# shared (tests load it), pcntl, posix, ctype, filter and tokenizer.
MX_PHP82_CONFIGURE="--disable-all --enable-cli --enable-cgi --disable-phpdbg --without-pear --with-openssl
	--enable-mbstring=shared --disable-mbregex --enable-pcntl --enable-posix --enable-ctype --enable-filter
	--enable-tokenizer --with-zlib"
mx_php82_source() {  # -> sets MX_SRC_TARBALL
	local dir="$MX_CACHE/php8.2-source" lists
	MX_SRC_TARBALL=$(ls "$dir"/php8.2_*.orig.tar.xz 2>/dev/null | tail -n 1)
	[ -n "$MX_SRC_TARBALL" ] && return 0
	mkdir -p "$dir/lists/partial"
	lists="$dir/sources.list"
	# A private sources list and index: the machine's apt configuration stays as it was.
	echo "deb-src $MX_MIRROR bookworm main" >"$lists"
	local opts=(-o "Dir::Etc::SourceList=$lists" -o "Dir::Etc::SourceParts=/nonexistent" -o "Dir::State::Lists=$dir/lists")
	mx_log "downloading Debian 12's php8.2 source package"
	(cd "$dir" && apt-get "${opts[@]}" update -qq && apt-get "${opts[@]}" source --download-only php8.2) \
		>"$dir/download.log" 2>&1 || { mx_log "php8.2 source download failed: $(tail -n 3 "$dir/download.log")"; return 1; }
	MX_SRC_TARBALL=$(ls "$dir"/php8.2_*.orig.tar.xz 2>/dev/null | tail -n 1)
	[ -n "$MX_SRC_TARBALL" ]
}

mx_build_php82() {  # name, configure flags... -> sets MX_PREFIX
	local name=$1; shift
	local flags="$*" key prefix build
	mx_host_pkgs xz-utils zlib1g-dev libssl-dev pkg-config gcc make || return 1
	mx_php82_source || return 1
	# keyed by what makes the build (the tarball, the flags, the configure line), not by this
	# function's plumbing, so that a change of the plumbing does not rebuild
	key=$(mx_key "$(basename "$MX_SRC_TARBALL")" "$flags" "$MX_PHP82_CONFIGURE")
	prefix="$MX_CACHE/php-$name-$key"
	MX_PREFIX=$prefix
	[ -x "$prefix/bin/php" ] && [ -f "$prefix/.smtp-ready" ] && return 0
	build="$MX_CACHE/build-$name.$$"; rm -rf "$build" "$prefix"; mkdir -p "$build"
	mx_log "building PHP 8.2 $flags from $(basename "$MX_SRC_TARBALL") (about 2 minutes on 2 cores, once per machine)"
	tar -xf "$MX_SRC_TARBALL" -C "$build" --strip-components=1 || return 1
	(cd "$build" && ./configure $flags $MX_PHP82_CONFIGURE --prefix="$prefix" && make -j"$(nproc)" && make install) >"$MX_CACHE/build-$name.log" 2>&1 \
		|| { mx_log "PHP 8.2 $flags build failed: $(tail -n 5 "$MX_CACHE/build-$name.log")"; rm -rf "$build"; return 1; }
	mkdir -p "$prefix/lib"
	echo "extension=mbstring" >"$prefix/lib/php.ini"
	cp "$build/run-tests.php" "$prefix/lib/run-tests.php"
	rm -rf "$build"
	touch "$prefix/.smtp-ready"
}

matrix_provision() {  # name
	local name=$1 line how rest v suite
	line=$(mx_line "$name")
	[ -n "$line" ] || { mx_log "no PHP named $name in $MX_LIST"; return 2; }
	read -r how rest <<<"$line"
	mkdir -p "$MX_CACHE"
	# One maker at a time per cache (two runs on one machine would build into the same place).
	exec {mx_lock}>"$MX_CACHE/.lock"
	flock -w 3600 "$mx_lock" || { mx_log "another run holds $MX_CACHE/.lock"; return 1; }
	mx_provision_locked "$name" "$how" "$rest"
	local rc=$?
	exec {mx_lock}>&-
	return $rc
}

mx_prune() {  # keep, glob: removes the cache entries of the glob other than keep (made by an older recipe)
	local keep=$1 d; shift
	for d in "$MX_CACHE"/$1; do
		[ "$d" = "$keep" ] || [ ! -e "$d" ] || { mx_log "removing $d (made by an older recipe)"; rm -rf "$d"; }
	done
}

mx_provision_locked() {  # name, how, what
	local name=$1 how=$2 rest=$3 v suite
	MX_ROOT=""
	case "$how" in
	system)
		MX_PHP=$(command -v php); MX_PHPIZE=$(command -v phpize); MX_PHP_CONFIG=$(command -v php-config)
		MX_RUNNER=$(ls /usr/lib/php/*/build/run-tests.php 2>/dev/null | tail -n 1)
		;;
	source)
		mx_build_php82 "$name" $rest || return 1
		mx_prune "$MX_PREFIX" "php-$name-*"
		MX_PHP="$MX_PREFIX/bin/php"; MX_PHPIZE="$MX_PREFIX/bin/phpize"; MX_PHP_CONFIG="$MX_PREFIX/bin/php-config"
		MX_RUNNER="$MX_PREFIX/lib/run-tests.php"
		;;
	chroot)
		read -r suite v <<<"$rest"
		mx_make_chroot "${suite%%+*}" || return 1
		mx_prune "$MX_ROOT" "chroot-${suite%%+*}-*"
		mx_chroot_php "$v" "$suite" || return 1
		MX_PHP="/usr/bin/php$v"; MX_PHPIZE="/usr/bin/phpize$v"; MX_PHP_CONFIG="/usr/bin/php-config$v"
		MX_RUNNER=$(cd "$MX_ROOT" && ls -d usr/lib/php/*/build/run-tests.php 2>/dev/null | tail -n 1)
		MX_RUNNER="/$MX_RUNNER"
		# Debian's run-tests.php belongs to php$v-dev, the same for every version of the chroot.
		;;
	*) mx_log "$name: unknown kind '$how'"; return 2 ;;
	esac
}

matrix_in() {  # command... : runs it where the provisioned PHP lives, with that PHP first on PATH
	if [ -z "$MX_ROOT" ]; then
		PATH="$(dirname "$MX_PHP"):$PATH" "$@"
		return
	fi
	local bin="/usr/local/smtp-matrix-bin/$(basename "$MX_PHP")"
	mkdir -p "$MX_ROOT$bin"
	# php, phpize and php-config of this version first on PATH (the chroot may hold two versions;
	# one directory per version, so runs of two versions at once do not see each other's).
	ln -sf "$MX_PHP" "$MX_ROOT$bin/php"; ln -sf "$MX_PHPIZE" "$MX_ROOT$bin/phpize"; ln -sf "$MX_PHP_CONFIG" "$MX_ROOT$bin/php-config"
	ln -sf "${MX_PHP/php/php-cgi}" "$MX_ROOT$bin/php-cgi"
	unshare -m --propagation private -- bash -c '
		root=$1; shift
		# the root bound onto itself: inside the chroot "/" is then a mount point, as tests that make
		# a mount namespace of their own (spool/full_spool.phpt) need
		mount --bind "$root" "$root" || exit 97
		for d in proc dev dev/pts dev/shm; do mkdir -p "$root/$d"; mount --bind "/$d" "$root/$d" || exit 97; done
		exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 "$@"
	' _ "$MX_ROOT" PATH="$bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		${SMTP_TEST_QUICK:+SMTP_TEST_QUICK=$SMTP_TEST_QUICK} "$@"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	[ $# -eq 1 ] || { echo "usage: $0 NAME (one of: $(mx_names | tr '\n' ' '))" >&2; exit 2; }
	matrix_provision "$1" || exit 1
	echo "root=${MX_ROOT:-/} php=$MX_PHP phpize=$MX_PHPIZE php-config=$MX_PHP_CONFIG run-tests=$MX_RUNNER"
fi
