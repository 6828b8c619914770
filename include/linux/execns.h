/* SPDX-License-Identifier: GPL-2.0 */
/*
 * execns(2) and execns2(2): execve() that unshares namespaces and starts the
 * new program with a file table of its own (empty, or execns2()'s fd map).
 *
 * fs/exec.c checks the call (the flags first: EINVAL before any other error
 * of execns(), and once its struct is read for execns2()), builds the new
 * file table (execns_files(), kernel/execns/files.c) and calls the logic, in
 * Rust (kernel/execns/execns.rs), at three points of an exec:
 *
 *  - execns_prepare(), after the new credentials are prepared and before
 *    the point of no return: takes over @files, creates the new user
 *    namespace in the prepared credentials, the new nsproxy and a private
 *    fs_struct, with every permission check and allocation that can fail.
 *    On success *@ctx holds them (an opaque Rust object); on failure
 *    whatever was made, @files included, is already dropped;
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

#include <linux/errno.h>
#include <uapi/linux/execns.h>

struct cred;
struct files_struct;

#ifdef CONFIG_EXECNS
int execns_prepare(unsigned int flags, struct cred *new,
		   struct files_struct *files, void **ctx);
void execns_commit(void *ctx);
void execns_release(void *ctx);
/* C: kernel/execns/userns.c */
bool execns_userns_allowed(void);
#else
/* Unreachable: only execns() and execns2() set bprm->execns. */
static inline int execns_prepare(unsigned int flags, struct cred *new,
				 struct files_struct *files, void **ctx)
{
	return -EOPNOTSUPP;
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
