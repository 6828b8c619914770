#!/bin/bash
# make bench: A/B benchmark of this project's kernel against stock 6.12 (issue 6).
#   1. builds the stock kernel (pristine tree, configs/base.config; variant stock) and
#      ours (variant base), one after the other (the chain of scripts/lib.sh, up to build)
#   2. builds the payload (bench/ included) and a private initramfs
#      build/initramfs-bench.cpio.gz (the chain's payload and initramfs steps)
#   3. boots both at the same time with BENCH=1 (QEMU -icount shift=0,sleep=off: guest
#      ns == instructions, so host load does not matter) and the job 'bench'
#      (tests/jobs/bench.sh -> /bin/execns-bench), BENCH_BOOTS times (default 3; the
#      repetitions of all boots pooled); serial logs build/logs/bench-<v>.<boot>.log
#   4. scans each log for kernel splats (scripts/results.py) and runs bench/report.py:
#      one table on stdout, bench/RESULTS.md and bench/setuid-churn.svg rewritten.
# Environment: BENCH_REPS (default 5), BENCH_SCALE (iteration multiplier, default 1),
#   BENCH_ONLY (figure name substrings, comma-separated), BENCH_SKIP_BUILD=1 (use the kernels as built),
#   BENCH_BOOTS (boots per kernel, default 3), BENCH_SERIAL=1 (boot one kernel after the
#   other), BENCH_BOOT="stock base" (the kernels to boot; a kernel left out is reported
#   from its existing serial logs, e.g.
#   BENCH_BOOT=base after a change of ours only), BENCH_TIMEOUT (per boot, default 3600),
#   BENCH_MD / BENCH_SVG (output paths; default bench/RESULTS.md, bench/setuid-churn.svg),
#   BENCH_COMPARE (an earlier report whose medians this run is compared with, 1% tolerance;
#   default the BENCH_MD being replaced; empty: no comparison).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

REPS=${BENCH_REPS:-5}
SCALE=${BENCH_SCALE:-1}
MD=${BENCH_MD:-$REPO/bench/RESULTS.md}
SVG=${BENCH_SVG:-$REPO/bench/setuid-churn.svg}
INITRD=$BUILD/initramfs-bench.cpio.gz
# the report this run is compared with (medians, 1%): the one it replaces, unless set
COMPARE=${BENCH_COMPARE-$MD}
if [ -n "$COMPARE" ] && [ ! -f "$COMPARE" ]; then
	[ -z "${BENCH_COMPARE:-}" ] || warn "BENCH_COMPARE=$BENCH_COMPARE: no such file, no comparison"
	COMPARE=
fi
# a copy: --md may be the same file
COMPARE_LABEL=${COMPARE#"$REPO"/}
if [ -n "$COMPARE" ]; then
	mkdir -p "$BUILD"
	cp "$COMPARE" "$BUILD/bench-compare.md"
	COMPARE=$BUILD/bench-compare.md
fi
# not make's TIMEOUT (1200 s, meant for one check job)
export TIMEOUT=${BENCH_TIMEOUT:-3600}
export BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}   # booting under -icount takes minutes on a busy host
unset KVM

# the chain (scripts/lib.sh) for each kernel: prepare and build, the payload and a private
# initramfs once, then the two boots at the same time, then parse each log
BOOT=${BENCH_BOOT:-stock base}
skip=()
[ "${BENCH_SKIP_BUILD:-0}" != 1 ] || skip=(--skip build)
for v in $BOOT; do
	chain --until build "${skip[@]}" "$v" bench
	[ -f "$(obj_dir $v)/arch/x86/boot/bzImage" ] || die "no $v kernel: $(obj_dir $v)/arch/x86/boot/bzImage"
done
chain --from payload --until initramfs --initrd "$INITRD" base bench
[ -x "$BUILD/guest/bin/execns-bench" ] || die "the payload has no bin/execns-bench (bench/Makefile install-guest)"

# norandmaps: no address-space randomisation of the guest's programs, whose page-table
# shapes otherwise differ from boot to boot (two identical single-boot runs: 41 of 48
# medians within 1% of each other with it, 36 without)
APPEND="${APPEND:-} norandmaps execns.bench_reps=$REPS execns.bench_scale=$SCALE${BENCH_ONLY:+ execns.bench_only=$BENCH_ONLY}"
# one vCPU: every figure is single-threaded, and a second (idle) CPU only adds IPIs
# and timer work to the instruction counts
export QEMU_SMP=${QEMU_SMP:-1}
export APPEND BENCH=1
# BOOTS boots of each kernel, their repetitions pooled: a boot's memory state moves its
# figures by up to ~2-3%, more than the repetitions within one boot spread
BOOTS=${BENCH_BOOTS:-3}
log_of() { echo "$LOGS/bench-$1.$2.log"; }   # variant, boot
rcs=()
for b in $(seq 1 "$BOOTS"); do
	if [ "${BENCH_SERIAL:-0}" = 1 ]; then
		for v in $BOOT; do
			rc=0; LOG=$(log_of $v $b) chain --from boot --until boot --initrd "$INITRD" $v bench || rc=$?
			rcs+=("$v.$b=$rc")
		done
	else
		declare -A pids
		for v in $BOOT; do
			LOG=$(log_of $v $b) chain --from boot --until boot --initrd "$INITRD" $v bench & pids[$v]=$!
			sleep 2
		done
		for v in $BOOT; do
			rc=0; wait ${pids[$v]} || rc=$?; rcs+=("$v.$b=$rc")
		done
	fi
done
say "bench jobs finished: ${rcs[*]}"

# the logs of each kernel: this run's, or for a kernel not booted (BENCH_BOOT) the last run's
bad=0
declare -A logs
for v in stock base; do
	logs[$v]=$(ls "$LOGS"/bench-$v.[0-9]*.log 2>/dev/null | sort -V | head -n "$BOOTS" | tr '\n' ' ')
	[ -n "${logs[$v]}" ] || die "no bench log of the $v kernel ($LOGS/bench-$v.<boot>.log)"
	for l in ${logs[$v]}; do
		echo "---- splat scan of $l"
		LOG=$l chain --from parse $v bench | tail -4 || bad=1
	done
done

ver=$(kernel_version "$(pristine_dir)")
head=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$REPO" status --porcelain -- include kernel rust patches Kbuild configs 2>/dev/null | head -1)
cmd="make bench"
[ "$BOOT" = "stock base" ] || cmd="BENCH_BOOT='$BOOT' $cmd"
[ "$REPS" = 5 ] || cmd="BENCH_REPS=$REPS $cmd"
[ "$SCALE" = 1 ] || cmd="BENCH_SCALE=$SCALE $cmd"
[ "$BOOTS" = 3 ] || cmd="BENCH_BOOTS=$BOOTS $cmd"
echo
# shellcheck disable=SC2086 # the lists of logs
python3 "$REPO/bench/report.py" --stock ${logs[stock]} --ours ${logs[base]} \
	--md "$MD" --svg "$SVG" --cmd "$cmd" ${COMPARE:+--compare "$COMPARE" --compare-label "$COMPARE_LABEL"} \
	--stock-version "Linux $ver, pristine (Debian linux-source-6.12), configs/base.config" \
	--ours-version "Linux $ver + this repo at $head${dirty:+ (with uncommitted kernel changes)}, configs/base.config (variant base)"
[ $bad = 0 ] || die "kernel splat or job failure in a bench log (above)"
for r in "${rcs[@]}"; do
	[ "${r#*=}" = 0 ] || die "bench job failed: $r (logs: $LOGS/bench-*.log)"
done
