# Common helpers for the pipeline scripts. Source it; do not execute it.
# Inputs (environment): BUILD (build dir, default <repo>/build), KERNEL_SRC (optional
# user tree), LLVM (default -19), JOBS (default nproc), ARCH (x86_64, the default, or
# arm64: cross-built with LLVM and booted with qemu-system-aarch64).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
LLVM=${LLVM:--19}
JOBS=${JOBS:-$(nproc)}
# The guest architecture. x86_64 keeps every path as it always was (build/obj-<variant>,
# build/guest, build/headers, build/initramfs.cpio.gz, logs/<job>-<variant>.log); arm64
# puts the same things under names ending in -arm64, next to them, sharing build/src.
#   KARCH       ARCH= for the kernel's make (none for x86_64: `make ARCH=x86 tinyconfig`
#               would configure a 32-bit kernel)
#   KIMAGE      the boot image, relative to the object directory
#   CROSS_CC    C compiler for the static guest programs
#   RUST_TARGET Rust target of the guest programs
#   BUSYBOX_DEFAULT the static busybox put into the initramfs
ARCH=${ARCH:-x86_64}
case $ARCH in
	x86_64|x86|amd64)
		ARCH=x86_64 ARCH_SUFFIX= KARCH=() KIMAGE=arch/x86/boot/bzImage
		CROSS_CC=gcc RUST_TARGET=x86_64-unknown-linux-gnu BUSYBOX_DEFAULT=/bin/busybox ;;
	arm64|aarch64)
		ARCH=arm64 ARCH_SUFFIX=-arm64 KARCH=(ARCH=arm64) KIMAGE=arch/arm64/boot/Image
		CROSS_CC=aarch64-linux-gnu-gcc RUST_TARGET=aarch64-unknown-linux-gnu
		BUSYBOX_DEFAULT=$BUILD/busybox-arm64/bin/busybox ;;
	*) printf '\nERROR: ARCH=%s: expected x86_64 (the default) or arm64\n\n' "$ARCH" >&2; exit 1 ;;
esac
export PATH="$HOME/.cargo/bin:$PATH"
# Never leak the outer make's variables (VARIANT=..., TIMEOUT=..., -j jobserver)
# into the kernel's or anybody else's make.
unset MAKEFLAGS MAKEOVERRIDES MFLAGS MAKELEVEL
# make for other people's Makefiles: without our pipeline variables in the environment
submake() {
	env -u BUILD -u JOBS -u ARCH -u TIMEOUT -u KERNEL_SRC -u VARIANT -u LLVM -u BOOT_TIMEOUT \
		-u BENCH -u KVM -u APPEND -u ALLOW_MISSING -u FEATURE_SYMS -u RUN_VARIANT \
		-u CHECK_VARIANT make "$@"
}

PRISTINE_TARBALL=${PRISTINE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRC=$BUILD/src                 # prepared (patched) tree
LOGS=$BUILD/logs
mkdir -p "$BUILD" "$LOGS"
HDR=$BUILD/headers$ARCH_SUFFIX        # make headers_install of the prepared tree
GUEST=$BUILD/guest$ARCH_SUFFIX        # the guest payload (scripts/build-payload.sh)
INITRAMFS=$BUILD/initramfs$ARCH_SUFFIX.cpio.gz

say()  { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf '\nERROR: %s\n\n' "$*" >&2; exit 1; }

# Directory of the unmodified upstream tree: $KERNEL_SRC or build/pristine.
pristine_dir() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		(cd "$KERNEL_SRC" 2>/dev/null && pwd) || die "KERNEL_SRC=$KERNEL_SRC is not a directory"
	else
		echo "$BUILD/pristine"
	fi
}

# check_version DIR: must be a clean 6.12.y tree.
check_version() {
	local d=$1 v p
	[ -f "$d/Makefile" ] || die "$d does not look like a kernel tree (no Makefile)"
	v=$(sed -n 's/^VERSION = //p' "$d/Makefile" | head -1)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$d/Makefile" | head -1)
	[ "$v" = 6 ] && [ "$p" = 12 ] || die "$d is Linux $v.$p, but this project needs a 6.12.y tree (Makefile must say VERSION = 6, PATCHLEVEL = 12)."
	if [ -e "$d/.config" ] || [ -d "$d/include/config" ]; then
		die "$d has been configured/built in place (.config or include/config exists); kbuild then refuses out-of-tree builds. Run 'make -C $d mrproper' (or use a clean tree)."
	fi
}

kernel_version() { # DIR -> 6.12.118
	sed -n 's/^VERSION = //p;s/^PATCHLEVEL = //p;s/^SUBLEVEL = //p' "$1/Makefile" | head -3 | paste -sd.
}

# ensure_pristine: extract the Debian tarball once (default source only).
ensure_pristine() {
	local d
	d=$(pristine_dir)
	if [ -z "${KERNEL_SRC:-}" ] && [ ! -f "$BUILD/.pristine.stamp" ]; then
		[ -f "$PRISTINE_TARBALL" ] || die "$PRISTINE_TARBALL not found: run 'make setup' (installs linux-source-6.12) or set KERNEL_SRC=/path/to/linux-6.12.y"
		say "Extracting $PRISTINE_TARBALL into $d (once, ~20 s)"
		rm -rf "$d" "$d.tmp"
		mkdir -p "$d.tmp"
		tar -xJf "$PRISTINE_TARBALL" -C "$d.tmp" --strip-components=1
		mv "$d.tmp" "$d"
		date -u > "$BUILD/.pristine.stamp"
	fi
	check_version "$d"
}

# variant -> source tree it is built from
variant_src() {
	case $1 in
		stock) pristine_dir ;;
		base|debug|debug-off|distro|distro-off|matrix-inverse) echo "$SRC" ;;
		*) die "unknown VARIANT '$1' (expected base, debug, distro, stock, debug-off, distro-off or matrix-inverse)" ;;
	esac
}
# <variant>-off (CONFIG_EXECNS=n) is built in <variant>'s own object directory: switching the
# option there rebuilds only what tests it. (A copy of the directory would not do: kbuild's
# command lines hold its absolute path, so objtool and then every object would be rebuilt.)
obj_dir() { echo "$BUILD/obj-${1%-off}$ARCH_SUFFIX"; }
# the name of a variant's logs: base, debug... (x86_64), base-arm64... (arm64)
log_name() { echo "$1$ARCH_SUFFIX"; }

# pipeline_lock: serialise the steps that write into $BUILD (tree, kernel builds, payload,
# initramfs) between concurrent pipeline runs on the same build dir (e.g. a `make check`
# and a `make run` started by two people). Held until the calling script exits.
pipeline_lock() {
	exec 9>"$BUILD/.pipeline.lock"
	if ! flock -n 9; then
		say "waiting for another pipeline run using $BUILD ($(basename "$0"))..."
		flock 9
	fi
}

# our_files_regex: an ERE matching the paths of the files the series adds (the overlay) or
# changes (patches/), for telling our compiler warnings from those of stock code.
our_files_regex() {
	{
		(cd "$REPO" && git ls-files -co --exclude-standard -- kernel rust/kernel rust/helpers include)
		grep -h '^diff --git a/' "$REPO"/patches/*.patch | awk '{print substr($3, 3)}'
	} | sort -u | sed 's/[.]/\\./g' | paste -sd'|'
}

# chain [--from STEP] [--until STEP] [--skip STEP]... [--initrd FILE] [--results FILE]
#       VARIANT JOB [RESULTS_ARGS...]
# The pipeline's one chain, parameterised by kernel variant and guest job; make run and
# make shell, scripts/check.sh, bench.sh, stress.sh and profile.sh run it, or a range of
# it (--from/--until; --skip leaves a step out). The steps, in order:
#   prepare    scripts/prepare-tree.sh: build/src (the variant stock builds from the
#              pristine tree, which this extracts if needed)
#   build      scripts/build-kernel.sh VARIANT
#   payload    scripts/build-payload.sh VARIANT
#   initramfs  scripts/mkinitramfs.sh [FILE] (--initrd FILE: a private one, default
#              build/initramfs.cpio.gz)
#   boot       scripts/qemu-run.sh JOB VARIANT with that initramfs; its environment
#              (TIMEOUT, BOOT_TIMEOUT, BENCH, APPEND, ECHO, INTERACTIVE, QEMU_EXTRA, LOG...)
#              passes through. A failed job does not stop the chain: parse says why.
#   parse      scripts/results.py of the serial log: --mode check for the job check,
#              --mode run --job JOB otherwise, the splat allowlist, RESULTS_ARGS (host
#              test logs, host checks...); --results FILE keeps a copy of the summary.
# A step that fails before boot ends the chain with its status (the step scripts say
# why). Otherwise the status is parse's if it ran, else boot's, else 0.
chain() {
	local from=prepare until=parse initrd= results= skip=" " on=0 rc=0 s v job log
	while [ $# -gt 0 ]; do
		case $1 in
			--from) from=$2; shift 2 ;;
			--until) until=$2; shift 2 ;;
			--skip) skip+="$2 "; shift 2 ;;
			--initrd) initrd=$2; shift 2 ;;
			--results) results=$2; shift 2 ;;
			-*) die "chain: unknown option $1" ;;
			*) break ;;
		esac
	done
	v=${1:?usage: chain [options] VARIANT JOB [RESULTS_ARGS...]}
	job=${2:?usage: chain [options] VARIANT JOB [RESULTS_ARGS...]}
	shift 2
	log=${LOG:-$LOGS/$job-$(log_name "$v").log}
	for s in "$from" "$until" ${skip}; do
		case $s in prepare|build|payload|initramfs|boot|parse) ;;
			*) die "chain: unknown step '$s' (prepare build payload initramfs boot parse)" ;; esac
	done
	for s in prepare build payload initramfs boot parse; do
		[ "$s" != "$from" ] || on=1
		if [ $on = 1 ] && [ "${skip/ $s /}" = "$skip" ]; then
			case $s in
				prepare) "$REPO/scripts/prepare-tree.sh" || return ;;
				build) "$REPO/scripts/build-kernel.sh" "$v" || return ;;
				payload) "$REPO/scripts/build-payload.sh" "$v" || return ;;
				initramfs) "$REPO/scripts/mkinitramfs.sh" ${initrd:+"$initrd"} || return ;;
				boot)
					rc=0
					INITRD=${initrd:-$INITRAMFS} LOG=$log "$REPO/scripts/qemu-run.sh" "$job" "$v" || rc=$? ;;
				parse)
					local mode=(--mode run --job "$job")
					[ "$job" != check ] || mode=(--mode check)
					local parse=("$REPO/scripts/results.py" "${mode[@]}" --allow "$REPO/tests/splat-allowlist.txt" "$@" "$log")
					rc=0
					if [ -n "$results" ]; then "${parse[@]}" | tee "$results" || rc=$?
					else "${parse[@]}" || rc=$?; fi ;;
			esac
		fi
		[ "$s" != "$until" ] || break
	done
	return $rc
}
