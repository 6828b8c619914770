/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * execns.h - userspace wrapper for the execns(2) system call.
 *
 *   int execns(int unshare_flags, const char *filename,
 *              char *const argv[], char *const envp[]);
 *
 * Like execve(2), but the namespaces named in unshare_flags (CLONE_NEWNS,
 * CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
 * CLONE_NEWCGROUP, CLONE_NEWTIME, CLONE_SYSVSEM) are unshared for the new
 * program, and every file descriptor is closed in it (0, 1 and 2 included).
 * Returns only on failure: -1 with errno set, and nothing changed.
 * ENOSYS: the running kernel does not provide execns; EXECNS_ENOSYS_MESSAGE
 * says so in words.
 *
 *   long execns_syscall_nr(void);
 *
 * The system call number execns() uses, or -1 with errno ENOSYS when the
 * running kernel does not provide execns.
 *
 * The number is not a constant: execns has no number reserved upstream
 * (from Linux 6.13 on, 463 is setxattrat(2)), so it is read from the kernel
 * that runs the program, once, and kept in a static variable (one per
 * translation unit that includes this header):
 *
 *   /sys/kernel/execns/nr         the native number, in decimal ("463\n");
 *   /sys/kernel/execns/compat_nr  for 32-bit x86 (i386) programs, when it
 *                                 exists (a 64-bit kernel), else nr;
 *   x32 programs use nr | __X32_SYSCALL_BIT (0x40000000).
 *
 * When nr is missing (no execns, or sysfs is not mounted on /sys), cannot be
 * read or does not hold a decimal number, execns() fails with ENOSYS without
 * making any system call: it never guesses a number.
 * See Documentation/ABI/testing/sysfs-kernel-execns in the kernel sources.
 *
 *   long execns2(const struct execns_args *args, size_t size);
 *   long execns2_syscall_nr(void);
 *
 * execns2(2): execns() made extensible (struct execns_args, size
 * EXECNS_ARGS_SIZE_VER0 or more), with execveat()'s dirfd + pathname +
 * at_flags and an fd map (struct execns_fd: the new program's file table
 * holds exactly these, close-on-exec cleared). Its number is read, the same
 * way, from /sys/kernel/execns/execns2_nr (execns2_compat_nr for i386
 * programs on a 64-bit kernel); ENOSYS without it. The structs come from
 * <linux/execns.h> when it has them, else are defined here (same layout).
 * See Documentation/man/execns2.2 in the kernel sources.
 *
 * Header-only, C99; needs no kernel headers beyond <linux/sched.h> (the
 * CLONE_* flags) and uses <linux/execns.h> for EXECNS_ALL_FLAGS when it is
 * installed ("make headers_install", cc -isystem $KHDR ...). No allocation,
 * no stdio: open(2), read(2) and close(2), which are async-signal-safe, so
 * execns() may be called in a child between fork() and exit.
 */
#ifndef _EXECNS_H
#define _EXECNS_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <linux/sched.h>

#if defined(__has_include)
# if __has_include(<linux/execns.h>)
#  include <linux/execns.h>
# endif
#endif

#ifndef CLONE_NEWTIME
# define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
# define CLONE_NEWCGROUP 0x02000000
#endif

/* Every flag execns() accepts; anything else is EINVAL. */
#ifdef EXECNS_VALID_FLAGS
# define EXECNS_ALL_FLAGS EXECNS_VALID_FLAGS
#else
# define EXECNS_ALL_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |	\
			   CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |	\
			   CLONE_NEWCGROUP | CLONE_NEWTIME | CLONE_SYSVSEM)
#endif

/* Where the running kernel publishes the number of execns. */
#define EXECNS_NR_PATH		"/sys/kernel/execns/nr"
#define EXECNS_COMPAT_NR_PATH	"/sys/kernel/execns/compat_nr"
/* ... and of execns2. */
#define EXECNS2_NR_PATH		"/sys/kernel/execns/execns2_nr"
#define EXECNS2_COMPAT_NR_PATH	"/sys/kernel/execns/execns2_compat_nr"

#ifndef EXECNS_ARGS_SIZE_VER0
/* The UAPI of execns2(2), as in <linux/execns.h>: see there. */
struct execns_fd {
	uint32_t source;	/* an fd of the caller */
	uint32_t target;	/* its number in the new program */
};

#define EXECNS_FDS_MAX		1024

struct execns_args {
	uint64_t flags;		/* namespaces to unshare (EXECNS_ALL_FLAGS) */
	uint64_t pathname;	/* (uintptr_t) const char * */
	uint64_t argv;		/* (uintptr_t) char *const * */
	uint64_t envp;		/* (uintptr_t) char *const * */
	uint64_t fds;		/* (uintptr_t) const struct execns_fd * */
	uint32_t nr_fds;
	int32_t dirfd;		/* AT_FDCWD or an fd */
	uint32_t at_flags;	/* AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW */
	uint32_t __pad;		/* must be zero */
	/* EXECNS_ARGS_SIZE_VER1: joining namespaces, id maps */
	int32_t join_fd;	/* namespace fd or pidfd (with join_flags) */
	uint32_t join_flags;	/* CLONE_NEW* types to join; 0: none */
	uint64_t uid_map;	/* (uintptr_t) const char *: new user ns */
	uint64_t gid_map;	/* (uintptr_t) const char * */
	uint32_t uid_map_size;	/* bytes, less than a page */
	uint32_t gid_map_size;
	uint64_t userns_flags;	/* EXECNS_USERNS_SETGROUPS_DENY */
} __attribute__((aligned(8)));

#define EXECNS_ARGS_SIZE_VER0	56
#define EXECNS_ARGS_SIZE_VER1	96
#define EXECNS_USERNS_SETGROUPS_DENY	0x1ULL
#endif

/* What to tell a user when execns() or execns_syscall_nr() fails with ENOSYS. */
#define EXECNS_ENOSYS_MESSAGE \
	"the running kernel does not provide execns(2) (no " EXECNS_NR_PATH ")"

/* In case a strict -std=c99 hid it: the same declaration as the C library's. */
extern long syscall(long __sysno, ...);

/* Internal: O_CLOEXEC, which a strict -std=c99 may hide under its own name. */
#if defined(O_CLOEXEC)
# define EXECNS__O_CLOEXEC O_CLOEXEC
#elif defined(__O_CLOEXEC)
# define EXECNS__O_CLOEXEC __O_CLOEXEC
#else
# define EXECNS__O_CLOEXEC 0
#endif

/*
 * Internal: the number in the file at @path: decimal digits, optionally
 * followed by one newline, at most INT_MAX, in fewer than 32 bytes. Returns
 * it, -1 when the file does not exist, -2 when it cannot be read or holds
 * anything else.
 */
static inline long execns__read_nr(const char *path)
{
	char buf[32];
	size_t len = 0, i;
	long nr = 0;
	ssize_t n;
	int fd;

	do {
		fd = open(path, O_RDONLY | EXECNS__O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -1 : -2;
	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf))
			break;
	}
	close(fd);
	if (n < 0 || len == 0 || len == sizeof(buf))
		return -2;
	if (buf[len - 1] == '\n')
		len--;
	if (len == 0)
		return -2;
	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -2;
		nr = nr * 10 + (buf[i] - '0');
		if (nr > 0x7fffffffL)
			return -2;
	}
	return nr;
}

/*
 * The number in @path (@compat_path first for i386 programs), read once into
 * *@cached: -2 not read yet, -1 none, else the number (with the x32 bit for
 * x32 programs). -1 with errno ENOSYS if the kernel has none.
 */
static inline long execns__syscall_nr(long *cached, const char *path,
				      const char *compat_path)
{
	long nr;
	int saved_errno = errno;

#if defined(__GNUC__)
	nr = __atomic_load_n(cached, __ATOMIC_RELAXED);
#else
	nr = *cached;
#endif
	if (nr == -2) {
#if defined(__i386__)
		nr = execns__read_nr(compat_path);
		if (nr == -1)
			nr = execns__read_nr(path);
#else
		(void)compat_path;
		nr = execns__read_nr(path);
#endif
		if (nr < 0)
			nr = -1;
#if defined(__x86_64__) && defined(__ILP32__)
		else
			nr |= 0x40000000L;	/* __X32_SYSCALL_BIT */
#endif
#if defined(__GNUC__)
		__atomic_store_n(cached, nr, __ATOMIC_RELAXED);
#else
		*cached = nr;
#endif
	}
	if (nr < 0) {
		errno = ENOSYS;
		return -1;
	}
	errno = saved_errno;
	return nr;
}

static inline long execns_syscall_nr(void)
{
	static long cached = -2;

	return execns__syscall_nr(&cached, EXECNS_NR_PATH, EXECNS_COMPAT_NR_PATH);
}

static inline int execns(int flags, const char *filename,
			 char *const argv[], char *const envp[])
{
	long nr = execns_syscall_nr();

	if (nr < 0)
		return -1;
	return (int)syscall(nr, (long)flags, filename, argv, envp, 0L, 0L);
}

static inline long execns2_syscall_nr(void)
{
	static long cached = -2;

	return execns__syscall_nr(&cached, EXECNS2_NR_PATH, EXECNS2_COMPAT_NR_PATH);
}

/* Returns only on failure: -1 with errno set, and nothing changed. */
static inline long execns2(const struct execns_args *args, size_t size)
{
	long nr = execns2_syscall_nr();

	if (nr < 0)
		return -1;
	return syscall(nr, args, size, 0L, 0L, 0L, 0L);
}

#endif /* _EXECNS_H */
