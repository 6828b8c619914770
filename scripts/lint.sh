#!/bin/bash
# make lint (and the `lint` step of make check): the series' own style and lint gates.
#   1. checkpatch.pl --strict on every patch of patches/series and every C file the repo
#      adds to the tree (0 errors, 0 warnings, 0 checks);
#   2. rustfmt --check, with the tree's .rustfmt.toml, on every Rust file the repo adds
#      (what `make rustfmtcheck` checks, restricted to our files);
#   3. clippy: the kernels are built with CLIPPY=1 (scripts/build-kernel.sh) and the
#      feature's objects recompiled with it here; any clippy or rustc warning located in one
#      of our files fails (stock 6.12 code is not ours to lint);
#   4. rustdoc: `make rustdoc` of the given kernel variant, no warning in our files;
#   5. no header but the feature's own names CONFIG_EXECNS (cheap feature-off switch).
# usage: lint.sh [variant]   (default: base; the variant's kernel must be built; ARCH=arm64:
# that architecture's build of it)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
V=${1:-base}
O=$(obj_dir "$V")
[ -f "$O/.config" ] || die "lint: build the $V kernel first"
fail=0
report() { # name status detail
	printf '  %-28s %-6s %s\n' "$1" "$2" "$3"
	[ "$2" = ok ] || fail=$((fail + 1))
}

# Our files: the overlay (new files) of the repo, as prepare-tree.sh installs them.
ours_rust=$(cd "$REPO" && git ls-files -co --exclude-standard -- rust/kernel kernel | grep '\.rs$')
ours_c=$(cd "$REPO" && git ls-files -co --exclude-standard -- kernel rust/helpers include | grep -E '\.[ch]$')

# 1. checkpatch (outside the repo: inside a git tree checkpatch reads the file as a new file)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp_out=""
for p in $(grep -v '^#' "$REPO/patches/series"); do
	cp "$REPO/patches/$p" "$tmp/"
	r=$("$SRC/scripts/checkpatch.pl" --strict --no-tree --quiet "$tmp/$p" 2>&1)
	[ -z "$r" ] || cp_out+="$p:"$'\n'"$r"$'\n'
done
for f in $ours_c; do
	r=$("$SRC/scripts/checkpatch.pl" --strict --no-tree --quiet -f "$REPO/$f" 2>&1)
	[ -z "$r" ] || cp_out+="$f:"$'\n'"$r"$'\n'
done
if [ -z "$cp_out" ]; then
	report checkpatch ok "$(grep -vc '^#' "$REPO/patches/series") patches, $(echo "$ours_c" | wc -w) C files"
else
	echo "$cp_out" | head -60
	report checkpatch FAILED "see above"
fi

# 2. rustfmt
r=$(cd "$REPO" && rustfmt --check --edition 2021 --config-path "$SRC/.rustfmt.toml" $ours_rust 2>&1)
if [ -z "$r" ]; then report rustfmt ok "$(echo "$ours_rust" | wc -w) Rust files"
else echo "$r" | head -40; report rustfmt FAILED "run: rustfmt --edition 2021 --config-path build/src/.rustfmt.toml <file>"; fi

# Warnings of a log located in our files: the files the repo adds and the upstream files its
# patches change. rustc/clippy print "warning: ..." then " --> path:line:col"; C compilers
# "path:line:col: warning: ...". Paths in the log are absolute or relative to the tree.
our_warnings() { # log
	local pat
	pat=$(our_files_regex)
	{
		grep -E -A4 '^(warning|error)' "$1" | grep -E -B4 "(^|[ /])($pat):[0-9]+"
		grep -E "(^|/)($pat):[0-9]+:[0-9]+: (warning|error)" "$1"
	} || true
}

# 3. clippy. The feature's objects are recompiled here with CLIPPY=1 (a few seconds), so
# their warnings are always fresh; the kernel crate (rust/kernel/*.rs, ours included) is
# one compilation unit, linted whenever it is compiled: scripts/build-kernel.sh keeps the
# log of the last build that compiled it.
clog=$LOGS/clippy-$(log_name "$V").log
# The feature's crates: the objects of Kbuild built from a .rs file (the other .rs files of
# kernel/execns/ are modules of those crates, not objects).
feature_objs=$(cd "$REPO" && sed -n 's/^obj-\$(CONFIG_EXECNS) += \([a-z0-9_]*\)\.o$/\1/p' Kbuild |
	while read -r o; do [ ! -f "kernel/execns/$o.rs" ] || echo "kernel/execns/$o.o"; done)
# CONFIG_EXECNS=n (VARIANT=distro-off): kernel/execns/ is not built, nothing to recompile
grep -q '^CONFIG_EXECNS=y' "$O/.config" || { feature_objs=; : > "$clog"; }
# shellcheck disable=SC2086 # list of objects
[ -z "$feature_objs" ] || (cd "$O" && rm -f $feature_objs)
# shellcheck disable=SC2086
if [ -n "$feature_objs" ] &&
		! submake -C "$SRC" O="$O" LLVM="$LLVM" "${KARCH[@]}" CLIPPY=1 $feature_objs > "$clog" 2>&1; then
	tail -30 "$clog"
	report clippy FAILED "could not compile $feature_objs ($clog)"
elif [ ! -f "$O/.execns-kernel-crate.log" ]; then
	report clippy FAILED "no log of a kernel crate build with CLIPPY=1 (rebuild: rm $O/rust/kernel.o)"
else
	w=$(our_warnings "$clog"; our_warnings "$O/.execns-kernel-crate.log"; our_warnings "$LOGS/build-$(log_name "$V").log")
	if [ -z "$w" ]; then
		report clippy ok "no warning in our files (${feature_objs:+feature objects recompiled, }kernel crate log kept)"
	else echo "$w" | head -60; report clippy FAILED "warnings in our files ($clog, $O/.execns-kernel-crate.log)"; fi
fi

# 4. rustdoc
rlog=$LOGS/rustdoc-$(log_name "$V").log
if submake -C "$SRC" O="$O" LLVM="$LLVM" "${KARCH[@]}" -j"$JOBS" rustdoc > "$rlog" 2>&1; then
	w=$(our_warnings "$rlog")
	if [ -z "$w" ]; then report rustdoc ok "no warning in our files"
	else echo "$w" | head -60; report rustdoc FAILED "warnings in our files ($rlog)"; fi
else
	tail -30 "$rlog"
	report rustdoc FAILED "make rustdoc failed ($rlog)"
fi

# 5. CONFIG_EXECNS is named only by the feature's own headers (and .c files): a header many
#    files include that names it, even in a comment, makes fixdep record the option as a
#    dependency of all of them, and switching it (the feature-off kernel) rebuilds the kernel.
hdrs=$(cd "$SRC" && grep -rlw 'CONFIG_EXECNS' include arch/*/include 2>/dev/null |
	grep -vxE 'include/linux/(execns|uid_table)\.h' | tr '\n' ' ' || true)
if [ -z "$hdrs" ]; then report "option in headers" ok "only include/linux/{execns,uid_table}.h name CONFIG_EXECNS"
else report "option in headers" FAILED "CONFIG_EXECNS named in $hdrs(fixdep: every includer depends on it)"; fi

echo "lint: $((5 - fail)) passed, $fail failed"
[ $fail = 0 ]
