#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every in-tree caller of a C function the series changes or adds must be compiled.

A tinyconfig-based kernel compiles a small part of the tree: a caller of a function whose
prototype the series changes can stay broken unnoticed (block/ioprio.c calling
find_user(uid) did). This check:

1. collects the functions whose prototype the series changes, adds or removes in a C
   header: the prototypes that differ between the pre- and post-image of each include/
   hunk of patches/*.patch (a change on any line of a multi-line prototype counts), and
   every prototype of the headers the series adds under include/ (the overlay);
2. finds every file of the prepared tree (build/src) that names one of them: .c files
   outside Documentation/, tools/, samples/ and scripts/ (those are not kernel objects);
3. requires each such foo.c to have a foo.o, newer than foo.c, in at least one of the
   given object trees.

Usage: callers-check.py --src build/src --repo . OBJDIR [OBJDIR...]
Exits 1 naming every caller that no object tree compiled.
"""
import argparse
import os
import re
import subprocess
import sys

# A prototype: a return type (words, stars), a name, "(" ... ")" ";" -- one statement.
PROTO = re.compile(r"^\s*(?:extern\s+)?(?:[A-Za-z_]\w*[\s\*]+)+?\**([A-Za-z_]\w*)\s*\([^;{}]*\)\s*;",
                   re.M)
NOT_OBJECTS = ("Documentation/", "tools/", "samples/", "scripts/", "usr/")


def header_hunks(patch):
    """(pre-image, post-image) text of each include/*.h hunk of a patch."""
    cur, hunks, pre, post = None, [], None, None
    with open(patch, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("diff --git "):
                path = line.split()[2][2:]
                cur = path if path.startswith("include/") and path.endswith(".h") else None
            elif line.startswith("@@"):
                if pre is not None:
                    hunks.append(("".join(pre), "".join(post)))
                pre, post = ([], []) if cur else (None, None)
            elif pre is not None and line[:1] in " +-" and not line.startswith(("+++", "---")):
                if line[0] in " -":
                    pre.append(line[1:])
                if line[0] in " +":
                    post.append(line[1:])
    if pre is not None:
        hunks.append(("".join(pre), "".join(post)))
    return hunks


def prototypes(text):
    """{name: normalised prototype} of the prototypes in a C text."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return {m.group(1): " ".join(m.group(0).split()) for m in PROTO.finditer(text)}


def overlay_headers(repo):
    for root, _, files in os.walk(os.path.join(repo, "include")):
        for name in files:
            if name.endswith(".h"):
                yield os.path.join(root, name)


def changed_functions(repo):
    names = set()
    series = os.path.join(repo, "patches", "series")
    with open(series) as f:
        patches = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    for p in patches:
        # A prototype added, removed or changed (on any of its lines) in a hunk.
        for pre, post in header_hunks(os.path.join(repo, "patches", p)):
            a, b = prototypes(pre), prototypes(post)
            names.update(n for n in set(a) | set(b) if a.get(n) != b.get(n))
    for h in overlay_headers(repo):
        with open(h) as f:
            text = f.read()
        # Prototypes only; static inline stubs have bodies and are not matched.
        names.update(PROTO.findall(re.sub(r"/\*.*?\*/", "", text, flags=re.S)))
    return sorted(names)


def callers(src, names):
    """{file.c: [names]} for every .c file of src naming one of names as a word."""
    if not names:
        return {}
    pattern = r"\b(" + "|".join(map(re.escape, names)) + r")\b"
    res = subprocess.run(["grep", "-rlwE", "--include=*.c", pattern, "."], cwd=src,
                         capture_output=True, text=True)
    if res.returncode > 1:
        sys.exit(f"callers-check: grep failed: {res.stderr}")
    out = {}
    for path in res.stdout.split():
        path = path[2:] if path.startswith("./") else path
        if path.startswith(NOT_OBJECTS):
            continue
        with open(os.path.join(src, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        out[path] = sorted(set(re.findall(pattern, text)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("objdirs", nargs="+")
    a = ap.parse_args()
    objdirs = [d for d in a.objdirs if os.path.isdir(d)]
    if not objdirs:
        sys.exit("callers-check: no object tree to look in: " + " ".join(a.objdirs))
    names = changed_functions(a.repo)
    users = callers(a.src, names)
    missing = []
    for path, used in sorted(users.items()):
        obj = path[:-2] + ".o"
        src_mtime = os.path.getmtime(os.path.join(a.src, path))
        # The object must exist and be newer than the source (not left from an older tree).
        if not any(os.path.exists(os.path.join(d, obj)) and
                   os.path.getmtime(os.path.join(d, obj)) >= src_mtime for d in objdirs):
            missing.append((path, used))
    print(f"callers-check: {len(names)} functions changed or added in headers, "
          f"{len(users)} files use them, {len(users) - len(missing)} compiled in "
          + ", ".join(os.path.basename(d) for d in objdirs))
    for path, used in missing:
        print(f"callers-check: NOT COMPILED by any CI kernel: {path} (uses {', '.join(used)})")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
