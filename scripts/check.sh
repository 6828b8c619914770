#!/bin/bash
# make check: setup, then the chain (scripts/lib.sh: tree, debug kernel, payload,
# initramfs, boot QEMU with the check job, summary) with the host checks and tests. Whatever fails, the last line is "N passed, N failed[, ...]"
# and the exit status is non-zero on any failure.
# ARCH=arm64 (make check-arm64): the same steps for the arm64 kernel (CHECK_VARIANT=base
# there), except the host tests, which test the host's (x86_64) build of userspace/ and
# are run by the x86_64 make check.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
V=${CHECK_VARIANT:-debug}
start=$(date +%s)
# Where the time goes: each step's seconds, printed before the summary.
times=()
timed() { # name command...
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s)
	"$@" || rc=$?
	times+=("$name $(( $(date +%s) - t0 ))")
	return $rc
}
step() { # name command...
	local name=$1; shift
	if ! timed "$name" "$@"; then
		echo
		echo "== make check: step '$name' failed after $(( $(date +%s) - start )) s (see above)"
		echo "0 passed, 1 failed"
		exit 1
	fi
}
# Host-side checks: each counts as one test in the summary; a failure does not stop the run.
checks=()
hostcheck() { # name command...
	local name=$1 rc=0
	shift
	timed "$name" "$@" || rc=$?
	checks+=(--host-check "$name=$rc")
}
step setup       "$REPO/scripts/setup.sh"
hostcheck deps-audit "$REPO/scripts/deps-audit.py"
hostcheck deps-audit-self-test "$REPO/scripts/deps-audit.py" --self-test
# the chain (scripts/lib.sh), with the host checks that need the kernel after its build
step kernel      chain --until build "$V" check
hostcheck callers "$REPO/scripts/callers-check.py" --src "$SRC" --repo "$REPO" "$(obj_dir "$V")"
hostcheck lint   "$REPO/scripts/lint.sh" "$V"
step payload     chain --from payload --until initramfs "$V" check
if [ "$ARCH" = x86_64 ]; then
	step host-tests  "$REPO/scripts/host-tests.sh"
else
	say "host tests: not run for ARCH=$ARCH (they test the host build: make check runs them)"
fi
# T=prog[:fixture.variant.test],...: only these guest tests (kselftest cases: harness -r).
[ -z "${T:-}" ] || export APPEND="${APPEND:-} execns.tests=$T"
timed guest chain --from boot --until boot "$V" check || true
# Issue 11 items 5 and 3, after the guest tests (CHECK_EXTRA=0 skips both; they run by
# default for the x86_64 debug kernel, i.e. in CI, not for T=... or other variants):
#  feature-off: the series with CONFIG_EXECNS=n, this kernel's objects rebuilt
#    incrementally (in build/obj-<variant>: the next build switches the option back; see
#    obj_dir in lib.sh), booted with the same check job: every
#    test passes or skips (execns is ENOSYS, no /sys/kernel/execns, the CLI says so);
#    CONFIG_WERROR=y: a compiler warning fails the build.
#  config-matrix: every option the feature tests built the other way too, in one more
#    kernel (scripts/config-matrix.sh --inverse).
extra=0
[ "$ARCH" = x86_64 ] && [ "$V" = debug ] && [ -z "${T:-}" ] && extra=1
extra=${CHECK_EXTRA:-$extra}
feature_off() { # the chain for the $V-off kernel, with this payload and initramfs
	chain --from build --until build "$V-off" check || return 1
	chain --from boot --until boot "$V-off" check || true
	chain --from parse "$V-off" check
}
if [ "$extra" = 1 ]; then
	say "feature off: the $V kernel with CONFIG_EXECNS=n"
	hostcheck feature-off feature_off
	say "config matrix: the options the feature tests, the other way (matrix-inverse kernel)"
	hostcheck config-matrix "$REPO/scripts/config-matrix.sh" --inverse "$V"
fi
hl=()
if [ "$ARCH" = x86_64 ] && [ -f "$LOGS/host-tests.log" ]; then
	hl=(--host-log "$LOGS/host-tests.log" --host-rc "$(cat "$LOGS/host-tests.rc" 2>/dev/null || echo 1)")
fi
echo "(make check: $(( $(date +%s) - start )) s of wall time; seconds per step: $(IFS=,; echo "${times[*]}" | sed 's/,/, /g'))"
chain --from parse "$V" check "${hl[@]}" "${checks[@]}"
