#!/bin/bash
# Boot a kernel in QEMU and run one guest job:  qemu-run.sh <job> [variant]
#   job      check|demo|shell|bench|stress|<any /jobs/<name>.sh>   (execns.job=<job>)
#   variant  base|debug|stock (kernel: build/obj-<variant>/arch/x86/boot/bzImage)
#   ARCH=arm64: qemu-system-aarch64 -M virt (TCG), build/obj-<variant>-arm64/arch/arm64/boot/Image,
#            build/initramfs-arm64.cpio.gz, log build/logs/<job>-<variant>-arm64.log
# Environment:
#   TIMEOUT=<s>       wall-clock limit for the whole run (default 1200; 0 = none)
#   BOOT_TIMEOUT=<s>  limit until the job's begin marker appears (default 300, BENCH=1: 900)
#   BENCH=1           -icount shift=0,sleep=off: guest ns == guest instructions
#   KVM=1             try KVM after a 30 s probe, fall back to TCG (KVM hangs on
#                     nested-virt machines like ours, hence TCG by default)
#   INTERACTIVE=1     serial console on the terminal with input (make shell)
#   ECHO=1            also show the serial output on the terminal
#   QEMU_MEM, QEMU_SMP (default 2, one CPU per socket: SeaBIOS's MP table, which the
#   base config without ACPI relies on, lists only the first CPU of each socket),
#   APPEND (extra kernel parameters), INITRD, KERNEL, LOG, QEMU_EXTRA (more QEMU arguments)
# The serial log is build/logs/<job>-<variant>.log. Exit status: the job's rc from the
# "### EXECNS JOB END job=<job> rc=<N>" marker; 124 on timeout; 125 if the guest died
# without that marker (panic, crash).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

JOB=${1:?usage: qemu-run.sh <job> [variant]}
VARIANT=${2:-${VARIANT:-base}}
KERNEL=${KERNEL:-$(obj_dir "$VARIANT")/$KIMAGE}
INITRD=${INITRD:-$INITRAMFS}
LOG=${LOG:-$LOGS/$JOB-$(log_name "$VARIANT").log}
TIMEOUT=${TIMEOUT:-1200}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-$([ "${BENCH:-0}" = 1 ] && echo 900 || echo 300)}
[ -f "$KERNEL" ] || die "no kernel at $KERNEL (make kernel VARIANT=$VARIANT${ARCH_SUFFIX:+ ARCH=$ARCH})"
[ -f "$INITRD" ] || die "no initramfs at $INITRD (make initramfs)"

CONSOLE=ttyS0
[ "$ARCH" != arm64 ] || CONSOLE=ttyAMA0
CMDLINE="console=$CONSOLE panic=-1 oops=panic execns.job=$JOB ${APPEND:-}"
accel=(-accel tcg)
if [ "${BENCH:-0}" = 1 ]; then
	accel=(-accel tcg,thread=single -icount shift=0,sleep=off)
fi
# la57=off: with 5-level paging, x86 identify_cpu() briefly clears the LA57 capability
# bit that KASAN's address check reads, so an early timer interrupt in that window is
# reported as "KASAN: wild-memory-access" (seen once without ACPI, where the PIT tick goes
# through handle_edge_irq()). Nothing here needs 5-level paging.
QEMU=(qemu-system-x86_64 -cpu max,la57=off -smp "${QEMU_SMP:-2},sockets=${QEMU_SMP:-2}" -m "${QEMU_MEM:-1024}"
	-nographic -no-reboot -kernel "$KERNEL" -initrd "$INITRD")
# arm64: the virt machine (PL011 on ttyAMA0, GIC, PSCI, CPUs from the device tree QEMU
# generates). pauth-impdef=on: QEMU's own pointer authentication algorithm instead of
# QARMA, which costs TCG dearly on every function return of a PAC-enabled kernel.
if [ "$ARCH" = arm64 ]; then
	[ "${KVM:-0}" != 1 ] || { warn "KVM=1: ignored for ARCH=arm64 (TCG only)"; KVM=0; }
	QEMU=(qemu-system-aarch64 -machine virt -cpu max,pauth-impdef=on -smp "${QEMU_SMP:-2}"
		-m "${QEMU_MEM:-1024}" -nographic -no-reboot -kernel "$KERNEL" -initrd "$INITRD")
fi
# QEMU_EXTRA: more QEMU arguments, split on blanks (make profile: -plugin ...)
read -r -a extra <<< "${QEMU_EXTRA:-}"
QEMU+=("${extra[@]}")

if [ "${KVM:-0}" = 1 ] && [ "${BENCH:-0}" != 1 ]; then
	if [ -w /dev/kvm ] && timeout -k 5 30 "${QEMU[@]}" -accel kvm -append "console=ttyS0 panic=-1 execns.job=kvm-probe" \
			</dev/null 2>&1 | grep -q -m1 'EXECNS JOB BEGIN'; then
		say "KVM probe OK: using KVM"
		accel=(-accel kvm)
	else
		warn "KVM probe failed (no output within 30 s); falling back to TCG"
	fi
fi

say "Booting $VARIANT kernel, job '$JOB' (${accel[*]}; log: $LOG)"
: > "$LOG"
if [ "${INTERACTIVE:-0}" = 1 ]; then
	set +e
	"${QEMU[@]}" "${accel[@]}" -append "$CMDLINE" 2>&1 | tee "$LOG"
	set -e
else
	if [ "${ECHO:-0}" = 1 ]; then
		"${QEMU[@]}" "${accel[@]}" -append "$CMDLINE" </dev/null > >(tee -a "$LOG") 2>&1 &
	else
		"${QEMU[@]}" "${accel[@]}" -append "$CMDLINE" </dev/null >> "$LOG" 2>&1 &
	fi
	qpid=$!
	start=$(date +%s) booted=0 why=
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(( $(date +%s) - start ))
		if [ $booted = 0 ] && grep -q 'EXECNS JOB BEGIN' "$LOG"; then
			booted=1
			say "guest booted after ${now} s"
		fi
		if [ $booted = 0 ] && [ "$BOOT_TIMEOUT" != 0 ] && [ $now -ge "$BOOT_TIMEOUT" ]; then
			why="boot timeout: no job begin marker after $BOOT_TIMEOUT s"
		elif [ "$TIMEOUT" != 0 ] && [ $now -ge "$TIMEOUT" ]; then
			why="timeout: job '$JOB' still running after $TIMEOUT s"
		fi
		if [ -n "$why" ]; then
			kill "$qpid" 2>/dev/null; sleep 2; kill -9 "$qpid" 2>/dev/null || true
			break
		fi
		sleep 1
	done
	wait "$qpid" 2>/dev/null || true
	sleep 0.2   # let tee flush
	if [ -n "$why" ]; then
		echo "### HOST: $why" >> "$LOG"
		echo "### HOST: $why (log: $LOG)" >&2
		exit 124
	fi
fi

end=$(grep -a -o "### EXECNS JOB END job=$JOB rc=[0-9]*" "$LOG" | tail -1 || true)
if [ -z "$end" ]; then
	echo "### HOST: guest stopped without the end-of-job marker (kernel panic or crash?)" >> "$LOG"
	echo "ERROR: guest stopped without the end-of-job marker (kernel panic or crash?); log: $LOG" >&2
	exit 125
fi
rc=${end##*rc=}
say "job '$JOB' finished, rc=$rc (log: $LOG)"
exit $(( rc > 255 ? 255 : rc ))
