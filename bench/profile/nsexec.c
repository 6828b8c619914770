// SPDX-License-Identifier: GPL-2.0
/*
 * nsexec <execns|unshare> <flags> <iterations> [target]: the nsexec figures of
 * execns-bench with markers for insn-profile. Each iteration forks a child that either
 * calls execns(flags, target) or unshare(flags) + close_range(0, ~0U, 0) +
 * execve(target), and waits for it. Two warm-up iterations, then the timed ones
 * between two sched_yield() calls, which toggle counting.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The number comes from the execns kernel's UAPI headers (asm/unistd.h). */
#ifndef __NR_execns
#error "no __NR_execns: build with the kernel's headers (-isystem build/headers/include, KHDR=)"
#endif

static void one(int use_execns, int flags, const char *target)
{
	char *argv[] = { (char *)target, NULL };
	char *envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		if (use_execns) {
			syscall(__NR_execns, flags, target, argv, envp);
		} else if (!unshare(flags)) {
			syscall(SYS_close_range, 0, ~0U, 0);
			execve(target, argv, envp);
		}
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "nsexec: child failed (status %#x)\n", status);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int use_execns, flags;
	long iters;
	const char *target = argc > 4 ? argv[4] : "/bin/execns-bench-target";

	if (argc < 4) {
		fprintf(stderr, "usage: nsexec <execns|unshare> <flags> <iterations> [target]\n");
		return 2;
	}
	use_execns = !strcmp(argv[1], "execns");
	flags = strtol(argv[2], NULL, 0);
	iters = strtol(argv[3], NULL, 0);
	for (int i = 0; i < 2; i++)
		one(use_execns, flags, target);
	usleep(100000);
	sched_yield();
	for (long i = 0; i < iters; i++)
		one(use_execns, flags, target);
	sched_yield();
	printf("nsexec done %s flags=%#x iterations=%ld\n", argv[1], flags, iters);
	return 0;
}
