#!/bin/bash
# Build the guest initramfs: build/initramfs.cpio.gz (no root needed: uses the kernel's
# usr/gen_init_cpio, compiled once into build/tools/).
#   /bin/busybox (busybox-static) + applet links, /init (scripts/guest-init.sh),
#   /jobs   <- tests/jobs/*.sh, then build/guest/jobs/*.sh (override/extend)
#   /kselftest <- build/guest/kselftest (kselftest's install: run_kselftest.sh, the execns
#              and execns-guest collections; scripts/build-payload.sh)
#   /bin    <- everything under build/guest/bin/ (static binaries and scripts)
#   /usr/bin/timeout <- scripts/guest-timeout.sh (what kselftest's runner.sh needs of it)
# ARCH=arm64: build/initramfs-arm64.cpio.gz from build/guest-arm64, with the arm64
# busybox-static that make setup unpacks into build/busybox-arm64 (its applet list is
# the host busybox's: the same Debian version, checked by make setup).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pipeline_lock
OUT=${1:-$INITRAMFS}
ROOT=$BUILD/initramfs-root$ARCH_SUFFIX
BUSYBOX=${BUSYBOX:-$BUSYBOX_DEFAULT}
# the applet list comes from a busybox this host can run
LIST_BUSYBOX=/bin/busybox
[ "$ARCH" != x86_64 ] || LIST_BUSYBOX=$BUSYBOX
[ -f "$BUSYBOX" ] || die "$BUSYBOX not found (ARCH=$ARCH: run make setup ARCH=$ARCH)"
"$LIST_BUSYBOX" --list-full >/dev/null 2>&1 || die "$LIST_BUSYBOX is not a usable busybox (install busybox-static: make setup)"

# gen_init_cpio from the kernel sources (prefer the prepared tree)
GEN=$BUILD/tools/gen_init_cpio
GEN_SRC=$SRC/usr/gen_init_cpio.c
[ -f "$GEN_SRC" ] || { ensure_pristine; GEN_SRC=$(pristine_dir)/usr/gen_init_cpio.c; }
if [ ! -x "$GEN" ] || [ "$GEN_SRC" -nt "$GEN" ]; then
	mkdir -p "$BUILD/tools"
	${HOSTCC:-cc} -O2 -o "$GEN" "$GEN_SRC"
fi

rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,jobs}
cp "$BUSYBOX" "$ROOT/bin/busybox"
"$LIST_BUSYBOX" --list-full | while read -r a; do
	[ "$a" = bin/busybox ] || ln -sf /bin/busybox "$ROOT/$a"
done
install -m 0755 "$REPO/scripts/guest-init.sh" "$ROOT/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ROOT/etc/group"
echo execns-guest > "$ROOT/etc/hostname"

for j in "$REPO"/tests/jobs/*.sh "$GUEST"/jobs/*.sh; do
	[ -f "$j" ] && install -m 0755 "$j" "$ROOT/jobs/"
done
[ -f "$GUEST/kselftest/run_kselftest.sh" ] || die "no kselftest tree in $GUEST/kselftest (make payload)"
cp -a "$GUEST/kselftest" "$ROOT/kselftest"
rm -f "$ROOT/usr/bin/timeout"
install -m 0755 "$REPO/scripts/guest-timeout.sh" "$ROOT/usr/bin/timeout"
if [ -d "$GUEST/bin" ]; then
	# replace busybox links of the same name
	(cd "$GUEST/bin" && find . -mindepth 1 \( -type f -o -type l \) -printf '%P\n') | while read -r f; do rm -f "$ROOT/bin/$f"; done
	cp -rL "$GUEST/bin/." "$ROOT/bin/"
fi

# gen_init_cpio list (everything owned by root)
LIST=$BUILD/initramfs$ARCH_SUFFIX.list
{
	(cd "$ROOT" && find . -mindepth 1 | sort) | while read -r p; do
		p=${p#.}
		if [ -L "$ROOT$p" ]; then
			echo "slink $p $(readlink "$ROOT$p") 0777 0 0"
		elif [ -d "$ROOT$p" ]; then
			echo "dir $p $(stat -c %a "$ROOT$p") 0 0"
		elif [ -f "$ROOT$p" ]; then
			echo "file $p $ROOT$p $(stat -c %a "$ROOT$p") 0 0"
		fi
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
} > "$LIST"
"$GEN" "$LIST" | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
ntests=$(cat "$ROOT/kselftest/kselftest-list.txt" 2>/dev/null | grep -c . || true)
say "initramfs: $OUT ($(du -h "$OUT" | cut -f1); jobs: $(cd "$ROOT/jobs" && ls | tr '\n' ' '); $ntests tests in /kselftest)"
