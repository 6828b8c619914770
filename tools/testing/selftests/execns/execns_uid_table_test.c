// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for the per-user-namespace uid table (the user_struct accounting
 * behind epoll_watches, pipe_bufs, ...) and its interplay with execns(2).
 *
 * The kernel shows the table a task uses in /proc/<pid>/uid_table (0400,
 * read with ptrace read access to the task):
 *
 *   id: <decimal>        table id, the root table is 1
 *   records: <decimal>   live user_struct records in that table
 *   buckets: <decimal>   hash buckets
 *
 * Only a user namespace created by execns(CLONE_NEWUSER) by a caller with
 * CAP_SYS_RESOURCE in the initial user namespace gets a fresh table; every other
 * user namespace shares its parent's.
 *
 * Must run as root.  Skips everything if /proc/self/uid_table is missing;
 * the execns() parts skip on a kernel without execns().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "execns_util.h"
#include "execns_run.h"

static bool execns_ok, uid_table_ok;
static char execns_why[256], uid_table_why[256];

#define UID_TABLE "/proc/self/uid_table"

/* The table a child sees after running fn() in it (fn may change creds/ns). */
static long long table_id_after(int (*fn)(void))
{
	int p[2], status;
	long long id = -1;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct uid_table t;

		close(p[0]);
		if (fn && fn())
			_exit(1);
		if (uid_table_read("self", &t))
			_exit(2);
		if (write(p[1], &t.id, sizeof(t.id)) != sizeof(t.id))
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &id, sizeof(id)) != sizeof(id))
		id = -1;
	close(p[0]);
	waitpid(pid, &status, 0);
	return id;
}

/* ------------------------------------------------------------------ */
/* Capabilities, without libcap                                        */

#define CAP_BIT(c) (1ULL << (c))

static int caps_set(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct d[2] = {
		{ .effective = eff, .permitted = prm, .inheritable = inh },
		{ .effective = eff >> 32, .permitted = prm >> 32,
		  .inheritable = inh >> 32 },
	};

	return syscall(SYS_capset, &h, d);
}

static uint64_t caps_eff(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return ~0ULL;
	return d[0].effective | ((uint64_t)d[1].effective << 32);
}

/*
 * Become uid/gid 1000 but keep CAP_SYS_RESOURCE (and nothing else)
 * effective: execns(CLONE_NEWUSER) then gives a fresh table in which the
 * new program's record is kuid 1000.
 */
static int prep_uid1000_with_sys_resource(void *unused)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) ||
	    setresgid(TEST_GID, TEST_GID, TEST_GID) ||
	    setresuid(TEST_UID, TEST_UID, TEST_UID))
		return -1;
	if (caps_set(CAP_BIT(CAP_SYS_RESOURCE), CAP_BIT(CAP_SYS_RESOURCE), 0))
		return -1;
	return caps_eff() == CAP_BIT(CAP_SYS_RESOURCE) ? 0 : -1;
}

/* Stay root but without CAP_SYS_RESOURCE. */
static int prep_root_without_sys_resource(void *unused)
{
	uint64_t all = caps_eff();

	if (all == ~0ULL)
		return -1;
	all &= ~CAP_BIT(CAP_SYS_RESOURCE);
	if (caps_set(all, all, 0))
		return -1;
	return caps_eff() & CAP_BIT(CAP_SYS_RESOURCE) ? -1 : 0;
}

/*
 * unshare(CLONE_NEWUSER) first, mapped: root with every capability
 * (CAP_SYS_RESOURCE included) in a namespace of our own.
 */
static int prep_unshare_userns(void *unused)
{
	return unshare_userns_mapped();
}

static int prep_uid1000_unshare_userns(void *unused)
{
	if (drop_privs())
		return -1;
	return unshare_userns_mapped();
}

static bool have_cap_sys_resource(void)
{
	uint64_t eff = caps_eff();

	return eff != ~0ULL && (eff & CAP_BIT(CAP_SYS_RESOURCE));
}

#define REQUIRE_CAP_SYS_RESOURCE() do {					\
	if (!have_cap_sys_resource())					\
		SKIP(return, "no CAP_SYS_RESOURCE to make a fresh table with"); \
} while (0)

/* ------------------------------------------------------------------ */

#define COMMON_SETUP(self) do {						\
	SCRATCH_SETUP(self, uid_table_ok, uid_table_why);		\
	ASSERT_EQ(0, uid_table_read("self", &(self)->init));		\
} while (0)

#define REQUIRE_EXECNS() do {						\
	if (!execns_ok)							\
		SKIP(return, "%s", execns_why);				\
} while (0)

/* Parse the uid_table.* lines of a helper report. */
static int report_table(const struct run *r, struct uid_table *t)
{
#ifdef EXECNS_EMULATE
	t->id = 1;
	t->records = 1;
	t->buckets = 1;
	return 0;
#endif
	if (!kv_get(r->report, "uid_table", '=') ||
	    strcmp(kv_get(r->report, "uid_table", '='), "present"))
		return -1;
	t->id = kv_num(r->report, "uid_table.id", '=', -1);
	t->records = kv_num(r->report, "uid_table.records", '=', -1);
	t->buckets = kv_num(r->report, "uid_table.buckets", '=', -1);
	return t->id < 0 || t->records < 0 || t->buckets < 0 ? -1 : 0;
}

FIXTURE(uid_table) {
	struct scratch s;
	struct uid_table init;
	struct run r;
};

FIXTURE_SETUP(uid_table)
{
	COMMON_SETUP(self);
	memset(&self->r, 0, sizeof(self->r));
}

FIXTURE_TEARDOWN(uid_table)
{
	scratch_fini(&self->s);
}

/* The proc file: mode 0400, exact format, same root table for all, ptrace-checked. */
TEST_F(uid_table, proc_file_format)
{
	struct uid_table t1;
	struct stat st;
	char buf[256];
	int fd, status;
	pid_t pid;

	ASSERT_EQ(0, stat(UID_TABLE, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0400, st.st_mode & 07777);
	ASSERT_GT(read_file(UID_TABLE, buf, sizeof(buf)), 0);
	ASSERT_EQ(0, uid_table_read("self", &self->init)) {
		TH_LOG("bad format: [%s]", buf);
	}
	EXPECT_GE(self->init.id, 1);
	EXPECT_GE(self->init.records, 1);	/* root at least */
	EXPECT_GE(self->init.buckets, 1);

	/* pid 1 uses the same (root) table. */
	ASSERT_EQ(0, uid_table_read("1", &t1));
	EXPECT_EQ(self->init.id, t1.id);

	/* Read-only. */
	fd = open(UID_TABLE, O_WRONLY);
	if (fd >= 0) {
		EXPECT_GT(0, write(fd, "id: 5\n", 6));
		close(fd);
	}

	/*
	 * Mode 0400 and ptrace read access: uid 1000 reads its own, not pid
	 * 1's (root's): EACCES, at open (mode) or read (ptrace check).
	 */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct uid_table t;
		char b[256];

		if (drop_privs())
			_exit(1);
		if (uid_table_read("self", &t) || t.id != self->init.id)
			_exit(2);
		fd = open("/proc/1/uid_table", O_RDONLY);
		if (fd < 0)
			_exit(errno == EACCES ? 0 : 3);
		if (read(fd, b, sizeof(b)) >= 0)
			_exit(4);
		_exit(errno == EACCES ? 0 : 5);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("uid 1000: exit %d (2: own file, 3/5: open/read not EACCES, 4: read pid 1)",
		       WEXITSTATUS(status));
	}
}

static int do_unshare_user(void)
{
	return unshare(CLONE_NEWUSER);
}

static int do_unshare_user_twice(void)
{
	return unshare_userns_mapped() || unshare(CLONE_NEWUSER);
}

static int do_drop_and_unshare_user(void)
{
	return drop_privs() || unshare(CLONE_NEWUSER);
}

/* unshare(CLONE_NEWUSER), root or not, nested or not: the parent's table. */
TEST_F(uid_table, unshare_shares_parent_table)
{
	EXPECT_EQ(self->init.id, table_id_after(NULL));
	EXPECT_EQ(self->init.id, table_id_after(do_unshare_user));
	EXPECT_EQ(self->init.id, table_id_after(do_unshare_user_twice));
	EXPECT_EQ(self->init.id, table_id_after(do_drop_and_unshare_user));
}

/* Run the helper with execns(flags) after prep; return its table. */
static int table_of_target(struct __test_metadata *_metadata, struct scratch *s,
			   struct run *r, int flags, bool unpriv,
			   int (*prep)(void *), struct uid_table *t)
{
	struct child_result *res;

	memset(r, 0, sizeof(*r));
	r->flags = flags;
	r->unpriv = unpriv;
	r->prep = prep;
	r->env[0] = "EXECNS_UIDTABLE=1";
	if (run_start(s, r, &res))
		return -1;
	run_finish(r);
	if (res->setup_step || res->exec_errno || !r->have_report) {
		TH_LOG("flags %#x: set-up step %d (%s), execns errno %d (%s), %s",
		       flags, res->setup_step, strerror(res->setup_errno),
		       res->exec_errno, strerror(res->exec_errno),
		       status_str(r->status));
		return -1;
	}
	if (report_table(r, t)) {
		TH_LOG("no uid table in the report: [%s]", r->report);
		return -1;
	}
	return 0;
}

/*
 * Privileged execns(CLONE_NEWUSER) (root, CAP_SYS_RESOURCE): a fresh table,
 * different each time, holding just the new program's record.  Without
 * CLONE_NEWUSER, the same table.
 */
TEST_F(uid_table, privileged_execns_fresh_table)
{
	struct uid_table a, b, c;

	REQUIRE_EXECNS();
	REQUIRE_CAP_SYS_RESOURCE();
	ASSERT_EQ(0, table_of_target(_metadata, &self->s, &self->r,
				     CLONE_NEWUSER, false, NULL, &a));
	ASSERT_EQ(0, table_of_target(_metadata, &self->s, &self->r,
				     EXECNS_VALID_FLAGS, false, NULL, &b));
	ASSERT_EQ(0, table_of_target(_metadata, &self->s, &self->r,
				     0, false, NULL, &c));
	EXPECT_NE(self->init.id, a.id);
	EXPECT_NE(self->init.id, b.id);
	EXPECT_NE(a.id, b.id);
	EXPECT_EQ(self->init.id, c.id);
	/* Only the new program's uid (0) lives in its table. */
	EXPECT_EQ(1, a.records);
	EXPECT_EQ(1, b.records);
	EXPECT_GE(a.buckets, 1);
}

/* uid 1000, no capabilities: execns(CLONE_NEWUSER) keeps the table. */
TEST_F(uid_table, unprivileged_execns_shares_table)
{
	struct uid_table a, b;

	REQUIRE_EXECNS();
	ASSERT_EQ(0, table_of_target(_metadata, &self->s, &self->r,
				     CLONE_NEWUSER, true, NULL, &a));
	ASSERT_EQ(0, table_of_target(_metadata, &self->s, &self->r,
				     EXECNS_VALID_FLAGS, true, NULL, &b));
	EXPECT_EQ(self->init.id, a.id);
	EXPECT_EQ(self->init.id, b.id);
}

/* Root without CAP_SYS_RESOURCE: the same table. */
TEST_F(uid_table, no_cap_sys_resource_shares_table)
{
	struct uid_table a;

	REQUIRE_EXECNS();
	ASSERT_EQ(0, table_of_target(_metadata, &self->s, &self->r,
				     CLONE_NEWUSER, false,
				     prep_root_without_sys_resource, &a));
	EXPECT_EQ(self->init.id, a.id);
}

/*
 * CAP_SYS_RESOURCE in a user namespace anyone can create does not count:
 * after unshare(CLONE_NEWUSER) (full capabilities there), execns(
 * CLONE_NEWUSER) keeps the table, for uid 1000 and for root alike.
 */
TEST_F(uid_table, userns_capabilities_do_not_escape)
{
	struct uid_table a, b;

	REQUIRE_EXECNS();
	ASSERT_EQ(0, table_of_target(_metadata, &self->s, &self->r,
				     CLONE_NEWUSER, false,
				     prep_uid1000_unshare_userns, &a));
	EXPECT_EQ(self->init.id, a.id);
	ASSERT_EQ(0, table_of_target(_metadata, &self->s, &self->r,
				     CLONE_NEWUSER, false,
				     prep_unshare_userns, &b));
	EXPECT_EQ(self->init.id, b.id);
}

/*
 * uid 1000 keeping only CAP_SYS_RESOURCE: execns(CLONE_NEWUSER) gives a
 * fresh table whose one record is the program's kuid 1000.  The init
 * table's record for 1000 (the caller's before the exec) may stay while
 * the program runs, pinned by the credentials the executable was opened
 * with (mm->exe_file->f_cred), but no more than that one, and it goes
 * when the program exits.
 */
TEST_F(uid_table, fresh_table_holds_the_program_record)
{
	struct run *r = &self->r;
	struct child_result *res;
	struct uid_table t;
	char path[64], buf[4096];
	long long base;

	REQUIRE_EXECNS();
	REQUIRE_CAP_SYS_RESOURCE();
	base = records_stable();

	r->flags = CLONE_NEWUSER;
	r->prep = prep_uid1000_with_sys_resource;
	r->hold = true;
	r->env[0] = "EXECNS_UIDTABLE=1";
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	if (r->hold_fd >= 0) {
		snprintf(path, sizeof(path), "/proc/%d/status", r->pid);
		ASSERT_GT(read_file(path, buf, sizeof(buf)), 0);
		EXPECT_STREQ("1000\t1000\t1000\t1000", kv_get(buf, "Uid", ':') ?: "");
		snprintf(path, sizeof(path), "%d", r->pid);
		ASSERT_EQ(0, uid_table_read(path, &t));
		EXPECT_NE(self->init.id, t.id);
		EXPECT_EQ(1, t.records);
		EXPECT_GE(base + 1, records_now());
	}
	run_finish(r);
	ASSERT_EQ(0, res->setup_step);
	ASSERT_EQ(0, res->exec_errno);
	ASSERT_TRUE(r->have_report);
	ASSERT_EQ(0, report_table(r, &t));
	EXPECT_NE(self->init.id, t.id);
	EXPECT_EQ(TEST_UID, r->report_st.st_uid);
	EXPECT_EQ(base, records_wait_for(base, 5000));
}

/* ------------------------------------------------------------------ */
/* Per-user limits: isolated by fresh tables, shared otherwise         */

enum how {
	HOW_FRESH,		/* uid 1000 + CAP_SYS_RESOURCE, execns(NEWUSER) */
	HOW_UNPRIV_EXECNS,	/* uid 1000, execns(NEWUSER) */
	HOW_UNSHARE,		/* uid 1000, unshare(NEWUSER), execns(0) */
};

FIXTURE(limit) {
	struct scratch s;
	struct uid_table init;
	struct saved_sysctl sysctl;
	struct run a, b, c;
};

FIXTURE_VARIANT(limit) {
	enum how how;
	bool isolated;
};

FIXTURE_VARIANT_ADD(limit, fresh_tables) { .how = HOW_FRESH, .isolated = true };
FIXTURE_VARIANT_ADD(limit, unpriv_execns) { .how = HOW_UNPRIV_EXECNS };
FIXTURE_VARIANT_ADD(limit, unshare) { .how = HOW_UNSHARE };

FIXTURE_SETUP(limit)
{
	COMMON_SETUP(self);
	if (!execns_ok)
		SKIP(return, "%s", execns_why);
	if (variant->how == HOW_FRESH && !have_cap_sys_resource())
		SKIP(return, "no CAP_SYS_RESOURCE to make a fresh table with");
}

FIXTURE_TEARDOWN_PARENT(limit)
{
	if (self->sysctl.saved && write_file(self->sysctl.path, self->sysctl.value))
		TH_LOG("could not restore %s to %s", self->sysctl.path,
		       self->sysctl.value);
	scratch_fini(&self->s);
}

static int prep_unpriv_unshare(void *unused)
{
	return drop_privs() || unshare(CLONE_NEWUSER);
}

/* Start a uid 1000 target in a namespace made as variant->how says. */
static void start_limited(struct __test_metadata *_metadata, struct scratch *s,
			  struct run *r, enum how how, const char *what,
			  struct child_result **res)
{
	memset(r, 0, sizeof(*r));
	switch (how) {
	case HOW_FRESH:
		r->flags = CLONE_NEWUSER;
		r->prep = prep_uid1000_with_sys_resource;
		break;
	case HOW_UNPRIV_EXECNS:
		r->flags = CLONE_NEWUSER;
		r->unpriv = true;
		break;
	case HOW_UNSHARE:
		r->flags = 0;
		r->prep = prep_unpriv_unshare;
		break;
	}
	r->hold = true;
	r->env[0] = "EXECNS_UIDTABLE=1";
	r->env[1] = what;
	ASSERT_EQ(0, run_start(s, r, res));
	ASSERT_LE(0, r->hold_fd) {
		TH_LOG("target did not start: set-up step %d (%s), execns errno %d, %s",
		       (*res)->setup_step, strerror((*res)->setup_errno),
		       (*res)->exec_errno, status_str(r->status));
	}
	ASSERT_GT(read_file(r->report_path, r->report, sizeof(r->report)), 0);
}

/* Start targets a and b with env; *ta and *tb: the tables they use. */
static void start_pair(struct __test_metadata *_metadata, struct scratch *s,
		       struct run *a, struct run *b, enum how how,
		       const char *env, struct uid_table *ta, struct uid_table *tb)
{
	struct child_result *ra, *rb;

	start_limited(_metadata, s, a, how, env, &ra);
	start_limited(_metadata, s, b, how, env, &rb);
	ASSERT_EQ(0, report_table(a, ta));
	ASSERT_EQ(0, report_table(b, tb));
}

/*
 * fs.epoll.max_user_watches = 10.  Target A (uid 1000) adds watches until
 * ENOSPC and keeps them; then target B (uid 1000, another namespace made
 * the same way) does the same.  Fresh tables: both reach 10, and so does a
 * uid 1000 process in the init table meanwhile.  Shared: B gets none.
 */
TEST_F_TIMEOUT(limit, epoll_max_user_watches, 60)
{
	const long max = 10;
	struct child_result *rc;
	struct uid_table ta, tb;

	if (epoll_create1(0) < 0 && errno == ENOSYS)
		SKIP(return, "no epoll (CONFIG_EPOLL)");
	ASSERT_EQ(0, sysctl_set(&self->sysctl, "/proc/sys/fs/epoll/max_user_watches", "10"));

	start_pair(_metadata, &self->s, &self->a, &self->b, variant->how,
		   "EXECNS_EPOLL=100", &ta, &tb);
	EXPECT_EQ(max, kv_num(self->a.report, "epoll", '=', -1));
	EXPECT_EQ(ENOSPC, kv_num(self->a.report, "epoll_errno", '=', -1));
	if (variant->isolated) {
		EXPECT_NE(self->init.id, ta.id);
		EXPECT_NE(ta.id, tb.id);
		EXPECT_EQ(max, kv_num(self->b.report, "epoll", '=', -1));
		/* The init table's uid 1000 is a third, separate account. */
		start_limited(_metadata, &self->s, &self->c, HOW_UNSHARE,
			      "EXECNS_EPOLL=100", &rc);
		EXPECT_EQ(max, kv_num(self->c.report, "epoll", '=', -1));
		run_finish(&self->c);
	} else {
		EXPECT_EQ(self->init.id, ta.id);
		EXPECT_EQ(self->init.id, tb.id);
		EXPECT_EQ(0, kv_num(self->b.report, "epoll", '=', -1));
	}
	EXPECT_EQ(ENOSPC, kv_num(self->b.report, "epoll_errno", '=', -1));
	run_finish(&self->a);
	run_finish(&self->b);
}

/*
 * fs.pipe-user-pages-soft = 32 pages: an unprivileged user's first two
 * pipes get the default 16 pages, later ones 2.  Fresh tables: A and B
 * each get two full pipes.  Shared: B gets none.
 */
TEST_F_TIMEOUT(limit, pipe_user_pages_soft, 60)
{
	struct uid_table ta, tb;
	long page = sysconf(_SC_PAGESIZE);

	if (page != 4096)
		SKIP(return, "expects 4 KiB pages");
	ASSERT_EQ(0, sysctl_set(&self->sysctl, "/proc/sys/fs/pipe-user-pages-soft", "32"));

	start_pair(_metadata, &self->s, &self->a, &self->b, variant->how,
		   "EXECNS_PIPES=20", &ta, &tb);
	EXPECT_EQ(2, kv_num(self->a.report, "pipes", '=', -1));
	EXPECT_EQ(2 * page, kv_num(self->a.report, "pipes_last_size", '=', -1));
	if (variant->isolated) {
		EXPECT_NE(ta.id, tb.id);
		EXPECT_EQ(2, kv_num(self->b.report, "pipes", '=', -1));
	} else {
		EXPECT_EQ(ta.id, tb.id);
		EXPECT_EQ(0, kv_num(self->b.report, "pipes", '=', -1));
	}
	run_finish(&self->a);
	run_finish(&self->b);
}

/* ------------------------------------------------------------------ */
/* No fresh tables from inside a user namespace                        */

/*
 * Root of a container that has a fresh table holds CAP_SYS_RESOURCE there,
 * not in the initial user namespace: each of its execns(CLONE_NEWUSER)
 * calls gets the container's table; none mints another one (each would be
 * a new budget of per-user limits for the same kuids).
 */
TEST_F(uid_table, container_root_mints_no_table)
{
	char waitmap[PATH_MAX], env_wait[PATH_MAX + 32], path[64];
	char status[4096], bnd[32];
	struct run *r = &self->r;
	struct child_result *res;
	struct uid_table t;
	int fd;

	REQUIRE_EXECNS();
	REQUIRE_CAP_SYS_RESOURCE();
	ASSERT_EQ(0, scratch_fifo(&self->s, waitmap, sizeof(waitmap)));
	snprintf(env_wait, sizeof(env_wait), "EXECNS_WAITMAP=%s", waitmap);
	r->flags = CLONE_NEWUSER;
	r->env[0] = env_wait;
	r->env[1] = "EXECNS_MINT=4";
	r->env[2] = "EXECNS_UIDTABLE=1";
	r->env[3] = "EXECNS_NOFORK=1";
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	fd = hold_wait(waitmap, r->pid, &r->status, 20000);
	ASSERT_LE(0, fd) {
		TH_LOG("helper did not start: execns errno %d, %s",
		       res->exec_errno, status_str(r->status));
	}
	snprintf(path, sizeof(path), "/proc/%d/uid_map", r->pid);
	ASSERT_EQ(0, write_file(path, "0 0 1\n"));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", r->pid);
	ASSERT_EQ(0, write_file(path, "0 0 1\n"));
	close(fd);	/* re-exec as root of the namespace, then mint */
	run_finish(r);
	ASSERT_TRUE(r->have_report) {
		TH_LOG("no report: %s", status_str(r->status));
	}
	ASSERT_EQ(0, report_table(r, &t));
	/* The container's own table, and root with every capability there. */
	EXPECT_NE(self->init.id, t.id);
	/* Root of its namespace: every capability of the bounding set. */
	if (read_file("/proc/self/status", status, sizeof(status)) <= 0)
		status[0] = '\0';
	snprintf(bnd, sizeof(bnd), "%.16s", kv_get(status, "CapBnd", ':') ?: "?");
	EXPECT_STREQ(bnd, kv_get(r->report, "cap_eff", '=') ?: "");
	EXPECT_EQ(t.id, kv_num(r->report, "mint.id", '=', -1));
	EXPECT_EQ(0, kv_num(r->report, "mint.failed", '=', -1));
	EXPECT_EQ(0, kv_num(r->report, "mint.fresh", '=', -1));
	EXPECT_EQ(4, kv_num(r->report, "mint.same", '=', -1));
}

static int prep_setns_user(void *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWUSER);
	close(fd);
	return ret;
}

/* Shared with the parent (FIXTURE_TEARDOWN_PARENT): the sysctl is restored whatever happens. */
FIXTURE(joined) {
	struct scratch s;
	struct uid_table init;
	struct saved_sysctl sysctl;
};

FIXTURE_SETUP(joined)
{
	COMMON_SETUP(self);
	REQUIRE_EXECNS();
	REQUIRE_CAP_SYS_RESOURCE();
}

FIXTURE_TEARDOWN_PARENT(joined)
{
	if (self->sysctl.saved && write_file(self->sysctl.path, self->sysctl.value))
		TH_LOG("could not restore %s to %s", self->sysctl.path,
		       self->sysctl.value);
	scratch_fini(&self->s);
}

/*
 * fs.epoll.max_user_watches = 10.  F: uid 1000 keeping CAP_SYS_RESOURCE
 * execns(CLONE_NEWUSER)s into a fresh table (F owned by kuid 1000, maps
 * written).  A: uid 1000 in the init table takes all 10 watches of that
 * account.  J: uid 1000 with no capabilities joins F with setns() (it owns
 * F, so it may, and then has every capability there) and calls
 * execns(CLONE_NEWUSER): it gets F's table, not a new one, and is still
 * charged to its own init-table record: no watch left.
 */
TEST_F_TIMEOUT(joined, setns_joiner_mints_no_table, 60)
{
	static struct run f, a, j;
	struct child_result *rf, *ra, *rj;
	struct uid_table tf, tj;
	char path[64];

	if (epoll_create1(0) < 0 && errno == ENOSYS)
		SKIP(return, "no epoll (CONFIG_EPOLL)");
	ASSERT_EQ(0, sysctl_set(&self->sysctl, "/proc/sys/fs/epoll/max_user_watches", "10"));

	f.flags = CLONE_NEWUSER;
	f.prep = prep_uid1000_with_sys_resource;
	f.hold = true;
	f.env[0] = "EXECNS_UIDTABLE=1";
	ASSERT_EQ(0, run_start(&self->s, &f, &rf));
	ASSERT_LE(0, f.hold_fd) {
		TH_LOG("F did not start: set-up step %d, execns errno %d, %s",
		       rf->setup_step, rf->exec_errno, status_str(f.status));
	}
	ASSERT_GT(read_file(f.report_path, f.report,
			    sizeof(f.report)), 0);
	ASSERT_EQ(0, report_table(&f, &tf));
	ASSERT_NE(self->init.id, tf.id);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", f.pid);
	ASSERT_EQ(0, write_file(path, "0 1000 1\n")) {
		TH_LOG("%s: %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), "/proc/%d/gid_map", f.pid);
	ASSERT_EQ(0, write_file(path, "0 1000 1\n")) {
		TH_LOG("%s: %s", path, strerror(errno));
	}

	start_limited(_metadata, &self->s, &a, HOW_UNSHARE,
		      "EXECNS_EPOLL=100", &ra);
	ASSERT_EQ(10, kv_num(a.report, "epoll", '=', -1));

	snprintf(path, sizeof(path), "/proc/%d/ns/user", f.pid);
	j.flags = CLONE_NEWUSER;
	j.unpriv = true;
	j.prep = prep_setns_user;
	j.prep_arg = path;
	j.env[0] = "EXECNS_UIDTABLE=1";
	j.env[1] = "EXECNS_EPOLL=100";
	ASSERT_EQ(0, run_start(&self->s, &j, &rj));
	run_finish(&j);
	ASSERT_EQ(0, rj->setup_step) {
		TH_LOG("J: set-up step %d: %s", rj->setup_step,
		       strerror(rj->setup_errno));
	}
	ASSERT_EQ(0, rj->exec_errno);
	ASSERT_TRUE(j.have_report);
	ASSERT_EQ(0, report_table(&j, &tj));
	EXPECT_EQ(tf.id, tj.id);
	EXPECT_EQ(0, kv_num(j.report, "epoll", '=', -1));
	EXPECT_EQ(ENOSPC, kv_num(j.report, "epoll_errno", '=', -1));
	run_finish(&a);
	run_finish(&f);
}

/* ------------------------------------------------------------------ */
/* Record counts                                                       */

/*
 * n children switch to distinct uids and wait: records grow by exactly n,
 * and return to the baseline once they exit.
 */
TEST_F(uid_table, records_return_to_baseline)
{
	const int n = 8;
	pid_t pids[8];
	int go[2], ready[2], i;
	long long base, during;
	char c;

	base = records_stable();
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			close(go[1]);
			if (setresuid(20000 + i, 20000 + i, 20000 + i))
				_exit(1);
			if (write(ready[1], "x", 1) != 1)
				_exit(2);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			_exit(0);
		}
	}
	close(go[0]);
	for (i = 0; i < n; i++)
		ASSERT_EQ(1, read(ready[0], &c, 1));
	during = records_now();
	close(go[1]);
	for (i = 0; i < n; i++) {
		int status;

		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	EXPECT_EQ(base + n, during);
	EXPECT_EQ(base, records_wait_for(base, 5000));
}

static volatile int threads_switched;
static int threads_release[2];	/* a pipe: closing the write end releases */

static void *switch_uid_thread(void *arg)
{
	uid_t uid = (uintptr_t)arg;
	char c;

	/* Raw syscall: only this thread's credentials change. */
	if (syscall(SYS_setresuid, uid, -1, -1) == 0)
		__atomic_add_fetch(&threads_switched, 1, __ATOMIC_SEQ_CST);
	while (read(threads_release[0], &c, 1) > 0)
		;
	return NULL;
}

/*
 * Many live users at once (threads with their own real uid): the count is
 * exact, the table grows with them (average chain length stays small),
 * and everything is released at the end.
 */
TEST_F_TIMEOUT(uid_table, many_live_users, 120)
{
	const int n = 256;
	pthread_t th[256];
	pthread_attr_t attr;
	struct uid_table during = { -1, -1, -1 };
	long long base;
	int status, p[2];
	pid_t pid;

	base = records_stable();
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct uid_table t;
		int i;

		if (pipe(threads_release))
			_exit(5);
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 64 * 1024);
		for (i = 0; i < n; i++)
			if (pthread_create(&th[i], &attr, switch_uid_thread,
					   (void *)(uintptr_t)(30000 + i)))
				_exit(1);
		for (i = 0; i < 2000 && threads_switched < n; i++)
			usleep(10000);
		if (threads_switched != n)
			_exit(2);
		if (uid_table_read("self", &t))
			_exit(3);
		if (write(p[1], &t, sizeof(t)) != sizeof(t))
			_exit(4);
		close(threads_release[1]);
		for (i = 0; i < n; i++)
			pthread_join(th[i], NULL);
		_exit(0);
	}
	close(p[1]);
	EXPECT_EQ((ssize_t)sizeof(during), read(p[0], &during, sizeof(during)));
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child status %d (1: pthread_create, 2: setresuid in threads)",
		       WEXITSTATUS(status));
	}
	EXPECT_EQ(base + n, during.records);
	/* Grown: no more than 8 records per bucket on average. */
	EXPECT_GE(during.buckets * 8, during.records) {
		TH_LOG("%lld records in %lld buckets", during.records, during.buckets);
	}
	EXPECT_EQ(base, records_wait_for(base, 5000));
}

/* ------------------------------------------------------------------ */
/* setpriority()/getpriority(PRIO_USER) still find the user            */

TEST_F(uid_table, prio_user)
{
	const int nice = 7;
	pid_t pids[2];
	int go[2], ready[2], i, prio;
	char c, path[64], buf[1024];

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0) {
			close(go[1]);
			if (setpriority(PRIO_PROCESS, 0, 0) || drop_privs())
				_exit(1);
			if (write(ready[1], "x", 1) != 1)
				_exit(2);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			/* As uid 1000: PRIO_USER 0 is ourselves. */
			errno = 0;
			prio = getpriority(PRIO_USER, 0);
			_exit(errno ? 4 : prio == nice ? 0 : 5);
		}
	}
	close(go[0]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(1, read(ready[0], &c, 1));

	ASSERT_EQ(0, setpriority(PRIO_USER, TEST_UID, nice));
	errno = 0;
	prio = getpriority(PRIO_USER, TEST_UID);
	EXPECT_EQ(0, errno);
	EXPECT_EQ(nice, prio);
	for (i = 0; i < 2; i++) {
		long long fields[20];
		char *p;

		snprintf(path, sizeof(path), "/proc/%d/stat", pids[i]);
		ASSERT_GT(read_file(path, buf, sizeof(buf)), 0);
		p = strrchr(buf, ')');
		ASSERT_NE(NULL, p);
		/*
		 * state ppid pgrp session tty tpgid flags minflt cminflt
		 * majflt cmajflt utime stime cutime cstime priority nice
		 */
		ASSERT_EQ(16, sscanf(p + 2, "%*c %lld %lld %lld %lld %lld %lld %lld %lld "
				     "%lld %lld %lld %lld %lld %lld %lld %lld",
				     &fields[0], &fields[1], &fields[2], &fields[3],
				     &fields[4], &fields[5], &fields[6], &fields[7],
				     &fields[8], &fields[9], &fields[10], &fields[11],
				     &fields[12], &fields[13], &fields[14], &fields[15]));
		EXPECT_EQ(nice, fields[15]);
	}
	/* A uid with no process: ESRCH. */
	errno = 0;
	EXPECT_EQ(-1, getpriority(PRIO_USER, 54321));
	EXPECT_EQ(ESRCH, errno);
	errno = 0;
	EXPECT_EQ(-1, setpriority(PRIO_USER, 54321, nice));
	EXPECT_EQ(ESRCH, errno);

	close(go[1]);
	for (i = 0; i < 2; i++) {
		int status;

		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

/* ------------------------------------------------------------------ */
/* setuid() storm across fresh tables: no leak                         */

#define STORM_NS	3
#define STORM_UIDS	1000
#define STORM_PROCS	4

/*
 * STORM_NS helpers are started by root with execns(CLONE_NEWUSER) (fresh
 * tables); the test maps 0-65535 in each and lets them re-exec as root of
 * their namespace; each then runs STORM_PROCS processes switching their
 * real uid over STORM_UIDS uids, while the same happens in the init table.
 * Each fresh table and the init table end with the records they started
 * with.
 */
TEST_F_TIMEOUT(uid_table, setuid_storm, 300)
{
	struct run runs[STORM_NS];
	struct child_result *res[STORM_NS];
	char waitmap[STORM_NS][PATH_MAX], env_wait[STORM_NS][PATH_MAX + 32];
	char env_storm[64], path[64];
	long long base;
	int i, status, failed = 0;

	REQUIRE_EXECNS();
	REQUIRE_CAP_SYS_RESOURCE();
	base = records_stable();
	snprintf(env_storm, sizeof(env_storm), "EXECNS_STORM=%d:%d:%d",
		 100000, STORM_UIDS, STORM_PROCS);

	for (i = 0; i < STORM_NS; i++) {
		struct run *r = &runs[i];
		int fd;

		memset(r, 0, sizeof(*r));
		ASSERT_EQ(0, scratch_fifo(&self->s, waitmap[i], sizeof(waitmap[i])));
		snprintf(env_wait[i], sizeof(env_wait[i]), "EXECNS_WAITMAP=%s",
			 waitmap[i]);
		r->flags = CLONE_NEWUSER;
		r->env[0] = env_wait[i];
		r->env[1] = env_storm;
		r->env[2] = "EXECNS_UIDTABLE=1";
		ASSERT_EQ(0, run_start(&self->s, r, &res[i]));
		/* Wait for the first stage to block in the new namespace. */
		fd = hold_wait(waitmap[i], r->pid, &r->status, 20000);
		ASSERT_LE(0, fd) {
			TH_LOG("helper %d did not start: execns errno %d, %s", i,
			       res[i]->exec_errno, status_str(r->status));
		}
		snprintf(path, sizeof(path), "/proc/%d/uid_map", r->pid);
		ASSERT_EQ(0, write_file(path, "0 0 200000\n"));
		snprintf(path, sizeof(path), "/proc/%d/gid_map", r->pid);
		ASSERT_EQ(0, write_file(path, "0 0 200000\n"));
		close(fd);	/* re-exec as root of the namespace, storm */
	}

	uid_storm(100000, STORM_UIDS, STORM_PROCS);
	while (wait(&status) > 0) {
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	/* That also reaped the helpers: read their reports. */
	for (i = 0; i < STORM_NS; i++) {
		struct run *r = &runs[i];
		struct uid_table t;

		r->status = 0;
		run_finish(r);
		ASSERT_TRUE(r->have_report) {
			TH_LOG("helper %d did not report", i);
		}
		ASSERT_EQ(0, report_table(r, &t));
		EXPECT_NE(self->init.id, t.id);
		EXPECT_EQ(0, kv_num(r->report, "setid_errno", '=', 0));
		EXPECT_EQ(0, kv_num(r->report, "storm_failed", '=', -1));
		EXPECT_GE(kv_num(r->report, "storm_before", '=', -1), 1);
		EXPECT_EQ(kv_num(r->report, "storm_before", '=', -1),
			  kv_num(r->report, "storm_after", '=', -2)) {
			TH_LOG("helper %d: fresh table leaked records", i);
		}
	}
	EXPECT_EQ(0, failed);
	EXPECT_EQ(base, records_wait_for(base, 10000));
}

int main(int argc, char **argv)
{
	execns_ok = execns_probe(execns_why, sizeof(execns_why));
#ifdef EXECNS_EMULATE
	uid_table_ok = true;
#else
	struct uid_table t;

	if (access(UID_TABLE, F_OK))
		snprintf(uid_table_why, sizeof(uid_table_why),
			 "%s missing: kernel without the per-namespace uid table",
			 UID_TABLE);
	else if (uid_table_read("self", &t))
		snprintf(uid_table_why, sizeof(uid_table_why),
			 "%s exists but is not in the expected format", UID_TABLE);
	else
		uid_table_ok = true;
	if (!uid_table_ok && !access(UID_TABLE, F_OK)) {
		/* Present but unparsable: run, so that proc_file_format fails. */
		uid_table_ok = true;
	}
#endif
	if (!uid_table_ok)
		ksft_print_msg("%s: every test will be skipped\n", uid_table_why);
	return test_harness_run(argc, argv);
}
