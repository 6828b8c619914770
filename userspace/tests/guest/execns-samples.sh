#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest tests: the C and Rust execns samples, as root and as an unprivileged
# user. TAP on stdout. Skips what is not installed; skips all on a kernel
# without execns(2), i.e. without /sys/kernel/execns/nr (the samples exit 4
# there).
#
# Environment: BINDIR (default /bin), TEST_UID (default 1000), TMPDIR.

BINDIR=${BINDIR:-/bin}
RUN_AS=${RUN_AS:-$BINDIR/execns-run-as-uid}
TEST_UID=${TEST_UID:-1000}
T=${TMPDIR:-/tmp}/execns-samples.$$
PLAN=8

. "$(dirname "$0")/tap-lib.sh" || exit 1
tap_plan $PLAN

rm -rf "$T"
mkdir -p "$T" || exit 1
chmod 0777 "$T"
cd "$T" || exit 1

# sample NAME PROGRAM UID|-
sample() {
	_name=$1
	_prog=$BINDIR/$2
	_uid=$3
	if [ ! -x "$_prog" ]; then
		skip "$_name" "$_prog not installed"
		return
	fi
	_out=$T/$2.$_uid.tap
	: > "$_out"
	chmod 0666 "$_out"
	if [ "$_uid" = - ]; then
		"$_prog" > "$_out" 2>&1
	elif [ -x "$RUN_AS" ]; then
		"$RUN_AS" "$_uid" "$_prog" > "$_out" 2>&1
	else
		skip "$_name" "$RUN_AS not installed"
		return
	fi
	_st=$?
	sed 's/^/#   /' "$_out"
	if [ $_st = 4 ] && grep -q "^1\.\.0 # SKIP" "$_out"; then
		skip "$_name" "the running kernel does not provide execns(2)"
	elif [ $_st = 0 ] && ! grep -q "^not ok" "$_out" &&
		grep -q "^1\.\.[1-9]" "$_out" &&
		[ "$(grep -c "^ok" "$_out")" = "$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$_out")" ]; then
		ok "$_name"
	else
		echo "# exit status $_st"
		nok "$_name"
	fi
}

host=$(hostname)
sample "C sample as root: new uts/mnt/ipc, empty fd table, hostname change" execns-sample -
sample "C sample as uid $TEST_UID: with a new user namespace" execns-sample "$TEST_UID"
sample "C execns2 sample as root: sealed memfd, fd map, new uts/ipc" execns2-sample -
sample "C execns2 sample as uid $TEST_UID: with a new user namespace" execns2-sample "$TEST_UID"
sample "Rust sample as root: new uts/mnt/ipc, empty fd table, hostname change" execns-sample-rs -
sample "Rust sample as uid $TEST_UID: with a new user namespace" execns-sample-rs "$TEST_UID"

# The Go sample, as uid $TEST_UID, from the (multithreaded) Go runtime: joins
# the user and mount namespaces of a container that uid made (execns -r -m),
# where setns(2) fails with EINVAL.
GO_NAME="Go sample as uid $TEST_UID: joins a container's user+mnt ns, setns cannot"
if [ ! -x "$BINDIR/execns-join-go" ] || [ ! -x "$RUN_AS" ] || [ ! -x "$BINDIR/execns" ]; then
	skip "$GO_NAME" "execns-join-go, $RUN_AS or execns not installed"
elif [ ! -e /sys/kernel/execns/execns2_nr ]; then
	skip "$GO_NAME" "the running kernel does not provide execns2(2)"
else
	"$RUN_AS" "$TEST_UID" "$BINDIR/execns" -r -m --stdout /dev/null -- /bin/sh -c \
		"echo ready > '$T/go-ready' && exec sleep 1000" 2>"$T/go-cerr" &
	cpid=$!
	i=0
	while [ ! -s "$T/go-ready" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	"$RUN_AS" "$TEST_UID" "$BINDIR/execns-join-go" $cpid /bin/sh -c \
		'readlink /proc/self/ns/user; readlink /proc/self/ns/mnt; id -u; ls /proc/self/fd | wc -l' \
		> "$T/go.out" 2> "$T/go.err"
	st=$?
	want=$(readlink /proc/$cpid/ns/user; readlink /proc/$cpid/ns/mnt)
	kill $cpid 2>/dev/null
	wait $cpid 2>/dev/null
	sed 's/^/#   /' "$T/go-cerr" "$T/go.out" "$T/go.err"
	# 4 fds in ls: 0-2 and the one ls opens for /proc/self/fd.
	if [ $st = 0 ] && [ "$(head -n 2 "$T/go.out")" = "$want" ] &&
	   [ "$(sed -n 3p "$T/go.out")" = 0 ] && [ "$(sed -n 4p "$T/go.out")" = 4 ] &&
	   grep -q "^setns: invalid argument" "$T/go.err"; then
		ok "$GO_NAME"
	else
		echo "# exit status $st, expected namespaces: $want"
		nok "$GO_NAME"
	fi
fi

if [ "$(hostname)" = "$host" ]; then
	ok "hostname outside unchanged ($host)"
else
	nok "hostname outside unchanged ($host, now $(hostname))"
fi

cd / || true
rm -rf "$T"
tap_done
