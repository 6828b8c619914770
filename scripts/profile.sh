#!/bin/bash
# make profile: where the instructions of the setuid churn go, per kernel function,
# stock vs ours (bench/profile/, Documentation/core-api/uid-table.rst).
#   Boots each kernel with QEMU -icount and the insn-profile TCG plugin, runs
#   bench/profile/churn (N live users, ITERS timed iterations between two
#   sched_yield() markers) and prints instructions per iteration per function.
# Environment: PROFILE_USERS (default "16 65536"), PROFILE_ITERS (default 20000),
#   PROFILE_BOOT (default "stock base"; kernels as built by make bench), PROFILE_TOP (25).
# Outputs: build/profile/<variant>-<users>.{out,log,System.map}.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

USERS=${PROFILE_USERS:-16 65536}
ITERS=${PROFILE_ITERS:-20000}
BOOT=${PROFILE_BOOT:-stock base}
P=$BUILD/profile
SRC=$REPO/bench/profile
mkdir -p "$P/root/bin" "$P/root/jobs"

for v in $BOOT; do
	[ -f "$(obj_dir "$v")/arch/x86/boot/bzImage" ] ||
		die "no $v kernel: make bench (or scripts/build-kernel.sh $v) first"
done
[ -f "$BUILD/initramfs-bench.cpio.gz" ] || die "no build/initramfs-bench.cpio.gz: make bench first"

cc -shared -fPIC -O2 -Wall -o "$P/insn-profile.so" "$SRC/insn-profile.c"
gcc -static -O2 -Wall -o "$P/root/bin/churn" "$SRC/churn.c"
cat > "$P/root/jobs/profile.sh" <<'J'
#!/bin/sh
# execns.profile=<users>,<iterations>
/bin/churn "${EXECNS_PROFILE%,*}" "${EXECNS_PROFILE#*,}"
J
chmod +x "$P/root/jobs/profile.sh"
# the kernel unpacks concatenated cpio archives in order: ours adds /bin/churn and the job
(cd "$P/root" && find . | cpio -o -H newc --quiet | gzip) > "$P/extra.cpio.gz"
cat "$BUILD/initramfs-bench.cpio.gz" "$P/extra.cpio.gz" > "$P/initramfs.cpio.gz"

for n in $USERS; do
	cols=()
	for v in $BOOT; do
		cp "$(obj_dir "$v")/System.map" "$P/$v-$n.System.map"
		toggle=$(awk '$3 == "__x64_sys_sched_yield" { print $1 }' "$P/$v-$n.System.map")
		say "profiling $v with $n live users, $ITERS iterations"
		timeout 3600 qemu-system-x86_64 -cpu max -smp 1 -m 1024 -nographic -no-reboot \
			-kernel "$(obj_dir "$v")/arch/x86/boot/bzImage" -initrd "$P/initramfs.cpio.gz" \
			-append "console=ttyS0 panic=-1 oops=panic execns.job=profile execns.profile=$n,$ITERS" \
			-accel tcg,thread=single -icount shift=0,sleep=off \
			-plugin "$P/insn-profile.so,toggle=$toggle,out=$P/$v-$n.out" \
			</dev/null > "$P/$v-$n.log" 2>&1 || true
		grep -q 'churn done' "$P/$v-$n.log" || die "$v: churn did not finish (log: $P/$v-$n.log)"
		grep -qx '# toggles 2' "$P/$v-$n.out" || die "$v: the markers were not seen twice ($P/$v-$n.out)"
		cols+=("$v=$P/$v-$n.out:$P/$v-$n.System.map")
	done
	echo "== setuid churn, $n live users"
	python3 "$SRC/symbolize.py" "$ITERS" "${cols[@]}" --top "${PROFILE_TOP:-25}"
done
