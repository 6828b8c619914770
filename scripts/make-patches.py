#!/usr/bin/env python3
"""Cut the repo's changes into a git format-patch series against the pristine tree.

    make-patches.py --repo DIR --pristine DIR --src DIR --out DIR [--work DIR]

The series is everything build/src holds that the pristine tree does not: the edits of
upstream files (patches/*.patch, applied by scripts/prepare-tree.sh) and the new files
the repo overlays (kernel/execns/*, rust/kernel/*.rs, include/..., Documentation/...,
tools/testing/selftests/execns/...). patches/series.map says which output patch each
of them belongs to (see the comments at its top); nothing is guessed:

  * a new file that no `new` line claims, a changed upstream file that no source patch
    of a `from` line touches, a source patch of patches/series that no `from` line uses,
    a `from`/`new`/`lines` line that matches nothing, a file claimed twice: each is an
    error that names the file or the line;
  * the content of every file after the last patch is its content in build/src, so the
    series is what prepare-tree.sh builds (scripts/make-patches.sh checks it again by
    applying the series to a copy of the pristine tree).

Each output patch is one commit of a scratch git repository (pristine versions of the
touched files, then one commit per patch with the description of its first `from`
source patch), written out by `git format-patch --cover-letter`; the cover letter's
subject and text come from patches/cover-letter.txt.
"""
import argparse
import difflib
import fnmatch
import os
import re
import shutil
import subprocess
import sys


class MapError(Exception):
    pass


def die(msg):
    print('make-patches: ERROR: %s' % msg, file=sys.stderr)
    sys.exit(1)


# ---- inputs ------------------------------------------------------------------------
def read_series(repo):
    out = []
    with open(os.path.join(repo, 'patches', 'series')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                out.append(line)
    return out


def patch_files(text):
    """Files a -p1 patch touches: '--- a/x' immediately followed by '+++ b/y'."""
    files = []
    prev = ''
    for line in text.split('\n'):
        if prev.startswith('--- ') and line.startswith('+++ '):
            for l in (prev, line):
                p = l[4:].split('\t')[0]
                if p != '/dev/null':
                    p = p.split('/', 1)[1]
                    if p not in files:
                        files.append(p)
        prev = line
    return files


def patch_description(name, text):
    """(author, subject, body) from the mail-style header of a patches/*.patch file."""
    head = text.split('\n---\n', 1)[0].split('\n')
    author = subject = None
    i = 0
    while i < len(head) and head[i].strip():
        m = re.match(r'^(From|Subject):\s*(.*)$', head[i])
        if m and m.group(1) == 'From':
            author = m.group(2)
        elif m:
            subject = m.group(2)
            while i + 1 < len(head) and head[i + 1].startswith((' ', '\t')):
                i += 1
                subject += ' ' + head[i].strip()
        i += 1
    if not author or not subject:
        raise MapError('patches/%s: no From:/Subject: header' % name)
    subject = re.sub(r'^\[PATCH[^\]]*\]\s*', '', subject)
    body = '\n'.join(head[i:]).strip('\n')
    if 'Signed-off-by:' not in body:
        raise MapError('patches/%s: the description has no Signed-off-by:' % name)
    return author, subject, body


class Out:
    def __init__(self, name, lineno):
        self.name = name
        self.lineno = lineno
        self.sources = []       # source patch names
        self.new = []           # (glob, lineno)
        self.notes = []
        self.subject = None     # replaces the source patch's subject
        self.body = []          # replaces its rationale (the trailers stay)
        self.drop = []          # regexes: lines of the rationale left out
        self.desc = None        # (author, subject, body)


def read_map(path):
    """patches/series.map -> [Out], [(out, path, re_from, re_to|None, lineno)]"""
    outs, rules = [], []
    cur = None
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            words = line.split()
            kw = words[0]
            where = '%s:%d' % (os.path.basename(path), n)
            if kw == 'patch':
                if len(words) != 2:
                    raise MapError('%s: expected "patch <name>"' % where)
                cur = Out(words[1], n)
                outs.append(cur)
                continue
            if cur is None:
                raise MapError('%s: "%s" before the first "patch" line' % (where, kw))
            if kw == 'from' and len(words) == 2:
                cur.sources.append(words[1])
            elif kw == 'new' and len(words) == 2:
                cur.new.append((words[1], where))
            elif kw == 'note':
                cur.notes.append(line.split(None, 1)[1] if len(words) > 1 else '')
            elif kw == 'subject' and len(words) > 1:
                cur.subject = line.split(None, 1)[1]
            elif kw == 'drop' and len(words) > 1:
                cur.drop.append(re.compile(line.split(None, 1)[1]))
            elif kw == 'body':
                cur.body.append(line.split(None, 1)[1] if len(words) > 1 else '')
            elif kw == 'lines' and len(words) in (3, 4, 5) and (len(words) == 3 or words[3] == '..'):
                try:
                    rfrom = re.compile(words[2])
                    # "<re> ..": to the end of the change; "<re> .. <re2>": to a line matching re2
                    rto = re.compile(words[4]) if len(words) == 5 else \
                        re.compile(r'(?!)') if len(words) == 4 else None
                except re.error as e:
                    raise MapError('%s: bad regex: %s' % (where, e))
                rules.append([cur, words[1], rfrom, rto, where, 0])
            else:
                raise MapError('%s: cannot parse "%s"' % (where, line.strip()))
    names = [o.name for o in outs]
    dup = {x for x in names if names.count(x) > 1}
    if dup:
        raise MapError('patch names used twice in the map: %s' % ' '.join(sorted(dup)))
    return outs, rules


# ---- splitting one file between patches ---------------------------------------------
def read_lines(path):
    if path is None or not os.path.exists(path):
        return []
    with open(path, 'rb') as f:
        data = f.read()
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        raise MapError('%s is not UTF-8 text: cannot split it' % path)
    return text.splitlines(keepends=True)


def steps_of_file(old, new, default, rules, nsteps):
    """Contents of a file after each output patch (index 0..nsteps-1).

    Every changed line (removed or added, against the pristine version) belongs to
    `default` unless a `lines` rule of the file claims it; a blank changed line goes with
    the next non-blank changed line of its change (or the previous one), so that a
    paragraph arrives with its separating blank line."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops = sm.get_opcodes()
    owners = []          # per op: (owners of removed lines, owners of added lines)
    for tag, i1, i2, j1, j2 in ops:
        if tag == 'equal':
            owners.append(None)
            continue
        changed = [('-', l) for l in old[i1:i2]] + [('+', l) for l in new[j1:j2]]
        own = [None] * len(changed)
        active = None    # a range rule in progress: [rule]
        for k, (_, l) in enumerate(changed):
            text = l.rstrip('\n')
            if active is not None:
                own[k] = active[0]
                if active[3].search(text):
                    active = None
                continue
            for r in rules:
                if r[2].search(text):
                    own[k] = r[0]
                    r[5] += 1
                    if r[3] is not None and not r[3].search(text):
                        active = r
                    break
        # blank lines: owner of the next non-blank changed line, else of the previous one
        for k, (_, l) in enumerate(changed):
            if l.strip() == '' and own[k] is None:
                nxt = next((own[m] if own[m] is not None else default
                            for m in range(k + 1, len(changed)) if changed[m][1].strip()), None)
                prv = next((own[m] if own[m] is not None else default
                            for m in range(k - 1, -1, -1) if changed[m][1].strip()), None)
                own[k] = nxt or prv or default
        own = [o if o is not None else default for o in own]
        owners.append((own[:i2 - i1], own[i2 - i1:]))
    result = []
    for step in range(nsteps):
        out = []
        for (tag, i1, i2, j1, j2), own in zip(ops, owners):
            if own is None:
                out += old[i1:i2]
                continue
            rem, add = own
            out += [l for l, o in zip(old[i1:i2], rem) if o.index > step]
            out += [l for l, o in zip(new[j1:j2], add) if o.index <= step]
        result.append(out)
    return result


# ---- git -----------------------------------------------------------------------------
def git(work, *args, env=None, capture=False, stdin=None):
    e = dict(os.environ)
    e.update({'GIT_CONFIG_GLOBAL': '/dev/null', 'GIT_CONFIG_NOSYSTEM': '1'})
    if env:
        e.update(env)
    r = subprocess.run(['git', '-C', work] + list(args), env=e, check=True,
                       input=stdin.encode() if stdin is not None else None,
                       stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return r.stdout.decode() if capture else None


def write_file(path, lines, mode):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.writelines(lines)
    os.chmod(path, mode)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--repo', required=True)
    ap.add_argument('--pristine', required=True)
    ap.add_argument('--src', required=True, help='the prepared tree (build/src)')
    ap.add_argument('--manifest', required=True, help='build/.tree-manifest of prepare-tree.sh')
    ap.add_argument('--out', required=True)
    ap.add_argument('--work', help='scratch git repository (default: OUT.git)')
    ap.add_argument('--map', help='default: REPO/patches/series.map')
    a = ap.parse_args()
    for k in ('repo', 'pristine', 'src', 'manifest', 'out', 'work', 'map'):
        if getattr(a, k):
            setattr(a, k, os.path.abspath(getattr(a, k)))
    mapfile = a.map or os.path.join(a.repo, 'patches', 'series.map')
    try:
        run(a, mapfile)
    except MapError as e:
        die('%s\n  (the map: %s; its comments say how to fix it)' % (e, mapfile))


def run(a, mapfile):
    outs, rules = read_map(mapfile)
    for i, o in enumerate(outs):
        o.index = i
    series = read_series(a.repo)
    texts = {}
    for s in series:
        with open(os.path.join(a.repo, 'patches', s)) as f:
            texts[s] = f.read()
    # every source patch of the series in exactly one output patch
    used = {}
    for o in outs:
        for s in o.sources:
            if s not in texts:
                raise MapError('map line "from %s" (patch %s): not in patches/series' % (s, o.name))
            if s in used:
                raise MapError('%s is used by both patch %s and patch %s' % (s, used[s], o.name))
            used[s] = o.name
        if o.sources:
            o.desc = patch_description(o.sources[0], texts[o.sources[0]])
        else:
            raise MapError('patch %s has no "from" line (its description comes from the first one)' % o.name)
    unused = [s for s in series if s not in used]
    if unused:
        raise MapError('patches/series names %s, which no "from" line of the map uses'
                       % ' '.join(unused))
    # the files: changed upstream files (by source patch) and new files
    with open(a.manifest) as f:
        manifest = sorted(l.strip() for l in f if l.strip())
    owner = {}
    src_of = {}
    for o in outs:
        for s in o.sources:
            for p in patch_files(texts[s]):
                if p in src_of:
                    raise MapError('%s is changed by both %s and %s: keep one section per file '
                                   '(merge the changes into one source patch)' % (p, src_of[p], s))
                src_of[p] = s
                owner[p] = o
    new_files = [p for p in manifest if not os.path.lexists(os.path.join(a.pristine, p))]
    for p in manifest:
        if p not in new_files and p not in owner:
            raise MapError('%s differs from the pristine tree but no source patch of the map '
                           'changes it (EXTRA_PATCHES in effect? run make tree without it)' % p)
    for o in outs:
        for glob, where in o.new:
            hits = [p for p in new_files if fnmatch.fnmatchcase(p, glob)]
            if not hits:
                raise MapError('%s: "new %s" (patch %s) matches no new file of the tree: '
                               'moved or removed? update the map' % (where, glob, o.name))
            for p in hits:
                if p in owner:
                    raise MapError('%s: new file %s is claimed by both patch %s and patch %s'
                                   % (where, p, owner[p].name, o.name))
                owner[p] = o
    unmapped = [p for p in new_files if p not in owner]
    if unmapped:
        raise MapError('new file(s) in no patch: %s\n  add a "new <path>" line to the patch '
                       'that introduces each one' % ', '.join(unmapped))
    for r in rules:
        if r[1] not in owner:
            raise MapError('%s: "lines %s ..." names a file the series does not touch' % (r[4], r[1]))

    # contents per step
    n = len(outs)
    steps = {}
    first = {}           # new file -> index of the patch that creates it
    for p in manifest:
        old = [] if p in new_files else read_lines(os.path.join(a.pristine, p))
        new = read_lines(os.path.join(a.src, p))
        frules = [r for r in rules if r[1] == p]
        # a new file appears with the first patch that owns a line of it: its `new` patch
        # or an earlier one whose `lines` rule claims part of it (a crate root that grows)
        if p in new_files:
            first[p] = min([owner[p].index] + [r[0].index for r in frules])
        steps[p] = steps_of_file(old, new, owner[p], frules, n)
        if p in new_files and not steps[p][first[p]]:
            raise MapError('%s: the lines that patch %s claims are all blank'
                           % (p, outs[first[p]].name))
        if steps[p][-1] != new:
            raise MapError('internal: the last step of %s is not build/src/%s' % (p, p))
    stale = [r for r in rules if r[5] == 0]
    if stale:
        raise MapError('"lines" rule(s) matching no changed line: %s'
                       % ', '.join('%s (%s)' % (r[4], r[2].pattern) for r in stale))

    # scratch repository: the pristine versions, then one commit per output patch
    work = a.work or a.out.rstrip('/') + '.git'
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    git(work, 'init', '-q', '-b', 'series')
    date = subprocess.run(['git', '-C', a.repo, 'log', '-1', '--format=%cI'], check=True,
                          stdout=subprocess.PIPE).stdout.decode().strip() or '2026-01-01T00:00:00Z'
    m = re.match(r'^(.*?)\s*<(.*)>$', outs[0].desc[0])
    who, mail = (m.group(1), m.group(2)) if m else ('execns', 'execns@localhost')
    base_env = {'GIT_AUTHOR_NAME': who, 'GIT_AUTHOR_EMAIL': mail,
                'GIT_COMMITTER_NAME': who, 'GIT_COMMITTER_EMAIL': mail,
                'GIT_AUTHOR_DATE': date, 'GIT_COMMITTER_DATE': date}
    for p in manifest:
        if p not in new_files:
            src = os.path.join(a.pristine, p)
            write_file(os.path.join(work, p), read_lines(src), os.stat(src).st_mode & 0o777)
    git(work, 'add', '-A')
    git(work, 'commit', '-q', '--allow-empty', '-m', 'pristine', env=base_env)
    for o in outs:
        for p in manifest:
            dst = os.path.join(work, p)
            content = steps[p][o.index]
            if p in new_files and o.index < first[p]:
                continue
            mode = os.stat(os.path.join(a.src, p)).st_mode & 0o777
            write_file(dst, content, mode)
        git(work, 'add', '-A')
        if not git(work, 'status', '--porcelain', capture=True).strip():
            raise MapError('patch %s changes nothing' % o.name)
        author, subject, body = o.desc
        subject = o.subject or subject
        m = re.match(r'^(.*?)\s*<(.*)>$', author)
        name, email = (m.group(1), m.group(2)) if m else (author, '')
        body_lines = body.split('\n')
        # the trailers (Signed-off-by: ...) end the description
        k = len(body_lines)
        while k > 0 and re.match(r'^[A-Za-z-]+: ', body_lines[k - 1]):
            k -= 1
        text, trailers = body_lines[:k], body_lines[k:]
        for r in o.drop:
            if not any(r.search(l) for l in text):
                raise MapError('patch %s: "drop %s" matches no line of its description'
                               % (o.name, r.pattern))
            text = [l for l in text if not r.search(l)]
        while len(text) > 1 and text[-1] == '' and text[-2] == '':
            text.pop()
        if o.body:
            text = o.body + ['']
        if o.notes:
            text = text + o.notes + ['']
        body_lines = text + trailers
        msg = subject + '\n\n' + '\n'.join(body_lines).strip('\n') + '\n'
        env = dict(base_env, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
                   GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
        git(work, 'commit', '-q', '-F', '-', env=env, stdin=msg)

    # format-patch with a cover letter
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    with open(os.path.join(a.repo, 'patches', 'cover-letter.txt')) as f:
        cover = f.read().strip('\n').split('\n')
    csubject, cbody = cover[0], '\n'.join(cover[1:]).strip('\n')
    git(work, 'format-patch', '-q', '--cover-letter', '--no-signature', '--thread=shallow',
        '--zero-commit', '-o', a.out, 'HEAD~%d' % n, env=base_env)
    cl = os.path.join(a.out, '0000-cover-letter.patch')
    with open(cl) as f:
        text = f.read()
    if '*** SUBJECT HERE ***' not in text or '*** BLURB HERE ***' not in text:
        die('git format-patch wrote a cover letter without the placeholders')
    text = text.replace('*** SUBJECT HERE ***', csubject).replace('*** BLURB HERE ***', cbody)
    with open(cl, 'w') as f:
        f.write(text)
    for name in sorted(os.listdir(a.out)):
        print(name)


if __name__ == '__main__':
    main()
