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
 * @join_fd: reserved (a namespace fd or pidfd to join): must be zero
 * @join_flags: reserved (the namespace types to join): must be zero
 * @uid_map: reserved (uid_map text for a new user namespace): must be zero
 * @gid_map: reserved (gid_map text): must be zero
 * @uid_map_size: reserved: must be zero
 * @gid_map_size: reserved: must be zero
 * @cgroup: reserved (a cgroup fd to enter): must be zero
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
	/* EXECNS_ARGS_SIZE_VER1: reserved for joining namespaces, id maps, cgroup */
	__s32 join_fd;
	__u32 join_flags;
	__aligned_u64 uid_map;
	__aligned_u64 gid_map;
	__u32 uid_map_size;
	__u32 gid_map_size;
	__aligned_u64 cgroup;
};

#define EXECNS_ARGS_SIZE_VER0	56	/* sizeof first published struct */
#define EXECNS_ARGS_SIZE_VER1	96	/* sizeof second published struct */

#endif /* _UAPI_LINUX_EXECNS_H */
