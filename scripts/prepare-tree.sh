#!/bin/bash
# make tree: build/src = pristine 6.12 tree + the repo's overlay files + patches/series.
#
# * build/src is a full copy of the pristine tree, made once.
# * Overlay: every file in the repo under the kernel top-level paths below (new files
#   only: a file that already exists upstream is an error, change those with a patch),
#   plus the repo's top-level Kbuild, installed as kernel/execns/Kbuild.
# * patches/series: patch names in order (# comments allowed), applied with -p1.
# * Incremental and idempotent: the desired content of every file touched by overlay or
#   patches is built in a staging dir; a file in build/src is rewritten only if its
#   content differs (so kbuild's mtime logic rebuilds only what changed). Files touched
#   last time but not any more are restored from pristine (or deleted).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OVERLAY_DIRS="arch block fs include init ipc kernel lib mm net security rust/kernel rust/helpers Documentation tools/testing/selftests/execns"
KBUILD_DEST=kernel/execns/Kbuild

pipeline_lock
ensure_pristine
P=$(pristine_dir)
MANIFEST=$BUILD/.tree-manifest
STAMP=$BUILD/.tree-copy.stamp
STAGE=$BUILD/.tree-stage

# 1. Full copy of the pristine tree (once per source).
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$P" ] || [ ! -d "$SRC" ]; then
	if [ -d "$SRC" ]; then
		say "Kernel source changed (now $P): re-copying build/src, dropping old objects"
		rm -rf "$SRC" "$BUILD"/obj-base "$BUILD"/obj-debug "$MANIFEST"
	fi
	say "Copying $P -> $SRC (once)"
	rm -rf "$SRC.tmp"
	cp -a "$P" "$SRC.tmp"
	mv "$SRC.tmp" "$SRC"
	rm -f "$MANIFEST"
	echo "$P" > "$STAMP"
fi

# 2. Materialize the desired content in the staging dir.
rm -rf "$STAGE"; mkdir -p "$STAGE"
declare -A want=()      # relpath -> 1 for every file we manage now
declare -A overlay=()
errors=()

cd "$REPO"
list_repo_files() {
	# tracked + untracked-but-not-ignored files that exist in the working tree
	if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$REPO" ls-files -co --exclude-standard -- "$@"
	else
		find "$@" -type f 2>/dev/null
	fi
}
dirs=()
for d in $OVERLAY_DIRS; do [ -d "$d" ] && dirs+=("$d"); done
if [ ${#dirs[@]} -gt 0 ]; then
	while IFS= read -r f; do
		[ -f "$f" ] || continue
		if [ -e "$P/$f" ] || [ -L "$P/$f" ]; then
			errors+=("overlay file $f already exists upstream ($P/$f): the overlay may only add new files; change upstream files with a patch in patches/")
			continue
		fi
		overlay[$f]=1; want[$f]=1
		mkdir -p "$STAGE/$(dirname "$f")"
		cp -p "$f" "$STAGE/$f"
	done < <(list_repo_files "${dirs[@]}" | sort -u)
fi
if [ -f "$REPO/Kbuild" ]; then
	[ -e "$P/$KBUILD_DEST" ] && errors+=("$KBUILD_DEST already exists upstream")
	[ -n "${overlay[$KBUILD_DEST]:-}" ] && errors+=("both the top-level Kbuild and $KBUILD_DEST exist in the repo; keep only the top-level Kbuild")
	overlay[$KBUILD_DEST]=1; want[$KBUILD_DEST]=1
	mkdir -p "$STAGE/$(dirname "$KBUILD_DEST")"
	cp -p "$REPO/Kbuild" "$STAGE/$KBUILD_DEST"
fi
if [ ${#errors[@]} -gt 0 ]; then
	printf 'ERROR: %s\n' "${errors[@]}" >&2
	exit 1
fi

# files named in a patch (-p1): "--- a/x" immediately followed by "+++ b/y"
patch_files() {
	awk '
		prev ~ /^--- / && /^\+\+\+ / {
			for (i = 0; i < 2; i++) {
				l = (i == 0) ? prev : $0
				sub(/^(---|\+\+\+) /, "", l); sub(/\t.*$/, "", l)
				if (l != "/dev/null") { sub(/^[^\/]*\//, "", l); print l }
			}
		}
		{ prev = $0 }' "$1"
}

series=()
if [ -f "$REPO/patches/series" ]; then
	while IFS= read -r line; do
		line=${line%%#*}; line=$(echo "$line" | xargs)
		[ -n "$line" ] || continue
		[ -f "$REPO/patches/$line" ] || die "patches/series names '$line' but patches/$line does not exist"
		series+=("$line")
	done < "$REPO/patches/series"
fi
# EXTRA_PATCHES="/abs/a.patch ...": applied after the series, for local experiments
# (a debug printk, a deliberate WARN_ON); the next run without it restores the files.
for x in ${EXTRA_PATCHES:-}; do
	[ -f "$x" ] || die "EXTRA_PATCHES: $x not found"
	x=$(cd "$(dirname "$x")" && pwd)/$(basename "$x")
	series+=("$x")
done
ppath() { case $1 in /*) echo "$1" ;; *) echo "$REPO/patches/$1" ;; esac; }
for pn in "${series[@]}"; do
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		want[$f]=1
		if [ -z "${overlay[$f]:-}" ] && [ ! -e "$STAGE/$f" ] && [ -f "$P/$f" ]; then
			mkdir -p "$STAGE/$(dirname "$f")"
			cp -p "$P/$f" "$STAGE/$f"
		fi
	done < <(patch_files "$(ppath "$pn")")
done
for pn in "${series[@]}"; do
	if ! out=$(patch -d "$STAGE" -p1 --no-backup-if-mismatch -f -s -r - < "$(ppath "$pn")" 2>&1); then
		echo "$out" >&2
		die "patch $([ "${pn#/}" = "$pn" ] && echo "patches/$pn" || echo "$pn") does not apply (series position $(( $(printf '%s\n' "${series[@]}" | grep -nxF "$pn" | head -1 | cut -d: -f1) )) of ${#series[@]}). build/src was left unchanged."
	fi
	[ -z "$out" ] || echo "$out" >&2
done

# 3. Sync staging -> build/src, touching only files whose content differs.
changed=0
sync_file() { # relpath source
	local f=$1 s=$2
	if [ -f "$SRC/$f" ] && cmp -s "$s" "$SRC/$f"; then
		[ "$(stat -c %a "$s")" = "$(stat -c %a "$SRC/$f")" ] || chmod --reference="$s" "$SRC/$f"
		return
	fi
	mkdir -p "$SRC/$(dirname "$f")"
	rm -f "$SRC/$f"
	cp "$s" "$SRC/$f"           # no -p: new mtime, so kbuild rebuilds dependants
	chmod --reference="$s" "$SRC/$f"
	echo "  updated  $f"; changed=$((changed+1))
}
remove_file() {
	local f=$1
	if [ -e "$SRC/$f" ] || [ -L "$SRC/$f" ]; then
		rm -f "$SRC/$f"; echo "  removed  $f"; changed=$((changed+1))
		# drop now-empty directories that do not exist upstream
		local d; d=$(dirname "$f")
		while [ "$d" != . ] && [ ! -d "$P/$d" ] && rmdir "$SRC/$d" 2>/dev/null; do d=$(dirname "$d"); done
	fi
}
while IFS= read -r f; do
	[ -n "$f" ] || continue
	if [ -e "$STAGE/$f" ]; then sync_file "$f" "$STAGE/$f"; else remove_file "$f"; fi
done < <(printf '%s\n' "${!want[@]}" | sort)
if [ -f "$MANIFEST" ]; then
	while IFS= read -r f; do
		[ -n "$f" ] && [ -z "${want[$f]:-}" ] || continue
		if [ -f "$P/$f" ]; then sync_file "$f" "$P/$f"; else remove_file "$f"; fi
	done < "$MANIFEST"
fi
printf '%s\n' "${!want[@]}" | sort > "$MANIFEST.tmp" && mv "$MANIFEST.tmp" "$MANIFEST"
rm -rf "$STAGE"
say "tree: $SRC ready (Linux $(kernel_version "$P"); ${#overlay[@]} overlay files, ${#series[@]} patches, $changed files changed)"
