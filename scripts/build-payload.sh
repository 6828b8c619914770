#!/bin/bash
# Build the guest payload into build/guest/ (wiped first):
#   UAPI headers: make headers_install INSTALL_HDR_PATH=build/headers (prepared tree)
#   1. kselftests: tools/testing/selftests/execns of the prepared tree -> build/guest/tests
#   2. make -C userspace install-guest DESTDIR=build/guest KHDR=build/headers/include
#   3. make -C samples   install-guest DESTDIR=build/guest KHDR=build/headers/include
# A builder whose directory or target does not exist (yet) is skipped with a note.
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
mkdir -p "$GUEST/bin" "$GUEST/tests" "$GUEST/jobs"

KST=$SRC/tools/testing/selftests/execns
if [ -f "$KST/Makefile" ]; then
	say "kselftests: $KST -> $GUEST/tests"
	submake -C "$KST" CC="$CROSS_CC" "LDFLAGS=-static" OUTPUT="$GUEST/tests" \
		KHDR_INCLUDES="-isystem $HDR/include" 2>&1 | tee "$LOGS/$(log_name kselftests-build).log"
	[ "${PIPESTATUS[0]}" = 0 ] || die "building the kselftests failed (log: $LOGS/$(log_name kselftests-build).log)"
	# lib.mk's own lists: TEST_GEN_PROGS/TEST_PROGS are tests; TEST_GEN_FILES and
	# TEST_GEN_PROGS_EXTENDED are helpers, listed in tests/.not-tests so the check job
	# does not run them as tests. TEST_PROGS (scripts) are copied next to them.
	mkdir -p "$BUILD/tools"
	cat > "$BUILD/tools/ksft-vars.mk" <<'MK'
execns-print-ksft-vars:
	@echo "TESTS $(notdir $(TEST_GEN_PROGS) $(TEST_PROGS))"
	@echo "HELPERS $(notdir $(TEST_GEN_FILES) $(TEST_GEN_PROGS_EXTENDED))"
	@echo "SCRIPTS $(TEST_PROGS)"
MK
	vars=$(submake -s -C "$KST" -f Makefile -f "$BUILD/tools/ksft-vars.mk" execns-print-ksft-vars \
		CC="$CROSS_CC" OUTPUT="$GUEST/tests" KHDR_INCLUDES="-isystem $HDR/include")
	for f in $(echo "$vars" | sed -n 's/^SCRIPTS //p'); do install -m 0755 "$KST/$f" "$GUEST/tests/"; done
	tests=$(echo "$vars" | sed -n 's/^TESTS //p')
	for h in $(echo "$vars" | sed -n 's/^HELPERS //p'); do
		case " $tests " in *" $h "*) ;; *) echo "$h" >> "$GUEST/tests/.not-tests" ;; esac
	done
	[ ! -f "$GUEST/tests/.not-tests" ] || say "kselftests: helpers (not run as tests): $(tr '\n' ' ' < "$GUEST/tests/.not-tests")"
else
	say "kselftests: skipped (no tools/testing/selftests/execns/Makefile in the repo yet)"
fi

# The cross builds: their own object directories (the Makefiles' BUILD), compiler and Rust target.
cross=()
[ "$ARCH" = x86_64 ] || cross=(CC="$CROSS_CC" TARGET="$RUST_TARGET")
for d in userspace samples bench; do
	if [ ! -f "$REPO/$d/Makefile" ]; then
		say "$d: skipped (no $d/Makefile yet)"
		continue
	fi
	if submake -C "$REPO/$d" -n install-guest DESTDIR="$GUEST" KHDR="$HDR/include" 2>&1 | grep -q "No rule to make target 'install-guest'"; then
		say "$d: skipped (no install-guest target yet)"
		continue
	fi
	say "$d: make install-guest"
	# bench/ builds into bench/build: the cross build gets a directory of its own
	objs=()
	[ "$d" != bench ] || [ "$ARCH" = x86_64 ] || objs=(BUILD="$BUILD/bench$ARCH_SUFFIX")
	submake -C "$REPO/$d" install-guest DESTDIR="$GUEST" KHDR="$HDR/include" "${cross[@]}" "${objs[@]}" 2>&1 \
		| tee "$LOGS/$(log_name "$d-install-guest").log"
	[ "${PIPESTATUS[0]}" = 0 ] || die "make -C $d install-guest failed (log: $LOGS/$(log_name "$d-install-guest").log)"
done
ntests=$(find "$GUEST/tests" -maxdepth 1 -type f -perm -u+x -printf '%f\n' | grep -vxF -f <(cat "$GUEST/tests/.not-tests" 2>/dev/null; echo /) | wc -l)
say "payload: $(find "$GUEST/bin" -type f | wc -l) files in bin/, $ntests test programs in tests/"
