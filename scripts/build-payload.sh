#!/bin/bash
# Build the guest payload into build/guest/ (wiped first):
#   UAPI headers: make headers_install INSTALL_HDR_PATH=build/headers (prepared tree)
#   1. kselftests: make -C tools/testing/selftests TARGETS=execns install
#      INSTALL_PATH=build/guest/kselftest (the prepared tree, objects in build/obj-kselftest)
#   2. make -C userspace install-guest DESTDIR=build/guest KHDR=build/headers/include
#   3. make -C samples   install-guest DESTDIR=build/guest KHDR=build/headers/include
#   4. tests/guest/* and the tests userspace/ installs: the execns-guest collection of
#      build/guest/kselftest (kselftest-list.txt), run by run_kselftest.sh like execns/
# ARCH=arm64: headers, payload and logs named ...-arm64 (build/guest-arm64...), the C
# programs built with aarch64-linux-gnu-gcc, the Rust ones for aarch64-unknown-linux-gnu
# (std compiled from rust-src: see userspace/Makefile), bench/ into build/bench-arm64.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pipeline_lock
VARIANT=${1:-${VARIANT:-base}}
O=$BUILD/obj-headers$ARCH_SUFFIX   # headers do not depend on the config; own dir, no clash with builds
L=$(log_name headers)
[ -f "$BUILD/.tree-manifest" ] || die "kernel tree not prepared: run 'make tree' first"

say "UAPI headers -> $HDR"
mkdir -p "$O"
submake -C "$SRC" O="$O" LLVM="$LLVM" "${KARCH[@]}" headers_install INSTALL_HDR_PATH="$HDR" > "$LOGS/$L.log" 2>&1 \
	|| { tail -20 "$LOGS/$L.log"; die "headers_install failed (log: $LOGS/$L.log)"; }

[ "${2:-}" != headers-only ] || exit 0
rm -rf "$GUEST"
mkdir -p "$GUEST/bin" "$GUEST/jobs"

# 1. The kselftests, the standard way: the prepared tree's tools/testing/selftests with
# TARGETS=execns (patch 0009 adds it to the default TARGETS), built out of tree and
# installed into $KSFT: run_kselftest.sh, kselftest/runner.sh, kselftest-list.txt and
# execns/ (programs, helpers, settings, config).
KSFT=$GUEST/kselftest
KLOG=$LOGS/$(log_name kselftests-build).log
say "kselftests: make -C tools/testing/selftests TARGETS=execns install INSTALL_PATH=$KSFT (log: $KLOG)"
submake -C "$SRC/tools/testing/selftests" TARGETS=execns FORCE_TARGETS=1 O="$BUILD/obj-kselftest$ARCH_SUFFIX" \
	CC="$CROSS_CC" LDFLAGS=-static KHDR_INCLUDES="-isystem $HDR/include" \
	install INSTALL_PATH="$KSFT" > "$KLOG" 2>&1 || { tail -30 "$KLOG"; die "building/installing the kselftests failed (log: $KLOG)"; }
grep -q '^execns:' "$KSFT/kselftest-list.txt" || die "kselftests: no execns tests in $KSFT/kselftest-list.txt (log: $KLOG)"

# 2., 3. (and bench/: the benchmark and stress programs) make install-guest. The cross
# builds: their own object directories (the Makefiles' BUILD), compiler and Rust target.
cross=()
[ "$ARCH" = x86_64 ] || cross=(CC="$CROSS_CC" TARGET="$RUST_TARGET")
for d in userspace samples bench; do
	say "$d: make install-guest"
	# bench/ builds into bench/build: the cross build gets a directory of its own
	objs=()
	[ "$d" != bench ] || [ "$ARCH" = x86_64 ] || objs=(BUILD="$BUILD/bench$ARCH_SUFFIX")
	submake -C "$REPO/$d" install-guest DESTDIR="$GUEST" KHDR="$HDR/include" KSFT_DIR="$SRC/tools/testing/selftests/execns" \
		"${cross[@]}" "${objs[@]}" 2>&1 \
		| tee "$LOGS/$(log_name "$d-install-guest").log"
	[ "${PIPESTATUS[0]}" = 0 ] || die "make -C $d install-guest failed (log: $LOGS/$(log_name "$d-install-guest").log)"
done
# 4. The repo's own guest tests (tests/guest/, and the CLI and sample tests that
# userspace/ installs into $GUEST/tests): one more collection of the installed kselftest
# tree, execns-guest, so that run_kselftest.sh runs them like the kselftests (its settings
# file: the same timeout as execns/).
G=$KSFT/execns-guest
mkdir -p "$G"
# (a file without the execute bit is a library the tests source: copied, not listed)
for t in "$REPO"/tests/guest/* "$GUEST"/tests/*; do
	[ -f "$t" ] || continue
	if [ ! -x "$t" ]; then
		install -m 0644 "$t" "$G/"
		continue
	fi
	install -m 0755 "$t" "$G/"
	echo "execns-guest:$(basename "$t")" >> "$KSFT/kselftest-list.txt"
done
rm -rf "$GUEST/tests"
cp "$KSFT/execns/settings" "$G/settings"
say "payload: $(find "$GUEST/bin" -type f | wc -l) files in bin/; kselftest tree $KSFT: $(grep -c . "$KSFT/kselftest-list.txt") tests ($(cut -d: -f1 "$KSFT/kselftest-list.txt" | sort | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}'))"
