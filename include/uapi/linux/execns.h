/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * execns(2), execns2(2): execve() into new namespaces with a new file table.
 *
 * int execns(int unshare_flags, const char *filename,
 *            char *const argv[], char *const envp[]);
 *
 * long execns2(const struct execns_args *args, size_t size);
 *
 * See Documentation/userspace-api/execns.rst.
 */
#ifndef _UAPI_LINUX_EXECNS_H
#define _UAPI_LINUX_EXECNS_H

#include <linux/sched.h>
#include <linux/types.h>

/* Every flag execns() accepts in @unshare_flags; any other bit is EINVAL. */
#define EXECNS_VALID_FLAGS	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
				 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
				 CLONE_NEWCGROUP | CLONE_NEWTIME | CLONE_SYSVSEM)

/**
 * struct execns_fd - one entry of the fd map of execns2()
 * @source: an fd of the caller (O_PATH fds included)
 * @target: the fd number the new program gets it at, without close-on-exec
 */
struct execns_fd {
	__u32 source;
	__u32 target;
};

/* The most entries an fd map may have; more is EINVAL. */
#define EXECNS_FDS_MAX		1024

/**
 * struct execns_args - arguments of execns2()
 * @flags: namespaces to unshare, as execns()'s @unshare_flags
 *         (EXECNS_VALID_FLAGS)
 * @pathname: (const char *) the program, as execveat()'s pathname
 * @argv: (char *const *) as execve()'s
 * @envp: (char *const *) as execve()'s
 * @fds: (const struct execns_fd *) the fd map: the new program's file table
 *       holds exactly these; 0 when @nr_fds is 0
 * @nr_fds: entries in @fds, at most EXECNS_FDS_MAX
 * @dirfd: as execveat()'s dirfd (AT_FDCWD, or an fd of the caller)
 * @at_flags: as execveat()'s flags: AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW
 * @__pad: must be zero
 * @join_fd: a namespace fd (/proc/<pid>/ns/<type>) or a pidfd whose
 *           namespaces to join, as setns()'s fd, before the @flags
 *           namespaces are created; only with @join_flags (else 0)
 * @join_flags: the CLONE_NEW* types to join from @join_fd: exactly the
 *              type of a namespace fd, any set of them for a pidfd; 0: no
 *              join
 * @uid_map: (const char *) the uid_map of the new user namespace (needs
 *           CLONE_NEWUSER in @flags), the text written to
 *           /proc/<pid>/uid_map, with the same rules; 0: not written
 * @gid_map: (const char *) its gid_map, likewise
 * @uid_map_size: bytes of @uid_map, less than a page (0 without @uid_map)
 * @gid_map_size: bytes of @gid_map, likewise
 * @userns_flags: EXECNS_USERNS_SETGROUPS_DENY: "deny" in the new user
 *                namespace's setgroups, before @gid_map is written
 *
 * Extensible as clone3()'s and openat2()'s: @size tells which version the
 * caller has; a smaller known version reads as if the missing fields were
 * zero, a larger one is E2BIG unless its extra bytes are all zero.
 */
struct execns_args {
	__aligned_u64 flags;
	__aligned_u64 pathname;
	__aligned_u64 argv;
	__aligned_u64 envp;
	__aligned_u64 fds;
	__u32 nr_fds;
	__s32 dirfd;
	__u32 at_flags;
	__u32 __pad;
	/* EXECNS_ARGS_SIZE_VER1: joining namespaces, id maps */
	__s32 join_fd;
	__u32 join_flags;
	__aligned_u64 uid_map;
	__aligned_u64 gid_map;
	__u32 uid_map_size;
	__u32 gid_map_size;
	__aligned_u64 userns_flags;
};

/* execns_args.userns_flags */
#define EXECNS_USERNS_SETGROUPS_DENY	0x1ULL

#define EXECNS_ARGS_SIZE_VER0	56	/* sizeof first published struct */
#define EXECNS_ARGS_SIZE_VER1	96	/* sizeof second published struct */

#endif /* _UAPI_LINUX_EXECNS_H */
