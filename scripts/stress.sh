#!/bin/bash
# make stress: the execns() fuzzer and the uid-table concurrency stress on the debug
# kernel (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, Rust debug assertions), issue 6.
#   1. builds the debug kernel (scripts/build-kernel.sh debug), the payload
#      (scripts/build-payload.sh; bench/ included) and a private initramfs
#      build/initramfs-stress.cpio.gz (scripts/mkinitramfs.sh)
#   2. boots it with the job 'stress' (tests/jobs/stress.sh -> /bin/execns-stress all):
#      STRESS_CALLS fuzz calls from 4 threads, STRESS_SECONDS of concurrency stress over
#      8 fresh uid tables, uid table baselines, a kmemleak scan
#   3. summarises with scripts/results.py --mode run --job stress: the job's exit status
#      (every TAP check passed) and a scan of the whole serial log for kernel splats
#      (BUG/WARNING/KASAN/lockdep/kmemleak/...). Serial log: build/logs/stress-debug.log.
# Environment: STRESS_CALLS (default 100000), STRESS_SECONDS (default 60), STRESS_SEED
#   (default: random, printed; reproduce with it), STRESS_THREADS (1-4, default 4),
#   STRESS_VARIANT (default debug), STRESS_SKIP_BUILD=1, TIMEOUT (default 7200 s).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

V=${STRESS_VARIANT:-debug}
INITRD=$BUILD/initramfs-stress.cpio.gz
export TIMEOUT=${TIMEOUT:-7200}
export BOOT_TIMEOUT=${BOOT_TIMEOUT:-600}

[ -f "$BUILD/.tree-manifest" ] || "$REPO/scripts/prepare-tree.sh"
[ "${STRESS_SKIP_BUILD:-0}" = 1 ] || "$REPO/scripts/build-kernel.sh" "$V"
"$REPO/scripts/build-payload.sh" "$V"
[ -x "$BUILD/guest/bin/execns-stress" ] || die "the payload has no bin/execns-stress (bench/Makefile install-guest)"
"$REPO/scripts/mkinitramfs.sh" "$INITRD"

APPEND="${APPEND:-} execns.stress_calls=${STRESS_CALLS:-100000} execns.stress_seconds=${STRESS_SECONDS:-60}"
APPEND+=" execns.stress_threads=${STRESS_THREADS:-4}${STRESS_SEED:+ execns.stress_seed=$STRESS_SEED}"
export APPEND INITRD
start=$(date +%s)
rc=0
"$REPO/scripts/qemu-run.sh" stress "$V" || rc=$?
echo
echo "== execns-stress output (guest), $(( $(date +%s) - start )) s wall:"
sed -n '/### EXECNS JOB BEGIN/,$p' "$LOGS/stress-$V.log" | grep -a -E '^(TAP|1\.\.|ok |not ok |# )' | sed 's/^/  /' || true
echo
"$REPO/scripts/results.py" --mode run --job stress --allow "$REPO/tests/splat-allowlist.txt" "$LOGS/stress-$V.log"
