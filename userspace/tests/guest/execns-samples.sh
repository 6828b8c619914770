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
PLAN=7

echo "TAP version 13"
echo "1..$PLAN"
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

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
if [ "$(hostname)" = "$host" ]; then
	ok "hostname outside unchanged ($host)"
else
	nok "hostname outside unchanged ($host, now $(hostname))"
fi

cd / || true
rm -rf "$T"
if [ $n != $PLAN ]; then
	echo "# BUG: ran $n tests, planned $PLAN"
	exit 1
fi
[ $fails = 0 ]
