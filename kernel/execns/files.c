// SPDX-License-Identifier: GPL-2.0
/*
 * execns2(2): the file table of the new program, from the caller's fd map.
 *
 * The map is an array of {source, target} pairs: the new program's table
 * holds the caller's file at each source at its target fd, close-on-exec
 * cleared, and nothing else. The table is built before exec starts, so an
 * invalid map fails the call before anything changed; it is installed by
 * execns_commit() after the point of no return.
 * See Documentation/userspace-api/execns.rst.
 */
#include <linux/err.h>
#include <linux/execns.h>
#include <linux/execns_files.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

/**
 * execns_files - the file table of the new program
 * @ufds: the fd map, @nr entries in user memory (ignored when @nr is 0)
 * @nr: number of entries; 0 gives an empty table (execns())
 *
 * Each source is looked up in the caller's own table (O_PATH files
 * included), so only files the caller holds can be passed. The entries are
 * checked in order; the first invalid one decides the error.
 *
 * Return: the new table, not shared with anyone, or an ERR_PTR(): -EINVAL
 * for more than %EXECNS_FDS_MAX entries or a target given twice, -EBADF
 * for a source that is not open or a target not below RLIMIT_NOFILE (as
 * dup2()), -EFAULT, -ENOMEM, -EMFILE.
 */
struct files_struct *execns_files(const struct execns_fd __user *ufds,
				  unsigned int nr)
{
	struct execns_fd *map = NULL;
	struct files_struct *files;
	unsigned int i;
	int err = 0;

	if (nr > EXECNS_FDS_MAX)
		return ERR_PTR(-EINVAL);
	if (nr) {
		map = memdup_array_user(ufds, nr, sizeof(*map));
		if (IS_ERR(map))
			return ERR_CAST(map);
	}

	files = dup_fd(NULL, NULL);
	if (IS_ERR(files))
		goto out;

	for (i = 0; i < nr; i++) {
		struct file *file;

		if (map[i].target >= rlimit(RLIMIT_NOFILE)) {
			err = -EBADF;
			break;
		}
		file = fget_raw(map[i].source);
		if (!file) {
			err = -EBADF;
			break;
		}
		err = files_install_fd(files, map[i].target, file);
		if (err) {
			fput(file);
			if (err == -EBUSY)
				err = -EINVAL;
			break;
		}
	}
	if (err) {
		put_files_struct(files);
		files = ERR_PTR(err);
	}
out:
	kfree(map);
	return files;
}

/**
 * execns_files_fd - where the new program has a file of the caller
 * @files: a table made by execns_files()
 * @fd: an fd of the caller
 *
 * execveat() names a program opened through a dirfd "/dev/fd/<dirfd>/...":
 * for execns2() that is the fd of the new table holding the same open file.
 *
 * Return: the lowest fd of @files holding the file at @fd of the caller, or
 * -1 if there is none (or @fd is not open).
 */
int execns_files_fd(struct files_struct *files, int fd)
{
	struct file *file = fget_raw(fd);
	struct fdtable *fdt;
	unsigned int i;
	int ret = -1;

	if (!file)
		return -1;
	spin_lock(&files->file_lock);
	fdt = files_fdtable(files);
	for_each_set_bit(i, fdt->open_fds, fdt->max_fds) {
		if (rcu_access_pointer(fdt->fd[i]) == file) {
			ret = i;
			break;
		}
	}
	spin_unlock(&files->file_lock);
	fput(file);
	return ret;
}
