#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every in-tree caller of a C function the series changes or adds must be compiled.

A tinyconfig-based kernel compiles a small part of the tree: a caller of a function whose
prototype the series changes can stay broken unnoticed (block/ioprio.c calling
find_user(uid) did). This check:

1. collects the functions whose prototype the series changes, adds or removes in a C
   header: the prototypes on '-'/'+' lines of the include/ hunks of patches/*.patch, and
   every prototype of the headers the series adds under include/ (the overlay);
2. finds every file of the prepared tree (build/src) that names one of them: .c files
   outside Documentation/, tools/, samples/ and scripts/ (those are not kernel objects);
3. requires each such foo.c to have a foo.o in at least one of the given object trees.

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


def header_hunk_lines(patch):
    """'-'/'+' lines of the include/*.h hunks of a patch, as one text per sign."""
    cur, out = None, []
    with open(patch, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("diff --git "):
                path = line.split()[2][2:]
                cur = path if path.startswith("include/") and path.endswith(".h") else None
            elif cur and line[:1] in "+-" and not line.startswith(("+++", "---")):
                out.append(line[1:])
    return "".join(out)


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
        names.update(PROTO.findall(header_hunk_lines(os.path.join(repo, "patches", p))))
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
        if not any(os.path.exists(os.path.join(d, obj)) for d in objdirs):
            missing.append((path, used))
    print(f"callers-check: {len(names)} functions changed or added in headers, "
          f"{len(users)} files use them, {len(users) - len(missing)} compiled in "
          + ", ".join(os.path.basename(d) for d in objdirs))
    for path, used in missing:
        print(f"callers-check: NOT COMPILED by any CI kernel: {path} (uses {', '.join(used)})")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
