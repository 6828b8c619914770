#!/bin/bash
# make setup: install what the pipeline needs, skip what is present (idempotent).
#   Debian packages (apt-get), the rust-src component (rustup) and
#   bindgen-cli $BINDGEN_VERSION (cargo install --locked).
# ARCH=arm64 (make check-arm64) also: the packages of PKGS_ARM64 (qemu-system-aarch64,
# the aarch64 C cross compiler and static C library) and an arm64 busybox-static for the
# initramfs: `apt-get download busybox-static:arm64` (dpkg multiarch: adds the arm64
# architecture to dpkg and runs apt-get update once), unpacked with dpkg-deb -x into
# build/busybox-arm64 (nothing arm64 is installed on the host).
# Not root and something is missing -> one message listing what to install.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BINDGEN_VERSION=${BINDGEN_VERSION:-0.73.2}
PKGS="clang-19 libclang-19-dev lld-19 llvm-19 bc bison flex libelf-dev libssl-dev cpio
qemu-system-x86 busybox-static linux-source-6.12 python3 make gcc libc6-dev patch xz-utils
gzip diffutils file rsync groff-base linux-config-6.12 golang-go"
PKGS_ARM64="qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
[ "$ARCH" != arm64 ] || PKGS="$PKGS $PKGS_ARM64"

missing_pkgs=()
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing_pkgs+=("$p")
done

need_rustup=0 need_rustsrc=0 need_bindgen=0
if ! command -v rustup >/dev/null 2>&1 || ! command -v cargo >/dev/null 2>&1; then
	need_rustup=1
else
	rustup component list --installed 2>/dev/null | grep -q '^rust-src' || need_rustsrc=1
fi
bg=$(bindgen --version 2>/dev/null || true)
[ "$bg" = "bindgen $BINDGEN_VERSION" ] || need_bindgen=1
# arm64: the arm64 build of the host's busybox-static version (its version file says which)
need_busybox=0
bb_version=$BUILD/busybox-arm64/version
if [ "$ARCH" != x86_64 ] && { [ ! -f "$BUSYBOX_DEFAULT" ] ||
		[ "$(cat "$bb_version" 2>/dev/null)" != "$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null)" ]; }; then
	need_busybox=1
fi

if [ ${#missing_pkgs[@]} -eq 0 ] && [ $need_rustup = 0 ] && [ $need_rustsrc = 0 ] && [ $need_bindgen = 0 ] &&
		[ $need_busybox = 0 ]; then
	say "setup: everything is already installed (rustc $(rustc --version | cut -d' ' -f2), $bg)"
	exit 0
fi

msg() {
	echo "Missing:"
	[ ${#missing_pkgs[@]} -eq 0 ] || echo "  Debian packages: apt-get update && apt-get install -y ${missing_pkgs[*]}"
	[ $need_rustup = 0 ] || echo "  Rust toolchain:  https://rustup.rs (rustup + stable toolchain), then re-run make setup"
	[ $need_rustsrc = 0 ] || echo "  rust-src:        rustup component add rust-src"
	[ $need_bindgen = 0 ] || echo "  bindgen:         cargo install --locked bindgen-cli --version $BINDGEN_VERSION   (found: '${bg:-none}')"
	[ $need_busybox = 0 ] || echo "  arm64 busybox:   dpkg --add-architecture arm64 && apt-get update, then make setup ARCH=arm64 as root"
}

if { [ ${#missing_pkgs[@]} -gt 0 ] || [ $need_busybox = 1 ]; } && [ "$(id -u)" != 0 ]; then
	msg >&2
	die "make setup must run as root to install Debian packages (or install the above yourself)."
fi
if [ $need_rustup = 1 ]; then
	msg >&2
	die "rustup/cargo not found in PATH (also looked in ~/.cargo/bin); install Rust with rustup first."
fi

if [ ${#missing_pkgs[@]} -gt 0 ]; then
	say "Installing Debian packages: ${missing_pkgs[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing_pkgs[@]}"
fi
if [ $need_rustsrc = 1 ]; then
	say "rustup component add rust-src"
	rustup component add rust-src
fi
if [ $need_bindgen = 1 ]; then
	say "cargo install --locked bindgen-cli --version $BINDGEN_VERSION (~1 min)"
	cargo install --locked bindgen-cli --version "$BINDGEN_VERSION"
	[ "$(bindgen --version)" = "bindgen $BINDGEN_VERSION" ] || die "bindgen in PATH is '$(command -v bindgen)': $(bindgen --version); expected $BINDGEN_VERSION (is another bindgen earlier in PATH?)"
fi
if [ $need_busybox = 1 ]; then
	# The same Debian version as the host's busybox-static: mkinitramfs.sh takes the
	# applet list from the host's binary (it cannot run the arm64 one).
	want=$(dpkg-query -W -f='${Version}' busybox-static)
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		say "dpkg --add-architecture arm64 (for apt-get download busybox-static:arm64)"
		dpkg --add-architecture arm64
		apt-get update
	fi
	d=$(dirname "$(dirname "$BUSYBOX_DEFAULT")")
	say "busybox-static:arm64=$want -> $d"
	rm -rf "$d.tmp"
	mkdir -p "$d.tmp"
	(cd "$d.tmp" && apt-get download "busybox-static:arm64=$want") ||
		die "apt-get download busybox-static:arm64=$want failed (the arm64 build of the host's busybox-static)"
	dpkg-deb -x "$d.tmp"/busybox-static_*_arm64.deb "$d.tmp/root"
	file "$d.tmp/root/bin/busybox" | grep -q 'ARM aarch64.*statically linked' ||
		die "$d.tmp/root/bin/busybox is not a static arm64 binary: $(file "$d.tmp/root/bin/busybox")"
	rm -rf "$d"
	mkdir -p "$d/bin"
	mv "$d.tmp/root/bin/busybox" "$d/bin/busybox"
	echo "$want" > "$bb_version"
	rm -rf "$d.tmp"
fi
say "setup: done"
