#!/bin/sh
# bench job (scripts/bench.sh, make bench): the figures of issue 6 on the booted kernel.
# Meant for QEMU -icount shift=0,sleep=off (BENCH=1): guest ns == guest instructions.
# Kernel parameters: execns.bench_reps=<n> (default 5), execns.bench_scale=<x>
# (iteration counts multiplied by x, default 1), execns.bench_only=<substrings,...>.
B=/bin/execns-bench
if [ ! -x "$B" ]; then
	echo "bench: $B missing (bench/ not built into the payload?)"
	exit 1
fi
set -- --reps "${EXECNS_BENCH_REPS:-5}" --scale "${EXECNS_BENCH_SCALE:-1}"
[ -z "$EXECNS_BENCH_ONLY" ] || set -- "$@" --only "$EXECNS_BENCH_ONLY"
cd /tmp && "$B" "$@"
