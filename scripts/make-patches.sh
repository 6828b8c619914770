#!/bin/bash
# make patches: the whole change as a reviewable series, build/patches/ (format-patch
# style, 0000-cover-letter.patch first), against the pristine 6.12 tree.
#   1. make tree (scripts/prepare-tree.sh): build/src = pristine + overlay + patches/series
#   2. scripts/make-patches.py cuts build/src's changes into the patches patches/series.map
#      lists (upstream edits from patches/*.patch, new files from the overlay; it fails
#      naming any file the map does not place)
#   3. equivalence: the series applied with `git apply` to a copy of the pristine tree
#      (hard links; git apply replaces the files it changes) must give build/src exactly:
#      the same files, contents and modes (`diff -r`, no build products in build/src)
#   4. checkpatch.pl --strict on every patch: the findings are printed and counted; a
#      finding that no line of patches/checkpatch-accepted.txt (extended regexes matched
#      against checkpatch's --terse line "file:line: TYPE: message"; "# reason" comments)
#      accepts fails
# Exit status 0 only if all of it passed.
# (git apply runs with GIT_CEILING_DIRECTORIES: inside the repo's checkout it would apply
# the paths relative to the repo and silently skip the others.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -z "${EXTRA_PATCHES:-}" ] || die "make patches: EXTRA_PATCHES is set; the series is the repo's own patches only"
OUT=$BUILD/patches
"$REPO/scripts/prepare-tree.sh"
pipeline_lock
P=$(pristine_dir)
say "patches: cutting the series (patches/series.map) -> $OUT"
python3 "$REPO/scripts/make-patches.py" --repo "$REPO" --pristine "$P" --src "$SRC" \
	--manifest "$BUILD/.tree-manifest" --out "$OUT" --work "$BUILD/.patches-git" >/dev/null
mapfile -t series < <(cd "$OUT" && ls [0-9]*.patch | grep -v '^0000-cover-letter')
say "patches: ${#series[@]} patches + cover letter in $OUT"

# ---- 3. equivalence with build/src ---------------------------------------------------
T=$BUILD/.patches-check
rm -rf "$T"
cp -al "$P" "$T"
for p in "${series[@]}"; do
	(cd "$T" && GIT_CEILING_DIRECTORIES=$BUILD git apply --whitespace=nowarn "$OUT/$p") || die "patches: $p does not apply to the pristine tree + the patches before it"
done
if ! d=$(diff -r --no-dereference "$T" "$SRC" 2>&1); then
	echo "$d" | head -40 >&2
	die "patches: the series applied to the pristine tree differs from $SRC (above)"
fi
while IFS= read -r f; do
	[ -e "$SRC/$f" ] || continue
	[ "$(stat -c %a "$T/$f")" = "$(stat -c %a "$SRC/$f")" ] ||
		die "patches: $f has mode $(stat -c %a "$T/$f") from the series but $(stat -c %a "$SRC/$f") in $SRC"
done < "$BUILD/.tree-manifest"
rm -rf "$T"
say "patches: the series applied to the pristine tree gives $SRC exactly"

# ---- 4. checkpatch ---------------------------------------------------------------------
accepted=$REPO/patches/checkpatch-accepted.txt
total=0 bad=0
for p in 0000-cover-letter.patch "${series[@]}"; do
	r=$("$SRC/scripts/checkpatch.pl" --strict --no-tree --terse --showfile "$OUT/$p" 2>&1 |
		grep -E ': (ERROR|WARNING|CHECK):' || true)
	n=$(printf '%s' "$r" | grep -c . || true)
	notok=$(printf '%s' "$r" | grep -v -E -f <(sed 's/[[:space:]]#.*//; /^#/d; /^[[:space:]]*$/d' "$accepted") || true)
	nb=$(printf '%s' "$notok" | grep -c . || true)
	[ -z "$notok" ] || printf '%s\n' "$notok" | sed 's/^/    /'
	total=$((total + n)) bad=$((bad + nb))
	printf '  %-62s %3d findings, %d not accepted\n' "$p" "$n" "$nb"
done
[ "$bad" = 0 ] || die "patches: checkpatch --strict: $bad finding(s) not in patches/checkpatch-accepted.txt (above)"
say "patches: checkpatch --strict: $total finding(s), all accepted (patches/checkpatch-accepted.txt)"
