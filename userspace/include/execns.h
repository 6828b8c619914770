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
 * ENOSYS: the running kernel lacks execns (CONFIG_EXECNS).
 *
 * Note: upstream Linux 6.13 and later use number 463 for setxattrat(2). The
 * wrapper passes 0 as the fifth and sixth arguments, so there the call fails
 * harmlessly with EINVAL (setxattrat's size argument is 0).
 *
 * Builds against the installed C library headers or the headers from
 * "make headers_install" (cc -isystem $KHDR ...).
 */
#ifndef _EXECNS_H
#define _EXECNS_H

#include <unistd.h>
#include <sys/syscall.h>
#include <asm/unistd.h>
#include <linux/sched.h>

#if defined(__has_include)
# if __has_include(<linux/execns.h>)
#  include <linux/execns.h>
# endif
#endif

#ifndef __NR_execns
# if defined(__x86_64__) && !defined(__ILP32__)
#  define __NR_execns 463
# else
#  error "execns.h: __NR_execns is unknown for this architecture; use the kernel's headers (make headers_install)"
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

/* In case a strict -std=c99 hid it: the same declaration as the C library's. */
extern long syscall(long __sysno, ...);

static inline int execns(int flags, const char *filename,
			 char *const argv[], char *const envp[])
{
	return (int)syscall(__NR_execns, (long)flags, filename, argv, envp,
			    0L, 0L);
}

#endif /* _EXECNS_H */
