/* SPDX-License-Identifier: GPL-2.0 */
/*
 * execns(2): execve() that unshares namespaces and closes every file.
 *
 * The logic is in Rust (kernel/execns/execns.rs); fs/exec.c calls it at
 * three points of an exec:
 *
 *  - execns_prepare(), after the new credentials are prepared and before
 *    the point of no return: creates the new user namespace in
 *    bprm->cred, the new nsproxy and a private fs_struct, with every
 *    permission check and allocation that can fail (the new file table is
 *    made before, see &execns_ctx.files);
 *  - execns_commit(), right after de_thread() in begin_new_exec(): installs
 *    them; it cannot fail;
 *  - execns_release(), from free_bprm(): drops whatever was prepared but
 *    not installed, so a failed exec leaves the caller unchanged.
 *
 * This header is also read by bindgen, so the Rust definitions are checked
 * against these prototypes at build time.
 */
#ifndef _LINUX_EXECNS_H
#define _LINUX_EXECNS_H

#include <uapi/linux/execns.h>

struct linux_binprm;
struct nsproxy;
struct fs_struct;
struct files_struct;

/**
 * struct execns_ctx - state of one execns() call
 * @flags: the validated CLONE_* flags of the call
 * @nsproxy: the new namespaces, or NULL when no namespace flag was given
 * @fs: private copy of the caller's fs_struct (CLONE_NEWNS, CLONE_NEWUSER)
 * @files: the file table the new program starts with: made by fs/exec.c
 *         before the exec starts (execns_files(): empty for execns(), the
 *         fd map's files for execns2())
 *
 * Lives on the stack of sys_execns() and is reached through
 * &linux_binprm.execns. The pointers are owned references; NULL once
 * installed or released.
 */
struct execns_ctx {
	unsigned int flags;
	struct nsproxy *nsproxy;
	struct fs_struct *fs;
	struct files_struct *files;
};

#ifdef CONFIG_EXECNS
int execns_ctx_init(struct execns_ctx *ctx, int unshare_flags);
int execns_prepare(struct linux_binprm *bprm);
void execns_commit(struct linux_binprm *bprm);
void execns_release(struct linux_binprm *bprm);
#else
static inline int execns_prepare(struct linux_binprm *bprm)
{
	return 0;
}

static inline void execns_commit(struct linux_binprm *bprm)
{
}

static inline void execns_release(struct linux_binprm *bprm)
{
}
#endif

#endif /* _LINUX_EXECNS_H */
