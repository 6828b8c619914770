#!/bin/bash
# make bisect-check: every prefix of the series builds (issue 13, item 5).
# Applies build/patches/*.patch (make patches) one at a time to a copy of the pristine
# tree, build/bisect/src, and after each one configures (tinyconfig + configs/base.config
# + olddefconfig, as the base kernel) and builds it (LLVM=$LLVM, -j$JOBS, niced) in one
# object directory, build/bisect/obj, incrementally: kbuild rebuilds what the patch
# changed. A step fails if the build fails or prints a compiler warning located in a file
# the series touches. After the last patch the .config must be the base kernel's.
# The first run seeds build/bisect from build/src and build/obj-base (their paths
# rewritten in kbuild's command files, so that nothing is rebuilt for the move). Each
# prefix is made in a staging copy of the touched files and synced into build/bisect/src
# by content, so unchanged files keep their mtimes (an interrupted run resumes cheaply).
# Output: a table (patch, result, seconds, warnings) on stdout and in
# build/bisect/report.txt; build logs build/bisect/logs/<nn>.log. BISECT_FROM=<n> starts
# at patch n (the tree is brought to patch n-1 without building), BISECT_TO=<n> stops
# after patch n (the final .config check is then skipped).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PATCHES=$BUILD/patches
B=$BUILD/bisect
BSRC=$B/src
BOBJ=$B/obj
P=$(pristine_dir)
mapfile -t series < <(cd "$PATCHES" 2>/dev/null && ls [0-9]*.patch | grep -v '^0000-cover-letter' || true)
[ ${#series[@]} -gt 0 ] || die "bisect-check: no series in $PATCHES (make patches)"
mkdir -p "$B/logs" "$B/patches"
# our copy: make patches may rewrite build/patches while this runs
rm -f "$B/patches"/*.patch
cp "${series[@]/#/$PATCHES/}" "$B/patches/"

# ---- seed (once) -------------------------------------------------------------------
if [ ! -f "$B/.seeded" ]; then
	(
		pipeline_lock
		[ -f "$(obj_dir base)/.config" ] || die "bisect-check: build the base kernel first (make kernel)"
		say "bisect-check: seeding $B from $SRC and $(obj_dir base) (once)"
		rm -rf "$BSRC" "$BOBJ" "$B/.touched"
		cp -a "$SRC" "$BSRC.tmp"
		cp -a "$(obj_dir base)" "$BOBJ.tmp"
		grep -rlI --null "$SRC/" "$BOBJ.tmp" | xargs -0 -r sed -i "s#$SRC/#$BSRC/#g"
		ln -sfn "$BSRC" "$BOBJ.tmp/source"
		mv "$BSRC.tmp" "$BSRC"
		mv "$BOBJ.tmp" "$BOBJ"
		cp "$BUILD/.tree-manifest" "$B/.touched"
	)
	touch "$B/.seeded"
fi

# ---- the prefixes: built in a staging tree, synced into build/bisect/src ----------------
# $STAGE holds the pristine version of every file the series (or the last run) touches;
# the patches are applied there one at a time, and before each build every touched file
# of $BSRC whose content differs from $STAGE's is rewritten (or removed): a file that
# already has the right content keeps its mtime, so kbuild rebuilds only what the prefix
# changes (and an interrupted run resumes where it stopped).
series_files() {
	grep -h '^diff --git a/' "$B/patches"/*.patch | awk '{print substr($3, 3)}'
	cat "$B/.touched" 2>/dev/null || true
}
mapfile -t touched < <(series_files | sort -u)
printf '%s\n' "${touched[@]}" > "$B/.touched"
STAGE=$B/stage
rm -rf "$STAGE"
mkdir -p "$STAGE"
for f in "${touched[@]}"; do
	[ -f "$P/$f" ] || continue
	mkdir -p "$STAGE/$(dirname "$f")"
	cp "$P/$f" "$STAGE/$f"
done
sync_prefix() { # -> number of files rewritten in $BSRC
	local f n=0
	for f in "${touched[@]}"; do
		if [ -f "$STAGE/$f" ]; then
			cmp -s "$STAGE/$f" "$BSRC/$f" && continue
			mkdir -p "$BSRC/$(dirname "$f")"
			rm -f "$BSRC/$f"; cp "$STAGE/$f" "$BSRC/$f"
			chmod --reference="$STAGE/$f" "$BSRC/$f"
		elif [ -e "$BSRC/$f" ]; then
			rm -f "$BSRC/$f"
		else
			continue
		fi
		n=$((n + 1))
	done
	echo $n
}
say "bisect-check: ${#series[@]} patches to build in $BSRC"

KMAKE=(submake -C "$BSRC" O="$BOBJ" LLVM="$LLVM")
# long and in the background: leave the CPUs to interactive work first
renice -n 10 -p $$ >/dev/null
ours=$(series_files | sort -u | sed 's/[.]/\\./g' | paste -sd'|')
report=$B/report.txt
{
	echo "make bisect-check: $(date -u '+%Y-%m-%d %H:%M UTC'), repo at $(git -C "$REPO" rev-parse --short HEAD), base config, LLVM=$LLVM, -j$JOBS"
	printf '%-66s %-7s %6s  %s\n' patch result seconds notes
} | tee "$report"
fail=0 i=0 start_all=$(date +%s)
for p in "${series[@]}"; do
	i=$((i + 1))
	(cd "$STAGE" && GIT_CEILING_DIRECTORIES=$B git apply --whitespace=nowarn "$B/patches/$p") || {
		printf '%-66s %-7s %6s  %s\n' "$p" FAILED 0 "does not apply" | tee -a "$report"; fail=1; break; }
	[ "$i" -ge "${BISECT_FROM:-1}" ] || continue
	log=$B/logs/$(printf %02d $i).log
	t0=$(date +%s) result=ok notes=
	synced=$(sync_prefix)
	if ! { "${KMAKE[@]}" tinyconfig &&
		"$BSRC/scripts/kconfig/merge_config.sh" -m -O "$BOBJ" "$BOBJ/.config" "$REPO/configs/base.config" &&
		"${KMAKE[@]}" olddefconfig; } > "$log" 2>&1; then
		result=FAILED notes="configuration failed"
	elif ! "${KMAKE[@]}" -j"$JOBS" >> "$log" 2>&1; then
		result=FAILED notes="build failed: $(grep -m1 -E '(error|Error)[: ]' "$log" | cut -c1-100 || true)"
	fi
	# requested options this prefix does not have yet (their Kconfig comes later)
	missing=$(grep -oE '^CONFIG_[A-Za-z0-9_]+=[ym]' "$REPO/configs/base.config" | cut -d= -f1 |
		while read -r s; do grep -q "^$s=" "$BOBJ/.config" || echo "${s#CONFIG_}"; done | paste -sd, -)
	w=$(grep -E -A4 '^(warning|error)|: warning:' "$log" | grep -cE "(^|[ /])($ours):[0-9]+" || true)
	if [ "$result" = ok ] && [ "$w" != 0 ]; then
		result=FAILED notes="$w warning(s) in the series' files (see $log)"
	fi
	[ -z "$missing" ] || notes="${notes:+$notes; }not yet in Kconfig: $missing"
	notes="$synced files changed${notes:+; $notes}"
	[ "$result" = ok ] || fail=1
	printf '%-66s %-7s %6d  %s\n' "$p" "$result" $(( $(date +%s) - t0 )) "$notes" | tee -a "$report"
	[ "$i" != "${BISECT_TO:-}" ] || break
done
if [ "$fail" = 0 ] && [ "$i" = ${#series[@]} ]; then
	if ! d=$(diff <(grep '^CONFIG_' "$(obj_dir base)/.config") <(grep '^CONFIG_' "$BOBJ/.config")); then
		echo "$d" | head -20
		echo "after the last patch the .config differs from the base kernel's (above)" | tee -a "$report"
		fail=1
	fi
fi
echo "bisect-check: $i of ${#series[@]} patches, $(( $(date +%s) - start_all )) s; $([ $fail = 0 ] && echo 'every prefix builds' || echo FAILED)" | tee -a "$report"
exit $fail
