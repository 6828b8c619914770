#!/bin/bash
# Host tests: make -C userspace test (cargo test). Output: build/logs/host-tests.log and
# its exit status in build/logs/host-tests.rc (scripts/results.py counts the
# 'test result:' lines). Skipped with a note if userspace/ or its test target is missing.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
rm -f "$LOGS/host-tests.log" "$LOGS/host-tests.rc"
if [ ! -f "$REPO/userspace/Makefile" ]; then
	say "host tests: skipped (no userspace/Makefile yet)"; exit 0
fi
if submake -C "$REPO/userspace" -n test 2>&1 | grep -q "No rule to make target 'test'"; then
	say "host tests: skipped (userspace/Makefile has no test target yet)"; exit 0
fi
say "host tests: make -C userspace test (log: $LOGS/host-tests.log)"
submake -C "$REPO/userspace" test KHDR="$BUILD/headers/include" 2>&1 | tee "$LOGS/host-tests.log"
echo "${PIPESTATUS[0]}" > "$LOGS/host-tests.rc"
exit 0
