#!/bin/bash
# make profile: where the instructions go, per kernel function (bench/profile/,
# Documentation/core-api/uid-table.rst "Where the instructions go").
#   Boots a kernel with QEMU -icount and the insn-profile TCG plugin, runs one program
#   of bench/profile/ whose timed loop sits between two sched_yield() markers, and
#   prints instructions per iteration per function, one column per run.
# Two profiles:
#   default           setuid churn (bench/profile/churn.c) with PROFILE_USERS live users
#                     (default "16 65536"), one column per kernel of PROFILE_BOOT
#                     (default "stock base"), PROFILE_ITERS iterations (default 20000)
#   PROFILE_NSEXEC=F  execns(F) against unshare(F) + close_range + execve
#                     (bench/profile/nsexec.c) on our base kernel, PROFILE_ITERS
#                     iterations (default 200); e.g. PROFILE_NSEXEC=0x7e020080 (all 8)
#   PROFILE_AB=F      unshare(F) + close_range + execve (fork, exit and wait included) on
#                     each kernel of PROFILE_BOOT (default "stock base"): where a kernel
#                     spends more on the common path
# Needs the kernels and build/initramfs-bench.cpio.gz of make bench. PROFILE_TOP=25.
# Outputs: build/profile/<run>.{out,log,System.map}.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

P=$BUILD/profile
SRC=$REPO/bench/profile
mkdir -p "$P/root/bin" "$P/root/jobs"
[ -f "$BUILD/initramfs-bench.cpio.gz" ] || die "no build/initramfs-bench.cpio.gz: make bench first"

cc -shared -fPIC -O2 -Wall -o "$P/insn-profile.so" "$SRC/insn-profile.c"
gcc -static -O2 -Wall -I "$REPO/bench" -o "$P/root/bin/churn" "$SRC/churn.c"
gcc -static -O2 -Wall -isystem "$BUILD/headers/include" -o "$P/root/bin/nsexec" "$SRC/nsexec.c"
cat > "$P/root/jobs/profile.sh" <<'J'
#!/bin/sh
# execns.profile=<program>,<arg>,<arg>...: runs /bin/<program> <arg> <arg>...
set -- $(echo "$EXECNS_PROFILE" | tr , ' ')
prog=$1
shift
exec "/bin/$prog" "$@"
J
chmod +x "$P/root/jobs/profile.sh"
# the kernel unpacks concatenated cpio archives in order: ours adds the programs and the job
(cd "$P/root" && find . | cpio -o -H newc --quiet | gzip) > "$P/extra.cpio.gz"
cat "$BUILD/initramfs-bench.cpio.gz" "$P/extra.cpio.gz" > "$P/initramfs.cpio.gz"

# run <name> <variant> <program,args...>: one profiled boot -> $P/<name>.out
run() {
	local name=$1 v=$2 what=$3 toggle
	[ -f "$(obj_dir "$v")/arch/x86/boot/bzImage" ] ||
		die "no $v kernel: make bench (or scripts/build-kernel.sh $v) first"
	cp "$(obj_dir "$v")/System.map" "$P/$name.System.map"
	toggle=$(awk '$3 == "__x64_sys_sched_yield" { print $1 }' "$P/$name.System.map")
	say "profiling $v: ${what//,/ }"
	rm -f "$P/$name.out"
	# the chain's boot step (scripts/lib.sh) with the plugin; the kernels and the
	# initramfs are make bench's, the output is checked below instead of parsed
	BENCH=1 QEMU_SMP=1 TIMEOUT=3600 BOOT_TIMEOUT=900 \
		LOG="$P/$name.log" APPEND="execns.profile=$what" \
		QEMU_EXTRA="-plugin $P/insn-profile.so,toggle=$toggle,out=$P/$name.out" \
		chain --from boot --until boot --initrd "$P/initramfs.cpio.gz" "$v" profile ||
		die "$name: the profile job failed (log: $P/$name.log)"
	grep -q ' done ' "$P/$name.log" || die "$name: the program did not finish (log: $P/$name.log)"
	grep -qx '# toggles 2' "$P/$name.out" || die "$name: the markers were not seen twice ($P/$name.out)"
	cols+=("$name=$P/$name.out:$P/$name.System.map")
}

# columns TITLE NAME VARIANT WHAT [NAME VARIANT WHAT...]: one profiled run per triple,
# printed side by side under TITLE
columns() {
	local title=$1
	shift
	cols=()
	while [ $# -ge 3 ]; do
		run "$1" "$2" "$3"
		shift 3
	done
	echo "== $title"
	python3 "$SRC/symbolize.py" "$ITERS" "${cols[@]}" --top "${PROFILE_TOP:-25}"
}

if [ -n "${PROFILE_AB:-}" ]; then
	ITERS=${PROFILE_ITERS:-200}
	runs=()
	for v in ${PROFILE_BOOT:-stock base}; do
		runs+=("unshare-$v" "$v" "nsexec,unshare,$PROFILE_AB,$ITERS")
	done
	columns "fork + unshare($PROFILE_AB) + close_range + execve + exit + wait, per kernel, $ITERS iterations" \
		"${runs[@]}"
	exit 0
fi

if [ -n "${PROFILE_NSEXEC:-}" ]; then
	ITERS=${PROFILE_ITERS:-200}
	columns "execns($PROFILE_NSEXEC) vs unshare + close_range + execve, $ITERS iterations" \
		execns base "nsexec,execns,$PROFILE_NSEXEC,$ITERS" \
		unshare base "nsexec,unshare,$PROFILE_NSEXEC,$ITERS"
	exit 0
fi

ITERS=${PROFILE_ITERS:-20000}
for n in ${PROFILE_USERS:-16 65536}; do
	runs=()
	for v in ${PROFILE_BOOT:-stock base}; do
		runs+=("$v-$n" "$v" "churn,$n,$ITERS")
	done
	columns "setuid churn, $n live users" "${runs[@]}"
done
