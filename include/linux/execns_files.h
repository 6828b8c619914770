/* SPDX-License-Identifier: GPL-2.0 */
/*
 * execns2(2): the file table of the new program, from the caller's fd map.
 *
 * In C (kernel/execns/files.c), next to the file table code it uses: the
 * table is built before exec starts, kept in &linux_binprm.execns_files and
 * handed to execns_prepare(), whose context installs it after the point of
 * no return. execns() is the case of an empty map.
 */
#ifndef _LINUX_EXECNS_FILES_H
#define _LINUX_EXECNS_FILES_H

struct execns_fd;
struct files_struct;

struct files_struct *execns_files(const struct execns_fd __user *ufds,
				  unsigned int nr);
int execns_files_fd(struct files_struct *files, int fd);

#endif /* _LINUX_EXECNS_FILES_H */
