/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The setuid churn of execns-bench's setuid.N figures and of bench/profile/churn.c (its
 * per-function profile): pairs of setresuid() to a pseudo-random one of N live users
 * (uid SETUID_CHURN_BASE + i) and back to root, the same sequence in both programs.
 */
#ifndef __SETUID_CHURN_H
#define __SETUID_CHURN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define SETUID_CHURN_BASE 100000u

/* iters pairs over the users [SETUID_CHURN_BASE, +users); *x is the generator's state */
static inline void setuid_churn(uint32_t *x, unsigned int users, long iters)
{
	for (long i = 0; i < iters; i++) {
		uid_t u;

		*x = *x * 1664525u + 1013904223u;
		u = SETUID_CHURN_BASE + (*x >> 8) % users;
		if (setresuid(u, u, 0) || setresuid(0, 0, 0)) {
			perror("setresuid");
			exit(1);
		}
	}
}

#endif /* __SETUID_CHURN_H */
