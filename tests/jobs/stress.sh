#!/bin/sh
# stress job (scripts/stress.sh, make stress), meant for the debug kernel: the execns()
# fuzzer, the concurrency stress over fresh uid tables, uid table baselines and a
# kmemleak scan (bench/execns-stress.c; TAP output, rc 0 when every check passed).
# Kernel parameters: execns.stress_calls=<n> (default 100000), execns.stress_seconds=<s>
# (concurrency stress, default 60), execns.stress_seed=<n> (default: random, printed),
# execns.stress_threads=<1-4> (default 4), execns.stress_fuzz_seconds=<s> (stop the fuzzer
# after s seconds even if not all calls were made; default: no limit).
S=/bin/execns-stress
if [ ! -x "$S" ]; then
	echo "stress: $S missing (bench/ not built into the payload?)"
	exit 1
fi
set -- all --calls "${EXECNS_STRESS_CALLS:-100000}" --seconds "${EXECNS_STRESS_SECONDS:-60}" \
	--threads "${EXECNS_STRESS_THREADS:-4}" --kmemleak
[ -z "$EXECNS_STRESS_SEED" ] || set -- "$@" --seed "$EXECNS_STRESS_SEED"
[ -z "$EXECNS_STRESS_FUZZ_SECONDS" ] || set -- "$@" --fuzz-seconds "$EXECNS_STRESS_FUZZ_SECONDS"
cd /tmp && "$S" "$@"
