# SPDX-License-Identifier: GPL-2.0
# TAP helpers of the guest shell tests (execns-cli.sh, execns-samples.sh), sourced from
# the directory of the test (not a test itself: installed without the execute bit).
#   tap_plan N    "TAP version 13" and "1..N"
#   ok NAME / nok NAME / skip NAME WHY / diag TEXT
#   tap_done      the exit status: 1 if a test failed or the count is not the plan
n=0
fails=0
tap_planned=0
tap_plan() { tap_planned=$1; echo "TAP version 13"; echo "1..$1"; }
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { echo "# $*"; }
tap_done() {
	if [ "$n" != "$tap_planned" ]; then
		echo "# BUG: ran $n tests, planned $tap_planned"
		return 1
	fi
	[ "$fails" = 0 ]
}
