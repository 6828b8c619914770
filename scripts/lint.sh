#!/bin/bash
# make lint (and the `lint` step of make check): the series' own style and lint gates.
#   1. checkpatch.pl --strict on every patch of patches/series and every C file the repo
#      adds to the tree (0 errors, 0 warnings, 0 checks);
#   2. rustfmt --check, with the tree's .rustfmt.toml, on every Rust file the repo adds
#      (what `make rustfmtcheck` checks, restricted to our files);
#   3. clippy: the kernels are built with CLIPPY=1 (scripts/build-kernel.sh), so clippy and
#      rustc warnings are in the build log; any warning located in one of our Rust files
#      fails (stock 6.12 code is not ours to lint; its warnings under clippy 1.95 are
#      listed but do not fail);
#   4. rustdoc: `make rustdoc` of the given kernel variant, no warning in our files.
# usage: lint.sh [variant]   (default: base; the variant's kernel must be built)
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

# Warnings of a log located in our files ("--> path:line:col" of rustc/clippy, or path:line
# of C compilers). Paths in the log are relative to the source tree.
our_warnings() { # log
	local pat
	pat=$(printf '%s\n' $ours_rust $ours_c | sed 's/[.]/\\./g' | paste -sd'|')
	grep -E -A4 '^(warning|error)' "$1" | grep -E -B4 "(^|[ /])($pat):[0-9]+" || true
}

# 3. clippy, from the kernel build log
blog=$LOGS/build-$V.log
if ! grep -q 'CLIPPY' "$O/.execns-clippy" 2>/dev/null; then
	report clippy FAILED "the $V kernel was not built with CLIPPY=1 (scripts/build-kernel.sh)"
else
	w=$(our_warnings "$blog")
	if [ -z "$w" ]; then
		report clippy ok "no warning in our files ($(grep -c '^warning' "$blog" || true) in stock code)"
	else echo "$w" | head -60; report clippy FAILED "warnings in our files ($blog)"; fi
fi

# 4. rustdoc
rlog=$LOGS/rustdoc-$V.log
if submake -C "$SRC" O="$O" LLVM="$LLVM" -j"$JOBS" rustdoc > "$rlog" 2>&1; then
	w=$(our_warnings "$rlog")
	if [ -z "$w" ]; then report rustdoc ok "no warning in our files"
	else echo "$w" | head -60; report rustdoc FAILED "warnings in our files ($rlog)"; fi
else
	tail -30 "$rlog"
	report rustdoc FAILED "make rustdoc failed ($rlog)"
fi

echo "lint: $((4 - fail)) passed, $fail failed"
[ $fail = 0 ]
