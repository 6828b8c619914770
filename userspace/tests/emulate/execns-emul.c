// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim that emulates execns(2) on a host kernel without it, to
 * check the guest tests' logic on a development machine:
 *
 *   cc -shared -fPIC -O2 -o execns-emul.so execns-emul.c -ldl
 *   LD_PRELOAD=$PWD/execns-emul.so EXECNS=... sh tests/guest/execns-cli.sh
 *
 * syscall(463, flags, filename, argv, envp) becomes unshare(flags), every fd
 * marked close-on-exec, execve(). Unlike the real system call it is NOT
 * all-or-nothing (a failing execve leaves the namespaces unshared and the fds
 * close-on-exec) and multithreaded callers cannot use CLONE_NEWUSER. Only
 * dynamically linked programs that call syscall() from libc are affected.
 * Never ship it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define EXECNS_NR 463
#define ALL (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
	     CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME | \
	     CLONE_SYSVSEM)

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");

	if (nr == EXECNS_NR) {
		int flags = (int)a[0];

		if (flags & ~ALL) {
			errno = EINVAL;
			return -1;
		}
		if (flags && unshare(flags) != 0)
			return -1;
		real(SYS_close_range, 0L, ~0UL, (long)CLOSE_RANGE_CLOEXEC);
		execve((const char *)a[1], (char *const *)a[2],
		       (char *const *)a[3]);
		return -1;
	}
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
