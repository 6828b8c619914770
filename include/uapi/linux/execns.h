/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * execns(2): execve() into new namespaces with an empty file table.
 *
 * int execns(int unshare_flags, const char *filename,
 *            char *const argv[], char *const envp[]);
 *
 * See Documentation/userspace-api/execns.rst.
 */
#ifndef _UAPI_LINUX_EXECNS_H
#define _UAPI_LINUX_EXECNS_H

#include <linux/sched.h>

/* Every flag execns() accepts in @unshare_flags; any other bit is EINVAL. */
#define EXECNS_VALID_FLAGS	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
				 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
				 CLONE_NEWCGROUP | CLONE_NEWTIME | CLONE_SYSVSEM)

#endif /* _UAPI_LINUX_EXECNS_H */
