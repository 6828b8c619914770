#!/usr/bin/env python3
"""Summarise the bench job of two kernels (python3 stdlib only).

    report.py --stock LOG --ours LOG [--md bench/RESULTS.md] [--svg bench/setuid-churn.svg]
              [--cmd 'make bench'] [--stock-version V] [--ours-version V]
              [--compare OLD.md [--tolerance 1.0]]

Reads the 'BENCH name=<figure> rep=<r> value=<v> unit=<u>' lines that bench/execns-bench.c
printed on each kernel's serial console, prints ONE table (median, min, max per figure;
ours/stock; execns/alternative) and writes the Markdown report and the SVG plot of the
setuid churn cost against the number of live users. --compare reads the medians of an
earlier report (before --md overwrites it) and prints, per figure and kernel, how far this
run's median is from it (and adds the comparison to the new report).
"""
import argparse
import datetime
import math
import re
import statistics
import sys

LINE = re.compile(r'BENCH name=(\S+) rep=(\d+) value=([0-9.]+) unit=(\S+)')
INFO = re.compile(r'BENCH-INFO kernel=(\S+) version="([^"]*)" execns=(\w+) reps=(\d+) scale=(\S+)')
DIST = re.compile(r'BENCH-DIST name=(\S+) (.*) unit=(\S+)')
# distribution figures: name -> description
DISTS = [('setuid.grow', 'one setresuid(u,u,0) + setresuid(0,0,0) pair that creates user u, '
          'while the live users grow from 16 to 65,536')]
DIST_KEYS = ['median', 'p99', 'p999', 'max']
DIST_TARGET = ('max', 1.00)   # ours/stock of the worst pair

# figure -> description (order of the table)
FIGURES = [
    ('getppid', 'getppid() (calibration)'),
    ('fork_exit', 'fork + _exit + wait'),
    ('exec.execve', 'fork + execve + wait'),
    ('exec.execns0', 'fork + execns(0) + wait'),
    ('nsexec.none.unshare', 'unshare(0) + close_range + execve'),
    ('nsexec.none.execns', 'execns(0)'),
    ('nsexec.uts_ipc.unshare', 'unshare(UTS|IPC) + close_range + execve'),
    ('nsexec.uts_ipc.execns', 'execns(UTS|IPC)'),
    ('nsexec.all8.unshare', 'unshare(8 ns) + close_range + execve'),
    ('nsexec.all8.execns', 'execns(8 ns)'),
    ('fdmap.none.manual', 'dup2 x3 + close_range + unshare(0) + execve'),
    ('fdmap.none.execns2', 'execns2(0), 3-entry fd map'),
    ('fdmap.uts_ipc.manual', 'dup2 x3 + close_range + unshare(UTS|IPC) + execve'),
    ('fdmap.uts_ipc.execns2', 'execns2(UTS|IPC), 3-entry fd map'),
    ('fdmap.all8.manual', 'dup2 x3 + close_range + unshare(8 ns) + execve'),
    ('fdmap.all8.execns2', 'execns2(8 ns), 3-entry fd map'),
    ('join.user_mnt.setns', 'setns(user ns fd) + setns(mnt ns fd) + execve'),
    ('join.user_mnt.execns2', 'execns2, join user+mnt of a pidfd'),
    ('cli.null.unshare', 'busybox unshare -u -- true, stdio /dev/null'),
    ('cli.null.execns', 'execns -u -- true, stdio /dev/null'),
    ('cli.null.execns_old', 'the same, EXECNS_NO_EXECNS2=1'),
    ('cli.file.unshare', 'busybox unshare -u -- true, stdout+stderr a file'),
    ('cli.file.execns', 'execns -u -- true, stdout+stderr a file'),
    ('cli.file.execns_old', 'the same, EXECNS_NO_EXECNS2=1'),
    ('cli.pipe.unshare', 'busybox unshare -u -- true, stdio pipes'),
    ('cli.pipe.execns', 'execns -u -- true, stdio pipes'),
    ('cli.pipe.execns_old', 'the same, EXECNS_NO_EXECNS2=1'),
    ('setuid.16', 'setuid churn, 16 live users'),
    ('setuid.1024', 'setuid churn, 1,024 live users'),
    ('setuid.16384', 'setuid churn, 16,384 live users'),
    ('setuid.65536', 'setuid churn, 65,536 live users'),
]
TARGETS_STOCK = {'setuid.16': 1.05, 'setuid.65536': 0.40, 'fork_exit': 1.02}
# (execns figure, alternative figure, target)
PAIRS = [
    ('nsexec.none.execns', 'nsexec.none.unshare', 1.00, 'execns(0) / unshare(0)+close_range+execve'),
    ('nsexec.uts_ipc.execns', 'nsexec.uts_ipc.unshare', 1.00, 'execns(UTS|IPC) / unshare+close_range+execve'),
    ('nsexec.all8.execns', 'nsexec.all8.unshare', 1.00, 'execns(8 ns) / unshare+close_range+execve'),
    ('exec.execns0', 'exec.execve', 1.02, 'execns(0) / execve'),
    ('fdmap.none.execns2', 'fdmap.none.manual', 1.00, 'execns2(0), 3-entry fd map / dup2 x3+close_range+unshare+execve'),
    ('fdmap.uts_ipc.execns2', 'fdmap.uts_ipc.manual', 1.00, 'execns2(UTS|IPC), fd map / dup2 x3+close_range+unshare+execve'),
    ('fdmap.all8.execns2', 'fdmap.all8.manual', 1.00, 'execns2(8 ns), fd map / dup2 x3+close_range+unshare+execve'),
    ('join.user_mnt.execns2', 'join.user_mnt.setns', 1.00, 'execns2 join user+mnt (pidfd) / setns x2 + execve'),
    ('cli.null.execns', 'cli.null.unshare', 1.20, 'execns -u -- true / unshare -u -- true, /dev/null'),
    ('cli.file.execns', 'cli.file.unshare', 1.20, 'execns -u -- true / unshare -u -- true, a file'),
    ('cli.pipe.execns', 'cli.pipe.unshare', 1.20, 'execns -u -- true / unshare -u -- true, pipes'),
]


def parse(paths):
    """The figures of one kernel's serial logs (one per boot): the repetitions of all boots
    pooled; a distribution figure (one run of it per boot) from the boot whose maximum is
    the largest; the kernel and parameters from the first log."""
    vals, info = {}, {}
    for path in paths:
        with open(path, 'rb') as f:
            for raw in f.read().decode('utf-8', 'replace').split('\n'):
                m = LINE.search(raw)
                if m:
                    vals.setdefault(m.group(1), []).append(float(m.group(3)))
                    continue
                m = DIST.search(raw)
                if m:
                    d = dict(kv.split('=', 1) for kv in m.group(2).split())
                    old = vals.get('dist:' + m.group(1))
                    if old is None or float(d.get('max', 0)) > float(old.get('max', 0)):
                        vals['dist:' + m.group(1)] = d
                    continue
                m = INFO.search(raw)
                if m and not info:
                    info = {'release': m.group(1), 'version': m.group(2), 'execns': m.group(3),
                            'reps': m.group(4), 'scale': m.group(5), 'boots': len(paths)}
    return vals, info


def stats(v):
    if not v:
        return None
    return statistics.median(v), min(v), max(v), len(v)


def fmt(s):
    if s is None:
        return 'n/a'
    med, lo, hi, n = s
    return '%s [%s-%s]' % (num(med), num(lo), num(hi))


def num(x):
    return '{:,.0f}'.format(x) if x >= 100 else '{:,.1f}'.format(x)


def ratio(a, b):
    if a is None or b is None or b[0] == 0:
        return None
    return a[0] / b[0]


def rfmt(r, target=None):
    if r is None:
        return 'n/a'
    s = '%.3f' % r
    if target is not None:
        s += ' (target <= %.2f: %s)' % (target, 'met' if r <= target + 1e-9 else 'MISSED')
    return s


def table(stock, ours):
    rows = []
    for key, desc in FIGURES:
        s, o = stats(stock.get(key)), stats(ours.get(key))
        if s is None and o is None:
            continue
        rows.append((key, desc, fmt(s), fmt(o), rfmt(ratio(o, s), TARGETS_STOCK.get(key))))
    pairs = []
    for a, b, target, desc in PAIRS:
        o = ratio(stats(ours.get(a)), stats(ours.get(b)))
        s = ratio(stats(stock.get(a)), stats(stock.get(b)))
        pairs.append((desc, rfmt(o, target), rfmt(s) if s is not None else 'n/a (ENOSYS)'))
    o16, o64 = stats(ours.get('setuid.16')), stats(ours.get('setuid.65536'))
    s16, s64 = stats(stock.get('setuid.16')), stats(stock.get('setuid.65536'))
    pairs.append(('setuid churn: 65,536 / 16 live users', rfmt(ratio(o64, o16), 1.10),
                  rfmt(ratio(s64, s16))))
    return rows, pairs


def dist_rows(stock, ours):
    """Rows (figure, statistic, stock, ours, ours/stock) of the distribution figures."""
    rows = []
    for key, desc in DISTS:
        s, o = stock.get('dist:' + key), ours.get('dist:' + key)
        if not s and not o:
            continue
        for k in DIST_KEYS:
            sv = float(s[k]) if s and k in s else None
            ov = float(o[k]) if o and k in o else None
            r = ov / sv if sv and ov is not None else None
            rows.append((key, k, num(sv) if sv is not None else 'n/a', num(ov) if ov is not None else 'n/a',
                         rfmt(r, DIST_TARGET[1] if k == DIST_TARGET[0] else None)))
        rows.append((key, 'top 5', s.get('top', 'n/a') if s else 'n/a', o.get('top', 'n/a') if o else 'n/a', ''))
        rows.append((key, 'pairs', s.get('n', 'n/a') if s else 'n/a', o.get('n', 'n/a') if o else 'n/a', ''))
    return rows


# a row of the main table: | `figure` | description (\| escaped) | stock | ours | ratio |,
# stock and ours each "median [min-max]" or "n/a"
MD_ROW = re.compile(r'^\| `([^`]+)` \| (?:[^|\\]|\\.)* \| ([0-9,.]+|n/a)(?: \[[^]]*\])? '
                    r'\| ([0-9,.]+|n/a)(?: \[[^]]*\])? \|')
MD_TABLE_HEAD = '| figure | what one iteration is |'
MD_HEAD = re.compile(r'^\* (stock|ours): (.*)$')


def parse_md(path):
    """The medians {(kernel, figure): value} of the main table of an earlier RESULTS.md (the
    rows under its header, up to the first blank line) and its kernel lines."""
    med, heads, in_table = {}, {}, False
    with open(path, errors='replace') as f:
        for line in f:
            m = MD_HEAD.match(line)
            if m and m.group(1) not in heads:
                heads[m.group(1)] = m.group(2)
            if line.startswith(MD_TABLE_HEAD):
                in_table = True
                continue
            if in_table and not line.strip():
                break
            m = MD_ROW.match(line) if in_table else None
            if m:
                for kernel, v in (('stock', m.group(2)), ('ours', m.group(3))):
                    if v != 'n/a':
                        med[(kernel, m.group(1))] = float(v.replace(',', ''))
    return med, heads


def compare(old, stock, ours, tol):
    """Rows (figure, kernel, before, now, delta %) and a summary line."""
    rows, within, worst, missing = [], 0, (0.0, ''), []
    for key, _ in FIGURES:
        for kernel, d in (('stock', stock), ('ours', ours)):
            st = stats(d.get(key))
            if st is None:
                continue
            before = old.get((kernel, key))
            if not before:
                missing.append('%s %s' % (kernel, key))
                continue
            delta = (st[0] - before) / before * 100
            ok = abs(delta) <= tol
            within += ok
            if abs(delta) > abs(worst[0]):
                worst = (delta, '%s %s' % (kernel, key))
            rows.append((key, kernel, num(before), num(st[0]), '%+.2f%%%s' % (delta, '' if ok else ' (!)')))
    summary = ('%d of %d medians within %.1f%% of the earlier report; the largest difference: %+.2f%% (%s)'
               % (within, len(rows), tol, worst[0], worst[1] or 'none'))
    if missing:
        summary += '; not in the earlier report: %s' % ', '.join(missing)
    return rows, summary


def compare_md(rows, summary, heads, path, tol):
    out = ['## Against the earlier report', '',
           'The medians of this run against those of the report this one replaced (`%s`, '
           'read before it was rewritten): stock was %s; ours was %s. `(!)`: more than %.1f%% '
           'apart.' % (path, heads.get('stock', '?'), heads.get('ours', '?'), tol), '',
           summary + '.', '',
           '| figure | kernel | earlier median | this median | difference |', '|---|---|---:|---:|---:|']
    out += ['| `%s` | %s | %s | %s | %s |' % r for r in rows]
    return out + ['']


def text_table(rows, pairs):
    out = []
    w = [max(len(r[i]) for r in rows + [('figure', 'figure', 'stock median [min-max]',
                                           'ours median [min-max]', 'ours/stock')]) for i in range(5)]
    hdr = ('figure', '', 'stock median [min-max]', 'ours median [min-max]', 'ours/stock')
    out.append('%-*s  %*s  %*s  %s' % (w[0], hdr[0], w[2], hdr[2], w[3], hdr[3], hdr[4]))
    for r in rows:
        out.append('%-*s  %*s  %*s  %s' % (w[0], r[0], w[2], r[2], w[3], r[3], r[4]))
    out.append('')
    wp = max(len(p[0]) for p in pairs)
    out.append('%-*s  %-34s  %s' % (wp, 'ratio (same kernel)', 'ours', 'stock'))
    for p in pairs:
        out.append('%-*s  %-34s  %s' % (wp, p[0], p[1], p[2]))
    return '\n'.join(out)


def md_table(rows, pairs):
    out = ['| figure | what one iteration is | stock: median [min-max] | ours: median [min-max] | ours/stock |',
           '|---|---|---:|---:|---|']
    def e(x):
        return x.replace('|', '\\|')
    for r in rows:
        out.append('| `%s` | %s | %s | %s | %s |' % tuple(e(x) for x in r))
    out += ['', '| ratio on the same kernel (medians) | ours | stock |', '|---|---|---|']
    for p in pairs:
        out.append('| %s | %s | %s |' % tuple(e(x) for x in p))
    return '\n'.join(out)


def svg(stock, ours, path, stock_release='6.12'):
    ns = [16, 1024, 16384, 65536]
    series = [('stock %s (global uidhash, 128 buckets)' % stock_release, stock, '#d62728'),
              ('ours (per-namespace Rust uid table)', ours, '#1f77b4')]
    pts = {name: [(n, stats(d.get('setuid.%d' % n))) for n in ns] for name, d, _ in series}
    ymax = max([s[2] for name in pts for _, s in pts[name] if s] + [1])
    ymax = math.ceil(ymax * 1.15 / 1000) * 1000
    W, H, L, R, T, B = 720, 440, 80, 30, 50, 70
    pw, ph = W - L - R, H - T - B
    lx0, lx1 = math.log2(8), math.log2(131072)

    def X(n):
        return L + (math.log2(n) - lx0) / (lx1 - lx0) * pw

    def Y(v):
        return T + ph - v / ymax * ph

    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         'font-family="sans-serif" font-size="12">' % (W, H, W, H),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="24" text-anchor="middle" font-size="15">setuid churn: setresuid(u,u,0) + '
         'setresuid(0,0,0), cost per iteration</text>' % (W / 2)]
    # grid and axes
    step = ymax / 5
    for i in range(6):
        v = i * step
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (L, Y(v), L + pw, Y(v)))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (L - 6, Y(v) + 4, '{:,.0f}'.format(v)))
    for n in [16, 64, 256, 1024, 4096, 16384, 65536]:
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>' % (X(n), T, X(n), T + ph))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (X(n), T + ph + 18, '{:,}'.format(n)))
    o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>' % (L, T, pw, ph))
    o.append('<text x="%d" y="%d" text-anchor="middle">live users (user_structs), log scale</text>'
             % (L + pw / 2, H - 28))
    o.append('<text x="18" y="%d" text-anchor="middle" transform="rotate(-90 18 %d)">guest instructions '
             'per iteration (QEMU -icount)</text>' % (T + ph / 2, T + ph / 2))
    for k, (name, _, color) in enumerate(series):
        p = [(n, s) for n, s in pts[name] if s]
        if p:
            o.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' %
                     (color, ' '.join('%.1f,%.1f' % (X(n), Y(s[0])) for n, s in p)))
        for n, s in p:
            o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>' % (X(n), Y(s[1]), X(n), Y(s[2]), color))
            o.append('<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s, %d users: median %.0f '
                     '(min %.0f, max %.0f)</title></circle>' % (X(n), Y(s[0]), color, name, n, s[0], s[1], s[2]))
            o.append('<text x="%.1f" y="%.1f" fill="%s" text-anchor="middle">%s</text>' %
                     (X(n), Y(s[0]) - 9, color, '{:,.0f}'.format(s[0])))
        ly = T + 16 + k * 18
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>' % (L + 12, ly - 4, L + 36, ly - 4, color))
        o.append('<text x="%d" y="%d">%s</text>' % (L + 42, ly, name))
    o.append('<text x="%d" y="%d" font-size="10" fill="#555">median of the repetitions; bars: min-max</text>'
             % (L, H - 8))
    o.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(o) + '\n')


METHOD = """\
## Method

* **Clock = instructions.** Both kernels boot in QEMU TCG with `-icount shift=0,sleep=off`
  (`BENCH=1` of `scripts/qemu-run.sh`, single-threaded TCG): the guest clock advances
  one nanosecond per guest instruction, so a `clock_gettime(CLOCK_MONOTONIC)` difference
  in the guest is an instruction count. The figures are therefore deterministic up to
  timer interrupts and deferred kernel work, and do not depend on the (shared, loaded)
  host. They count instructions, not cycles: cache misses (e.g. walking a long hash
  chain on real hardware) are not visible.
* **Same everything but the patches.** `stock` = the pristine Debian 6.12 tree (`linux-source-6.12`)
  built with `configs/base.config` (the feature's `CONFIG_EXECNS*` simply do not exist
  there); `ours` = `build/src` (pristine + overlay + `patches/series`) with the same
  fragment (`base` variant, no debug options). Same initramfs, same static benchmark
  binary (`bench/execns-bench.c`), same QEMU command line, 1 vCPU, 1 GiB.
* **Figures** (each timed loop is preceded by an untimed warm-up call and a 100 ms sleep
  so that deferred work of the previous loop - RCU callbacks, network namespace
  cleanup - does not land in it; idle time costs nothing under `sleep=off`):
  * `getppid`: one trivial system call (calibration; must be 1.00).
  * `fork_exit`: `fork()`, the child `_exit(0)`, `waitpid()`.
  * `exec.execve` / `exec.execns0`: fork, the child `execve()`s (resp. `execns(0, ...)`)
    `/bin/execns-bench-target` (a 9 KB static program without libc that calls
    `exit_group(0)` at once), wait.
  * `nsexec.<flags>.execns` vs `nsexec.<flags>.unshare`: the full fork + exec + wait
    cycle, the child calling `execns(flags, target)` resp. `unshare(flags)` +
    `close_range(0, ~0U, 0)` + `execve(target)`, for flags `none` (0),
    `uts_ipc` (CLONE_NEWUTS|CLONE_NEWIPC) and `all8` (NEWNS, NEWUTS, NEWIPC, NEWUSER,
    NEWPID, NEWNET, NEWCGROUP, NEWTIME), as root. Note that `execns(CLONE_NEWUSER...)`
    by root (CAP_SYS_RESOURCE) also creates a fresh uid table, which the alternative
    does not.
  * `fdmap.<flags>.execns2` vs `fdmap.<flags>.manual` (issue 14 item 5): the same
    cycle, the child giving the new program three files (/dev/null, a regular file
    opened `O_APPEND`, a pipe's write end, all close-on-exec at fds 20-22) as its fds
    0-2: `execns2(flags, target)` with a 3-entry fd map, resp. `dup2()` x3 +
    `close_range(3, ~0U, 0)` + `unshare(flags)` + `execve(target)`. Target <= 1.00.
    Only these: `BENCH_ONLY=fdmap`.
  * `join.user_mnt.execns2` vs `join.user_mnt.setns` (issue 14 item 5): the same
    cycle, the child joining the user and mount namespaces of a waiting "container"
    process (its own user namespace, root mapped to root, and a mount namespace):
    `execns2()` with its pidfd and `join_flags` CLONE_NEWUSER|CLONE_NEWNS, resp.
    `setns()` of its user then its mount namespace fd (single-threaded: setns allows
    it) + `execve(target)`. Target <= 1.00. Only these: `BENCH_ONLY=join`.
  * `cli.<stdio>.<cmd>` (issue 15 item 4): fork, the child puts its fds 0-2 on
    `/dev/null` (`null`), on a regular file opened `O_APPEND` for 1 and 2 (`file`) or
    on pipes (`pipe`) and execs `unshare -u -- true` (busybox, `/usr/bin/unshare`),
    `execns -u -- true` (`/bin/execns`: execns2's fd map when the kernel has it) or
    the same with `EXECNS_NO_EXECNS2=1` (`execns_old`: the `execns()` paths, a second
    stage and, for a file or a pipe, the stream holder); wait. Target: execns <= 1.20 x
    unshare for each stdio. Only these: `BENCH_ONLY=cli`.
  * `setuid.<N>`: N live users are held first (for each uid: `setresuid(u, u, 0)`,
    `pipe()` - the pipe keeps a reference to its creator's user_struct - close the write
    end, `setresuid(0, 0, 0)`; RLIMIT_NOFILE and fs.nr_open raised), then
    `setresuid(u, u, 0); setresuid(0, 0, 0)` is timed, u visiting the live users in a
    fixed pseudo-random order. The real uid changes on every call, so `set_user()` ->
    `alloc_uid()` looks up u and then root every time. N = 16, 1,024, 16,384, 65,536
    (users are added, never removed, between the steps).
  * `setuid.grow`: while those users are added, each adding pair `setresuid(u, u, 0)`
    (allocates and inserts u's record, maybe grows the table) + `setresuid(0, 0, 0)`
    is timed on its own (the `pipe()` between them is not counted): median, 99th and
    99.9th percentile, maximum and the five largest of the 65,520 pairs after the 16th.
    Timer interrupts land in a few pairs of both kernels alike (HZ=250: one tick per
    4 M instructions); the percpu allocator's chunk creation for the per-user epoll
    counter (`percpu_counter_init()` in `alloc_uid()`) is in both too.
* Each figure is repeated 5 times in each of 3 boots of each kernel (one value per
  repetition = total instructions / iterations; `BENCH_REPS`, `BENCH_BOOTS`); the tables
  give the median and [min-max] of the 15 pooled repetitions; a ratio is the ratio of
  the medians. Boots, not repetitions, are what moves the figures: two identical
  single-boot runs put 36 of 48 medians within 1% of each other, and with `norandmaps`
  (no address-space randomisation of the guest's programs, now always on) 41; a
  boot's memory state moves a figure by up to ~3% (fork/exit, the 8-namespace cycles,
  whose network namespace teardown is deferred work), more than the repetitions within
  it spread. The distribution figure (`setuid.grow`) is the boot with the largest
  maximum.
"""

HOWTO = """\
## How to run

```sh
make bench                       # both kernels built if needed, both booted, this file rewritten
BENCH_REPS=7 BENCH_SCALE=2 make bench   # more repetitions / iterations
BENCH_SKIP_BUILD=1 make bench    # reuse build/obj-stock and build/obj-base as they are
BENCH_BOOTS=5 make bench         # more boots per kernel (default 3)
```

`scripts/bench.sh` builds `stock` and `base` with `scripts/build-kernel.sh`, the payload
(`bench/Makefile install-guest` is part of `scripts/build-payload.sh`) and a private
initramfs (`build/initramfs-bench.cpio.gz`), boots both kernels at the same time with
`BENCH=1 scripts/qemu-run.sh bench <variant>` (job `tests/jobs/bench.sh`; kernel
parameters `execns.bench_reps`, `execns.bench_scale`, `execns.bench_only`), checks each
serial log for kernel splats with `scripts/results.py`, then runs `bench/report.py`
(table on stdout, this file, `bench/setuid-churn.svg`). Serial logs:
`build/logs/bench-stock.<boot>.log`, `build/logs/bench-base.<boot>.log`. Wall time: about
a minute per boot here (the two kernels boot in parallel), plus the builds.

In the guest, by hand: `execns-bench [--reps N] [--scale X] [--only SUBSTR]`
(`make shell`; without `-icount` the values are nanoseconds of a TCG guest, useless for
comparisons).
"""


STRESS = """\
## Stress (make stress) and the short version in make check

Results of the last run: [STRESS.md](STRESS.md).

`scripts/stress.sh` builds the `debug` kernel (KASAN, lockdep, DEBUG_ATOMIC_SLEEP,
kmemleak, Rust debug assertions), boots it with the job `stress`
(`tests/jobs/stress.sh`) and summarises the serial log `build/logs/stress-debug.log`
with `scripts/results.py --mode run --job stress`: the job's exit status plus the splat
scan of the whole log (BUG, WARNING, KASAN, lockdep, kmemleak, Rust panics...).
`STRESS_CALLS=100000`, `STRESS_SECONDS=60`, `STRESS_SEED=` (reproduce a run),
`STRESS_THREADS=4`. The guest program is `bench/execns-stress.c` (TAP output):

* `fuzz`: execns() calls, each in a forked child, from 1-4 threads. The parameters of
  call *i* depend only on (seed, *i*): flags (none, valid subsets, valid + one invalid
  bit, random words), filename (the valid target, a `#!` script, a valid 4,000-byte path,
  NULL, unmapped, 0xffffffff81000000, non-canonical, random, a string running into an
  unmapped page, > PATH_MAX, a component > NAME_MAX, missing, empty, a directory, not
  executable, garbage, a symlink loop, ENOTDIR), argv and envp (valid, NULL, 1,000
  strings, unmapped, kernel address, an unmapped or kernel element, unterminated at a
  page end, a string > MAX_ARG_STRLEN), root or uid 1000, from the main thread or from
  one of 1-3 extra threads, with 0-3 extra open fds (a high one, some close-on-exec).
  Checks: invalid flag bits always give EINVAL; a call succeeds if and only if all its
  arguments are valid (and an unprivileged caller asks for CLONE_NEWUSER with other
  namespaces); the new program (`/bin/execns-stress-target`, no libc) finds no open fd;
  no call hangs (60 s alarm). Printed: calls, successes, processes and threads spawned,
  the errno histogram, signals, the first unexpected results.
* `conc`: 8 workers started with a privileged `execns(CLONE_NEWUSER)` (fresh uid
  table each; the parent writes their uid/gid maps; each re-executes itself to become
  root of its namespace) run 3 processes each mixing setuid churn over 2,000 uids
  (holding pipes now and then), fork/exit and execns() (CLONE_NEWUSER included: nested
  fresh tables), for the given seconds; the root table gets the same mix meanwhile.
  Checks: 8 distinct fresh tables; each worker table's `records` back to its baseline
  once its processes are gone (polled, RCU); the root table's `records` back to its
  baseline (`/proc/self/uid_table`).
* `kmemleak`: 6 s pause, `echo scan` twice, any `unreferenced object` fails.

`make check` runs `tests/guest/stress-short`: the same program with fewer calls (at
most 30 s of fuzzing) and 15 s of concurrency stress, without the kmemleak scan (the
check job scans at its end anyway).
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--stock', required=True, nargs='+', help='serial logs, one per boot')
    ap.add_argument('--ours', required=True, nargs='+', help='serial logs, one per boot')
    ap.add_argument('--md')
    ap.add_argument('--svg')
    ap.add_argument('--cmd', default='make bench')
    ap.add_argument('--stock-version', default='')
    ap.add_argument('--ours-version', default='')
    ap.add_argument('--extra', default='', help='text appended to the report (e.g. stress results)')
    ap.add_argument('--compare', help='an earlier report: print how far this run is from its medians')
    ap.add_argument('--compare-label', help='how the report names --compare (default its path)')
    ap.add_argument('--tolerance', type=float, default=1.0, help='percent, for --compare')
    a = ap.parse_args()
    cmp_rows = None
    if a.compare:
        try:
            old, heads = parse_md(a.compare)
        except OSError as e:
            print('report: --compare: %s' % e, file=sys.stderr)
            old = {}
        if not old:
            print('report: --compare: no figures in %s' % a.compare, file=sys.stderr)
    stock, si = parse(a.stock)
    ours, oi = parse(a.ours)
    if not stock or not ours:
        print('report: no BENCH lines in %s' % ' '.join(a.stock if not stock else a.ours), file=sys.stderr)
        return 1
    rows, pairs = table(stock, ours)
    drows = dist_rows(stock, ours)
    print('Guest instructions per iteration (QEMU -icount shift=0,sleep=off); '
          'median [min-max] of %s repetitions x %s boots' % (oi.get('reps') or si.get('reps') or '?',
                                                            oi.get('boots', '?')))
    print(text_table(rows, pairs))
    if drows:
        print()
        print('Table growth: instructions of one pair (all pairs of one run: the boot with the largest max)')
        for r in drows:
            print('%-12s %-7s stock %-34s ours %-34s %s' % r)
    if a.compare and old:
        cmp_rows, cmp_summary = compare(old, stock, ours, a.tolerance)
        print()
        print('Against %s (medians; earlier stock: %s; earlier ours: %s):'
              % (a.compare_label or a.compare, heads.get('stock', '?'), heads.get('ours', '?')))
        for r in cmp_rows:
            print('%-26s %-5s %12s -> %12s  %s' % r)
        print(cmp_summary)
    date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    if a.svg:
        svg(stock, ours, a.svg, si.get('release', '6.12'))
        print('plot: %s' % a.svg)
    if a.md:
        md = ['# Benchmarks: execns and the Rust uid tables vs stock 6.12', '',
              'Generated by `%s` (scripts/bench.sh -> bench/report.py) on %s.' % (a.cmd, date), '',
              '* stock: %s; `uname -v` %s' % (a.stock_version or si.get('release', '?'), si.get('version', '?')),
              '* ours: %s; `uname -v` %s' % (a.ours_version or oi.get('release', '?'), oi.get('version', '?')),
              '* QEMU: `%s`' % 'qemu-system-x86_64 -accel tcg,thread=single -icount shift=0,sleep=off '
              '-cpu max,la57=off -smp 1,sockets=1 -m 1024 (scripts/qemu-run.sh, BENCH=1, QEMU_SMP=1); '
              'kernel parameter `norandmaps`',
              '* repetitions: %s in each of %s boots per kernel (pooled), iteration scale %s'
              % (oi.get('reps', '?'), oi.get('boots', '?'), oi.get('scale', '?')),
              '', 'Unit: guest instructions per iteration. Lower is better.', '',
              md_table(rows, pairs), '',
              '![setuid churn cost against live users](setuid-churn.svg)', '',
              '`setuid-churn.svg`: cost of one `setresuid(u,u,0)` + `setresuid(0,0,0)` against the '
              'number of live users, stock vs ours (log x axis; points: medians, bars: min-max).',
              '']
        if drows:
            md += ['## Table growth: the worst single pair', '',
                   'Each `setresuid(u, u, 0)` + `setresuid(0, 0, 0)` pair that created a user while '
                   'the live users grew from 16 to 65,536, one run per kernel (of its boots, the one with '
                   'the largest maximum): the distribution of '
                   'the per-pair cost. Stock walks chains of up to ~512 records (128 buckets); ours '
                   'grows its table incrementally (Documentation/core-api/uid-table.rst), so no '
                   'pair pays for a whole table. The largest pairs of both kernels come from code '
                   'they share (allocators, timer ticks), not from the tables.', '',
                   '| figure | statistic | stock | ours | ours/stock |', '|---|---|---:|---:|---|']
            md += ['| `%s` | %s | %s | %s | %s |' % r for r in drows]
            md += ['']
        if cmp_rows is not None:
            md += compare_md(cmp_rows, cmp_summary, heads, a.compare_label or a.compare, a.tolerance)
        md += [METHOD, HOWTO, STRESS]
        if a.extra:
            md += [a.extra]
        with open(a.md, 'w') as f:
            f.write('\n'.join(md) + '\n')
        print('report: %s' % a.md)
    return 0


if __name__ == '__main__':
    sys.exit(main())
