#!/bin/bash
# make kernel VARIANT=base|debug|distro|stock|debug-off|distro-off|matrix-inverse
# usage: build-kernel.sh <variant> [--config-only | kernel make targets...]
#   base : configs/base.config on tinyconfig, from build/src (make run, benchmarks)
#   debug: base + configs/realistic.config (LSMs, seccomp, io_uring, audit, BPF, cgroups,
#          block, ext4, loop, overlayfs; WERROR) + configs/debug.config (KASAN, lockdep,
#          kmemleak), from build/src (make check, CI)
#   distro: x86_64_defconfig + kvm_guest.config + configs/realistic.config +
#          configs/distro.config, from build/src (make check CHECK_VARIANT=distro);
#          the bzImage only (the defconfig's modules are not needed by the guest).
#   <variant>-off (debug-off, distro-off): <variant> + configs/feature-off.config
#          (CONFIG_EXECNS=n: the series applied, the feature off), built in
#          build/obj-<variant> itself, so that only what depends on CONFIG_EXECNS is
#          rebuilt (each way: the next <variant> build switches it back).
#   matrix-inverse: base + configs/matrix-inverse.config: every option the feature tests at
#          the value opposite to base's (scripts/config-matrix.sh --inverse).
#   stock: configs/base.config built from the PRISTINE tree (benchmark baseline);
#          the feature's options (FEATURE_SYMS regex, default ^EXECNS) are not verified.
#   ALLOW_MISSING=<regex> skips verification of matching symbols (work in progress only).
#   ARCH=arm64: the same variants cross-built for arm64 (tinyconfig + the fragments +
#          configs/arm64.config) in build/obj-<variant>-arm64, the Image only.
# Out of tree (O=build/obj-<variant>), LLVM=-19, incremental. The .config is regenerated
# only when its inputs change (fragments, any Kconfig file, toolchain versions).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pipeline_lock
VARIANT=${1:-${VARIANT:-base}}
FEATURE_SYMS=${FEATURE_SYMS:-^EXECNS}
S=$(variant_src "$VARIANT")
O=$(obj_dir "$VARIANT")
case $VARIANT in
	base|stock) FRAGS=("$REPO/configs/base.config") ;;
	debug|debug-off) FRAGS=("$REPO/configs/base.config" "$REPO/configs/realistic.config" "$REPO/configs/debug.config") ;;
	distro|distro-off) FRAGS=("$REPO/configs/realistic.config" "$REPO/configs/distro.config") ;;
	matrix-inverse) FRAGS=("$REPO/configs/base.config" "$REPO/configs/matrix-inverse.config") ;;
	*) die "unknown kernel variant '$VARIANT' (base, debug, distro, stock, debug-off, distro-off, matrix-inverse)" ;;
esac
# <variant>-off: the series applied, CONFIG_EXECNS=n
case $VARIANT in *-off) FRAGS+=("$REPO/configs/feature-off.config") ;; esac
# arm64: the arch fragment last (it turns off the x86-only options of base.config)
[ "$ARCH" != arm64 ] || FRAGS+=("$REPO/configs/arm64.config")
[ "$VARIANT$ARCH_SUFFIX" != matrix-inverse-arm64 ] || FRAGS+=("$REPO/configs/matrix-inverse-arm64.config")
# The config every variant starts from, before its fragments.
case $VARIANT in
	distro|distro-off) START=(x86_64_defconfig kvm_guest.config) ;;
	*) START=(tinyconfig) ;;
esac
[ "$ARCH" = x86_64 ] || [ "${START[0]}" = tinyconfig ] || die "VARIANT=$VARIANT is x86_64 only (ARCH=$ARCH)"
if [ "$VARIANT" = stock ]; then
	ensure_pristine
else
	[ -f "$BUILD/.tree-manifest" ] && [ -d "$S" ] || die "$S is not prepared: run 'make tree' first"
fi
mkdir -p "$O"
KMAKE=(submake -C "$S" O="$O" LLVM="$LLVM" "${KARCH[@]}")
L=$(log_name "$VARIANT")

# ---- config -------------------------------------------------------------------
config_inputs() {
	echo "variant=$VARIANT llvm=$LLVM src=$S${ARCH_SUFFIX:+ arch=$ARCH}"
	cat "${FRAGS[@]}"
	rustc --version; bindgen --version 2>&1; "clang$LLVM" --version | head -1
	find "$S" -name 'Kconfig*' -type f -print0 | sort -z | xargs -0 cat
}
hash=$(config_inputs | sha256sum | cut -d' ' -f1)
if [ ! -f "$O/.config" ] || [ "$(cat "$O/.execns-config-hash" 2>/dev/null)" != "$hash" ]; then
	say "Configuring $VARIANT kernel: ${START[*]} + ${FRAGS[*]##*/} + olddefconfig (log: $LOGS/config-$L.log)"
	{
		"${KMAKE[@]}" "${START[@]}"
		"$S/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "${FRAGS[@]}"
		"${KMAKE[@]}" olddefconfig
	} > "$LOGS/config-$L.log" 2>&1 || { tail -30 "$LOGS/config-$L.log"; die "kernel configuration failed (see $LOGS/config-$L.log)"; }
	rm -f "$O/.execns-config-hash"
fi

# ---- verify: every requested option has the requested value -------------------
# ALLOW_MISSING=<regex>: tolerate (warn about) those symbols, for work in progress only.
skip=$([ "$VARIANT" = stock ] && echo "$FEATURE_SYMS" || true)
if [ -n "${ALLOW_MISSING:-}" ]; then
	warn "ALLOW_MISSING='$ALLOW_MISSING': not verifying those options (never use this in CI)"
	skip=${skip:+$skip|}$ALLOW_MISSING
fi
bad=$(awk -v skip="$skip" '
	FNR == 1 { fileno++ }
	function parse(line,   m) {
		if (match(line, /^CONFIG_[A-Za-z0-9_]+=/)) { sym = substr(line, 8, RLENGTH - 8); val = substr(line, RLENGTH + 1); return 1 }
		if (match(line, /^# CONFIG_[A-Za-z0-9_]+ is not set/)) { sym = line; sub(/^# CONFIG_/, "", sym); sub(/ is not set.*/, "", sym); val = "n"; return 1 }
		return 0
	}
	FILENAME != CONFIG { if (parse($0)) { want[sym] = val; src[sym] = FILENAME } ; next }
	{ if (parse($0)) have[sym] = val }
	END {
		for (s in want) {
			if (skip != "" && s ~ skip) continue
			h = (s in have) ? have[s] : "n"
			if (h != want[s]) { f = src[s]; sub(/.*\//, "", f); printf "  CONFIG_%s: requested %s (%s), got %s\n", s, want[s], f, (s in have) ? h : "unset" }
		}
	}' CONFIG="$O/.config" "${FRAGS[@]}" "$O/.config" | sort)
if [ -n "$bad" ]; then
	echo "$bad" >&2
	if echo "$bad" | grep -q 'CONFIG_RUST:'; then
		echo "  (Rust support was dropped; 'make LLVM=$LLVM rustavailable' says:)" >&2
		"${KMAKE[@]}" rustavailable 2>&1 | sed 's/^/    /' >&2 || true
	fi
	die "Kconfig dropped/changed $(echo "$bad" | wc -l) requested option(s) for the $VARIANT kernel (above). Fix configs/*.config (missing dependency?) or the Kconfig in patches/. Full .config: $O/.config"
fi
echo "$hash" > "$O/.execns-config-hash"
if [ "${2:-}" = --config-only ]; then say "$VARIANT config OK: $O/.config"; exit 0; fi

# ---- build ----------------------------------------------------------------------
say "Building $VARIANT kernel: make -C $S O=$O LLVM=$LLVM${KARCH[*]:+ ${KARCH[*]}} -j$JOBS (log: $LOGS/build-$L.log)"
start=$(date +%s)
targets=("${@:2}")
case $VARIANT in distro*) [ ${#targets[@]} -gt 0 ] || targets=(bzImage) ;; esac
# Our kernels are compiled with clippy (clippy-driver compiles and lints in one pass, so the
# lint costs no second build); scripts/lint.sh reads the warnings from the build log. The
# stock baseline is compiled as upstream does.
clippy=()
[ "$VARIANT" = stock ] || clippy=(CLIPPY=1)
# arm64's default target also builds every device tree of the tree: only the Image is booted
[ "$ARCH" != arm64 ] || [ ${#targets[@]} -gt 0 ] || targets=(Image)
if ! "${KMAKE[@]}" -j"$JOBS" "${clippy[@]}" "${targets[@]}" > "$LOGS/build-$L.log" 2>&1; then
	grep -E -B2 -A8 '(error|Error)[: ]' "$LOGS/build-$L.log" | head -80 >&2 || tail -40 "$LOGS/build-$L.log" >&2
	die "$VARIANT kernel build failed (full log: $LOGS/build-$L.log)"
fi
# The kernel crate is compiled only when one of its files changes: keep the log of the
# build that last compiled it, for the clippy gate of scripts/lint.sh.
if grep -qE '^ +(CLIPPY|RUSTC)( L)? +rust/kernel\.o' "$LOGS/build-$L.log"; then
	cp "$LOGS/build-$L.log" "$O/.execns-kernel-crate.log"
fi
say "$VARIANT${ARCH_SUFFIX:+ $ARCH} kernel built in $(( $(date +%s) - start )) s: $O/$KIMAGE"
