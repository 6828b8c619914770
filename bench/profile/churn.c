// SPDX-License-Identifier: GPL-2.0
/*
 * churn <users> <iterations>: the setuid churn of execns-bench with markers for
 * insn-profile. Creates <users> live users (uid 100000 + i keeps a pipe), warms up,
 * then runs the timed loop between two sched_yield() calls, which toggle counting.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "setuid-churn.h"

static uint32_t x = 12345;

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? strtoul(argv[1], NULL, 0) : 16;
	long iters = argc > 2 ? strtol(argv[2], NULL, 0) : 20000;
	struct rlimit rl = { n + 1024, n + 1024 };
	FILE *f = fopen("/proc/sys/fs/nr_open", "w");

	if (!n) {
		fprintf(stderr, "usage: churn <users> <iterations>\n");
		return 2;
	}
	if (f) {
		fprintf(f, "%u\n", n + 1024);
		fclose(f);
	}
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("setrlimit");
		return 1;
	}
	for (unsigned int i = 0; i < n; i++) {
		int p[2];

		if (setresuid(SETUID_CHURN_BASE + i, SETUID_CHURN_BASE + i, 0) || pipe(p)) {
			perror("user setup");
			return 1;
		}
		close(p[1]);
		if (setresuid(0, 0, 0)) {
			perror("setresuid");
			return 1;
		}
	}
	setuid_churn(&x, n, 1000);
	sched_yield();
	setuid_churn(&x, n, iters);
	sched_yield();
	printf("churn done users=%u iterations=%ld\n", n, iters);
	return 0;
}
