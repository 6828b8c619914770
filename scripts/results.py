#!/usr/bin/env python3
"""Summarise a test run from the guest's serial log (python3 stdlib only).

    results.py LOG [--host-log FILE --host-rc N] [--host-check NAME=RC ...] [--mode check|run]
               [--allow FILE]

Counts
  * KUnit (KTAP) results printed while the kernel boots (the Rust doctests and any
    feature suites): leaf test cases only, nested/indented KTAP, '# SKIP'.
  * The guest tests, run by kselftest's run_kselftest.sh in the check job: its KTAP
    (per collection; each test's own TAP/KTAP nested in it, prefixed '# '), each test's
    leaf results, and its exit status from its result line ('# exit=N', '# TIMEOUT',
    '# SKIP'). A program that exits non-zero (or times out) without printing 'not ok'
    counts as one failure; a test listed in '### TESTLIST' ('<collection>:<test>')
    without a result line counts as one failure; exit 4 (KSFT_SKIP) without results
    counts as one skip.
  * Host tests: every 'test result: ok. N passed; M failed; K ignored' line of cargo.
and scans the WHOLE log for kernel splats (BUG:, WARNING:, KASAN, lockdep reports,
refcount_t, Oops, panic, kmemleak leaks, ...): each one is a failure and is printed.
A missing job end marker (panic, crash) or a host-side timeout is a failure too.

Last line: 'N passed, N failed' (+ ', N skipped'). Exit status 1 on any failure.
"""
import argparse
import re
import sys

TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(ok|not ok)\b\s*(\d+)?\s*(?:-\s+)?(.*)$')
PLAN = re.compile(r'^1\.\.(\d+)')
DIRECTIVE = re.compile(r'\s#\s*(SKIP|TODO|XFAIL)\b(.*)$', re.I)
HOST = re.compile(r'test result: (\w+)\. (\d+) passed; (\d+) failed; (\d+) ignored')

SPLATS = [
    r'\bBUG:', r'kernel BUG at', r'WARNING:', r'KASAN', r'UBSAN',
    r'possible circular locking', r'inconsistent lock state',
    r'possible recursive locking', r'suspicious RCU usage', r'refcount_t:',
    r'\bOops\b', r'Kernel panic', r'sleeping function called from invalid context',
    r'unreferenced object 0x', r'new suspected memory leak', r'Call Trace:',
    r'general protection fault', r'Unable to handle kernel', r'\bpanicked at\b',
    r'-+\[ cut here \]-+', r'list_(?:add|del) corruption',
    r'INFO: task \S+ blocked for more than', r'rcu: INFO: rcu_\w+ (?:self-)?detected',
    r'DEBUG_LOCKS_WARN_ON', r'BUG_ON\(', r'invalid opcode:',
]
SPLAT = re.compile('|'.join('(?:%s)' % p for p in SPLATS))
SPLAT_HEADER = re.compile(r'\bBUG:|kernel BUG at|WARNING:|cut here|\bOops\b|Kernel panic|'
                          r'possible (?:circular|recursive) locking|inconsistent lock state|'
                          r'suspicious RCU usage|refcount_t:|unreferenced object|panicked at|'
                          r'sleeping function called|general protection fault|UBSAN')


def clean(line):
    line = line.rstrip('\r\n').replace('\r', '')
    return TS.sub('', line, count=1)


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []   # human-readable reasons

    def add(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        self.failures += other.failures

    def fail(self, why):
        self.failed += 1
        self.failures.append(why)

    def __str__(self):
        s = '%d passed, %d failed' % (self.passed, self.failed)
        return s + (', %d skipped' % self.skipped if self.skipped else '')


def indent_of(line):
    """(indent, rest): leading whitespace plus '# ' nesting prefixes (kselftest)."""
    n = 0
    i = 0
    while i < len(line):
        if line[i] == ' ':
            n += 1
            i += 1
        elif line[i] == '\t':
            n += 8
            i += 1
        elif line.startswith('# ', i) and RESULT.match(line[i + 2:].lstrip()) or \
                line.startswith('# ', i) and PLAN.match(line[i + 2:].lstrip()):
            n += 4
            i += 2
        else:
            break
    return n, line[i:]


def parse_tap(lines, label):
    """Count leaf results of (possibly nested) TAP/KTAP."""
    t = Tally()
    seen_indents = []  # indents of all results so far
    counts = {}        # indent -> results seen at that indent in the current group
    plans = {}     # indent -> [expected, seen]
    subtest = {}   # indent -> name of the '# Subtest:' announced at that indent
    nresults = 0

    def close(level):
        for ind in sorted([k for k in plans if k > level], reverse=True):
            exp, seen = plans.pop(ind)
            if seen < exp:
                where = subtest.get(ind) or label
                t.fail('%s: plan 1..%d but only %d results (crashed or aborted?)' % (where, exp, seen))

    for raw in lines:
        ind, rest = indent_of(raw)
        m = PLAN.match(rest)
        if m:
            n = int(m.group(1))
            if counts.get(ind, 0) > 0 and ind not in plans:
                # trailing plan (TAP allows the plan after the results)
                if counts[ind] < n:
                    t.fail('%s: plan 1..%d but only %d results (crashed or aborted?)'
                           % (subtest.get(ind) or label, n, counts[ind]))
                counts[ind] = 0
                continue
            close(ind - 1)
            plans[ind] = [n, 0]
            counts[ind] = 0
            continue
        if rest.startswith('# Subtest:'):
            subtest[ind] = rest[len('# Subtest:'):].strip()
            continue
        m = RESULT.match(rest)
        if not m:
            continue
        nresults += 1
        close(ind)
        counts[ind] = counts.get(ind, 0) + 1
        for k in [k for k in counts if k > ind]:
            del counts[k]
        if ind in plans:
            plans[ind][1] += 1
        # a result with results at a deeper indent since the previous result at this
        # or a shallower indent is a parent (suite/subtest): only leaves are counted
        has_children = False
        for prev in reversed(seen_indents):
            if prev > ind:
                has_children = True
            else:
                break
        seen_indents.append(ind)
        if has_children:
            continue
        name = m.group(3) or ('#%s' % m.group(2))
        d = DIRECTIVE.search(rest)
        directive = d.group(1).upper() if d else ''
        if d:
            name = rest[:d.start()]
            name = RESULT.match(name).group(3) or name
        if directive == 'SKIP':
            t.skipped += 1
        elif directive == 'XFAIL':
            t.passed += 1
        elif m.group(1) == 'ok':
            t.passed += 1
        elif directive == 'TODO':
            t.skipped += 1
        else:
            t.fail('%s: not ok %s %s' % (label, m.group(2) or '', name.strip()))
    close(-1)
    return t, nresults


KSFT_HEADER = re.compile(r'^# selftests: (\S+): (\S+)\s*$')
KSFT_RESULT = re.compile(r'^(ok|not ok) \d+ selftests: (\S+): (\S+)(?:\s+#\s*(.*))?$')


def kselftest_blocks(lines):
    """The tests of kselftest's run_kselftest.sh output (KTAP, one document per collection).

    For each test, keyed '<collection>:<test>': its own output (the lines runner.sh
    prefixed with '# ', unprefixed once: the program's TAP/KTAP as it printed it) and an
    exit status read from its result line: 'ok' 0, '# SKIP' 4, '# TIMEOUT' 124,
    '# exit=N' N; None without a result line (the test hung or took the guest down).
    Kernel messages interleaved on the console carry no prefix and are left out.
    'logged' says whether runner.sh's own '# timeout set to' line came before the test:
    runner.sh writes it, and the test's output, to its logfile (/dev/stdout); without
    it the output went elsewhere and the test's results are missing."""
    blocks = {}
    cur = None
    logged = False
    for l in lines:
        if re.match(r'^# (timeout set to|overriding timeout to) \d+', l):
            logged = True
            continue
        m = KSFT_HEADER.match(l)
        if m:
            cur = '%s:%s' % (m.group(1), m.group(2))
            blocks[cur] = {'lines': [], 'rc': None, 'logged': logged}
            logged = False
            continue
        m = KSFT_RESULT.match(l)
        if m:
            key = '%s:%s' % (m.group(2), m.group(3))
            b = blocks.setdefault(key, {'lines': [], 'rc': None})
            d = (m.group(4) or '').strip()
            if m.group(1) == 'ok':
                b['rc'] = 4 if d.upper().startswith('SKIP') else 0
            elif d.upper().startswith('TIMEOUT'):
                b['rc'] = 124
            else:
                e = re.match(r'exit=(\d+)', d)
                b['rc'] = int(e.group(1)) if e else 1
            cur = None
            continue
        if cur is not None and (l.startswith('# ') or l == '#'):
            blocks[cur]['lines'].append(l[2:])
    return blocks


def scan_splats(lines, allow):
    hits = [i for i, l in enumerate(lines)
            if SPLAT.search(l) and not l.startswith('### ') and
            not any(a.search(l) for a in allow)]
    # a hit within 40 lines of the previous one continues that splat (Call Trace: ...),
    # unless it is the header of a new report more than 15 lines after the current start
    regions = []
    for i in hits:
        if regions and i - regions[-1][1] <= 40 and \
                (i - regions[-1][0] <= 15 or not SPLAT_HEADER.search(lines[i])):
            regions[-1][1] = i
        else:
            regions.append([i, i])
    return regions


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('log')
    ap.add_argument('--mode', default='check', choices=['check', 'run'])
    ap.add_argument('--job', default=None, help='job name (default: check for --mode check)')
    ap.add_argument('--host-log')
    ap.add_argument('--host-rc', type=int, default=0)
    ap.add_argument('--host-check', action='append', default=[], metavar='NAME=RC',
                    help='a host-side check (deps audit, callers, lint) and its exit status')
    ap.add_argument('--allow', help='file of regexes: log lines never treated as splats')
    ap.add_argument('--no-kunit-ok', action='store_true', help='do not fail when no KUnit results are found')
    a = ap.parse_args()

    allow = []
    if a.allow:
        try:
            with open(a.allow) as f:
                allow = [re.compile(l.strip()) for l in f if l.strip() and not l.startswith('#')]
        except FileNotFoundError:
            pass

    try:
        with open(a.log, 'rb') as f:
            lines = [clean(l) for l in f.read().decode('utf-8', 'replace').split('\n')]
    except OSError as e:
        print('no serial log: %s' % e)
        print('0 passed, 1 failed')
        return 1

    total = Tally()
    job = a.job or ('check' if a.mode == 'check' else None)
    begin = next((i for i, l in enumerate(lines) if '### EXECNS JOB BEGIN' in l), None)
    end_re = re.compile(r'### EXECNS JOB END job=(\S+) rc=(\d+)')
    ends = [(i, end_re.search(l)) for i, l in enumerate(lines) if end_re.search(l)]
    host_lines = [l for l in lines if l.startswith('### HOST:')]

    print('== Results from %s' % a.log)
    # ---- KUnit -------------------------------------------------------------------
    kunit_lines = lines[:begin] if begin is not None else lines
    kunit, nk = parse_tap(kunit_lines, 'KUnit')
    if a.mode == 'check':
        print('KUnit (boot):        %s' % kunit)
        if nk == 0 and not a.no_kunit_ok:
            kunit.fail('KUnit: no KTAP results in the boot log (KUnit/doctests not run?)')
        total.add(kunit)

    # ---- guest test programs -----------------------------------------------------
    if a.mode == 'check':
        listed = None
        for l in lines:
            if l.startswith('### TESTLIST'):
                listed = l[len('### TESTLIST'):].split()
        blocks = kselftest_blocks(lines[begin:] if begin is not None else [])
        guest = Tally()
        if listed is None:
            if begin is not None:
                guest.fail('guest tests: the check job printed no ### TESTLIST (tests/jobs/check.sh broken?)')
            listed = []
        for entry in listed:
            name = entry.split(':', 1)[-1]
            b = blocks.get(entry)
            if b is None:
                guest.fail('%s: did not run (run_kselftest.sh printed no "# selftests: %s" for it)'
                           % (name, entry.replace(':', ': ', 1)))
                print('  %-28s did not run' % name)
                continue
            t, nres = parse_tap(b['lines'], name)
            rc = b['rc']
            if not b.get('logged', True):
                t.fail('%s: runner.sh\'s log lines (and so the test\'s output) are not in the log: '
                       'its logfile /dev/stdout is not the console?' % name)
            if rc is None:
                # one failure for a program that took the guest down (not one per missing result)
                t.failures = [f for f in t.failures if 'plan 1..' not in f]
                t.failed = len(t.failures)
                t.fail('%s: no result line from run_kselftest.sh (test hung or took the guest down)' % name)
            elif rc == 4 and nres == 0:
                t.skipped += 1
            elif rc == 4 and t.failed == 0 and t.passed == 0:
                pass            # KSFT_SKIP after reporting only skips (e.g. no execns())
            elif rc in (124, 137, 143):
                # killed by the per-test timeout: say so (a plan deficit follows from it)
                t.failures = [f for f in t.failures if 'plan 1..' not in f]
                t.failed = len(t.failures)
                t.fail('%s: timed out (killed by the per-test timeout, rc=%d)' % (name, rc))
            elif rc != 0 and t.failed == 0:
                t.fail('%s: exited with rc=%d without reporting a failure' % (name, rc))
            elif rc == 0 and nres == 0:
                t.passed += 1   # no TAP: counted by exit status
            print('  %-28s %s%s' % (name, t, '' if rc is None else '  (rc=%d)' % rc))
            guest.add(t)
        print('Guest tests (%d):    %s' % (len(listed), guest))
        total.add(guest)

    # ---- host tests --------------------------------------------------------------
    if a.host_log:
        h = Tally()
        try:
            with open(a.host_log, errors='replace') as f:
                hl = f.read().split('\n')
        except FileNotFoundError:
            hl = []
        n = 0
        for l in hl:
            m = HOST.search(l)
            if m:
                n += 1
                h.passed += int(m.group(2))
                h.skipped += int(m.group(4))
                for _ in range(int(m.group(3))):
                    h.fail('host test failed (see %s)' % a.host_log)
        if a.host_rc != 0 and h.failed == 0:
            h.fail('host tests: command failed with rc=%d (see %s)' % (a.host_rc, a.host_log))
        print('Host tests:          %s  (%d test binaries)' % (h, n))
        total.add(h)

    # ---- host-side checks (one test each) -------------------------------------------
    for hc in a.host_check:
        name, _, rc = hc.rpartition('=')
        if rc == '0':
            total.passed += 1
            print('Host check %-9s ok' % (name + ':'))
        else:
            total.fail('host check %s failed (rc=%s; its output is above)' % (name, rc))
            print('Host check %-9s FAILED (rc=%s)' % (name + ':', rc))

    # ---- job end / host-side problems --------------------------------------------
    if begin is None:
        total.fail('the guest never reached the job (boot failure); see the log')
    job_end = [m for _, m in ends if job is None or m.group(1) == job]
    if begin is not None and not job_end:
        total.fail('the job did not finish: no end-of-job marker (kernel panic/crash or timeout)')
    for l in host_lines:
        if 'without the end-of-job marker' in l and begin is not None and not job_end:
            continue  # already counted just above
        total.fail(l[4:].strip())
    if a.mode == 'run' and job_end:
        rc = int(job_end[-1].group(2))
        print('Job %s: rc=%d' % (job_end[-1].group(1), rc))
        if rc != 0:
            total.fail('job %s exited with rc=%d' % (job_end[-1].group(1), rc))
        else:
            total.passed += 1

    # ---- splats --------------------------------------------------------------------
    regions = scan_splats(lines, allow)
    for r in regions:
        total.fail('kernel splat at log line %d: %s' % (r[0] + 1, lines[r[0]].strip()))
    if regions:
        print('\n== %d kernel splat(s) in %s:' % (len(regions), a.log))
        for r in regions[:10]:
            lo, hi = max(0, r[0] - 3), min(len(lines), r[1] + 12)
            if hi - lo > 60:
                hi = lo + 60
            print('---- log lines %d-%d' % (lo + 1, hi))
            for l in lines[lo:hi]:
                print('  | ' + l)
        if len(regions) > 10:
            print('---- (%d more not shown)' % (len(regions) - 10))
    else:
        print('Kernel splats:       none')

    if total.failures:
        print('\n== Failures:')
        for f in total.failures[:100]:
            print('  - ' + f)
        if len(total.failures) > 100:
            print('  ... %d more' % (len(total.failures) - 100))
    print()
    print(total)
    return 1 if total.failed else 0


if __name__ == '__main__':
    sys.exit(main())
