#!/bin/bash
# make check: setup, tree, debug kernel, payload, initramfs, host tests, boot QEMU with
# the check job, summary. Whatever fails, the last line is "N passed, N failed[, ...]"
# and the exit status is non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
V=${CHECK_VARIANT:-debug}
start=$(date +%s)
step() { # name command...
	local name=$1; shift
	if ! "$@"; then
		echo
		echo "== make check: step '$name' failed after $(( $(date +%s) - start )) s (see above)"
		echo "0 passed, 1 failed"
		exit 1
	fi
}
step setup       "$REPO/scripts/setup.sh"
step tree        "$REPO/scripts/prepare-tree.sh"
step kernel      "$REPO/scripts/build-kernel.sh" "$V"
step payload     "$REPO/scripts/build-payload.sh" "$V"
step initramfs   "$REPO/scripts/mkinitramfs.sh"
step host-tests  "$REPO/scripts/host-tests.sh"
"$REPO/scripts/qemu-run.sh" check "$V" || true
hl=()
if [ -f "$LOGS/host-tests.log" ]; then
	hl=(--host-log "$LOGS/host-tests.log" --host-rc "$(cat "$LOGS/host-tests.rc" 2>/dev/null || echo 1)")
fi
echo "(make check: $(( $(date +%s) - start )) s of wall time)"
exec "$REPO/scripts/results.py" --mode check --allow "$REPO/tests/splat-allowlist.txt" "${hl[@]}" "$LOGS/check-$V.log"
