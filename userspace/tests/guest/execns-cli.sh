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
# /bin/execns-run-as-uid), BLOCK_SIGNALS (default
# $BINDIR/execns-block-signals, BINDIR default /bin), TEST_UID (default
# 1000), TMPDIR (default /tmp).

EXECNS=${EXECNS:-/bin/execns}
RUN_AS=${RUN_AS:-/bin/execns-run-as-uid}
BLOCK_SIGNALS=${BLOCK_SIGNALS:-${BINDIR:-/bin}/execns-block-signals}
TEST_UID=${TEST_UID:-1000}
T=${TMPDIR:-/tmp}/execns-cli.$$
PLAN=89

. "$(dirname "$0")/tap-lib.sh" || exit 1
if [ ! -x "$EXECNS" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP $EXECNS not installed"
	exit 0
fi
tap_plan $PLAN

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
# limited SECS CMD...: CMD's status, or 137 when it still runs after SECS
# seconds and is killed (a test that would hang fails instead)
limited() {
	_secs=$1
	shift
	"$@" &
	_pid=$!
	(sleep "$_secs"; kill -KILL $_pid) >/dev/null 2>&1 &
	_dog=$!
	wait $_pid
	_st=$?
	kill $_dog 2>/dev/null
	return $_st
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

# execns2's fd map (EXECNS_NO_EXECNS2=1: the execns() paths instead)
HAVE2=0
cat /sys/kernel/execns/execns2_nr >/dev/null 2>&1 && HAVE2=1
diag "execns2: $([ $HAVE2 = 1 ] && echo "yes, $(cat /sys/kernel/execns/execns2_nr)" || echo no)"
# streams_test NAME EXPECT EXECNS-OPTIONS...: stdin a here-doc, stdout a pipe
# read here, stderr a file the caller opened O_APPEND, with TMPDIR unusable
# (no stream holder socket can be made there). EXPECT: passed (the program
# reads and writes the caller's files, no warning) or nulled (the holder
# cannot work: warnings, the program gets /dev/null).
streams_test() {
	_name=$1
	_expect=$2
	shift 2
	echo first > "$T/app"
	_out=$(TMPDIR=/nonexistent/execns-tmp "$EXECNS" "$@" -- /bin/sh -c \
		'cat; echo to-stderr >&2' 2>>"$T/app" <<-EOF
	from-here-doc
	EOF
	)
	_st=$?
	diag "$_name: status $_st, stdout '$_out', stderr file: $(tr '\n' '|' < "$T/app")"
	case $_expect in
	passed) checkx "$_name" '[ $_st = 0 ] && [ "$_out" = from-here-doc ] &&
		[ "$(cat "$T/app")" = "$(printf "first\nto-stderr")" ]' ;;
	nulled) checkx "$_name" '[ $_st = 0 ] && [ -z "$_out" ] &&
		grep -q "passing it failed" "$T/app" && ! grep -q to-stderr "$T/app"' ;;
	esac
}
# mnt_id_of_stdin FILE EXECNS-OPTIONS...: the mount id of the program's stdin
# (/dev/null, opened by the caller) into FILE
mnt_id_of_stdin() {
	_f=$1
	shift
	"$EXECNS" "$@" -- /bin/sh -c 'grep "^mnt_id" /proc/self/fdinfo/0 > "$1"' sh "$_f" \
		</dev/null 2>"$T/err"
}
ref_mnt=$(grep "^mnt_id" /proc/self/fdinfo/0 </dev/null)
if [ $HAVE2 = 1 ]; then
	streams_test "fd map: here-doc, pipe and O_APPEND file reach the program (no holder socket)" \
		passed -u
	streams_test "fd map with stage 2 (-m -f): the streams reach the program (no holder socket)" \
		passed -m -f
	# /dev/null can be reopened by name, but the fd map gives the caller's very
	# open file: its mount is the caller's, not the copy in the new mount
	# namespace (--propagation unchanged: no stage 2 either).
	mnt_id_of_stdin "$T/mnt_id" -m --propagation unchanged
	st=$?
	diag "stdin /dev/null: caller's $ref_mnt, program's $(cat "$T/mnt_id" 2>/dev/null) (status $st)"
	show "$T/err"
	checkx "fd map: stdin on /dev/null is the caller's open file, not reopened in the new mount namespace" \
		'[ $st = 0 ] && [ -n "$ref_mnt" ] && [ "$(cat "$T/mnt_id")" = "$ref_mnt" ]'
	# No second exec of execns: it runs from a copy that is deleted while it
	# waits to open --stdout FIFO (before the call); executing itself again
	# would fail (/proc/self/exe names a deleted file).
	rm -f "$T/fifo" "$T/execns-copy"
	mkfifo "$T/fifo" && cp "$EXECNS" "$T/execns-copy"
	"$T/execns-copy" -u --stdout "$T/fifo" -- /bin/echo no-second-exec 2>"$T/err" &
	pid=$!
	i=0
	while [ $i -lt 100 ] && [ "$(readlink /proc/$pid/exe 2>/dev/null)" != "$T/execns-copy" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	rm -f "$T/execns-copy"
	out=$(limited 10 cat "$T/fifo")
	wait $pid
	st=$?
	diag "execns deleted before the call: status $st, '$out'"
	show "$T/err"
	checkx "fd map: execns -u executes the program directly (no second exec of execns)" \
		'[ $st = 0 ] && [ "$out" = no-second-exec ]'
else
	for t in "fd map: streams reach the program" "fd map with stage 2: streams" \
		"fd map: stdin on /dev/null is the caller's open file" "fd map: no second exec"; do
		skip "$t" "no execns2 (/sys/kernel/execns/execns2_nr)"
	done
fi
export EXECNS_NO_EXECNS2=1
streams_test "fallback (EXECNS_NO_EXECNS2=1): streams go through the holder's socket in TMPDIR" \
	nulled -u
echo first > "$T/app"
out=$("$EXECNS" -u -- /bin/sh -c 'cat; echo to-stderr >&2' 2>>"$T/app" <<-EOF
from-here-doc
EOF
)
st=$?
checkx "fallback: here-doc, pipe and O_APPEND file reach the program through the holder" \
	'[ $st = 0 ] && [ "$out" = from-here-doc ] && [ "$(cat "$T/app")" = "$(printf "first\nto-stderr")" ]'
mnt_id_of_stdin "$T/mnt_id2" -m --propagation unchanged
st=$?
diag "fallback: stdin /dev/null: caller's $ref_mnt, program's $(cat "$T/mnt_id2" 2>/dev/null)"
checkx "fallback: stdin on /dev/null reopened by name by stage 2 (in the new mount namespace)" \
	'[ $st = 0 ] && [ -s "$T/mnt_id2" ] && [ "$(cat "$T/mnt_id2")" != "$ref_mnt" ]'
unset EXECNS_NO_EXECNS2

# every fd closed: only 0-2 and ls's own directory fd (fd map, else stage 2)
exec 7>"$T/stray" 8</dev/null
"$EXECNS" -u --stdout "$T/fds" -- /bin/ls /proc/self/fd 2>"$T/err"
st=$?
exec 7>&- 8<&-
fds=$(sort -n "$T/fds" | tr '\n' ' ')
diag "fds in the program: $fds"
checkx "only fds 0 1 2 (and ls's dir fd 3) open; 7, 8 closed" \
	'[ $st = 0 ] && [ "$fds" = "0 1 2 3 " ]'
# the same with stdout a pipe and stdin a file, on both paths
exec 7>"$T/stray" 8</dev/null
fds=$("$EXECNS" -u -- /bin/ls /proc/self/fd <"$T/stray" 2>"$T/err" | sort -n | tr '\n' ' ')
fds2=$(EXECNS_NO_EXECNS2=1 "$EXECNS" -u -- /bin/ls /proc/self/fd <"$T/stray" 2>>"$T/err" |
	sort -n | tr '\n' ' ')
exec 7>&- 8<&-
diag "fds in the program, stdout a pipe: $fds (fallback: $fds2)"
show "$T/err"
checkx "stdout a pipe, stdin a file: only fds 0 1 2 (and 3) in the program (fd map and fallback)" \
	'[ "$fds" = "0 1 2 3 " ] && [ "$fds2" = "0 1 2 3 " ]'

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

# --keep-fd SRC[:DST] and --exec-fd FD (execns2's fd map and exec by fd):
# directly and through a second stage (-f); errors change nothing.
fdlist() { sort -n | tr '\n' ' '; }
KEEPFD_TESTS="--keep-fd 5: the program has fd 5, the same open file
--keep-fd 5:7: the program has it at 7, and no fd 5
--keep-fd 5:1: fd 5 replaces stdout
--no-stdio --keep-fd 5: exactly fd 5 (and what the program opens)
-f --keep-fd 5 (second stage): the program has fd 5
--keep-fd 5 --keep-fd 6:5: fd given twice, status 1
--keep-fd 9 (not open): status 1 and message
EXECNS_NO_EXECNS2=1 --keep-fd 5: status 125, needs execns2
--exec-fd 5 (busybox) -- ls: runs, fd 5 not in the program
-f --exec-fd 5 (second stage): runs, fd 5 not in the program
-f --exec-fd 5 --keep-fd 5: the program keeps fd 5
--exec-fd without PROGRAM: status 1"
if [ $HAVE2 = 1 ] && [ -x /bin/busybox ]; then
	echo keep-me >"$T/k5"
	out=$("$EXECNS" -u --keep-fd 5 -- /bin/sh -c 'cat <&5; ls /proc/self/fd' 5<"$T/k5" 2>"$T/err")
	show "$T/err"
	checkx "--keep-fd 5: the program has fd 5, the same open file" \
		'[ "$(echo "$out" | head -n 1)" = keep-me ] && echo "$out" | grep -qx 5'
	out=$("$EXECNS" -u --keep-fd 5:7 -- /bin/ls /proc/self/fd 5<"$T/k5" 2>"$T/err" | fdlist)
	diag "--keep-fd 5:7: $out"
	checkx "--keep-fd 5:7: the program has it at 7, and no fd 5" '[ "$out" = "0 1 2 3 7 " ]'
	rm -f "$T/k1"
	out=$("$EXECNS" -u --keep-fd 5:1 -- /bin/echo via-5 5>"$T/k1" 2>"$T/err")
	checkx "--keep-fd 5:1: fd 5 replaces stdout" '[ -z "$out" ] && [ "$(cat "$T/k1")" = via-5 ]'
	rm -f "$T/k1"
	"$EXECNS" --no-stdio -u --keep-fd 5 -- /bin/sh -c 'ls /proc/self/fd >&5' 5>"$T/k1" 2>"$T/err"
	out=$(fdlist <"$T/k1")
	diag "--no-stdio --keep-fd 5: $out"
	# ls's stdout (1, the shell's dup of 5) and its directory fd (0, the
	# lowest free number): nothing else was open.
	checkx "--no-stdio --keep-fd 5: exactly fd 5 (and what the program opens)" \
		'[ "$out" = "0 1 5 " ]'
	out=$("$EXECNS" -f -u --keep-fd 5 -- /bin/sh -c 'cat <&5' 5<"$T/k5" 2>"$T/err")
	show "$T/err"
	checkx "-f --keep-fd 5 (second stage): the program has fd 5" '[ "$out" = keep-me ]'
	"$EXECNS" -u --keep-fd 5 --keep-fd 6:5 -- /bin/true 5<"$T/k5" 6<"$T/k5" 2>"$T/err"
	check "--keep-fd 5 --keep-fd 6:5: fd given twice, status 1" \
		is_status_msg $? 1 "$T/err" "fd 5 is given twice"
	"$EXECNS" -u --keep-fd 9 -- /bin/true 2>"$T/err"
	check "--keep-fd 9 (not open): status 1 and message" \
		is_status_msg $? 1 "$T/err" "fd 9: Bad file descriptor"
	EXECNS_NO_EXECNS2=1 "$EXECNS" -u --keep-fd 5 -- /bin/true 5<"$T/k5" 2>"$T/err"
	check "EXECNS_NO_EXECNS2=1 --keep-fd 5: status 125, needs execns2" \
		is_status_msg $? 125 "$T/err" "need execns2(2)"
	out=$("$EXECNS" -u --exec-fd 5 -- ls /proc/self/fd 5</bin/busybox 2>"$T/err" | fdlist)
	show "$T/err"
	checkx "--exec-fd 5 (busybox) -- ls: runs, fd 5 not in the program" '[ "$out" = "0 1 2 3 " ]'
	out=$("$EXECNS" -f -u --exec-fd 5 -- ls /proc/self/fd 5</bin/busybox 2>"$T/err" | fdlist)
	show "$T/err"
	checkx "-f --exec-fd 5 (second stage): runs, fd 5 not in the program" '[ "$out" = "0 1 2 3 " ]'
	out=$("$EXECNS" -f -u --exec-fd 5 --keep-fd 5 -- ls /proc/self/fd 5</bin/busybox 2>"$T/err" |
		fdlist)
	checkx "-f --exec-fd 5 --keep-fd 5: the program keeps fd 5" '[ "$out" = "0 1 2 3 5 " ]'
	"$EXECNS" -u --exec-fd 5 5</bin/busybox 2>"$T/err"
	check "--exec-fd without PROGRAM: status 1" is_status_msg $? 1 "$T/err" "needs PROGRAM"
else
	_ifs=$IFS
	IFS='
'
	for t in $KEEPFD_TESTS; do
		skip "$t" "no execns2 (/sys/kernel/execns/execns2_nr) or no /bin/busybox"
	done
	IFS=$_ifs
fi

# 23: environment passes through
EXECNS_TEST_VAR=passed "$EXECNS" -u --stdout "$T/env" -- /bin/sh -c 'echo $EXECNS_TEST_VAR' 2>"$T/err"
check "environment is passed to the program" [ "$(cat "$T/env")" = passed ]

# Signal state: the program starts with the ignored signals and the mask of
# the caller of execns, as after unshare(1) or a plain exec, in every way
# execns runs it. The caller here: SIGPIPE and SIGHUP ignored, SIGUSR2
# handled (exec resets it), SIGUSR1 and SIGALRM blocked (by
# execns-block-signals; a shell cannot block signals).
if [ -x "$BLOCK_SIGNALS" ]; then
	BLOCK="$BLOCK_SIGNALS USR1,ALRM"
else
	BLOCK=
	diag "$BLOCK_SIGNALS not installed: the signal mask is not checked"
fi
# sig_caller CMD...: run CMD with that signal state
sig_caller() {
	(
		trap '' PIPE HUP
		trap ':' USR2
		exec $BLOCK "$@"
	)
}
# The program: writes its SigIgn and SigBlk lines to the file $1 itself
# (fds 0-2 may be closed with --no-stdio).
SIGPROG='exec >"$1"; exec grep -E "^Sig(Ign|Blk)" /proc/self/status'
sig_caller /bin/sh -c "$SIGPROG" sh "$T/sig.ref" 2>"$T/err"
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/sig.ref" 2>/dev/null)
blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "$T/sig.ref" 2>/dev/null)
diag "caller's signal state: SigIgn $ign SigBlk $blk"
# SIGPIPE is signal 13 (bit 0x1000), SIGHUP 1 (0x1), SIGUSR1 10 (0x200),
# SIGALRM 14 (0x2000), SIGUSR2 12 (0x800).
sig_bits_ok() {
	[ -n "$ign" ] || return 1
	[ $((0x$ign & 0x1001)) = $((0x1001)) ] || return 1
	[ $((0x$ign & 0x800)) = 0 ] || return 1
	[ -z "$BLOCK" ] || [ $((0x$blk & 0x2200)) = $((0x2200)) ]
}
check "signal test setup: the plain program sees PIPE, HUP ignored (USR1, ALRM blocked)" sig_bits_ok
# sig_test NAME EXECNS-OPTIONS...: the program run by execns with these
# options starts with the same signal state as the plain one
sig_test() {
	_name=$1
	shift
	rm -f "$T/sig.out"
	sig_caller "$EXECNS" "$@" -- /bin/sh -c "$SIGPROG" sh "$T/sig.out" 2>"$T/err" </dev/null
	_st=$?
	if [ $_st = 0 ] && cmp -s "$T/sig.ref" "$T/sig.out"; then
		ok "signal state kept: $_name"
	else
		diag "status $_st; got:"
		show "$T/sig.out"
		show "$T/err"
		nok "signal state kept: $_name"
	fi
}
sig_test "execns -u (fd map, else stage 2)" -u
export EXECNS_NO_EXECNS2=1
sig_test "fallback: second stage (EXECNS_NO_EXECNS2=1 execns -u)" -u
unset EXECNS_NO_EXECNS2
sig_test "direct (--no-stdio -u)" --no-stdio -u
sig_test "--fork child (-f -u)" -f -u
sig_test "user namespace helper (-r -u)" -r -u
sig_test "stage executed again for proc (-r -pf --mount-proc)" -r -p -f --mount-proc
# SIGPIPE at its default action in the caller stays so in the program
# (Rust's runtime ignores it in execns itself): second stage and direct.
ign_self=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status)
if [ $((0x${ign_self:-0} & 0x1000)) != 0 ]; then
	skip "SIGPIPE default in the caller: default in the program" "SIGPIPE ignored here"
else
	rm -f "$T/pipe1" "$T/pipe2"
	"$EXECNS" -u -- /bin/sh -c "$SIGPROG" sh "$T/pipe1" 2>"$T/err" </dev/null
	st=$?
	"$EXECNS" --no-stdio -u -- /bin/sh -c "$SIGPROG" sh "$T/pipe2" 2>>"$T/err" </dev/null
	st2=$?
	i1=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/pipe1" 2>/dev/null)
	i2=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/pipe2" 2>/dev/null)
	diag "SIGPIPE default in the caller: SigIgn $i1 (second stage), $i2 (direct)"
	show "$T/err"
	checkx "SIGPIPE default in the caller: default in the program (second stage, direct)" \
		'[ $st = 0 ] && [ $st2 = 0 ] && [ -n "$i1" ] && [ -n "$i2" ] &&
		 [ $((0x$i1 & 0x1000)) = 0 ] && [ $((0x$i2 & 0x1000)) = 0 ]'
fi
# stdout a pipe: the fd map, else the stream holder
rm -f "$T/sig.out" "$T/sig.out2"
sig_caller "$EXECNS" -u -- /bin/sh -c "$SIGPROG" sh "$T/sig.out" 2>"$T/err" </dev/null | cat
sig_caller env EXECNS_NO_EXECNS2=1 "$EXECNS" -u -- /bin/sh -c "$SIGPROG" sh "$T/sig.out2" \
	2>>"$T/err" </dev/null | cat
checkx "signal state kept: stdout a pipe (fd map, else the holder)" \
	'cmp -s "$T/sig.ref" "$T/sig.out"'
checkx "signal state kept: fallback, streams passed by the holder (stdout a pipe)" \
	'cmp -s "$T/sig.ref" "$T/sig.out2"'

# A caller with SIGCHLD ignored (execns-block-signals -i CHLD; a shell cannot
# pass that on, and resets it itself: the program is grep, executed directly).
# The kernel would reap execns's helpers and its --fork child at once, before
# they are waited for: execns runs with SIGCHLD at its default action and
# gives the program SIGCHLD ignored, as the caller had it. SIGCHLD is signal
# 17 (bit 0x10000).
# chld_ignored FILE: FILE holds a SigIgn line with SIGCHLD in it
chld_ignored() {
	_ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$1" 2>/dev/null)
	[ -n "$_ign" ] && [ $((0x$_ign & 0x10000)) != 0 ]
}
if [ -x "$BLOCK_SIGNALS" ]; then
	# stdout a pipe, stderr a file: both handed over by the stream holder
	"$BLOCK_SIGNALS" -i CHLD - "$EXECNS" -u -- grep '^SigIgn' /proc/self/status \
		2>"$T/err" </dev/null | cat >"$T/chld1"
	diag "SIGCHLD ignored, stdout a pipe: $(cat "$T/chld1" "$T/err" 2>/dev/null | tr '\n' ' ')"
	checkx "SIGCHLD ignored by the caller, stdout a pipe (fd map, else the holder): runs, SIGCHLD still ignored" \
		'chld_ignored "$T/chld1" && [ ! -s "$T/err" ]'
	EXECNS_NO_EXECNS2=1 "$BLOCK_SIGNALS" -i CHLD - "$EXECNS" -u -- grep '^SigIgn' /proc/self/status \
		2>"$T/err" </dev/null | cat >"$T/chld1b"
	diag "fallback, SIGCHLD ignored, stdout a pipe: $(cat "$T/chld1b" "$T/err" 2>/dev/null | tr '\n' ' ')"
	checkx "SIGCHLD ignored by the caller, fallback: streams passed by the holder, SIGCHLD still ignored" \
		'chld_ignored "$T/chld1b" && [ ! -s "$T/err" ]'
	"$BLOCK_SIGNALS" -i CHLD - "$EXECNS" -r -u --stdout "$T/chld2" --stderr "$T/err" -- \
		grep '^SigIgn' /proc/self/status </dev/null
	st=$?
	show "$T/err"
	checkx "SIGCHLD ignored by the caller, -r (mapping helper): status 0, SIGCHLD still ignored" \
		'[ $st = 0 ] && chld_ignored "$T/chld2"'
	limited 20 "$BLOCK_SIGNALS" -i CHLD - "$EXECNS" -f --stdout "$T/chld3" --stderr "$T/chld3" -- \
		/bin/sh -c 'exit 7' </dev/null
	st=$?
	limited 20 "$BLOCK_SIGNALS" -i CHLD - "$EXECNS" -f --stdout "$T/chld4" --stderr "$T/err" -- \
		grep '^SigIgn' /proc/self/status </dev/null
	st2=$?
	diag "SIGCHLD ignored, -f: status $st (expected 7) and $st2"
	show "$T/chld3"
	show "$T/err"
	checkx "SIGCHLD ignored by the caller, -f: status 7 is the program's, SIGCHLD still ignored" \
		'[ $st = 7 ] && [ $st2 = 0 ] && chld_ignored "$T/chld4"'
else
	skip "SIGCHLD ignored by the caller, streams passed" "no $BLOCK_SIGNALS"
	skip "SIGCHLD ignored by the caller, fallback" "no $BLOCK_SIGNALS"
	skip "SIGCHLD ignored by the caller, -r" "no $BLOCK_SIGNALS"
	skip "SIGCHLD ignored by the caller, -f" "no $BLOCK_SIGNALS"
fi

# trap '' PIPE; execns ... | reader: the program sees EPIPE instead of dying
( trap '' PIPE
  "$EXECNS" -u -- /bin/sh -c 'sleep 0.5; echo a; echo b; echo "survived $?" >&2' 2>"$T/epipe" | true )
diag "SIGPIPE ignored, writing to a closed pipe: $(tr '\n' ' ' < "$T/epipe" 2>/dev/null)"
checkx "trap '' PIPE; execns prog | true: prog gets EPIPE and goes on" \
	'grep -q "^survived [1-9]" "$T/epipe"'

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

# --fork: the parent waits and exits as the program did
"$EXECNS" -f -- /bin/sh -c 'exit 7' 2>"$T/err"
check "-f: the program's exit status (7)" [ $? = 7 ]
"$EXECNS" -f -- /bin/sh -c 'kill -TERM $$' 2>"$T/err"
st=$?
checkx "-f: program killed by SIGTERM: execns too (status 143)" '[ $st = 143 ]'

# fwd_test SIG CODE OUT: execns -f runs a program that traps SIG (says
# got-<sig>, exits CODE); SIG is sent to execns (the parent) once the program
# is ready; execns's status in $_st
fwd_test() {
	rm -f "$3"
	"$EXECNS" -f --stdout "$3" -- /bin/sh -c \
		"trap 'echo got-$1; exit $2' $1; echo ready; i=0; while [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done; exit 9" \
		2>"$T/err" &
	_pid=$!
	_i=0
	while [ $_i -lt 50 ] && ! grep -q ready "$3" 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -"$1" $_pid
	wait $_pid
	_st=$?
	diag "-f, kill -$1 execns: status $_st, program said: $(tr '\n' ' ' < "$3" 2>/dev/null)"
}

# --fork: SIGTERM sent to execns (the parent) reaches the program
fwd_test TERM 3 "$T/fwd"
st=$_st
checkx "-f: SIGTERM sent to execns is forwarded to the program" \
	'[ "$st" = 3 ] && grep -q got-TERM "$T/fwd"'

# --fork: SIGHUP too (unless this script runs with SIGHUP ignored: then execns
# and the program inherit that, and nothing is forwarded, by design)
ign_self=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status)
if [ $((0x${ign_self:-0} & 0x1)) != 0 ]; then
	skip "-f: SIGHUP sent to execns is forwarded to the program" "SIGHUP ignored here"
else
	fwd_test HUP 4 "$T/fwd2"
	st=$_st
	checkx "-f: SIGHUP sent to execns is forwarded to the program" \
		'[ "$st" = 4 ] && grep -q got-HUP "$T/fwd2"'
fi

# -pf --mount-proc -- ps: ps is PID 1 and sees only itself
if command -v ps >/dev/null 2>&1; then
	"$EXECNS" -pf --mount-proc --stdout "$T/ps" -- ps 2>"$T/err"
	st=$?
	pids=$(awk '$1 ~ /^[0-9]+$/ { print $1 }' "$T/ps" 2>/dev/null | tr '\n' ' ')
	diag "-pf --mount-proc -- ps: status $st, pids: $pids"
	[ "$pids" = "1 " ] || { show "$T/ps"; show "$T/err"; }
	checkx "-pf --mount-proc -- ps: ps is PID 1, alone; /proc outside unchanged" \
		'[ $st = 0 ] && [ "$pids" = "1 " ] && [ -e /proc/$$ ]'
else
	skip "-pf --mount-proc -- ps" "no ps"
fi

# --mount-proc=DIR: proc of the new PID namespace there, invisible outside. The child
# that reads /proc/self is a command substitution's sub-shell: busybox sh runs readlink
# in-process (NOFORK), and execs the last command of -c without forking.
mkdir -p "$T/proc"
"$EXECNS" -pf --mount-proc="$T/proc" --stdout "$T/mp" -- /bin/sh -c \
	"set -- '$T/proc/'[0-9]*; echo \$#; echo \$(readlink '$T/proc/self')" 2>"$T/err"
st=$?
diag "--mount-proc=DIR: status $st: $(tr '\n' ' ' < "$T/mp" 2>/dev/null)"
show "$T/err"
checkx "-pf --mount-proc=DIR: only PID 1 there, its child is 2; DIR empty outside" \
	'[ $st = 0 ] && [ "$(cat "$T/mp")" = "$(printf "1\n2")" ] && [ -z "$(ls "$T/proc")" ]'

# -p --mount-proc without -f: like unshare(1), the program keeps its PID and
# /proc is that of its own (the caller's) PID namespace
"$EXECNS" -p --mount-proc --stdout "$T/mp2" -- /bin/sh -c 'echo $$; readlink /proc/self' 2>"$T/err"
st=$?
checkx "-p --mount-proc without -f: the program's own PID in the new /proc" \
	'[ $st = 0 ] && [ "$(head -n 1 "$T/mp2")" != 1 ] && [ "$(sed -n 2p "$T/mp2")" != 1 ]'

# --setgroups
"$EXECNS" -U --setgroups deny --stdout "$T/sg" -- /bin/cat /proc/self/setgroups 2>"$T/err"
st=$?
"$EXECNS" -U --stdout "$T/sg2" -- /bin/cat /proc/self/setgroups 2>>"$T/err"
st2=$?
show "$T/err"
checkx "-U --setgroups deny: denied in the new user namespace (allowed without)" \
	'[ $st = 0 ] && [ "$(cat "$T/sg")" = deny ] && [ $st2 = 0 ] && [ "$(cat "$T/sg2")" = allow ]'
"$EXECNS" -r --setgroups allow -- /bin/true >"$T/out" 2>"$T/err"
check "-r --setgroups allow: usage error (status 1)" \
	is_status_msg $? 1 "$T/err" "mutually exclusive"
"$EXECNS" --setgroups deny -- /bin/true 2>"$T/err"
check "--setgroups deny without -U: status 125 (initial user namespace), as unshare(1)" \
	is_status_msg $? 125 "$T/err" "execns: cannot write /proc/self/setgroups: Operation not permitted"

# No PROGRAM: $SHELL (else /bin/sh) as a login shell, reading stdin
echo 'echo "shell:$0"' | SHELL=/bin/sh "$EXECNS" -u >"$T/sh1" 2>"$T/err"
st=$?
echo 'echo "shell:$0"' | ( unset SHELL; "$EXECNS" -u ) >"$T/sh2" 2>>"$T/err"
st2=$?
diag "no PROGRAM: $(grep shell: "$T/sh1") / without SHELL: $(grep shell: "$T/sh2")"
show "$T/err"
checkx "no PROGRAM: runs \$SHELL (or /bin/sh) as a login shell (-sh)" \
	'[ $st = 0 ] && [ $st2 = 0 ] && grep -qx "shell:-sh" "$T/sh1" && grep -qx "shell:-sh" "$T/sh2"'

# 29-33: unprivileged
if [ ! -x "$RUN_AS" ]; then
	for t in "-U as uid $TEST_UID" "-r as uid $TEST_UID" "-u as uid $TEST_UID: EPERM" \
		"-U -m as uid $TEST_UID" "-r -m as uid $TEST_UID" \
		"-r -pf --mount-proc as uid $TEST_UID" "-U -pf --mount-proc as uid $TEST_UID" \
		"-U --setgroups deny as uid $TEST_UID"; do
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

	# -r -pf --mount-proc: the stage executes itself again once root in the
	# new user namespace, to have the capabilities to mount proc.
	"$RUN_AS" "$TEST_UID" "$EXECNS" -r -pf --mount-proc --stdout "$T/rp.out" -- /bin/sh -c \
		'echo $$; readlink /proc/self; id -u' 2>"$T/err"
	st=$?
	diag "-r -pf --mount-proc as uid $TEST_UID: status $st: $(tr '\n' ' ' < "$T/rp.out" 2>/dev/null)"
	show "$T/err"
	checkx "-r -pf --mount-proc as uid $TEST_UID: PID 1 as root, /proc of the new PID namespace" \
		'[ $st = 0 ] && [ "$(cat "$T/rp.out")" = "$(printf "1\n2\n0")" ]'

	# -U without -r: no capability in the new namespaces, so no proc mount
	# (a documented difference from unshare(1)).
	"$RUN_AS" "$TEST_UID" "$EXECNS" -U -pf --mount-proc -- /bin/true 2>"$T/err"
	check "-U -pf --mount-proc as uid $TEST_UID: status 125, cannot mount proc" \
		is_status_msg $? 125 "$T/err" "execns: cannot mount proc on /proc: Operation not permitted"

	"$RUN_AS" "$TEST_UID" "$EXECNS" -U --setgroups deny --stdout "$T/usg" -- \
		/bin/cat /proc/self/setgroups 2>"$T/err"
	st=$?
	show "$T/err"
	checkx "-U --setgroups deny as uid $TEST_UID: written by the helper" \
		'[ $st = 0 ] && [ "$(cat "$T/usg")" = deny ]'
fi

# --join PID (execns2): enter a running container at exec time; and -r
# through the call's id maps (no helper), as the EXECNS_NO_EXECNS2 fallback.
JOIN_TESTS="--join: a container's user+mnt+uts as uid $TEST_UID
--join then -u: a new UTS namespace inside the container's
--join: uid $TEST_UID may not join a container root made: 125, EACCES
--join: no such process: 125
--join without execns2: 125, says it needs execns2
-r with the execns-only fallback (helper): same maps and setgroups"
if [ ! -x "$RUN_AS" ] || [ ! -e /sys/kernel/execns/execns2_nr ]; then
	echo "$JOIN_TESTS" | while read -r t; do
		skip "$t" "needs $RUN_AS and execns2"
	done
	n=$((n + 6))
else
	rm -f "$T/ready" "$T/rready"
	"$RUN_AS" "$TEST_UID" "$EXECNS" -r -m -u --stdout /dev/null -- /bin/sh -c \
		"hostname ctr-$$ && echo ready > '$T/ready' && exec sleep 1000" 2>"$T/cerr" &
	cpid=$!
	"$EXECNS" -u -i --stdout /dev/null -- /bin/sh -c \
		"echo ready > '$T/rready' && exec sleep 1000" 2>>"$T/cerr" &
	rpid=$!
	i=0
	while { [ ! -s "$T/ready" ] || [ ! -s "$T/rready" ]; } && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	show "$T/cerr"
	"$RUN_AS" "$TEST_UID" "$EXECNS" --join $cpid --stdout "$T/j.out" -- /bin/sh -c \
		'for n in user mnt uts; do readlink /proc/self/ns/$n; done; hostname; id -u' \
		2>"$T/err"
	st=$?
	want=$(for n in user mnt uts; do readlink /proc/$cpid/ns/$n; done)
	diag "--join $cpid: status $st: $(tr '\n' ' ' < "$T/j.out" 2>/dev/null)"
	show "$T/err"
	checkx "--join: a container's user+mnt+uts as uid $TEST_UID" \
		'[ $st = 0 ] && [ "$(head -n 3 "$T/j.out")" = "$want" ] &&
		 [ "$(sed -n 4p "$T/j.out")" = "ctr-$$" ] && [ "$(sed -n 5p "$T/j.out")" = 0 ]'

	"$RUN_AS" "$TEST_UID" "$EXECNS" --join $cpid -u --stdout "$T/ju.out" -- /bin/sh -c \
		'readlink /proc/self/ns/user; readlink /proc/self/ns/uts; hostname; hostname inner && hostname' \
		2>"$T/err"
	st=$?
	show "$T/err"
	checkx "--join then -u: a new UTS namespace inside the container's" \
		'[ $st = 0 ] && [ "$(head -n 1 "$T/ju.out")" = "$(readlink /proc/$cpid/ns/user)" ] &&
		 [ "$(sed -n 2p "$T/ju.out")" != "$(readlink /proc/$cpid/ns/uts)" ] &&
		 [ "$(sed -n 3p "$T/ju.out")" = "ctr-$$" ] && [ "$(sed -n 4p "$T/ju.out")" = inner ] &&
		 [ "$(hostname)" != inner ]'

	# (execns cannot even read the namespaces of root's process: EACCES)
	"$RUN_AS" "$TEST_UID" "$EXECNS" --join $rpid -- /bin/true 2>"$T/err"
	check "--join: uid $TEST_UID may not join a container root made: 125, EACCES" \
		is_status_msg $? 125 "$T/err" "execns: --join $rpid: Permission denied"
	kill $cpid $rpid 2>/dev/null
	wait $cpid $rpid 2>/dev/null

	"$EXECNS" --join 999999 -- /bin/true 2>"$T/err"
	check "--join: no such process: 125" \
		is_status_msg $? 125 "$T/err" "execns: --join 999999: No such process"

	EXECNS_NO_EXECNS2=1 "$EXECNS" --join 1 -- /bin/true 2>"$T/err"
	check "--join without execns2: 125, says it needs execns2" \
		is_status_msg $? 125 "$T/err" "need execns2(2)"

	"$RUN_AS" "$TEST_UID" "$EXECNS" -r --stdout "$T/r2.out" -- /bin/sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u' 2>"$T/err"
	st=$?
	EXECNS_NO_EXECNS2=1 "$RUN_AS" "$TEST_UID" "$EXECNS" -r --stdout "$T/r1.out" -- /bin/sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u' 2>>"$T/err"
	st1=$?
	show "$T/err"
	diag "-r: $(tr -s ' \n' ' ' < "$T/r2.out") / fallback: $(tr -s ' \n' ' ' < "$T/r1.out")"
	checkx "-r with the execns-only fallback (helper): same maps and setgroups" \
		'[ $st = 0 ] && [ $st1 = 0 ] && [ -s "$T/r2.out" ] && cmp -s "$T/r1.out" "$T/r2.out" &&
		 [ "$(tail -n 1 "$T/r2.out")" = 0 ] && grep -qx deny "$T/r2.out"'
fi

cd / || true
rm -rf "$T"
tap_done
