# Common helpers for the pipeline scripts. Source it; do not execute it.
# Inputs (environment): BUILD (build dir, default <repo>/build), KERNEL_SRC (optional
# user tree), LLVM (default -19), JOBS (default nproc).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
LLVM=${LLVM:--19}
JOBS=${JOBS:-$(nproc)}
export PATH="$HOME/.cargo/bin:$PATH"
# Never leak the outer make's variables (VARIANT=..., TIMEOUT=..., -j jobserver)
# into the kernel's or anybody else's make.
unset MAKEFLAGS MAKEOVERRIDES MFLAGS MAKELEVEL
# make for other people's Makefiles: without our pipeline variables in the environment
submake() {
	env -u BUILD -u JOBS -u TIMEOUT -u KERNEL_SRC -u VARIANT -u LLVM -u BOOT_TIMEOUT \
		-u BENCH -u KVM -u APPEND -u ALLOW_MISSING -u FEATURE_SYMS -u RUN_VARIANT \
		-u CHECK_VARIANT make "$@"
}

PRISTINE_TARBALL=${PRISTINE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRC=$BUILD/src                 # prepared (patched) tree
LOGS=$BUILD/logs
mkdir -p "$BUILD" "$LOGS"

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

kernel_version() { # DIR -> 6.12.117
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
		base|debug|distro|distro-off) echo "$SRC" ;;
		*) die "unknown VARIANT '$1' (expected base, debug, distro, distro-off or stock)" ;;
	esac
}
obj_dir() { echo "$BUILD/obj-$1"; }

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
