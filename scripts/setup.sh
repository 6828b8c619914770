#!/bin/bash
# make setup: install what the pipeline needs, skip what is present (idempotent).
#   Debian packages (apt-get), the rust-src component (rustup) and
#   bindgen-cli $BINDGEN_VERSION (cargo install --locked).
# Not root and something is missing -> one message listing what to install.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BINDGEN_VERSION=${BINDGEN_VERSION:-0.73.2}
PKGS="clang-19 libclang-19-dev lld-19 llvm-19 bc bison flex libelf-dev libssl-dev cpio
qemu-system-x86 busybox-static linux-source-6.12 python3 make gcc libc6-dev patch xz-utils
gzip diffutils file rsync groff-base linux-config-6.12"

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

if [ ${#missing_pkgs[@]} -eq 0 ] && [ $need_rustup = 0 ] && [ $need_rustsrc = 0 ] && [ $need_bindgen = 0 ]; then
	say "setup: everything is already installed (rustc $(rustc --version | cut -d' ' -f2), $bg)"
	exit 0
fi

msg() {
	echo "Missing:"
	[ ${#missing_pkgs[@]} -eq 0 ] || echo "  Debian packages: apt-get update && apt-get install -y ${missing_pkgs[*]}"
	[ $need_rustup = 0 ] || echo "  Rust toolchain:  https://rustup.rs (rustup + stable toolchain), then re-run make setup"
	[ $need_rustsrc = 0 ] || echo "  rust-src:        rustup component add rust-src"
	[ $need_bindgen = 0 ] || echo "  bindgen:         cargo install --locked bindgen-cli --version $BINDGEN_VERSION   (found: '${bg:-none}')"
}

if [ ${#missing_pkgs[@]} -gt 0 ] && [ "$(id -u)" != 0 ]; then
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
say "setup: done"
