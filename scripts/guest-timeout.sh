#!/bin/sh
# /usr/bin/timeout of the test initramfs: GNU coreutils' timeout as far as kselftest's
# runner.sh relies on it, on busybox. runner.sh runs every test as
#   /usr/bin/timeout --foreground SECS /usr/bin/timeout SECS ./test
# and busybox's timeout (1.35) falls short three ways: it rejects --foreground (every test
# would fail at once: "unrecognized option"), it exits 143 (128 + SIGTERM) instead of 124
# when it kills the program (runner.sh would report "exit=143", not "TIMEOUT"), and it
# kills only the program, not the processes it forked: a kselftest harness test hung in a
# forked child would keep runner.sh's output pipe open, and so run on, past its timeout.
# Like GNU timeout, this runs the program in a process group of its own (setsid) and
# sends SIGTERM to the whole group when SECS have passed (SIGKILL 5 s later), exiting 124.
# --foreground (GNU: only the program itself, keeping the terminal's signals) is taken as
# the default: the guest's tests run on no interactive terminal.
[ "${1:-}" != --foreground ] || shift
secs=${1:?usage: timeout [--foreground] SECS PROG [ARGS...]}
shift
setsid "$@" &
pid=$!
flag=/tmp/.timeout.$$
rm -f "$flag"
# the watcher: no file descriptor of the program's (runner.sh waits for its output pipe)
(
	sleep "$secs" &
	s=$!
	trap 'kill "$s" 2>/dev/null; exit 0' TERM
	wait "$s" || exit 0
	: > "$flag"
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	sleep 5 &
	s=$!
	wait "$s" || exit 0
	kill -KILL -- "-$pid" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
watch=$!
wait "$pid"
rc=$?
kill -TERM "$watch" 2>/dev/null
[ ! -e "$flag" ] || rc=124
rm -f "$flag"
exit "$rc"
