#!/bin/bash
# Host tests: make -C userspace test (cargo test). Output: build/logs/host-tests.log and
# its exit status in build/logs/host-tests.rc (scripts/results.py counts the
# 'test result:' lines).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rm -f "$LOGS/host-tests.log" "$LOGS/host-tests.rc"
say "host tests: make -C userspace test (log: $LOGS/host-tests.log)"
# a failure is recorded, not fatal: results.py counts the failed tests
rc=0
submake -C "$REPO/userspace" test KHDR="$BUILD/headers/include" 2>&1 | tee "$LOGS/host-tests.log" || rc=$?
echo "$rc" > "$LOGS/host-tests.rc"
