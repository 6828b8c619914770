#!/bin/sh
# check job: every test of the installed kselftest tree /kselftest (kselftest's `install`:
# the execns kselftests, and the execns-guest collection of the repo's CLI, sample and
# stress-short tests), run by kselftest's own run_kselftest.sh: one KTAP document per
# collection on the console, each test's output nested in it, each test under the
# timeout of its collection's settings file (execns.test_timeout=<s> on the kernel
# command line overrides it: run_kselftest.sh -o). Then, if kmemleak is available, an
# explicit scan whose report ends up in the log.
# execns.tests=prog[:fixture.variant.test],... (make check T=...): only those programs
# (run_kselftest.sh -t <collection>:<prog>), and of a kselftest harness program only
# those cases (-r <case> for each, passed by runner.sh from KSELFTEST_<PROG>_ARGS).
K=/kselftest
cd /tmp || exit 1
# runner.sh writes each test's output to its logfile, /dev/stdout: without that link
# (scripts/guest-init.sh makes it) the output would go into a file of that name
if [ ! -L /dev/stdout ]; then
	echo "### check: /dev/stdout is not a link to /proc/self/fd/1: kselftest's output would be lost"
	exit 1
fi
set --
[ -z "$EXECNS_TEST_TIMEOUT" ] || set -- -o "$EXECNS_TEST_TIMEOUT"
list=$(cat "$K/kselftest-list.txt")
if [ -n "$EXECNS_TESTS" ]; then
	want=$(echo "$EXECNS_TESTS" | tr ',' ' ')
	list= n=0
	for w in $want; do
		prog=${w%%:*}
		entry=$(awk -F: -v p="$prog" '$2 == p { print; exit }' "$K/kselftest-list.txt")
		if [ -z "$entry" ]; then
			# listed, so that the summary counts it as a test that did not run
			echo "### T=: no test program '$prog' in $K/kselftest-list.txt"
			list="$list unknown:$prog"
			continue
		fi
		case " $list " in *" $entry "*) ;; *) list="$list $entry" n=$((n + 1)); set -- "$@" -t "$entry" ;; esac
		if [ "$w" != "$prog" ]; then
			# runner.sh's name of the variable with the program's arguments
			var=KSELFTEST_$(echo "$prog" | tr -d '[:blank:][:cntrl:]' | tr -c '[:alnum:]_' '_' | tr '[:lower:]' '[:upper:]')_ARGS
			eval "export $var=\"\${$var:-} -r ${w#*:}\""
		fi
	done
fi
echo "### TESTLIST" $list
t0=$(cut -d. -f1 /proc/uptime)
rc=0
# (T= naming only unknown programs: nothing to run, not everything)
if [ -z "$EXECNS_TESTS" ] || [ "$n" -gt 0 ]; then
	"$K/run_kselftest.sh" "$@" </dev/null
	rc=$?
fi
echo "### KSELFTEST END rc=$rc seconds=$(($(cut -d. -f1 /proc/uptime) - t0))"

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
exit "$rc"
