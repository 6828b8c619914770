/* SPDX-License-Identifier: GPL-2.0 */
/*
 * execns(2): execve() that unshares namespaces and closes every file.
 *
 * fs/exec.c checks the flags (EINVAL before anything else) and calls the
 * logic, in Rust (kernel/execns/execns.rs), at three points of an exec:
 *
 *  - execns_prepare(), after the new credentials are prepared and before
 *    the point of no return: creates the new user namespace in the
 *    prepared credentials, the new nsproxy, a private fs_struct and an
 *    empty file table, with every permission check and allocation that can
 *    fail. On success *@ctx holds them (an opaque Rust object); on failure
 *    whatever was made is already dropped;
 *  - execns_commit(), right after de_thread() in begin_new_exec(): installs
 *    them with unshare_install() and consumes @ctx; it cannot fail;
 *  - execns_release(), from free_bprm(): drops a @ctx that was prepared but
 *    not installed, so a failed exec leaves the caller unchanged.
 *
 * This header is also read by bindgen, so the Rust definitions are checked
 * against these prototypes at build time.
 */
#ifndef _LINUX_EXECNS_H
#define _LINUX_EXECNS_H

#include <uapi/linux/execns.h>

struct cred;

#ifdef CONFIG_EXECNS
int execns_prepare(unsigned int flags, struct cred *new, void **ctx);
void execns_commit(void *ctx);
void execns_release(void *ctx);
/* C: kernel/execns/userns.c */
bool execns_userns_allowed(void);
#else
static inline int execns_prepare(unsigned int flags, struct cred *new,
				 void **ctx)
{
	return 0;
}

static inline void execns_commit(void *ctx)
{
}

static inline void execns_release(void *ctx)
{
}

static inline bool execns_userns_allowed(void)
{
	return true;
}
#endif

#endif /* _LINUX_EXECNS_H */
