#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-function instructions per iteration from insn-profile outputs.

usage: symbolize.py ITERS LABEL=PROFILE.out:System.map [LABEL=...] [--top N]

Prints the total per iteration of each profile and, per kernel function (user space
counted as <user>), the instructions per iteration in each, sorted by the largest
difference between the first two columns (or the largest value if only one).
"""
import bisect
import collections
import sys


def load_map(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] in 'tTwW':
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def profile(out, sysmap, iters):
    addrs, names = load_map(sysmap)
    agg = collections.Counter()
    with open(out) as f:
        for line in f:
            if line.startswith('#'):
                continue
            a, k, c = line.split()
            a = int(a, 16)
            if a < 0xffff800000000000:
                name = '<user>'
            else:
                i = bisect.bisect_right(addrs, a) - 1
                name = names[i] if i >= 0 else '?'
            agg[name] += int(k) * int(c)
    return {k: v / iters for k, v in agg.items()}


def main(argv):
    top = 25
    if '--top' in argv:
        i = argv.index('--top')
        top = int(argv[i + 1])
        del argv[i:i + 2]
    iters = int(argv[1])
    cols = []
    for spec in argv[2:]:
        label, paths = spec.split('=', 1)
        out, sysmap = paths.split(':', 1)
        cols.append((label, profile(out, sysmap, iters)))
    print('%-44s' % 'instructions per iteration' + ''.join('%12s' % l for l, _ in cols))
    print('%-44s' % 'total' + ''.join('%12.0f' % sum(p.values()) for _, p in cols))
    keys = set().union(*(p.keys() for _, p in cols))
    if len(cols) >= 2:
        a, b = cols[0][1], cols[1][1]
        order = sorted(keys, key=lambda k: -abs(b.get(k, 0) - a.get(k, 0)))
    else:
        order = sorted(keys, key=lambda k: -cols[0][1].get(k, 0))
    for k in order[:top]:
        name = k if len(k) <= 43 else k[:40] + '...'
        print('%-44s' % name + ''.join('%12.1f' % p.get(k, 0) for _, p in cols))


if __name__ == '__main__':
    main(sys.argv)
