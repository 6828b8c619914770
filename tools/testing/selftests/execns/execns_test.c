// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for execns(2):
 *
 *   int execns(int unshare_flags, const char *filename,
 *              char *const argv[], char *const envp[]);
 *
 * Each test forks a child that calls execns() into execns_helper (or a
 * script, or something that must fail).  The helper reports its view of
 * the world (namespace inodes, open fds, pid, threads, capabilities) in a
 * file; the test compares it with its own.  Failing calls are checked for
 * the errno *and* for leaving the caller exactly as it was: the child
 * snapshots its namespaces, every fd (flags, file, offset) and its
 * credentials before and after the call.
 *
 * Must run as root; the unprivileged parts switch to uid/gid 1000.
 * Skips everything on a kernel without execns() (ENOSYS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "execns_util.h"
#include "execns_run.h"

static bool execns_ok;
static char execns_why[256];

/* ------------------------------------------------------------------ */
/* Failing calls: errno, and nothing changed.                         */

enum prep {
	PREP_ROOT,		/* stay root */
	PREP_UNPRIV,		/* switch to TEST_UID */
	PREP_NEST_USERNS,	/* nest user namespaces to the depth limit */
	PREP_THREADS,		/* root, with 4 running threads */
};

struct fail_result {
	struct fail_common c;
	int nfds;
};

static void *fail_res;	/* struct fail_result */

static const char *const fail_default_argv[] = { "execns-target", NULL };
static const char *const fail_default_envp[] = { "EXECNS_TEST=1", NULL };

/*
 * In a child: set up (prep, many fds, a file at offset 5), snapshot, call
 * execns(flags, path, argv, envp), snapshot again.  The parent checks
 * that it failed with want_errno and that the snapshots are equal.
 */
static void expect_failure(struct __test_metadata *_metadata, struct scratch *s,
			   int flags, enum prep prep, const char *path,
			   char *const *argv, char *const *envp, int want_errno,
			   const char *what)
{
	struct fail_result *fr;
	char call[32];
	int status;
	pid_t pid;

	fr = fail_result_reset(&fail_res, sizeof(*fr));
	ASSERT_NE(NULL, fr);
	if (argv == (char *const *)-1L)
		argv = (char *const *)fail_default_argv;
	if (envp == (char *const *)-1L)
		envp = (char *const *)fail_default_envp;

	pid = fork_flushed();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct snapshot *before, *after;
		char marker[PATH_MAX];
		int fd;

		before = malloc(sizeof(*before));
		after = malloc(sizeof(*after));
		if (!before || !after)
			_exit(1);
		if (prep == PREP_UNPRIV && drop_privs())
			fail_step(&fr->c, 1);
		if (prep == PREP_NEST_USERNS) {
			int depth = 0;

			/* Mapped, or the next level would be EPERM. */
			while (!unshare_userns_mapped())
				depth++;
			if (errno != ENOSPC || depth < 1)
				fail_step(&fr->c, 2);
		}
		if (prep == PREP_THREADS && start_threads(4))
			fail_step(&fr->c, 4);
		fr->nfds = open_many_fds(s->rep);
		if (snprintf(marker, sizeof(marker), "%s/marker.%d", s->rep,
			     getpid()) >= (int)sizeof(marker))
			_exit(1);
		fd = open(marker, O_RDWR | O_CREAT | O_APPEND, 0644);
		if (fr->nfds < 12 || fd < 0 || write(fd, "marker", 6) != 6 ||
		    lseek(fd, 5, SEEK_SET) != 5)
			fail_step(&fr->c, 3);
		take_snapshot(before);
		errno = 0;
		fail_call_done(&fr->c, sys_execns(flags, path, argv, envp), before, after);
		unlink(marker);
		_exit(0);
	}
	status = wait_timeout(pid, 20000);

	snprintf(call, sizeof(call), "execns(%#x)", flags);
	check_failed_call(_metadata, &fr->c, status, what, call, want_errno);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#define DEFAULT_ARGV ((char *const *)-1L)
#define DEFAULT_ENVP ((char *const *)-1L)

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

#define COMMON_SETUP(self) NS_SCRATCH_SETUP(self, execns_ok, execns_why)

/* The basic fixture: a scratch directory with the helper. */
FIXTURE(execns) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_SETUP(execns)
{
	COMMON_SETUP(self);
	memset(&self->r, 0, sizeof(self->r));
}

FIXTURE_TEARDOWN(execns)
{
	scratch_fini(&self->s);
}

/* Every flag alone, none, and all of them together. */
FIXTURE(flag) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_VARIANT(flag) {
	int flags;
	bool undo_applied;	/* SysV sem undo applied at execns() */
};

FIXTURE_VARIANT_ADD(flag, none) { .flags = 0 };
FIXTURE_VARIANT_ADD(flag, newns) { .flags = CLONE_NEWNS };
FIXTURE_VARIANT_ADD(flag, newuts) { .flags = CLONE_NEWUTS };
FIXTURE_VARIANT_ADD(flag, newipc) { .flags = CLONE_NEWIPC, .undo_applied = true };
FIXTURE_VARIANT_ADD(flag, newuser) { .flags = CLONE_NEWUSER };
FIXTURE_VARIANT_ADD(flag, newpid) { .flags = CLONE_NEWPID };
FIXTURE_VARIANT_ADD(flag, newnet) { .flags = CLONE_NEWNET };
FIXTURE_VARIANT_ADD(flag, newcgroup) { .flags = CLONE_NEWCGROUP };
FIXTURE_VARIANT_ADD(flag, newtime) { .flags = CLONE_NEWTIME };
FIXTURE_VARIANT_ADD(flag, sysvsem) { .flags = CLONE_SYSVSEM, .undo_applied = true };
FIXTURE_VARIANT_ADD(flag, all) { .flags = EXECNS_VALID_FLAGS, .undo_applied = true };
FIXTURE_VARIANT_ADD(flag, all_ns_no_user) {
	.flags = EXECNS_ALL_NS & ~CLONE_NEWUSER, .undo_applied = true
};

FIXTURE_SETUP(flag)
{
	COMMON_SETUP(self);
	REQUIRE_NS_TYPES(variant->flags);
	memset(&self->r, 0, sizeof(self->r));
}

FIXTURE_TEARDOWN(flag)
{
	scratch_fini(&self->s);
}

/*
 * execns(flags) as root, from a caller with many fds and a SysV semaphore
 * undo entry: exactly the namespaces named change (pid: only for the
 * program's children, time: also for the program itself), no fd survives,
 * it is the same process, its first child is pid 1 iff CLONE_NEWPID, and
 * the undo entry is applied at execns() iff CLONE_SYSVSEM or CLONE_NEWIPC
 * (as unshare() does).
 */
TEST_F_TIMEOUT(flag, namespaces_fds_pid, 60)
{
	struct run *r = &self->r;
	struct child_result *res;
	long child_pid;
	int semid, val;

	semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	ASSERT_GE(semid, 0);

	r->flags = variant->flags;
	r->many_fds = true;
	r->sem = true;
	r->semid = semid;
	r->hold = true;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	if (r->hold_fd >= 0) {
		val = semctl(semid, 0, GETVAL);
		EXPECT_EQ(variant->undo_applied ? 0 : 1, val) {
			TH_LOG("semaphore undo %s at execns(%#x)",
			       val ? "not applied" : "applied", variant->flags);
		}
	}
	run_finish(r);
	EXPECT_EQ(0, semctl(semid, 0, GETVAL));
	semctl(semid, 0, IPC_RMID);

	ASSERT_RAN(r, res);
	EXPECT_GE(res->nfds, 12);
	ASSERT_NS_CHANGED(&self->ns, r, variant->flags);
	ASSERT_NO_FDS(r);
	EXPECT_EQ(1, kv_num(r->report, "threads", '=', -1));
	/* Created by the target as root (kuid 0, whatever the user ns). */
	EXPECT_EQ(0, r->report_st.st_uid);

	EXPECT_EQ(0, kv_num(r->report, "child", '=', -1));
	child_pid = kv_num(r->report, "child_pid", '=', -1);
	if (variant->flags & CLONE_NEWPID) {
		EXPECT_EQ(1, child_pid);
	} else {
		EXPECT_GT(child_pid, 1);
	}
	/* The child lives in what the program saw as pid_for_children. */
	EXPECT_EQ(kv_num(r->report, "ns.pid_for_children", '=', -1),
		  kv_num(r->report, "child_ns.pid", '=', -2));
}

/* execns(0) keeps every namespace and is a plain exec otherwise. */
TEST_F(execns, flags_zero_keeps_namespaces)
{
	struct run *r = &self->r;
	struct child_result *res;

	r->argv[1] = "one";
	r->argv[2] = "two";
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	ASSERT_NS_CHANGED(&self->ns, r, 0);
	EXPECT_EQ(3, kv_num(r->report, "argc", '=', -1));
	EXPECT_STREQ("one", kv_get(r->report, "argv1", '=') ?: "");
	EXPECT_STREQ("two", kv_get(r->report, "argv2", '=') ?: "");
	EXPECT_STREQ("0 0 0", kv_get(r->report, "uid", '=') ?: "");
	ASSERT_NO_FDS(r);
}

/* Close-on-exec or not, 0-2, high fds, fds above RLIMIT_NOFILE: all closed. */
FIXTURE(fds) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_VARIANT(fds) {
	int flags;
	bool unpriv;
};

FIXTURE_VARIANT_ADD(fds, root_none) { .flags = 0 };
FIXTURE_VARIANT_ADD(fds, root_newuser) { .flags = CLONE_NEWUSER };
FIXTURE_VARIANT_ADD(fds, unpriv_none) { .flags = 0, .unpriv = true };
FIXTURE_VARIANT_ADD(fds, unpriv_newuser) { .flags = CLONE_NEWUSER, .unpriv = true };

FIXTURE_SETUP(fds)
{
	COMMON_SETUP(self);
	memset(&self->r, 0, sizeof(self->r));
}

FIXTURE_TEARDOWN(fds)
{
	scratch_fini(&self->s);
}

TEST_F(fds, all_closed)
{
	struct run *r = &self->r;
	struct child_result *res;

	r->flags = variant->flags;
	r->unpriv = variant->unpriv;
	r->many_fds = true;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	/* 0-2, pipe, socketpair, dir, eventfd, 100, 101, 1000, top. */
	EXPECT_GE(res->nfds, 12);
	ASSERT_NO_FDS(r);
	ASSERT_NS_CHANGED(&self->ns, r, variant->flags);
	EXPECT_EQ(variant->unpriv ? TEST_UID : 0, r->report_st.st_uid);
}

/* ------------------------------------------------------------------ */
/* Failures                                                            */

FIXTURE(fail) {
	struct scratch s;
	struct ns_set ns;
	char *bad;		/* an address that faults */
	char noexec[PATH_MAX];
	char garbage[PATH_MAX];
};

FIXTURE_VARIANT(fail) {
	int flags;
	enum prep prep;
};

FIXTURE_VARIANT_ADD(fail, root_none) { .flags = 0, .prep = PREP_ROOT };
FIXTURE_VARIANT_ADD(fail, root_newuser) { .flags = CLONE_NEWUSER, .prep = PREP_ROOT };
FIXTURE_VARIANT_ADD(fail, root_all) { .flags = EXECNS_VALID_FLAGS, .prep = PREP_ROOT };
FIXTURE_VARIANT_ADD(fail, unpriv_none) { .flags = 0, .prep = PREP_UNPRIV };
FIXTURE_VARIANT_ADD(fail, unpriv_newuser) { .flags = CLONE_NEWUSER, .prep = PREP_UNPRIV };
FIXTURE_VARIANT_ADD(fail, unpriv_newuser_all) {
	.flags = EXECNS_VALID_FLAGS, .prep = PREP_UNPRIV
};

/* A failed call leaves the other threads running (Threads: is compared). */
FIXTURE_VARIANT_ADD(fail, threads_newuser) {
	.flags = CLONE_NEWUSER, .prep = PREP_THREADS
};

FIXTURE_VARIANT_ADD(fail, threads_all) {
	.flags = EXECNS_VALID_FLAGS, .prep = PREP_THREADS
};

FIXTURE_SETUP(fail)
{
	static const char garbage[] = "\177ELG\x02\x01\x01garbage\0\0\0\x01\x02\x03";
	int fd;

	COMMON_SETUP(self);
	REQUIRE_NS_TYPES(variant->flags);
	self->bad = mmap(NULL, getpagesize(), PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->bad);

	snprintf(self->noexec, sizeof(self->noexec), "%s/noexec", self->s.dir);
	ASSERT_EQ(0, copy_file(self->s.helper, self->noexec, 0644));
	snprintf(self->garbage, sizeof(self->garbage), "%s/garbage", self->s.dir);
	fd = open(self->garbage, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_GE(fd, 0);
	for (int i = 0; i < 64; i++)
		ASSERT_EQ((ssize_t)sizeof(garbage), write(fd, garbage, sizeof(garbage)));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, chmod(self->garbage, 0755));
}

FIXTURE_TEARDOWN(fail)
{
	scratch_fini(&self->s);
}

/*
 * Unknown flags are EINVAL, checked before anything else: even with a bad
 * filename, even unprivileged (not EPERM), and never an exec of a valid
 * file.
 */
TEST_F_TIMEOUT(fail, einval_unknown_flags, 180)
{
	static const int bad_flags[] = {
		CSIGNAL, SIGCHLD, CLONE_VM, CLONE_FS, CLONE_FILES,
		CLONE_SIGHAND, CLONE_PIDFD, CLONE_PTRACE, CLONE_VFORK,
		CLONE_PARENT, CLONE_THREAD, CLONE_SETTLS,
		CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_DETACHED,
		CLONE_UNTRACED, CLONE_CHILD_SETTID, CLONE_IO,
		INT_MIN, -1,
	};
	char what[128];

	for (size_t i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		int flags = bad_flags[i] | variant->flags;

		snprintf(what, sizeof(what), "flag %#x, valid file", bad_flags[i]);
		expect_failure(_metadata, &self->s, flags, variant->prep,
			       self->s.helper, DEFAULT_ARGV, DEFAULT_ENVP,
			       EINVAL, what);
		/* EINVAL before EFAULT (a few flags suffice: it is slow). */
		if (bad_flags[i] != CLONE_VM && bad_flags[i] != CLONE_FILES &&
		    bad_flags[i] != -1)
			continue;
		snprintf(what, sizeof(what), "flag %#x, bad filename", bad_flags[i]);
		expect_failure(_metadata, &self->s, flags, variant->prep,
			       self->bad, DEFAULT_ARGV, DEFAULT_ENVP,
			       EINVAL, what);
	}
}

TEST_F(fail, efault_filename)
{
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->bad, DEFAULT_ARGV, DEFAULT_ENVP, EFAULT, "bad filename");
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       NULL, DEFAULT_ARGV, DEFAULT_ENVP, EFAULT, "NULL filename");
}

TEST_F(fail, efault_argv)
{
	char *const argv[] = { "execns-target", self->bad, NULL };

	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->s.helper, (char *const *)self->bad, DEFAULT_ENVP,
		       EFAULT, "bad argv");
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->s.helper, argv, DEFAULT_ENVP, EFAULT, "bad argv[1]");
}

TEST_F(fail, efault_envp)
{
	char *const envp[] = { "A=1", self->bad, NULL };

	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->s.helper, DEFAULT_ARGV, (char *const *)self->bad,
		       EFAULT, "bad envp");
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->s.helper, DEFAULT_ARGV, envp, EFAULT, "bad envp[1]");
}

TEST_F(fail, enoent)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/does-not-exist", self->s.dir);
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       path, DEFAULT_ARGV, DEFAULT_ENVP, ENOENT, "missing file");
}

/* No execute bit (refused even to root), and a directory. */
TEST_F(fail, eacces)
{
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->noexec, DEFAULT_ARGV, DEFAULT_ENVP, EACCES,
		       "non-executable file");
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->s.rep, DEFAULT_ARGV, DEFAULT_ENVP, EACCES,
		       "directory");
}

TEST_F(fail, enoexec)
{
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->garbage, DEFAULT_ARGV, DEFAULT_ENVP, ENOEXEC,
		       "garbage binary");
}

/* Too much argv in total, and one string over MAX_ARG_STRLEN. */
TEST_F_TIMEOUT(fail, e2big, 120)
{
	const size_t one = 100 * 1024, nr = 100;	/* ~10 MiB in total */
	char **argv = calloc(nr + 2, sizeof(char *));
	char *big = malloc(one + 1), *huge = malloc(300 * 1024 + 1);
	char *const argv1[] = { "execns-target", huge, NULL };

	ASSERT_TRUE(argv && big && huge);
	memset(big, 'x', one);
	big[one] = '\0';
	memset(huge, 'y', 300 * 1024);
	huge[300 * 1024] = '\0';
	argv[0] = "execns-target";
	for (size_t i = 1; i <= nr; i++)
		argv[i] = big;

	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->s.helper, argv, DEFAULT_ENVP, E2BIG,
		       "10 MiB of argv");
	expect_failure(_metadata, &self->s, variant->flags, variant->prep,
		       self->s.helper, argv1, DEFAULT_ENVP, E2BIG,
		       "one 300 KiB argument");
	free(argv);
	free(big);
	free(huge);
}

/* ------------------------------------------------------------------ */
/* How userspace finds the syscall: /sys/kernel/execns/                 */

/*
 * nr is this syscall's native number, compat_nr (64-bit x86 with ia32
 * emulation) the i386 one; both read-only (0444), decimal and a newline.
 */
TEST(sysfs_syscall_nr)
{
	char buf[32], want[32];
	struct stat st;

	if (!execns_ok)
		SKIP(return, "%s", execns_why);
	ASSERT_EQ(0, stat("/sys/kernel/execns/nr", &st)) {
		TH_LOG("/sys/kernel/execns/nr: %s", strerror(errno));
	}
	EXPECT_EQ(0444, st.st_mode & 07777);
	ASSERT_GT(read_file("/sys/kernel/execns/nr", buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%d\n", (int)__NR_execns);
	EXPECT_STREQ(want, buf);
	/* The number is execns: invalid flags are EINVAL, checked first. */
	errno = 0;
	EXPECT_EQ(-1, syscall(atoi(buf), -1, "/nonexistent", NULL, NULL, 0L, 0L));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(0, write_file("/sys/kernel/execns/nr", "1\n"));
	if (!stat("/sys/kernel/execns/compat_nr", &st)) {
		EXPECT_EQ(0444, st.st_mode & 07777);
		ASSERT_GT(read_file("/sys/kernel/execns/compat_nr", buf, sizeof(buf)), 0);
		EXPECT_STREQ("463\n", buf);	/* arch/x86/entry/syscalls/syscall_32.tbl */
	}
}

/*
 * CONFIG_EXECNS is all or nothing: /sys/kernel/execns/nr, the system call
 * and /proc/self/uid_table are all there, or none is and the number is
 * ENOSYS (kernel/user.c then keeps its global uid hash: no uid tables to
 * show). Runs on every kernel; the one test that is not skipped with the
 * feature off.
 */
TEST(feature_all_or_nothing)
{
	bool nr = !access("/sys/kernel/execns/nr", F_OK);
	bool dir = !access("/sys/kernel/execns", F_OK);
	bool table = !access("/proc/self/uid_table", F_OK);
	struct utsname u;
	long ret;
	int err;

	if (access("/proc/self/status", F_OK) || access("/sys/kernel", F_OK))
		SKIP(return, "needs /proc and /sys mounted");
	errno = 0;
	ret = syscall(__NR_execns, -1, "/nonexistent", NULL, NULL, 0L, 0L);
	err = errno;
	EXPECT_EQ(-1, ret);
	TH_LOG("execns: %s, /sys/kernel/execns/nr: %s, /proc/self/uid_table: %s",
	       strerror(err), nr ? "yes" : "no", table ? "yes" : "no");
	if (nr) {
		EXPECT_EQ(EINVAL, err);
		EXPECT_TRUE(table);
		return;
	}
	EXPECT_FALSE(dir);
	EXPECT_FALSE(table);
	/*
	 * 463 is free on 6.12 without execns; later kernels give it to another
	 * call (setxattrat() from 6.13), whose errors say nothing about execns.
	 */
	uname(&u);
	if (!strncmp(u.release, "6.12.", 5))
		EXPECT_EQ(ENOSYS, err);
}

/* ------------------------------------------------------------------ */
/* Privileges                                                          */

/* Without CAP_SYS_ADMIN, every namespace but the user one is EPERM. */
TEST_F(execns, unpriv_eperm)
{
	static const int flags[] = {
		CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID,
		CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
		EXECNS_ALL_NS & ~CLONE_NEWUSER,
		(EXECNS_ALL_NS & ~CLONE_NEWUSER) | CLONE_SYSVSEM,
	};
	char what[64];

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		if (!ns_types_present(flags[i]))
			continue;
		snprintf(what, sizeof(what), "unprivileged flags %#x", flags[i]);
		expect_failure(_metadata, &self->s, flags[i], PREP_UNPRIV,
			       self->s.helper, DEFAULT_ARGV, DEFAULT_ENVP,
			       EPERM, what);
	}
}

/* ------------------------------------------------------------------ */
/* The new program's mm belongs to its new user namespace              */

static int prep_unshare_user(void *unused)
{
	return unshare(CLONE_NEWUSER);
}

/*
 * Start uid 1000 running path, non-dumpable (EXECNS_NODUMP: it calls
 * prctl(PR_SET_DUMPABLE, 0) itself; an unreadable binary: would_dump()),
 * in a new user namespace made by execns(CLONE_NEWUSER) or by
 * unshare(CLONE_NEWUSER) + exec; map root of that namespace to kuid 1000.
 * Report who owns its /proc/<pid> files, and whether root of the namespace
 * (a process that setns()ed in) may read its /proc/<pid>/environ (ptrace
 * read access: for a non-dumpable mm it needs CAP_SYS_PTRACE in
 * mm->user_ns).  0 or the errno in *access.
 */
static void nondump_probe(struct __test_metadata *_metadata, struct scratch *s,
			  const char *path, bool nodump, bool via_execns,
			  uid_t *owner, int *access)
{
	struct child_result *res;
	struct run r;
	char p[64];
	struct stat st;
	int status;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.path = path;
	r.unpriv = true;
	r.hold = true;
	r.flags = via_execns ? CLONE_NEWUSER : 0;
	r.prep = via_execns ? NULL : prep_unshare_user;
	r.env[0] = nodump ? "EXECNS_NODUMP=1" : "EXECNS_NOFORK=1";
	ASSERT_EQ(0, run_start(s, &r, &res));
	ASSERT_LE(0, r.hold_fd) {
		TH_LOG("target did not start: set-up step %d, execns errno %d, %s",
		       res->setup_step, res->exec_errno, status_str(r.status));
	}
	snprintf(p, sizeof(p), "/proc/%d/uid_map", r.pid);
	ASSERT_EQ(0, write_file(p, "0 1000 1\n"));
	snprintf(p, sizeof(p), "/proc/%d/gid_map", r.pid);
	ASSERT_EQ(0, write_file(p, "0 1000 1\n"));
	snprintf(p, sizeof(p), "/proc/%d/status", r.pid);
	ASSERT_EQ(0, stat(p, &st));
	*owner = st.st_uid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		snprintf(p, sizeof(p), "/proc/%d/ns/user", r.pid);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWUSER))
			_exit(255);
		snprintf(p, sizeof(p), "/proc/%d/environ", r.pid);
		fd = open(p, O_RDONLY);
		_exit(fd < 0 ? errno : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_NE(255, WEXITSTATUS(status));
	*access = WEXITSTATUS(status);
	run_finish(&r);
}

/*
 * After execns(CLONE_NEWUSER) the new program's mm->user_ns is the new
 * namespace, as after unshare(CLONE_NEWUSER) + exec: a non-dumpable
 * program's /proc files belong to root of that namespace (kuid 1000 here),
 * which may ptrace it.  An unreadable binary makes would_dump() move
 * mm->user_ns up to where its owner is mapped (the map is not written yet
 * at exec time): the same on both paths.
 */
TEST_F(execns, mm_user_ns_is_the_new_namespace)
{
	char unreadable[256];
	uid_t own_e, own_u;
	int acc_e, acc_u;

	/* Non-dumpable by prctl: mm->user_ns decides. */
	nondump_probe(_metadata, &self->s, self->s.helper, true, true, &own_e, &acc_e);
	nondump_probe(_metadata, &self->s, self->s.helper, true, false, &own_u, &acc_u);
	EXPECT_EQ(TEST_UID, own_u);
	EXPECT_EQ(0, acc_u);
	EXPECT_EQ(own_u, own_e);
	EXPECT_EQ(acc_u, acc_e) {
		TH_LOG("root of the new namespace reading environ: %s (unshare+exec: %s)",
		       strerror(acc_e), strerror(acc_u));
	}

	/* Unreadable (mode 0111, owned by uid 1000): would_dump(). */
	snprintf(unreadable, sizeof(unreadable), "%s/unreadable", self->s.dir);
	ASSERT_EQ(0, copy_file(self->s.helper, unreadable, 0111));
	ASSERT_EQ(0, chown(unreadable, TEST_UID, TEST_GID));
	ASSERT_EQ(0, chmod(unreadable, 0111));
	nondump_probe(_metadata, &self->s, unreadable, false, true, &own_e, &acc_e);
	nondump_probe(_metadata, &self->s, unreadable, false, false, &own_u, &acc_u);
	EXPECT_EQ(own_u, own_e);
	EXPECT_EQ(acc_u, acc_e);
}

/* Run path as root in a new user namespace (execns or unshare + exec): dumpable? */
static long root_newuser_dumpable(struct __test_metadata *_metadata,
				  struct scratch *s, const char *path,
				  bool via_execns)
{
	struct child_result *res;
	struct run r;

	memset(&r, 0, sizeof(r));
	r.path = path;
	r.flags = via_execns ? CLONE_NEWUSER : 0;
	r.prep = via_execns ? NULL : prep_unshare_user;
	r.env[0] = "EXECNS_NOFORK=1";
	if (run_start(s, &r, &res))
		return -2;
	run_finish(&r);
	if (res->setup_step || res->exec_errno || !r.have_report) {
		TH_LOG("set-up step %d, execns errno %d, %s", res->setup_step,
		       res->exec_errno, status_str(r.status));
		return -2;
	}
	return kv_num(r.report, "dumpable", '=', -1);
}

/*
 * Root (CAP_DAC_READ_SEARCH in the initial namespace) runs an executable
 * nobody may read (mode 0111, owned by root) in a new user namespace: after
 * unshare(CLONE_NEWUSER) + exec the program is not dumpable (in the new
 * namespace, without a mapping for the file's owner, root's capabilities do
 * not let it read the file); execns(CLONE_NEWUSER) must decide the same,
 * with the new credentials, not the caller's.
 */
TEST_F(execns, unreadable_binary_not_dumpable_in_new_userns)
{
	char unreadable[256];

	snprintf(unreadable, sizeof(unreadable), "%s/root-unreadable", self->s.dir);
	ASSERT_EQ(0, copy_file(self->s.helper, unreadable, 0111));
	ASSERT_EQ(0, chmod(unreadable, 0111));
	/* The helper itself, readable: dumpable either way. */
	EXPECT_EQ(1, root_newuser_dumpable(_metadata, &self->s, self->s.helper, true));
	EXPECT_EQ(0, root_newuser_dumpable(_metadata, &self->s, unreadable, false));
	EXPECT_EQ(0, root_newuser_dumpable(_metadata, &self->s, unreadable, true));
}

static bool userns_clone_disabled(void)
{
	char buf[16];

	return read_file("/proc/sys/kernel/unprivileged_userns_clone",
			 buf, sizeof(buf)) > 0 && buf[0] == '0';
}

/*
 * Unprivileged: CLONE_NEWUSER alone works, and so does CLONE_NEWUSER with
 * every other namespace (they are owned by the new user namespace, as with
 * unshare()); execns(0) is an unprivileged exec; CLONE_SYSVSEM needs no
 * privilege.
 */
FIXTURE(unpriv) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_VARIANT(unpriv) {
	int flags;
};

FIXTURE_VARIANT_ADD(unpriv, none) { .flags = 0 };
FIXTURE_VARIANT_ADD(unpriv, sysvsem) { .flags = CLONE_SYSVSEM };
FIXTURE_VARIANT_ADD(unpriv, newuser) { .flags = CLONE_NEWUSER };
FIXTURE_VARIANT_ADD(unpriv, newuser_all) { .flags = EXECNS_VALID_FLAGS };

FIXTURE_SETUP(unpriv)
{
	COMMON_SETUP(self);
	REQUIRE_NS_TYPES(variant->flags);
	if ((variant->flags & CLONE_NEWUSER) && userns_clone_disabled())
		SKIP(return, "kernel.unprivileged_userns_clone is 0");
	memset(&self->r, 0, sizeof(self->r));
}

FIXTURE_TEARDOWN(unpriv)
{
	scratch_fini(&self->s);
}

TEST_F(unpriv, works)
{
	struct run *r = &self->r;
	struct child_result *res;
	char uid[64];

	r->flags = variant->flags;
	r->unpriv = true;
	r->many_fds = true;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	ASSERT_NS_CHANGED(&self->ns, r, variant->flags);
	ASSERT_NO_FDS(r);
	EXPECT_EQ(TEST_UID, r->report_st.st_uid);
	EXPECT_EQ(TEST_GID, r->report_st.st_gid);
	/* In a new user namespace without a map, ids read as overflowuid. */
	if (variant->flags & CLONE_NEWUSER)
		snprintf(uid, sizeof(uid), "65534 65534 65534");
	else
		snprintf(uid, sizeof(uid), "%d %d %d", TEST_UID, TEST_UID, TEST_UID);
	EXPECT_STREQ(uid, kv_get(r->report, "uid", '=') ?: "");
	EXPECT_STREQ("0000000000000000", kv_get(r->report, "cap_eff", '=') ?: "");
	if (variant->flags & CLONE_NEWPID) {
		EXPECT_EQ(1, kv_num(r->report, "child_pid", '=', -1));
	}
}

/* ------------------------------------------------------------------ */
/* Callers that unshare() would refuse or that share state             */

FIXTURE(threads) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_VARIANT(threads) {
	int flags;
	bool unpriv;
};

FIXTURE_VARIANT_ADD(threads, root_newuser) { .flags = CLONE_NEWUSER };
FIXTURE_VARIANT_ADD(threads, unpriv_newuser) { .flags = CLONE_NEWUSER, .unpriv = true };
FIXTURE_VARIANT_ADD(threads, root_all) { .flags = EXECNS_VALID_FLAGS };
FIXTURE_VARIANT_ADD(threads, root_none) { .flags = 0 };

FIXTURE_SETUP(threads)
{
	COMMON_SETUP(self);
	REQUIRE_NS_TYPES(variant->flags);
	if (variant->unpriv && userns_clone_disabled())
		SKIP(return, "kernel.unprivileged_userns_clone is 0");
	memset(&self->r, 0, sizeof(self->r));
}

FIXTURE_TEARDOWN(threads)
{
	scratch_fini(&self->s);
}

/*
 * A caller with 4 running threads (unshare(CLONE_NEWUSER) would say
 * EINVAL): execns() works and the new program is single-threaded.
 */
TEST_F_TIMEOUT(threads, four_running_threads, 120)
{
	struct run *r = &self->r;
	struct child_result *res;

	r->flags = variant->flags;
	r->unpriv = variant->unpriv;
	r->threads = 4;
	r->many_fds = true;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	EXPECT_EQ(5, res->nthreads);
	EXPECT_EQ(1, kv_num(r->report, "threads", '=', -1));
	ASSERT_NS_CHANGED(&self->ns, r, variant->flags);
	ASSERT_NO_FDS(r);
}

/*
 * A caller sharing its fs_struct (CLONE_FS child): execns(CLONE_NEWNS |
 * CLONE_NEWUSER) works, and the new program's chdir() does not move the
 * process it shared the fs_struct with (it got its own, as with unshare).
 */
TEST_F(execns, clone_fs_caller)
{
	struct run *r = &self->r;
	struct child_result *res;
	char env[PATH_MAX + 16], cwd[PATH_MAX];

	snprintf(env, sizeof(env), "EXECNS_CHDIR=%s", self->s.rep);
	r->flags = CLONE_NEWNS | CLONE_NEWUSER;
	r->mode = FORK_CLONE_FS;
	r->env[0] = env;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	EXPECT_EQ(0, kv_num(r->report, "chdir", '=', -1));
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	EXPECT_STREQ(self->s.dir, cwd);
	ASSERT_NS_CHANGED(&self->ns, r, r->flags);
	ASSERT_NO_FDS(r);
}

/*
 * A CLONE_FS sharer's chdir() while execns() runs, after execns() prepared
 * its private fs_struct but before the point of no return, is not lost: the
 * new program starts where the shared fs_struct was at the point of no
 * return, as if unshare(CLONE_FS) had been called there. (With CLONE_NEWNS
 * the copy is translated into the new mount namespace when that is made, at
 * preparation: see execns.rst.)
 *
 * Deterministic: the target is a script whose interpreter carries our write
 * lease, so execns() blocks opening the interpreter (binfmt_script, after
 * execns_prepare(), before begin_new_exec()) until we release the lease. The
 * lease-break SIGIO tells us it is blocked there; we chdir() (our fs_struct
 * is the caller's) and then release the lease.
 */
TEST_F(execns, clone_fs_chdir_before_point_of_no_return)
{
	struct run *r = &self->r;
	struct child_result *res;
	char interp[PATH_MAX], script[PATH_MAX], moved[PATH_MAX];
	char line[PATH_MAX + 8];
	struct timespec ts = { .tv_sec = 20 };
	sigset_t sigio, old;
	int lfd, fd, len, sig;

	ASSERT_EQ(0, scratch_path(&self->s, "leased-helper", interp, sizeof(interp)));
	ASSERT_EQ(0, copy_file(self->s.helper, interp, 0755));
	ASSERT_EQ(0, scratch_path(&self->s, "leased.sh", script, sizeof(script)));
	len = snprintf(line, sizeof(line), "#!%s\n", interp);
	fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_LE(0, fd);
	ASSERT_EQ(len, write(fd, line, len));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, scratch_path(&self->s, "moved", moved, sizeof(moved)));
	ASSERT_EQ(0, mkdir(moved, 0755));

	sigemptyset(&sigio);
	sigaddset(&sigio, SIGIO);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &sigio, &old));
	lfd = open(interp, O_RDONLY);
	ASSERT_LE(0, lfd);
	if (fcntl(lfd, F_SETLEASE, F_WRLCK))
		SKIP(return, "F_SETLEASE: %s", strerror(errno));

	/* A new user namespace (not CLONE_NEWNS): a private fs_struct copy. */
	r->flags = CLONE_NEWUSER | CLONE_NEWUTS;
	r->mode = FORK_CLONE_FS;
	r->path = script;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	/* The child's execns() opens the interpreter: it breaks our lease. */
	sig = sigtimedwait(&sigio, NULL, &ts);
	EXPECT_EQ(SIGIO, sig);
	/* It is blocked in open_exec() now, past execns_prepare(). */
	EXPECT_EQ(0, chdir(moved));
	EXPECT_EQ(0, fcntl(lfd, F_SETLEASE, F_UNLCK));
	close(lfd);
	run_finish(r);
	ASSERT_EQ(0, sigprocmask(SIG_SETMASK, &old, NULL));
	ASSERT_EQ(0, chdir(self->s.dir));
	ASSERT_RAN(r, res);
	EXPECT_STREQ(moved, kv_get(r->report, "cwd", '=') ?: "");
	EXPECT_STREQ(interp, kv_get(r->report, "argv0", '=') ?: "");
	ASSERT_NS_CHANGED(&self->ns, r, r->flags);
	ASSERT_NO_FDS(r);
}

/*
 * A caller sharing its file table (CLONE_FILES child): the new program
 * starts with no fd, and the process it shared the table with keeps every
 * fd it had.
 */
TEST_F(execns, clone_files_caller)
{
	struct run *r = &self->r;
	struct child_result *res;
	struct stat before, after;
	int marker;

	marker = open(self->s.rep, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, marker);
	ASSERT_EQ(0, fstat(marker, &before));
	r->flags = CLONE_NEWUSER | CLONE_NEWNS;
	r->mode = FORK_CLONE_FILES;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	ASSERT_NO_FDS(r);
	ASSERT_NS_CHANGED(&self->ns, r, r->flags);
	/* Our fds, the shared table's, are all still there. */
	ASSERT_EQ(0, fstat(marker, &after));
	EXPECT_EQ(before.st_ino, after.st_ino);
	EXPECT_NE(-1, fcntl(0, F_GETFD));
	EXPECT_NE(-1, fcntl(1, F_GETFD));
	EXPECT_NE(-1, fcntl(2, F_GETFD));
	close(marker);
}

/* A vfork() child calling execns() with new namespaces. */
TEST_F(execns, vfork_caller)
{
	struct run *r = &self->r;
	struct child_result *res;

	r->flags = CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
	r->mode = FORK_VFORK;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	ASSERT_NS_CHANGED(&self->ns, r, r->flags);
	ASSERT_NO_FDS(r);
}

/* A "#!" script target: the interpreter runs, with the usual argv. */
TEST_F(execns, script)
{
	struct run *r = &self->r;
	struct child_result *res;
	char script[PATH_MAX], line[PATH_MAX + 32];
	int fd, len;

	snprintf(script, sizeof(script), "%s/script.sh", self->s.dir);
	len = snprintf(line, sizeof(line), "#!%s scriptarg\n", self->s.helper);
	fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(len, write(fd, line, len));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, chmod(script, 0755));

	r->flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS;
	r->path = script;
	r->argv[0] = "script-argv0";
	r->argv[1] = "orig1";
	r->many_fds = true;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	EXPECT_EQ(4, kv_num(r->report, "argc", '=', -1));
	EXPECT_STREQ(self->s.helper, kv_get(r->report, "argv0", '=') ?: "");
	EXPECT_STREQ("scriptarg", kv_get(r->report, "argv1", '=') ?: "");
	EXPECT_STREQ(script, kv_get(r->report, "argv2", '=') ?: "");
	EXPECT_STREQ("orig1", kv_get(r->report, "argv3", '=') ?: "");
	ASSERT_NS_CHANGED(&self->ns, r, r->flags);
	ASSERT_NO_FDS(r);
}

/* The new program's first child is pid 1 of the new pid namespace. */
TEST_F(execns, newpid_first_child_is_pid1)
{
	struct run *r = &self->r;
	struct child_result *res;

	r->flags = CLONE_NEWPID;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	/* The program itself stays in the caller's pid namespace ... */
	EXPECT_EQ(self->ns.ino[NS_PID], kv_num(r->report, "ns.pid", '=', -1));
	EXPECT_EQ(getpid(), kv_num(r->report, "ppid", '=', -1));
	/* ... and its first child is pid 1 in the new one. */
	EXPECT_EQ(1, kv_num(r->report, "child_pid", '=', -1));
	EXPECT_NE(self->ns.ino[NS_PID], kv_num(r->report, "child_ns.pid", '=', -1));
	EXPECT_EQ(kv_num(r->report, "ns.pid_for_children", '=', -1),
		  kv_num(r->report, "child_ns.pid", '=', -2));
}

/* ------------------------------------------------------------------ */
/* Limits (sysctls restored by the parent, even if the test dies)     */

FIXTURE(limits) {
	struct scratch s;
	struct ns_set ns;
	struct saved_sysctl sysctl[2];
};

FIXTURE_SETUP(limits)
{
	COMMON_SETUP(self);
}

FIXTURE_TEARDOWN_PARENT(limits)
{
	for (int i = 0; i < 2; i++)
		if (self->sysctl[i].saved &&
		    write_file(self->sysctl[i].path, self->sysctl[i].value))
			TH_LOG("could not restore %s to %s", self->sysctl[i].path,
			       self->sysctl[i].value);
	scratch_fini(&self->s);
}

/* user.max_user_namespaces = 0: ENOSPC, root or not, and nothing changed. */
TEST_F(limits, max_user_namespaces_zero)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, sysctl_set(&self->sysctl[0],
				"/proc/sys/user/max_user_namespaces", "0"));
	/* unshare() is refused the same way: the limit is in effect. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) ? errno : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(ENOSPC, WEXITSTATUS(status));

	expect_failure(_metadata, &self->s, CLONE_NEWUSER, PREP_ROOT,
		       self->s.helper, DEFAULT_ARGV, DEFAULT_ENVP, ENOSPC,
		       "root, max_user_namespaces=0");
	expect_failure(_metadata, &self->s, CLONE_NEWUSER, PREP_UNPRIV,
		       self->s.helper, DEFAULT_ARGV, DEFAULT_ENVP, ENOSPC,
		       "unprivileged, max_user_namespaces=0");
	if (ns_types_present(EXECNS_ALL_NS))
		expect_failure(_metadata, &self->s, EXECNS_VALID_FLAGS,
			       PREP_ROOT, self->s.helper, DEFAULT_ARGV,
			       DEFAULT_ENVP, ENOSPC,
			       "root, all flags, max_user_namespaces=0");
}

/*
 * User namespaces nested to the depth limit (unshare() says ENOSPC, see
 * create_user_ns()): execns(CLONE_NEWUSER) fails the same way, as root of
 * the deepest namespace.
 */
TEST_F(limits, user_namespace_depth)
{
	expect_failure(_metadata, &self->s, CLONE_NEWUSER, PREP_NEST_USERNS,
		       self->s.helper, DEFAULT_ARGV, DEFAULT_ENVP, ENOSPC,
		       "user namespaces nested to the limit");
}

/* Debian's kernel.unprivileged_userns_clone = 0 applies as to unshare(). */
TEST_F(limits, unprivileged_userns_clone_zero)
{
	const char *path = "/proc/sys/kernel/unprivileged_userns_clone";

	if (access(path, F_OK))
		SKIP(return, "%s does not exist", path);
	ASSERT_EQ(0, sysctl_set(&self->sysctl[1], path, "0"));
	expect_failure(_metadata, &self->s, CLONE_NEWUSER, PREP_UNPRIV,
		       self->s.helper, DEFAULT_ARGV, DEFAULT_ENVP, EPERM,
		       "unprivileged_userns_clone=0");
}

/* ------------------------------------------------------------------ */
/* A setuid-root binary exec'd into a new user namespace              */

/*
 * uid 1000 runs a setuid-root (and setgid-root) copy of the helper with
 * execns(CLONE_NEWUSER).  uid 0 has no mapping in the new namespace, so
 * as with unshare()+execve() the set-id bits must be ignored: the program
 * keeps kuid/kgid 1000 (read from the parent namespace while it runs),
 * has no capabilities, cannot sethostname() in the caller's UTS
 * namespace, cannot create a file in a root-only directory, and creates
 * files as uid 1000.  A control run with execns(0) shows that the set-id
 * bits are honoured on this file system, so the test can fail.
 */
TEST_F(execns, setuid_root_binary_newuser)
{
	char suid[PATH_MAX], secret[PATH_MAX], probe[PATH_MAX];
	char env_probe[PATH_MAX + 16], status_path[64], buf[8192];
	struct run *r = &self->r;
	struct child_result *res;

	snprintf(suid, sizeof(suid), "%s/suid_helper", self->s.dir);
	ASSERT_EQ(0, copy_file(self->s.helper, suid, 0755));
	ASSERT_EQ(0, chown(suid, 0, 0));
	ASSERT_EQ(0, chmod(suid, 06755));
	snprintf(secret, sizeof(secret), "%s/secret", self->s.dir);
	ASSERT_EQ(0, mkdir(secret, 0700));
	ASSERT_LT(snprintf(probe, sizeof(probe), "%s/probe", secret),
		  (int)sizeof(probe));
	snprintf(env_probe, sizeof(env_probe), "EXECNS_PROBE=%s", probe);

	/* Control: a plain exec of the setuid binary does make it root. */
	r->flags = 0;
	r->path = suid;
	r->unpriv = true;
	r->env[0] = env_probe;
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	if (r->report_st.st_uid != 0 ||
	    kv_num(r->report, "probe", '=', -1) != 0)
		SKIP(return, "setuid bit not honoured by a plain exec here (nosuid?)");

	/* execns(CLONE_NEWUSER): no privilege at all. */
	memset(r, 0, sizeof(*r));
	r->flags = CLONE_NEWUSER;
	r->path = suid;
	r->unpriv = true;
	r->hold = true;
	r->env[0] = env_probe;
	r->env[1] = "EXECNS_SETHOSTNAME=1";
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	if (r->hold_fd >= 0) {
		/* Read as the parent namespace sees it. */
		snprintf(status_path, sizeof(status_path), "/proc/%d/status", r->pid);
		ASSERT_GT(read_file(status_path, buf, sizeof(buf)), 0);
		EXPECT_STREQ("1000\t1000\t1000\t1000", kv_get(buf, "Uid", ':') ?: "");
		EXPECT_STREQ("1000\t1000\t1000\t1000", kv_get(buf, "Gid", ':') ?: "");
		EXPECT_STREQ("0000000000000000", kv_get(buf, "CapEff", ':') ?: "");
		EXPECT_STREQ("0000000000000000", kv_get(buf, "CapPrm", ':') ?: "");
		EXPECT_STREQ("0000000000000000", kv_get(buf, "CapAmb", ':') ?: "");
	}
	run_finish(r);
	ASSERT_RAN(r, res);
	ASSERT_NS_CHANGED(&self->ns, r, CLONE_NEWUSER);
	EXPECT_EQ(TEST_UID, r->report_st.st_uid);
	EXPECT_EQ(TEST_GID, r->report_st.st_gid);
	EXPECT_EQ(EACCES, kv_num(r->report, "probe", '=', -1));
	EXPECT_EQ(EPERM, kv_num(r->report, "sethostname", '=', -1));
	EXPECT_STREQ("0000000000000000", kv_get(r->report, "cap_eff", '=') ?: "");
	EXPECT_NE(0, access(probe, F_OK));
}

int main(int argc, char **argv)
{
	execns_ok = execns_probe(execns_why, sizeof(execns_why));
	if (!execns_ok)
		ksft_print_msg("%s: every test will be skipped\n", execns_why);
	return test_harness_run(argc, argv);
}
