#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest tests of the execns(1) CLI: TAP on stdout. Run as root in the booted
# kernel (cwd /tmp, /proc and /sys mounted, busybox on PATH). Skips cleanly
# when /bin/execns is missing; on a kernel without execns(2) (no
# /sys/kernel/execns/nr, where execns finds the system call number) only the
# "does not provide execns(2)" test runs, the others are skipped.
#
# Environment: EXECNS (default /bin/execns), RUN_AS (default
# /bin/execns-run-as-uid), TEST_UID (default 1000), TMPDIR (default /tmp).

EXECNS=${EXECNS:-/bin/execns}
RUN_AS=${RUN_AS:-/bin/execns-run-as-uid}
TEST_UID=${TEST_UID:-1000}
T=${TMPDIR:-/tmp}/execns-cli.$$
PLAN=35

echo "TAP version 13"
if [ ! -x "$EXECNS" ]; then
	echo "1..0 # SKIP $EXECNS not installed"
	exit 0
fi
echo "1..$PLAN"

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { echo "# $*"; }
# check NAME COMMAND...: ok when COMMAND succeeds
check() {
	_name=$1
	shift
	if "$@"; then ok "$_name"; else nok "$_name"; fi
}
# checkx NAME 'SHELL CONDITION': ok when the condition (eval'd) holds
checkx() {
	_name=$1
	if eval "$2"; then ok "$_name"; else nok "$_name"; fi
}
# show FILE: print a file as TAP diagnostics
show() { [ -f "$1" ] && sed 's/^/#   /' "$1"; }
# is STATUS EXPECTED FILE NEEDLE: status matches and FILE contains NEEDLE
is_status_msg() {
	if [ "$1" != "$2" ]; then
		diag "status $1, expected $2"
		show "$3"
		return 1
	fi
	if ! grep -qF -- "$4" "$3"; then
		diag "no '$4' in:"
		show "$3"
		return 1
	fi
	return 0
}

rm -rf "$T"
mkdir -p "$T" || exit 1
chmod 0777 "$T"
cd "$T" || exit 1

# Does the kernel have execns(2)?
"$EXECNS" -q --stdout "$T/probe.out" --stderr "$T/probe.out" -- /bin/true 2>"$T/probe.err"
probe=$?
HAVE=1
if [ $probe = 125 ] && grep -q "does not provide execns(2)" "$T/probe.err"; then
	HAVE=0
	diag "kernel lacks execns(2): $(cat "$T/probe.err")"
elif [ $probe != 0 ]; then
	diag "probe: execns -- /bin/true exited $probe:"
	show "$T/probe.err"
fi

# 1: ENOSYS path; or where execns finds its number
if [ $HAVE = 0 ]; then
	"$EXECNS" -u -- /bin/true 2>"$T/err"
	check "kernel without execns: status 125, message says so" \
		is_status_msg $? 125 "$T/err" \
		"execns: /bin/true: the running kernel does not provide execns(2) (no /sys/kernel/execns/nr)"
	i=2
	while [ $i -le $PLAN ]; do
		skip "test $i" "kernel lacks execns(2)"
		i=$((i + 1))
	done
	rm -rf "$T"
	exit 0
fi
nr=$(cat /sys/kernel/execns/nr 2>"$T/err")
diag "/sys/kernel/execns/nr: ${nr:-(none)}"
case $nr in
"" | *[!0-9]*) show "$T/err"; nok "/sys/kernel/execns/nr holds the system call number" ;;
*) ok "/sys/kernel/execns/nr holds the system call number" ;;
esac

# 2: plain run, no namespaces
check "execns -- /bin/true exits 0" [ $probe = 0 ]

# 3-10: each namespace option gives a new namespace of that kind only.
# ns_test OPTION NSFILE: run readlink on /proc/self/ns/NSFILE in the program
ns_test() {
	_opt=$1
	_ns=$2
	if [ ! -e "/proc/self/ns/$_ns" ]; then
		skip "$_opt: new $_ns namespace" "no /proc/self/ns/$_ns in this kernel"
		return
	fi
	_before=$(readlink "/proc/self/ns/$_ns")
	rm -f "$T/ns.out"
	cat > "$T/ns.sh" <<-EOF
	readlink /proc/self/ns/$_ns
	for f in mnt uts ipc net cgroup user time; do
		[ -e /proc/self/ns/\$f ] && echo \$f \$(readlink /proc/self/ns/\$f)
	done
	EOF
	# A nested shell does the work: with -p it is PID 1 of the new namespace
	# and stays alive while its own children (readlink) run.
	"$EXECNS" $_opt --stdout "$T/ns.out" --stderr "$T/ns.err" -- \
		/bin/sh -c "/bin/sh '$T/ns.sh'; true" 2>"$T/cli.err"
	_st=$?
	_after=$(head -n 1 "$T/ns.out" 2>/dev/null)
	diag "$_opt: $_ns outside $_before, inside $_after (status $_st)"
	if [ $_st != 0 ] || [ -z "$_after" ] || [ "$_after" = "$_before" ]; then
		show "$T/cli.err"
		show "$T/ns.err"
		nok "$_opt: new $_ns namespace"
		return
	fi
	# Every other namespace is unchanged.
	_bad=
	tail -n +2 "$T/ns.out" > "$T/ns.rest"
	while read -r _f _link; do
		[ "$_f" = "$_ns" ] && continue
		[ "$_ns" = pid_for_children ] && [ "$_f" = pid ] && continue
		[ "$_opt" = -T ] && [ "$_f" = time ] && continue
		[ "$_link" = "$(readlink /proc/self/ns/"$_f")" ] || _bad="$_bad $_f"
	done < "$T/ns.rest"
	if [ -n "$_bad" ]; then
		diag "also changed:$_bad"
		nok "$_opt: new $_ns namespace"
	else
		ok "$_opt: new $_ns namespace, the others unchanged"
	fi
}
ns_test -m mnt
ns_test -u uts
ns_test -i ipc
ns_test -n net
ns_test -C cgroup
ns_test -U user
ns_test -T time
# -p: the program keeps its pid namespace; its children get the new one.
ns_test -p pid_for_children

# 11: long options and all together
rm -f "$T/all.out"
"$EXECNS" --mount --uts --ipc --net --pid --user --cgroup --sysvsem \
	--stdout "$T/all.out" -- /bin/sh -c \
	'/bin/sh -c "for f in mnt uts ipc net pid_for_children user cgroup; do readlink /proc/self/ns/\$f; done"; true' \
	2>"$T/err"
st=$?
same=
for f in mnt uts ipc net pid_for_children user cgroup; do
	grep -qxF "$(readlink /proc/self/ns/$f)" "$T/all.out" 2>/dev/null && same="$same $f"
done
if [ $st = 0 ] && [ "$(wc -l < "$T/all.out")" = 7 ] && [ -z "$same" ]; then
	ok "all long options together: every namespace new"
else
	diag "status $st, unchanged:$same"
	show "$T/err"
	nok "all long options together: every namespace new"
fi

# 12-13: hostname isolation with -u
host=$(hostname)
"$EXECNS" -u --stdout "$T/host.out" -- /bin/sh -c \
	'hostname execns-guest-test && hostname' 2>"$T/err"
st=$?
checkx "-u: hostname changed inside" '[ $st = 0 ] && [ "$(cat "$T/host.out")" = execns-guest-test ]'
check "-u: hostname outside unchanged ($host)" [ "$(hostname)" = "$host" ]

# 14: -m: a mount inside is not visible outside
mkdir -p "$T/mnt"
"$EXECNS" -m --stdout "$T/mnt.out" -- /bin/sh -c \
	"mount -t tmpfs execns-test '$T/mnt' && touch '$T/mnt/inside' && ls '$T/mnt'" 2>"$T/err"
st=$?
if [ $st = 0 ] && grep -qx inside "$T/mnt.out" && [ ! -e "$T/mnt/inside" ] &&
	! grep -q execns-test /proc/mounts; then
	ok "-m: tmpfs mounted inside is invisible outside"
else
	diag "status $st"
	show "$T/err"
	nok "-m: tmpfs mounted inside is invisible outside"
	umount "$T/mnt" 2>/dev/null
fi

# 15: -p: the program's first child is PID 1 of the new namespace
"$EXECNS" -p -m --stdout "$T/pid.out" -- /bin/sh -c 'sh -c "echo \$\$"; true' 2>"$T/err"
st=$?
checkx "-p: the program's first child is pid 1" '[ $st = 0 ] && [ "$(cat "$T/pid.out")" = 1 ]'

# 16-19: streams
"$EXECNS" --stdout "$T/o" -- /bin/sh -c 'echo hi' 2>"$T/err"
st=$?
checkx "--stdout FILE gets the program's output" '[ $st = 0 ] && [ "$(cat "$T/o")" = hi ]'

echo old-content-that-must-go > "$T/o2"
"$EXECNS" -u --stdout "$T/o2" --stderr "$T/o2" -- /bin/sh -c 'echo out; echo err >&2' 2>"$T/err"
st=$?
checkx "--stdout F --stderr F: truncated, both streams in order" \
	'[ $st = 0 ] && [ "$(cat "$T/o2")" = "$(printf "out\nerr")" ]'

printf 'line one\nline two\n' > "$T/in"
"$EXECNS" -i --stdin "$T/in" --stdout "$T/o3" -- /bin/cat 2>"$T/err"
st=$?
checkx "--stdin FILE is the program's input" '[ $st = 0 ] && cmp -s "$T/in" "$T/o3"'

# Inherited regular file: the caller's own open file is passed, so the
# offset is shared with the caller (with and without O_APPEND).
{ echo before; "$EXECNS" -u -- /bin/sh -c 'echo inherited'; echo after; } > "$T/o4" 2>"$T/err"
: > "$T/o5"
{ echo before; "$EXECNS" -u -- /bin/sh -c 'echo inherited'; echo after; } >> "$T/o5" 2>>"$T/err"
checkx "inherited stdout file (> and >>): the same open file, offset shared" \
	'[ "$(cat "$T/o4")" = "$(printf "before\ninherited\nafter")" ] &&
	 [ "$(cat "$T/o5")" = "$(printf "before\ninherited\nafter")" ]'

# >log 2>&1: stdout and stderr are one shared open file in the program too.
{ "$EXECNS" -u -- /bin/sh -c 'echo out; echo err >&2; echo out2'; } > "$T/o6" 2>&1
checkx "inherited >log 2>&1: one shared file, nothing overwritten" \
	'[ "$(cat "$T/o6")" = "$(printf "out\nerr\nout2")" ]'

# 20: inherited pipes: passed through (they cannot be reopened by name)
out=$(echo through-a-pipe | "$EXECNS" -u -- /bin/sh -c 'cat; echo to-stderr >&2' 2>&1)
st=$?
if [ $st = 0 ] && [ "$out" = "$(printf 'through-a-pipe\nto-stderr')" ]; then
	ok "inherited pipes on 0, 1 and 2 are passed to the program"
else
	diag "status $st, output:"
	echo "$out" | sed 's/^/#   /'
	nok "inherited pipes on 0, 1 and 2 are passed to the program"
fi

# 21: every fd closed: only 0-2 (reopened) and ls's own directory fd
exec 7>"$T/stray" 8</dev/null
"$EXECNS" -u --stdout "$T/fds" -- /bin/ls /proc/self/fd 2>"$T/err"
st=$?
exec 7>&- 8<&-
fds=$(sort -n "$T/fds" | tr '\n' ' ')
diag "fds in the program: $fds"
checkx "stage mode: only fds 0 1 2 (and ls's dir fd 3) open; 7, 8 closed" \
	'[ $st = 0 ] && [ "$fds" = "0 1 2 3 " ]'

# 22: --no-stdio: the program starts with no fd at all
exec 7>"$T/stray"
rm -f "$T/nofds"
"$EXECNS" --no-stdio -u -- /bin/sh -c \
	"set -- /proc/\$\$/fd/*; exec >'$T/nofds'; echo \"\$#\"; for f; do echo \"\${f##*/}\"; done" 2>"$T/err"
st=$?
exec 7>&-
diag "--no-stdio: entries: $(tr '\n' ' ' < "$T/nofds" 2>/dev/null)"
# The glob's own directory fd (fd 0, the lowest free) is the only entry.
checkx "--no-stdio: the program starts with an empty fd table" \
	'[ $st = 0 ] && [ "$(head -n 1 "$T/nofds" 2>/dev/null)" = 1 ] &&
	 [ "$(sed -n 2p "$T/nofds")" = 0 ]'

# 23: environment passes through
EXECNS_TEST_VAR=passed "$EXECNS" -u --stdout "$T/env" -- /bin/sh -c 'echo $EXECNS_TEST_VAR' 2>"$T/err"
check "environment is passed to the program" [ "$(cat "$T/env")" = passed ]

# 24: signals: SIGPIPE at its default action (Rust ignores it; ignored
# signals survive exec) and no blocked signal, in both modes
"$EXECNS" -u --stdout "$T/sig1" -- /bin/grep -E '^Sig(Ign|Blk)' /proc/self/status 2>"$T/err"
"$EXECNS" --no-stdio -u -- /bin/sh -c \
	"exec >'$T/sig2'; exec grep -E '^Sig(Ign|Blk)' /proc/self/status" 2>>"$T/err"
sigok=1
for f in "$T/sig1" "$T/sig2"; do
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$f" 2>/dev/null)
	blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "$f" 2>/dev/null)
	diag "$(basename "$f"): SigIgn $ign SigBlk $blk"
	# SIGPIPE is signal 13: bit 0x1000 of the mask's last hex digits
	case "$ign" in
	"" | *[13579bBdDfF][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]) sigok=0 ;;
	esac
	case "$blk" in *[1-9a-fA-F]*) sigok=0 ;; "") sigok=0 ;; esac
done
[ $sigok = 1 ] || show "$T/err"
check "program starts with SIGPIPE not ignored and no signal blocked" [ $sigok = 1 ]

# 25-26: failures
"$EXECNS" -u -- "$T/nonexistent" 2>"$T/err"
check "missing program: status 127 and message" \
	is_status_msg $? 127 "$T/err" "execns: $T/nonexistent: No such file or directory"
printf '#!/bin/sh\necho x\n' > "$T/noexec"
chmod 0644 "$T/noexec"
"$EXECNS" -u -- "$T/noexec" 2>"$T/err"
check "non-executable program: status 126 and message" \
	is_status_msg $? 126 "$T/err" "execns: $T/noexec: Permission denied"

# 26: unknown option
"$EXECNS" --no-such-option /bin/true >"$T/out" 2>"$T/err"
check "unknown option: status 1 and usage" is_status_msg $? 1 "$T/err" "Usage: execns"

# 27: --help documents the streams and statuses
"$EXECNS" --help >"$T/help" 2>&1
check "--help: status 0, documents streams and exit status" \
	is_status_msg $? 0 "$T/help" "Exit status:"

# 28: bad stream path
"$EXECNS" --stdout /nonexistent-dir/out -- /bin/true 2>"$T/err"
check "--stdout in a missing directory: status 1 and message" \
	is_status_msg $? 1 "$T/err" "execns: /nonexistent-dir/out: No such file or directory"

# 29-33: unprivileged
if [ ! -x "$RUN_AS" ]; then
	for t in "-U as uid $TEST_UID" "-r as uid $TEST_UID" "-u as uid $TEST_UID: EPERM" \
		"-U -m as uid $TEST_UID" "-r -m as uid $TEST_UID"; do
		skip "$t" "$RUN_AS not installed"
	done
else
	before=$(readlink /proc/self/ns/user)
	"$RUN_AS" "$TEST_UID" "$EXECNS" -U --stdout "$T/u.out" -- /bin/sh -c \
		'readlink /proc/self/ns/user; cat /proc/self/uid_map | wc -l' 2>"$T/err"
	st=$?
	inside=$(head -n 1 "$T/u.out" 2>/dev/null)
	diag "-U as uid $TEST_UID: status $st, user ns $before -> $inside"
	show "$T/err"
	checkx "-U as uid $TEST_UID: new user namespace (no mapping)" \
		'[ $st = 0 ] && [ -n "$inside" ] && [ "$inside" != "$before" ] &&
		 [ "$(sed -n 2p "$T/u.out")" = 0 ]'

	"$RUN_AS" "$TEST_UID" "$EXECNS" -r -u --stdout "$T/r.out" -- /bin/sh -c \
		'cat /proc/self/uid_map; hostname as-mapped-root && hostname' 2>"$T/err"
	st=$?
	diag "-r -u as uid $TEST_UID: status $st:"
	show "$T/r.out"
	show "$T/err"
	checkx "-r -u as uid $TEST_UID: root in the new user namespace, can set the hostname" \
		'[ $st = 0 ] && [ "$(head -n 1 "$T/r.out" | tr -s " " | sed "s/^ //")" = "0 $TEST_UID 1" ] &&
		 [ "$(sed -n 2p "$T/r.out")" = as-mapped-root ]'

	"$RUN_AS" "$TEST_UID" "$EXECNS" -u -- /bin/true 2>"$T/err"
	check "-u as uid $TEST_UID: status 125, Operation not permitted" \
		is_status_msg $? 125 "$T/err" "execns: /bin/true: Operation not permitted"

	"$RUN_AS" "$TEST_UID" "$EXECNS" -U -m -u -i -n --stdout "$T/um.out" -- /bin/sh -c \
		'readlink /proc/self/ns/mnt' 2>"$T/err"
	st=$?
	checkx "-U -m -u -i -n as uid $TEST_UID: works, new mount namespace" \
		'[ $st = 0 ] && [ -s "$T/um.out" ] && [ "$(cat "$T/um.out")" != "$(readlink /proc/self/ns/mnt)" ]'

	# -r -m: an unprivileged user mounts a tmpfs in its own mount namespace.
	mkdir -p "$T/umnt"
	chmod 0777 "$T/umnt"
	"$RUN_AS" "$TEST_UID" "$EXECNS" -r -m --stdout "$T/rm.out" -- /bin/sh -c \
		"mount -t tmpfs execns-user-tmpfs '$T/umnt' && touch '$T/umnt/f' && ls '$T/umnt'" 2>"$T/err"
	st=$?
	show "$T/err"
	checkx "-r -m as uid $TEST_UID: tmpfs mounted inside, invisible outside" \
		'[ $st = 0 ] && [ "$(cat "$T/rm.out")" = f ] && [ ! -e "$T/umnt/f" ] &&
		 ! grep -q execns-user-tmpfs /proc/mounts'
fi

cd / || true
rm -rf "$T"
if [ $n != $PLAN ]; then
	echo "# BUG: ran $n tests, planned $PLAN"
	exit 1
fi
[ $fails = 0 ]
