/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-user-namespace tables of struct user_struct.
 *
 * With CONFIG_EXECNS the per-user accounting records are looked up in the
 * table of a user namespace instead of one global hash. The tables are in
 * Rust (kernel/execns/uid_table.rs); C keeps allocating and freeing the
 * records themselves, and free_uid() (kernel/user.c).
 * See Documentation/core-api/uid-table.rst.
 *
 * This header is also read by bindgen, so the Rust definitions are checked
 * against these prototypes at build time.
 */
#ifndef _LINUX_UID_TABLE_H
#define _LINUX_UID_TABLE_H

#include <linux/uidgid.h>

struct user_namespace;
struct user_struct;
struct seq_file;
struct pid_namespace;
struct pid;
struct task_struct;
struct cred;

/* C: kernel/user.c (the records themselves, with or without the tables) */
struct user_struct *user_struct_alloc(kuid_t uid);
void user_struct_free(struct user_struct *up);

#ifdef CONFIG_EXECNS
/* Rust: kernel/execns/uid_table.rs */
int uid_table_init(struct user_struct *root);
void uid_table_put(struct user_struct *up);
void uid_table_ns_inherit(struct user_namespace *ns);
void uid_table_ns_release(struct user_namespace *ns);
int proc_uid_table_show(struct seq_file *m, struct pid_namespace *ns,
			struct pid *pid, struct task_struct *task);

/* C: kernel/sys.c */
int set_cred_user(struct cred *new);

#ifdef CONFIG_EXECNS_KUNIT_TEST
/* Rust: the test cases of kernel/execns/uid_table_test.c; 0 or an errno */
int uid_table_test_find_alloc(void);
int uid_table_test_two_tables(void);
int uid_table_test_growth(void);
int uid_table_test_migration(void);
#endif
#else
static inline void uid_table_ns_inherit(struct user_namespace *ns)
{
}

static inline void uid_table_ns_release(struct user_namespace *ns)
{
}
#endif

#endif /* _LINUX_UID_TABLE_H */
