// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim that emulates execns(2) on a host kernel without it, to
 * check the guest tests' logic on a development machine:
 *
 *   cc -shared -fPIC -O2 -o execns-emul.so execns-emul.c -ldl
 *   LD_PRELOAD=$PWD/execns-emul.so EXECNS=... sh tests/guest/execns-cli.sh
 *
 * Opening /sys/kernel/execns/nr (how execns.h and the Rust crate find the
 * system call number) gives a file that holds EXECNS_NR, and
 * /sys/kernel/execns/compat_nr does not exist (open, open64, openat,
 * openat64 and their _2 variants are wrapped). syscall(EXECNS_NR, flags,
 * filename, argv, envp) becomes unshare(flags), every fd marked
 * close-on-exec, execve(). Unlike the real system call it is NOT
 * all-or-nothing (a failing execve leaves the namespaces unshared and the fds
 * close-on-exec) and multithreaded callers cannot use CLONE_NEWUSER. Only
 * dynamically linked programs that open files and call syscall() through libc
 * are affected: others find no /sys/kernel/execns/nr and report ENOSYS.
 * Never ship it.
 */
#define _GNU_SOURCE
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/*
 * The number the emulated kernel publishes: not 463, which is setxattrat(2)
 * on the Linux >= 6.13 hosts this runs on, but one no kernel assigns, so that
 * a call this shim does not see fails with ENOSYS and does nothing.
 */
#define EXECNS_NR 1023
#define NR_PATH "/sys/kernel/execns/nr"
#define COMPAT_NR_PATH "/sys/kernel/execns/compat_nr"
#define EXECNS2_NR 1022
#define EXECNS2_NR_PATH "/sys/kernel/execns/execns2_nr"
#define EXECNS2_COMPAT_NR_PATH "/sys/kernel/execns/execns2_compat_nr"
#define EXECNS_ARGS_SIZE_VER0 56
#define MAX_FDS 64

/* struct execns_args, VER0 (include/execns.h) */
struct emul_args {
	unsigned long long flags, pathname, argv, envp, fds;
	unsigned int nr_fds;
	int dirfd;
	unsigned int at_flags, pad;
};

struct emul_fd {
	unsigned int source, target;
};
#define ALL (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
	     CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME | \
	     CLONE_SYSVSEM)

/* A file that holds nr, as /sys/kernel/execns/nr (or execns2_nr) would. */
static int nr_file(int flags, int nr)
{
	char buf[16];
	int fd, len;

	fd = memfd_create("execns-emul-nr", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d\n", nr);
	if (write(fd, buf, len) != len || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		errno = EIO;
		return -1;
	}
	return fd;
}

/* 1 with *fd set (or -1 and errno) for the emulated files, else 0. */
static int fake_open(const char *path, int flags, int *fd)
{
	if (!path)
		return 0;
	if (strcmp(path, NR_PATH) == 0) {
		*fd = nr_file(flags, EXECNS_NR);
		return 1;
	}
	if (strcmp(path, EXECNS2_NR_PATH) == 0) {
		*fd = nr_file(flags, EXECNS2_NR);
		return 1;
	}
	if (strcmp(path, COMPAT_NR_PATH) == 0 ||
	    strcmp(path, EXECNS2_COMPAT_NR_PATH) == 0) {
		errno = ENOENT;
		*fd = -1;
		return 1;
	}
	return 0;
}

static mode_t open_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

#define UNPAREN(...) __VA_ARGS__

/*
 * name(PARAMS, int flags, ...): the emulated files, else the real name()
 * with ARGS, flags and the mode (when flags say there is one).
 */
#define WRAP_OPEN_MODE(name, params, args)				\
int name(UNPAREN params, int flags, ...)				\
{									\
	static typeof(name) *real;					\
	va_list ap;							\
	mode_t mode;							\
	int fd;								\
									\
	va_start(ap, flags);						\
	mode = open_mode(flags, ap);					\
	va_end(ap);							\
	if (fake_open(path, flags, &fd))				\
		return fd;						\
	if (!real)							\
		real = (typeof(name) *)dlsym(RTLD_NEXT, #name);		\
	return real(UNPAREN args, flags, mode);				\
}

#define WRAP_OPEN(name) WRAP_OPEN_MODE(name, (const char *path), (path))
#define WRAP_OPENAT(name)						\
	WRAP_OPEN_MODE(name, (int dirfd, const char *path), (dirfd, path))

#define WRAP_OPEN_2(name)						\
int name(const char *path, int flags)					\
{									\
	static int (*real)(const char *, int);				\
	int fd;								\
									\
	if (fake_open(path, flags, &fd))				\
		return fd;						\
	if (!real)							\
		real = (int (*)(const char *, int))dlsym(RTLD_NEXT, #name); \
	return real(path, flags);					\
}

WRAP_OPEN(open)
WRAP_OPEN(open64)
WRAP_OPENAT(openat)
WRAP_OPENAT(openat64)
WRAP_OPEN_2(__open_2)
WRAP_OPEN_2(__open64_2)

/* execns2(args, size), emulated (see the top of the file). */
static long emul_execns2(long (*real)(long, ...), const struct emul_args *a,
			 unsigned long size)
{
	const struct emul_fd *map = (const struct emul_fd *)(unsigned long)a->fds;
	int tmp[MAX_FDS], top = 0;
	unsigned int i, j;

	if (size < EXECNS_ARGS_SIZE_VER0 || a->pad || (a->flags & ~(unsigned long long)ALL) ||
	    a->nr_fds > MAX_FDS || (a->nr_fds && !map)) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < a->nr_fds; i++) {
		if (fcntl((int)map[i].source, F_GETFD) < 0) {
			errno = EBADF;
			return -1;
		}
		for (j = 0; j < i; j++)
			if (map[j].target == map[i].target) {
				errno = EINVAL;
				return -1;
			}
		if ((int)map[i].target >= top)
			top = (int)map[i].target + 1;
	}
	if (a->flags && unshare((int)a->flags) != 0)
		return -1;
	/* Every source above every target first: a target may be a source. */
	for (i = 0; i < a->nr_fds; i++) {
		tmp[i] = fcntl((int)map[i].source, F_DUPFD_CLOEXEC, top);
		if (tmp[i] < 0)
			return -1;
	}
	real(SYS_close_range, 0L, ~0UL, (long)CLOSE_RANGE_CLOEXEC);
	for (i = 0; i < a->nr_fds; i++)
		if (dup2(tmp[i], (int)map[i].target) < 0)
			return -1;
	return real(SYS_execveat, (long)a->dirfd, (long)a->pathname, (long)a->argv,
		    (long)a->envp, (long)a->at_flags);
}

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
	if (nr == EXECNS2_NR)
		return emul_execns2(real, (const struct emul_args *)a[0],
				    (unsigned long)a[1]);
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
