#!/bin/sh
# check job: run every executable in /tests, in sorted order, as root, cwd /tmp, each
# under a timeout (execns.test_timeout=<s> on the kernel command line, default 300),
# wrapped in "### BEGIN <name>" / "### END <name> rc=<N>" for scripts/results.py.
# Helpers listed in /tests/.not-tests are not run.
# Then, if kmemleak is available, an explicit scan whose report ends up in the log.
T=${EXECNS_TEST_TIMEOUT:-300}
# /tests/.not-tests: names of helper programs that are not tests (one per line)
tests=$(cd /tests 2>/dev/null && for f in *; do
	[ -f "$f" ] && [ -x "$f" ] && ! grep -qxF "$f" .not-tests 2>/dev/null && echo "$f"
done | sort)
# execns.tests=prog[:fixture.variant.test],... (make check T=...): only those.
args_of() { :; }
if [ -n "${EXECNS_TESTS:-}" ]; then
	want=$(echo "$EXECNS_TESTS" | tr ',' ' ')
	tests=$(for w in $want; do echo "${w%%:*}"; done | sort -u)
	args_of() { # prog -> "-r case" for each case asked for prog
		for w in $want; do
			case $w in "$1":*) printf -- '-r %s ' "${w#*:}" ;; esac
		done
	}
fi
echo "### TESTLIST" $tests
failed=0
for t in $tests; do
	rm -rf /tmp/* 2>/dev/null
	echo "### BEGIN $t"
	t0=$(cut -d. -f1 /proc/uptime)
	# shellcheck disable=SC2046 # the harness options are words
	(cd /tmp && exec timeout "$T" "/tests/$t" $(args_of "$t")) </dev/null
	rc=$?
	echo "### END $t rc=$rc seconds=$(($(cut -d. -f1 /proc/uptime) - t0))"
	[ "$rc" = 0 ] || [ "$rc" = 4 ] || failed=$((failed + 1))
done

KML=/sys/kernel/debug/kmemleak
if [ -w "$KML" ]; then
	echo "### kmemleak scan (uptime $(cut -d' ' -f1 /proc/uptime) s)"
	# objects must be older than 5 s to be reported; scan twice to avoid transient refs
	sleep 6
	echo scan > "$KML"
	echo scan > "$KML"
	cat "$KML"
	echo "### kmemleak scan done (uptime $(cut -d' ' -f1 /proc/uptime) s)"
fi
[ "$failed" -gt 100 ] && failed=100
exit "$failed"
