#!/bin/bash
# make distro-compile-test: the series compiled with Debian's own 6.12 config.
#
# Starts from /usr/src/linux-config-6.12/config.amd64_none_amd64.xz (package
# linux-config-6.12, installed by make setup) and changes only what Rust in 6.12 and the
# feature need:
#   CONFIG_MODVERSIONS=n     Rust in 6.12 refuses MODVERSIONS (no symbol CRCs for Rust)
#   CONFIG_DEBUG_INFO_BTF=n  Rust in 6.12 needs pahole --lang_exclude for BTF
#   CONFIG_RUST=y CONFIG_EXECNS=y
# then olddefconfig (LLVM=-19: the compiler-dependent options follow clang), and compiles
# the directories the series touches (DISTRO_DIRS, default kernel/ fs/ block/ ipc/ mm/
# security/ rust/, built-in and modular objects) in build/obj-distro-debian. Not a bootable
# kernel: a compile test of every user of what the series changes, in the config
# distributions build. Not run by make check (it compiles thousands of objects).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DEBCONF=${DEBCONF:-/usr/src/linux-config-6.12/config.amd64_none_amd64.xz}
DISTRO_DIRS=${DISTRO_DIRS:-"kernel/ fs/ block/ ipc/ mm/ security/ rust/"}
O=$BUILD/obj-distro-debian
[ -f "$DEBCONF" ] || die "$DEBCONF not found: install linux-config-6.12 (make setup does)"
[ -f "$BUILD/.tree-manifest" ] || die "kernel tree not prepared: run 'make tree' first"
pipeline_lock
mkdir -p "$O"
KMAKE=(submake -C "$SRC" O="$O" LLVM="$LLVM")

xz -dc "$DEBCONF" > "$O/.config.debian"
if ! cmp -s "$O/.config.debian" "$O/.config.debian.used" 2>/dev/null || [ ! -f "$O/.config" ]; then
	cp "$O/.config.debian" "$O/.config"
	"$SRC/scripts/config" --file "$O/.config" -d MODVERSIONS -d DEBUG_INFO_BTF -e RUST -e EXECNS \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
	"${KMAKE[@]}" olddefconfig > "$LOGS/config-distro-debian.log" 2>&1
	cp "$O/.config.debian" "$O/.config.debian.used"
fi
for opt in RUST EXECNS USER_NS BLOCK SECURITY_APPARMOR SECURITY_SELINUX IO_URING SECCOMP_FILTER AUDIT; do
	grep -q "^CONFIG_$opt=y" "$O/.config" || die "CONFIG_$opt is not y in $O/.config (see $LOGS/config-distro-debian.log)"
done
say "Debian config + Rust + EXECNS: compiling $DISTRO_DIRS (log: $LOGS/build-distro-debian.log)"
start=$(date +%s)
# shellcheck disable=SC2086 # word splitting of the directory list is intended
if ! "${KMAKE[@]}" -j"$JOBS" $DISTRO_DIRS > "$LOGS/build-distro-debian.log" 2>&1; then
	grep -E -B2 -A8 '(error|Error)[: ]' "$LOGS/build-distro-debian.log" | head -60 >&2 || true
	die "compile test with Debian's config failed (log: $LOGS/build-distro-debian.log)"
fi
n=$(grep -cE '^ +(CC|RUSTC)' "$LOGS/build-distro-debian.log" || true)
warn_n=$(grep -c 'warning:' "$LOGS/build-distro-debian.log" || true)
say "Debian config: $DISTRO_DIRS compiled in $(( $(date +%s) - start )) s ($n objects, $warn_n warnings)"
