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
 *    the point of no return: takes over @files, joins the namespaces of
 *    @join (execns2(), as setns() would, but into the prepared credentials
 *    and a new nsproxy: exec_join_namespaces()), creates the new user
 *    namespace in the prepared credentials, the new nsproxy and a private
 *    fs_struct, with every permission check and allocation that can fail.
 *    fs/exec.c then writes the id maps of the new user namespace
 *    (userns_write_id_maps()).
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
struct file;
struct filename;
struct files_struct;

/**
 * struct execns_req - what an execns() or execns2() call adds to an exec
 * @flags: the CLONE_* flags of the namespaces to unshare
 * @files: the new program's file table, built before the exec starts;
 *         execns_prepare() takes it over (and clears @files)
 * @join: a namespace file or pidfd whose namespaces to join, or %NULL
 * @join_flags: the namespace types to join from @join (0 without @join)
 * @uid_map: the uid_map text of the new user namespace, or %NULL
 * @gid_map: its gid_map text, or %NULL
 * @userns_flags: %EXECNS_USERNS_SETGROUPS_DENY or 0
 * @dirfd: the program's dirfd, @filename its name, @at_flags the lookup
 *         flags: with a mount namespace joined, the program is opened
 *         after the join (bprm_execve()), in that namespace
 * @filename: see @dirfd (owned by do_execveat_common())
 * @at_flags: see @dirfd
 *
 * Made and owned by the syscall (fs/exec.c), which drops what is left of
 * it once the exec returned; the bprm refers to it during the exec.
 */
struct execns_req {
	unsigned int flags;
	struct files_struct *files;
	struct file *join;
	unsigned int join_flags;
	char *uid_map;
	char *gid_map;
	u64 userns_flags;
	int dirfd;
	struct filename *filename;
	int at_flags;
};

#ifdef CONFIG_EXECNS
int execns_prepare(unsigned int flags, struct file *join,
		   unsigned int join_flags, struct cred *new,
		   struct files_struct *files, void **ctx);
void execns_commit(void *ctx);
void execns_release(void *ctx);
/* C: kernel/execns/userns.c */
bool execns_userns_allowed(void);
#else
/* Unreachable: only execns() and execns2() set bprm->execns_req. */
static inline int execns_prepare(unsigned int flags, struct file *join,
				 unsigned int join_flags, struct cred *new,
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
