#!/bin/bash
# make matrix: every option the feature's code or Kconfig tests, built on and off, with no
# compiler warning in the series' files (any C or rustc/clippy diagnostic located in a file
# the series adds or changes fails the step, as CONFIG_WERROR=y would), so that no
# configuration a user may pick breaks the build or leaves an unused import behind.
#
# One object tree, build/obj-matrix, seeded with a copy of build/obj-base (so the first
# step, the base config itself, is incremental; CONFIG_WERROR is not set because changing
# the compiler flags would rebuild everything), then each option flipped in turn. kbuild
# rebuilds only what depends on the options that changed between two steps. Logs: build/logs/matrix-<OPTION>-<y|n>.log; the table at the end says
# what each step built and how long it took.
#
# MATRIX_OPTS overrides the list. An option Kconfig does not let us flip (unmet
# dependency) fails the run: the matrix must test what it says.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# From: #[cfg(CONFIG_...)] in kernel/execns/ and rust/kernel/ (USER_NS), #if in the lines the
# patches add and the feature's C files (IA32_EMULATION -> COMPAT, EPOLL, SCHEDSTATS),
# what the code calls into (SYSVIPC, PERF_EVENTS, PROC_FS, SYSFS, BLOCK: ioprio's
# find_user(), SMP), EXECNS's "depends on" (RUST, MULTIUSER: not optional here); and EXECNS
# itself: the whole series applied with the feature off must build warning-free.
MATRIX_OPTS=${MATRIX_OPTS:-"USER_NS SYSVIPC PERF_EVENTS IA32_EMULATION PROC_FS SMP SYSFS BLOCK EPOLL SCHEDSTATS EXECNS"}
CFG_OF() { # OPTION OBJDIR -> y or n
	if grep -q "^CONFIG_$1=y" "$2/.config"; then echo y; else echo n; fi
}

# --inverse [ON]: the matrix in two kernels (make check, CI). The ON kernel (default: debug,
# already built: base.config's value of every option) and the matrix-inverse kernel
# (configs/matrix-inverse.config: every option at the other value, CONFIG_WERROR=y) built
# here, warning-free; then every option of the list must differ between the two .configs.
# CONFIG_EXECNS=n is the <ON>-off kernel that make check builds and boots.
if [ "${1:-}" = --inverse ]; then
	ON=${2:-debug}
	[ -f "$(obj_dir "$ON")/.config" ] || die "matrix --inverse: build the $ON kernel first"
	t0=$(date +%s)
	rc=0
	"$REPO/scripts/build-kernel.sh" matrix-inverse || rc=$?
	inv=$(obj_dir matrix-inverse)
	failed=0
	echo "Config matrix in two kernels ($ON and matrix-inverse${ARCH_SUFFIX:+ $ARCH}; CONFIG_WERROR=y in both):"
	for opt in $MATRIX_OPTS; do
		if [ "$opt" = EXECNS ]; then
			printf '  %-16s y in %s, n in %s-off (the feature-off step of make check)\n' "$opt" "$ON" "$ON"
			continue
		fi
		a=$(CFG_OF "$opt" "$(obj_dir "$ON")") b=n
		[ $rc != 0 ] || b=$(CFG_OF "$opt" "$inv")
		if [ "$opt" = PERF_EVENTS ] && [ "$ARCH" = x86_64 ] && [ "$a" = "$b" ]; then
			printf '  %-16s %s=%s matrix-inverse=%s  (arch/x86/Kconfig selects it: off in ARCH=arm64 only)\n' "$opt" "$ON" "$a" "$b"
		elif [ "$opt" = SCHEDSTATS ] && [ "$a" = "$b" ]; then
			printf '  %-16s %s=%s matrix-inverse=%s  (needs PROC_FS: y in the distro kernel and make matrix)\n' "$opt" "$ON" "$a" "$b"
		elif [ "$a" != "$b" ]; then
			printf '  %-16s %s=%s matrix-inverse=%s  ok\n' "$opt" "$ON" "$a" "$b"
		else
			printf '  %-16s %s=%s matrix-inverse=%s  FAILED: not built both ways\n' "$opt" "$ON" "$a" "$b"
			failed=$((failed + 1))
		fi
	done
	if [ $rc != 0 ]; then
		echo "matrix: the matrix-inverse kernel did not build warning-free (CONFIG_WERROR=y; $LOGS/build-$(log_name matrix-inverse).log)"
		failed=$((failed + 1))
	fi
	echo "matrix --inverse: $(( $(date +%s) - t0 )) s, $failed failed"
	[ $failed = 0 ]
	exit
fi

O=$BUILD/obj-matrix
[ -f "$BUILD/obj-base/.config" ] || die "build the base kernel first (make kernel VARIANT=base)"
[ -f "$BUILD/.tree-manifest" ] || die "kernel tree not prepared: run 'make tree' first"
pipeline_lock
if [ ! -f "$O/.config" ]; then
	say "matrix: seeding $O from obj-base"
	rm -rf "$O"
	cp -a "$BUILD/obj-base" "$O"
fi
KMAKE=(submake -C "$SRC" O="$O" LLVM="$LLVM")
CFG=$SRC/scripts/config

value() { # OPTION -> y or n in $O/.config
	if grep -q "^CONFIG_$1=y" "$O/.config"; then echo y; else echo n; fi
}

# step NAME [OPTION VALUE]: base .config + WERROR (+ OPTION=VALUE), olddefconfig, build.
results=()
failed=0
step() {
	local name=$1 opt=${2:-} want=${3:-} log t0 rc=0 what
	cp "$BUILD/obj-base/.config" "$O/.config"
	if [ -n "$opt" ]; then
		if [ "$want" = y ]; then "$CFG" --file "$O/.config" -e "$opt"; else "$CFG" --file "$O/.config" -d "$opt"; fi
	fi
	"${KMAKE[@]}" olddefconfig > /dev/null
	log=$LOGS/matrix-$name.log
	if [ -n "$opt" ] && [ "$(value "$opt")" != "$want" ]; then
		results+=("$(printf '%-22s %-8s %s' "$name" FAILED "Kconfig did not take CONFIG_$opt=$want")")
		failed=$((failed + 1))
		return
	fi
	[ "$opt" = EXECNS ] || [ "$(value EXECNS)" = y ] || { results+=("$(printf '%-22s %-8s %s' "$name" FAILED "CONFIG_EXECNS dropped")"); failed=$((failed + 1)); return; }
	say "matrix: $name (log: $log)"
	t0=$(date +%s)
	"${KMAKE[@]}" -j"$JOBS" CLIPPY=1 > "$log" 2>&1 || rc=$?
	what="$(grep -cE '^ +(CC|RUSTC [A-Z]) ' "$log" || true) objects rebuilt in $(( $(date +%s) - t0 )) s"
	# Compiler diagnostics located in the files the series adds or changes: C
	# "file:line:col: warning:", rustc/clippy "warning: ..." then " --> file:line:col".
	# (Stock code has its own warnings in some of these configs, e.g. -Wframe-larger-than
	# in fs/select.c: the same without the series, not ours to fix.)
	pat=$(our_files_regex)
	ours=$( { grep -E "(^|/)($pat):[0-9]+:[0-9]+: (warning|error)" "$log"
		grep -E -A4 '^(warning|error)' "$log" | grep -E -B4 "(^|[ /])($pat):[0-9]+"; } || true)
	if [ $rc != 0 ] || [ -n "$ours" ]; then
		[ -n "$ours" ] && echo "$ours" | head -40 >&2
		[ $rc = 0 ] || grep -E -B2 -A8 '(error|Error)[: ]' "$log" | head -40 >&2
		results+=("$(printf '%-22s %-8s %s' "$name" FAILED "$what; see $log")")
		failed=$((failed + 1))
	else
		results+=("$(printf '%-22s %-8s %s' "$name" ok "$what, no warning")")
	fi
}

start=$(date +%s)
step base
for opt in $MATRIX_OPTS; do
	cp "$BUILD/obj-base/.config" "$O/.config.base"
	if grep -q "^CONFIG_$opt=y" "$O/.config.base"; then flip=n; else flip=y; fi
	step "$opt-$flip" "$opt" "$flip"
done
echo
echo "Config matrix ($(( $(date +%s) - start )) s; no compiler warning allowed; each option's other value is base's):"
printf '  %s\n' "${results[@]}"
echo "matrix: $(( ${#results[@]} - failed )) passed, $failed failed"
[ $failed = 0 ]
