#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Dependency audit: every external program the project runs comes from `make setup`.

A fresh machine has only the Rust toolchain, a C compiler and Debian's essential packages;
a program that happens to be installed here (rsync was one) makes the pipeline pass here
and fail there. This audit:

1. lists the programs the project invokes: the first word of every command in the
   pipeline's shell scripts, the recipes of its Makefiles (pipeline, userspace, samples,
   bench, kselftests), the argv[0] of subprocess calls in its Python scripts, and the
   programs the kernel build itself runs (KERNEL_BUILD below, from Documentation/
   process/changes.rst and what LLVM=-19 selects);
2. keeps those that resolve to an executable outside the repo (`command -v`), so shell
   functions, builtins and variables drop out;
3. finds the Debian package of each (dpkg -S) and requires it to be in the closure of
   the packages scripts/setup.sh installs (their Depends/Pre-Depends, recursively), or
   to be part of the base system, or the program to come from the Rust
   toolchain (~/.cargo, ~/.rustup: rustc, cargo, bindgen as setup installs it).
   Essential or Priority: required packages count as present (every Debian system has
   them), and git (the repository was cloned with it).

Fails naming each program that nothing installs. DEPS_AUDIT_DROP="pkg ..." removes
packages from setup's list, to show that the audit fails without them.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SHELL_FILES = ["scripts/*.sh", ".ci/run", "tests/jobs/*.sh", "tests/guest/*"]
MAKEFILES = ["Makefile", "userspace/Makefile", "samples/Makefile", "bench/Makefile",
             "tools/testing/selftests/execns/Makefile"]
PY_FILES = ["scripts/*.py", "bench/*.py"]
# What the kernel build and the kernel's own scripts run (make LLVM=-19, Rust, headers).
KERNEL_BUILD = ("make clang-19 ld.lld-19 llvm-ar-19 llvm-nm-19 llvm-objcopy-19 "
                "llvm-objdump-19 llvm-readelf-19 llvm-strip-19 bc bison flex perl rsync "
                "tar xz gzip cpio sed awk python3 rustc cargo bindgen rustfmt").split()
# Programs the pipeline runs under names held in variables (scripts/lib.sh, ARCH=arm64),
# invisible to the scan of first words, with the Debian package of each: on a machine that
# never ran make setup ARCH=arm64 they are not installed, and the audit, which asks dpkg
# who owns a program, checks the package named here instead.
ARCH_TOOLS = {"aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
              "qemu-system-aarch64": "qemu-system-arm"}
# Present before make setup can run, by definition of how the project is used.
PRESENT = {"git": "the clone of this repository"}
# Programs run inside the guest come from busybox (the initramfs), not the host.
GUEST_ONLY = ("tests/jobs", "tests/guest", "scripts/guest-init.sh")
KEYWORDS = set("""if then else elif fi for while until do done case esac in function
select time coproc ! { } [[ ]] [ test echo printf read local export set unset shift
return exit break continue eval exec trap wait cd pwd source . true false declare
typeset readonly let type command builtin alias unalias getopts hash ulimit umask
pushd popd dirs shopt jobs kill mapfile readarray compgen complete enable help
logout disown suspend fg bg history caller""".split())


def globs(patterns):
    import glob
    for p in patterns:
        for f in sorted(glob.glob(os.path.join(REPO, p))):
            if os.path.isfile(f):
                yield f


def first_words(cmdline):
    """First word of each simple command of one shell line (heuristic)."""
    line = re.sub(r"(^|\s)#.*$", "", cmdline)
    line = re.sub(r"\$\{[^}]*\}|\$[A-Za-z_]\w*|\$\(\(.*?\)\)", " VAR ", line)
    for part in re.split(r"\|\||&&|[|;&`]|\$\(|\(|\)|\bthen\b|\bdo\b|\belse\b", line):
        words = part.strip().split()
        while words and (re.match(r"^[A-Za-z_]\w*=", words[0]) or words[0] in
                         ("!", "if", "while", "until", "exec", "command", "nice", "env",
                          "timeout", "time", "sudo", "nohup", "{", "}", "[[", "elif")):
            if words[0] == "env":
                words = words[1:]
                while words and (words[0].startswith("-") or "=" in words[0]):
                    words = words[1:] if words[0] != "-u" else words[2:]
                continue
            if words[0] == "timeout":
                words = words[1:]
                while words and (words[0].startswith("-") or re.match(r"^\d", words[0])):
                    words = words[1:]
                continue
            words = words[1:]
        if words:
            yield words[0]


def shell_programs(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if not text.startswith("#!") or "sh" not in text.split("\n", 1)[0]:
        return set()
    text = re.sub(r"<<'?(\w+)'?\n.*?\n\1\n", "\n", text, flags=re.S)  # here-documents
    out = set()
    for line in text.split("\n"):
        out.update(first_words(line))
    return out


def make_programs(path):
    out = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("\t"):
                out.update(first_words(line.strip().lstrip("@-+")))
            for m in re.finditer(r"\$\(shell\s+([^)]*)\)", line):
                out.update(first_words(m.group(1)))
    return out


def python_programs(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    return set(re.findall(r"(?:run|Popen|check_output|check_call|call)\(\s*\[\s*\"([\w.+-]+)\"",
                          text))


def dpkg(*args):
    return subprocess.run(["dpkg-query", *args], capture_output=True, text=True).stdout


def setup_packages():
    """PKGS and PKGS_ARM64 (what make setup ARCH=arm64 adds) of scripts/setup.sh."""
    with open(os.path.join(REPO, "scripts/setup.sh")) as f:
        text = f.read()
    pkgs = set()
    for var in ("PKGS", "PKGS_ARM64"):
        m = re.search(r'^%s="([^"]*)"' % var, text, re.M)
        pkgs |= set(m.group(1).split())
    return pkgs - set(os.environ.get("DEPS_AUDIT_DROP", "").split())


def package_db():
    """{package: (depends text, essential, priority)} of the installed packages (one query)."""
    out = dpkg("-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\t${Essential}\t${Priority}"
               "\t${db:Status-Status}\n")
    db = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) == 5 and f[4] == "installed":
            db[f[0]] = (f[1], f[2], f[3])
    return db


def closure(pkgs, db):
    """Installed packages pulled in by pkgs (Depends/Pre-Depends, recursively)."""
    seen, todo = set(), [p for p in pkgs if p in db]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        for alt in db[p][0].split(","):
            for dep in alt.split("|"):
                name = dep.strip().split(" ")[0].split(":")[0]
                if name in db:
                    todo.append(name)
                    break
    return seen


def base_system(db):
    """Essential and Priority: required packages: on every Debian system, even a minimal one."""
    return {p for p, (_, ess, prio) in db.items() if ess == "yes" or prio == "required"}


def owners(paths):
    """{path: package} for the paths dpkg knows (one query; /usr-merged aliases tried)."""
    cands = {}
    for path in paths:
        for c in {path, os.path.realpath(path)}:
            cands.setdefault(c, path)
            cands.setdefault(c[4:] if c.startswith("/usr/") else "/usr" + c, path)
    r = subprocess.run(["dpkg-query", "-S", *cands], capture_output=True, text=True)
    out = {}
    for line in r.stdout.splitlines():
        if line.startswith("diversion ") or ": " not in line:
            continue
        pkg, _, f = line.partition(": ")
        if f in cands:
            out.setdefault(cands[f], pkg.split(",")[0].split(":")[0].strip())
    return out


def main():
    programs = {}
    for f in globs(SHELL_FILES):
        rel = os.path.relpath(f, REPO)
        if any(rel.startswith(g) for g in GUEST_ONLY):
            continue
        for p in shell_programs(f):
            programs.setdefault(p, rel)
    for f in MAKEFILES:
        if os.path.exists(os.path.join(REPO, f)):
            for p in make_programs(os.path.join(REPO, f)):
                programs.setdefault(p, f)
    for f in globs(PY_FILES):
        for p in python_programs(f):
            programs.setdefault(p, os.path.relpath(f, REPO))
    for p in KERNEL_BUILD:
        programs.setdefault(p, "kernel build")
    for p in ARCH_TOOLS:
        programs.setdefault(p, "scripts/lib.sh (ARCH=arm64)")

    path = os.environ.get("PATH", "") + ":" + os.path.expanduser("~/.cargo/bin")
    rust_dirs = (os.path.expanduser("~/.cargo/"), os.path.expanduser("~/.rustup/"))
    db = package_db()
    declared = setup_packages()
    allowed_pkgs = closure(declared, db) | base_system(db)
    found = {}
    for prog, where in sorted(programs.items()):
        if prog in KEYWORDS or not re.match(r"^[\w./+-]+$", prog) or prog == "VAR":
            continue
        exe = shutil.which(prog, path=path)
        if not exe and prog in ARCH_TOOLS:
            exe = "(not installed)"
        elif not exe or os.path.realpath(exe).startswith(REPO + "/"):
            continue  # a function, a variable, or one of our own scripts
        found[prog] = (exe, where)
    alts = [d + p for p in found for d in ("/usr/bin/", "/usr/sbin/") if os.path.exists(d + p)]
    own = owners([e for e, _ in found.values()] + alts)
    checked, bad = [], []
    for prog, (exe, where) in sorted(found.items()):
        if os.path.realpath(exe).startswith(rust_dirs) or exe.startswith(rust_dirs):
            checked.append(f"{prog}=rust")
            continue
        pkg = own.get(exe) or ARCH_TOOLS.get(prog)
        # Another copy earlier in PATH (e.g. pyenv's python3): fine if setup installs one.
        alt = [own.get(d + prog) for d in ("/usr/bin/", "/usr/sbin/") if d + prog in own]
        if exe == "(not installed)" and pkg in declared:
            checked.append(f"{prog}={pkg}(not installed)")
        elif pkg in allowed_pkgs or any(a in allowed_pkgs for a in alt):
            checked.append(f"{prog}={pkg if pkg in allowed_pkgs else alt[0]}")
        elif prog in PRESENT:
            checked.append(f"{prog}=({PRESENT[prog]})")
        else:
            bad.append(f"deps-audit: '{prog}' ({exe}, used by {where}) comes from "
                       f"{'package ' + pkg if pkg else 'no Debian package'}, which "
                       f"'make setup' does not install (scripts/setup.sh PKGS, PKGS_ARM64)")
    print(f"deps-audit: {len(checked)} programs, all from make setup's packages, Debian's "
          f"essential ones or the Rust toolchain" if not bad else
          f"deps-audit: {len(checked)} programs ok, {len(bad)} not installed by make setup")
    if os.environ.get("V"):
        print("  " + " ".join(checked))
    for b in bad:
        print(b)
    return 1 if bad else 0


def self_test():
    """The audit must fail, naming the program, when its package is dropped from setup's list:
    rsync (run by the kernel build), qemu-system-x86 (found by scanning scripts/qemu-run.sh)
    and gcc-aarch64-linux-gnu (PKGS_ARM64: the cross compiler of ARCH=arm64)."""
    ok = True
    for pkg, prog in (("rsync", "rsync"), ("qemu-system-x86", "qemu-system-x86_64"),
                      ("gcc-aarch64-linux-gnu", "aarch64-linux-gnu-gcc")):
        r = subprocess.run([sys.executable, __file__], env=dict(os.environ, DEPS_AUDIT_DROP=pkg),
                           capture_output=True, text=True)
        good = r.returncode == 1 and f"'{prog}'" in r.stdout
        ok = ok and good
        print(f"deps-audit self-test: without {pkg} in setup's list the audit "
              f"{'fails naming ' + prog + ', as it must' if good else 'does NOT fail: ' + r.stdout}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(self_test() if sys.argv[1:] == ["--self-test"] else main())
