// SPDX-License-Identifier: GPL-2.0
/*
 * execns(2) and the security machinery of a distribution kernel:
 *
 *   seccomp_deny    a seccomp filter that denies execns() (ERRNO or
 *                   KILL_PROCESS, on the number from /sys/kernel/execns/nr,
 *                   or only for CLONE_NEWUSER in the flags) is honoured, and
 *                   a denied call leaves the caller unchanged;
 *   seccomp_keep    a filter installed before a successful execns() is still
 *                   in force in the new program (this binary, re-executed in
 *                   its "report" mode);
 *   landlock        a Landlock domain that forbids executing the file makes
 *                   execns() fail with EACCES, caller unchanged, and the
 *                   domain stays in force in a program it may execute;
 *   io_uring        an io_uring instance (with a registered file, with or
 *                   without an SQPOLL thread) does not survive execns(): the
 *                   registered file is released while the new program runs;
 *   secexec         AT_SECURE, ids, capabilities and the LSM attributes of
 *                   the new program are those execve() gives (root, a
 *                   set-user-ID-root binary, file capabilities; with
 *                   no_new_privs; with CLONE_NEWUSER against
 *                   unshare(CLONE_NEWUSER) + execve());
 *   audit           a syscall rule for execns() produces SYSCALL (+ EXECVE)
 *                   records, for a successful and for a failing call.
 *
 * Every test skips, with the reason, when the kernel lacks the feature.
 * Must run as root.  Nothing global is left behind: seccomp and Landlock
 * are applied to children only, and the audit test restores the audit
 * state and removes its rule.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/landlock.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>

#include "../kselftest_harness.h"
#include "execns_util.h"
#include "execns_run.h"

#ifndef __NR_seccomp
# define __NR_seccomp 317
#endif
#ifndef __NR_io_uring_setup
# define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_register
# define __NR_io_uring_register 427
#endif
#ifndef __NR_landlock_create_ruleset
# define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
# define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
# define __NR_landlock_restrict_self 446
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
# define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_GET_ACTION_AVAIL
# define SECCOMP_GET_ACTION_AVAIL 2
#endif

#if defined(__x86_64__)
# define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
# define NATIVE_AUDIT_ARCH AUDIT_ARCH_I386
#else
# define NATIVE_AUDIT_ARCH 0	/* no execns() here: every test skips */
#endif

/*
 * The system call seccomp and audit see.  The emulation (-DEXECNS_EMULATE,
 * only for checking this file on a kernel without execns()) ends in a real
 * execve().
 */
#ifdef EXECNS_EMULATE
# define EXEC_NR __NR_execve
#else
# define EXEC_NR __NR_execns
#endif

/* argv[1] that makes this binary a target program (see mode_report()). */
#define MODE_ARG "--execns-interplay-mode"

#define AUDIT_KEY "execns_interplay_selftest"
#define AUDIT_MARKER "execns-audit-marker"

static bool execns_ok;
static char execns_why[256];

/* ------------------------------------------------------------------ */
/* This binary as a target: report what the new program sees          */

static char mode_buf[8192];
static size_t mode_len;

#define mode_add(...) buf_add(mode_buf, sizeof(mode_buf), &mode_len, __VA_ARGS__)

/*
 * Started by execns() with EXECNS_REPORT=path: writes "key=value" lines as
 * execns_helper does (pid, fds, proc_fds, ns.<name>, done) plus what the
 * helper cannot tell: the result of getppid() (a seccomp filter may deny
 * it) and the Seccomp, Seccomp_filters and NoNewPrivs lines of
 * /proc/self/status.  Exit status 0 once the report is written.
 */
static int mode_report(void)
{
	const char *path = getenv("EXECNS_REPORT");
	char status[8192], fds[1024] = "", pfds[1024];
	size_t off = 0;
	long ppid;
	int ppid_errno, fd;
	struct ns_set ns;

	/* Before anything is opened: what did we inherit? */
	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			off += snprintf(fds + off, off < sizeof(fds) ? sizeof(fds) - off : 0,
					"%s%d", off ? "," : "", fd);
	errno = 0;
	ppid = syscall(SYS_getppid);
	ppid_errno = ppid < 0 ? errno : 0;

	list_proc_fds(pfds, sizeof(pfds), NULL);

	mode_add("pid=%d\n", (int)getpid());
	mode_add("getppid=%ld\ngetppid_errno=%d\n", ppid, ppid_errno);
	mode_add("fds=%s\nproc_fds=%s\n", off ? fds : "none", pfds);
	if (read_file("/proc/self/status", status, sizeof(status)) > 0) {
		static const char *const keys[] = {
			"Seccomp", "Seccomp_filters", "NoNewPrivs",
		};

		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			const char *v = kv_get(status, keys[i], ':');

			mode_add("%s=%s\n", keys[i], v ? v : "missing");
		}
	}
	ns_read("self", &ns);
	for (size_t i = 0; i < NR_NS; i++)
		mode_add("ns.%s=%llu\n", ns_names[i], ns.ino[i]);
	mode_add("done=1\n");
	return write_report(path, mode_buf, mode_len);
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

/* Copy src (NULL: "?") into dst of size len, truncating. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n;

	if (!src)
		src = "?";
	n = strnlen(src, len - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* /sys/kernel/execns/nr, or -1 if it cannot be read. */
static int sysfs_execns_nr(void)
{
	char buf[32];

	if (read_file("/sys/kernel/execns/nr", buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf);
}

/* Is this namespace set all available on this kernel? Else fall back. */
static int flags_or(int flags, int fallback)
{
	return ns_types_present(flags) ? flags : fallback;
}

/* How many fds of /proc/<pid>/fd link to a name starting with target. */
static int fd_links(pid_t pid, const char *target, char *list, size_t len)
{
	char dir[64], p[PATH_MAX], link[PATH_MAX];
	struct dirent *e;
	size_t off = 0;
	int n = 0;
	ssize_t l;
	DIR *d;

	if (list && len)
		list[0] = '\0';
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (pid == getpid() && atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		l = readlink(p, link, sizeof(link) - 1);
		if (l < 0)
			continue;
		link[l] = '\0';
		if (list && off < len)
			off += snprintf(list + off, len - off, "%s%s->%s",
					off ? " " : "", e->d_name, link);
		if (!strncmp(link, target, strlen(target)))
			n++;
	}
	closedir(d);
	return n;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* The caller's state for failing calls (snapshots: execns_run.h)       */

/* A pipe, a file at offset 5, and fd 100 (close-on-exec). */
static int open_test_fds(const char *dir)
{
	char path[PATH_MAX];
	int p[2], fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", O_RDWR) != fd)
			return -1;
	if (pipe(p))
		return -1;
	snprintf(path, sizeof(path), "%s/fdfile.%d", dir, (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	unlink(path);
	if (write(fd, "0123456789", 10) != 10 || lseek(fd, 5, SEEK_SET) != 5)
		return -1;
	if (dup3(p[0], 100, O_CLOEXEC) != 100)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* A child that makes execns() calls that must fail, then maybe one     */
/* that must succeed                                                    */

#define MAX_ATTEMPTS 4

struct attempt {
	int flags;
	const char *path;
	int want;		/* the errno it must fail with */
};

struct plan {
	bool unpriv;			/* switch to TEST_UID first */
	int (*setup)(const void *arg);	/* then this (filters, rulesets) */
	const void *arg;
	struct attempt at[MAX_ATTEMPTS];
	int nat;
	bool control_execve;		/* execve(at[0].path) fails the same way */
	const char *then_path;		/* finally execns(then_flags, then_path) */
	int then_flags;
	const char *then_env[6];
};

struct outcome {
	int step, step_errno;
	struct {
		int returned;
		long ret;
		int err;
		char diff[1536];
	} at[MAX_ATTEMPTS];
	int control_returned, control_err;
	int then_returned, then_err;
};

#define PLAN_FAIL(n) do {			\
	o->step = (n);				\
	o->step_errno = errno;			\
	_exit(1);				\
} while (0)

static void plan_child(struct scratch *s, const struct plan *p, struct outcome *o)
{
	static char *const argv[] = { "execns-interplay-target", NULL };
	static char *const envp[] = { "EXECNS_NOFORK=1", NULL };
	struct snapshot *before = malloc(sizeof(*before));
	struct snapshot *after = malloc(sizeof(*after));
	char *then_argv[2] = { NULL, NULL };
	char *then_envp[8];
	int n = 0;

	if (!before || !after)
		PLAN_FAIL(1);
	if (p->unpriv && drop_privs())
		PLAN_FAIL(2);
	if (open_test_fds(s->rep))
		PLAN_FAIL(3);
	if (p->setup && p->setup(p->arg))
		PLAN_FAIL(4);
	for (int i = 0; i < p->nat; i++) {
		take_snapshot(before);
		errno = 0;
		o->at[i].ret = sys_execns(p->at[i].flags, p->at[i].path, argv, envp);
		o->at[i].err = errno;
		o->at[i].returned = 1;
		take_snapshot(after);
		compare_snapshots(before, after, o->at[i].diff, sizeof(o->at[i].diff));
	}
	if (p->control_execve) {
		execve(p->at[0].path, argv, envp);
		o->control_err = errno;
		o->control_returned = 1;
	}
	if (p->then_path) {
		for (int i = 0; p->then_env[i] && n < 7; i++)
			then_envp[n++] = (char *)p->then_env[i];
		then_envp[n] = NULL;
		then_argv[0] = (char *)p->then_path;
		sys_execns(p->then_flags, p->then_path, then_argv, then_envp);
		o->then_err = errno;
		o->then_returned = 1;
		_exit(99);
	}
	_exit(0);
}

/* Runs the plan in a child; returns its wait status. */
static int run_plan(struct scratch *s, const struct plan *p, struct outcome *o)
{
	pid_t pid;

	memset(o, 0, sizeof(*o));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		plan_child(s, p, o);
	return wait_timeout(pid, 30000);
}

/* Every attempt failed with its errno and changed nothing. */
static void check_attempts(struct __test_metadata *_metadata, const struct plan *p,
			   const struct outcome *o, const char *what)
{
	ASSERT_EQ(0, o->step) {
		TH_LOG("%s: child set-up step %d failed: %s", what, o->step,
		       strerror(o->step_errno));
	}
	for (int i = 0; i < p->nat; i++) {
		EXPECT_TRUE(o->at[i].returned) {
			TH_LOG("%s: execns(%#x, %s) did not return: it must fail with %s",
			       what, p->at[i].flags, p->at[i].path,
			       strerror(p->at[i].want));
		}
		if (!o->at[i].returned)
			continue;
		EXPECT_EQ(-1, o->at[i].ret);
		EXPECT_EQ(p->at[i].want, o->at[i].err) {
			TH_LOG("%s: execns(%#x, %s) failed with %s, expected %s",
			       what, p->at[i].flags, p->at[i].path,
			       strerror(o->at[i].err), strerror(p->at[i].want));
		}
		EXPECT_STREQ("", o->at[i].diff) {
			TH_LOG("%s: the refused execns(%#x) changed the caller",
			       what, p->at[i].flags);
		}
	}
}

/* The namespaces a report shows changed are exactly those of flags. */
static void check_report_ns(struct __test_metadata *_metadata,
			    const struct ns_set *before, const char *report, int flags)
{
	struct ns_set after;
	unsigned int got, want = ns_expected_change(flags);
	char g[256], w[256];

	report_ns(report, &after);
	got = ns_diff(before, &after);
	ns_mask_str(got, g, sizeof(g));
	ns_mask_str(want, w, sizeof(w));
	EXPECT_EQ(want, got) {
		TH_LOG("flags %#x: changed %s, expected %s", (unsigned int)flags, g, w);
	}
}

/* The usual fixture body: a scratch directory with the helper. */
#define INTERPLAY_SETUP(self) NS_SCRATCH_SETUP(self, execns_ok, execns_why)

/* ------------------------------------------------------------------ */
/* seccomp                                                              */

static int install_filter(struct sock_filter *f, unsigned short n)
{
	struct sock_fprog prog = { .len = n, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) ? -1 : 0;
}

/*
 * Return action for system call nr of the native arch; with arg0_mask,
 * only when the first argument (execns: the flags) has one of its bits.
 */
static int filter_syscall(unsigned int nr, __u32 action, __u32 arg0_mask)
{
	struct sock_filter f[12];
	unsigned short n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      NATIVE_AUDIT_ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (arg0_mask) {
		/* The low 32 bits of args[0] (little-endian). */
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						      offsetof(struct seccomp_data, args[0]));
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
						      arg0_mask, 1, 0);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action);
	return install_filter(f, n);
}

/* In a child: can we install a filter?  0 or why not. */
static int seccomp_support(char *why, size_t len)
{
	int status, err;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

		_exit(install_filter(&allow, 1) ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		snprintf(why, len, "seccomp probe child: %s", status_str(status));
		return -1;
	}
	err = WEXITSTATUS(status);
	if (err == ENOSYS)
		snprintf(why, len, "seccomp() is ENOSYS: kernel without CONFIG_SECCOMP");
	else if (err == EINVAL)
		snprintf(why, len, "SECCOMP_SET_MODE_FILTER is EINVAL: no CONFIG_SECCOMP_FILTER");
	else if (err)
		snprintf(why, len, "installing an allow-all seccomp filter failed: %s",
			 strerror(err));
	return err;
}

struct deny_arg {
	unsigned int nr;
	__u32 action;
	__u32 arg0_mask;
};

/* Plan set-up: deny the exec syscall, and check the filter is in force. */
static int setup_deny_exec(const void *a)
{
	const struct deny_arg *d = a;
	struct rlimit no_core = { 0, 0 };
	char status[8192];

	/* A SIGSYS must not leave a core file around. */
	setrlimit(RLIMIT_CORE, &no_core);
	if (filter_syscall(d->nr, d->action, d->arg0_mask))
		return -1;
	if (read_file("/proc/self/status", status, sizeof(status)) <= 0 ||
	    kv_num(status, "Seccomp", ':', -1) != SECCOMP_MODE_FILTER) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

FIXTURE(seccomp_deny) {
	struct scratch s;
	struct ns_set ns;
	unsigned int nr;	/* as a filter builder finds it */
	char report[PATH_MAX];
};

FIXTURE_VARIANT(seccomp_deny) {
	int flags;
	bool unpriv;
	bool kill;		/* SECCOMP_RET_KILL_PROCESS, not ERRNO */
	int err;		/* SECCOMP_RET_ERRNO data */
	bool newuser_only;	/* deny only if (flags & CLONE_NEWUSER) */
};

FIXTURE_VARIANT_ADD(seccomp_deny, errno_none) { .flags = 0, .err = EPERM };
FIXTURE_VARIANT_ADD(seccomp_deny, errno_newuser) { .flags = CLONE_NEWUSER, .err = EPERM };
FIXTURE_VARIANT_ADD(seccomp_deny, errno_all) { .flags = EXECNS_VALID_FLAGS, .err = EPERM };
FIXTURE_VARIANT_ADD(seccomp_deny, unpriv_errno_newuser) {
	.flags = CLONE_NEWUSER, .unpriv = true, .err = EPERM
};

/* An errno no exec returns: it can only come from the filter. */
FIXTURE_VARIANT_ADD(seccomp_deny, errno_distinct_newuser) {
	.flags = CLONE_NEWUSER, .err = EKEYREJECTED
};

FIXTURE_VARIANT_ADD(seccomp_deny, flag_rule_newuser) {
	.flags = CLONE_NEWUSER, .err = EPERM, .newuser_only = true
};

FIXTURE_VARIANT_ADD(seccomp_deny, kill_newuser) { .flags = CLONE_NEWUSER, .kill = true };
FIXTURE_VARIANT_ADD(seccomp_deny, kill_none) { .flags = 0, .kill = true };

FIXTURE_SETUP(seccomp_deny)
{
	char why[256];
	int nr;

	if (seccomp_support(why, sizeof(why)))
		SKIP(return, "%s", why);
	if (variant->kill) {
		__u32 act = SECCOMP_RET_KILL_PROCESS;

		if (syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act))
			SKIP(return, "SECCOMP_RET_KILL_PROCESS not available: %s",
			     strerror(errno));
	}
#ifdef EXECNS_EMULATE
	if (variant->newuser_only)
		SKIP(return, "the emulation's execve() has no flags argument");
#endif
	INTERPLAY_SETUP(self);
	/* Built as Documentation/userspace-api/execns.rst says: from sysfs. */
	nr = sysfs_execns_nr();
#ifdef EXECNS_EMULATE
	nr = -1;
#endif
	self->nr = nr >= 0 ? (unsigned int)nr : (unsigned int)EXEC_NR;
}

FIXTURE_TEARDOWN_PARENT(seccomp_deny)
{
	scratch_fini(&self->s);
}

/*
 * A filter denying execns() (the number read from /sys/kernel/execns/nr)
 * is honoured: ERRNO makes the call fail with that errno and nothing of
 * the caller changes (namespaces, fds, ids, capabilities, filter mode),
 * and it keeps running; KILL_PROCESS kills it with SIGSYS before the
 * program runs.  With a rule on the flags (deny CLONE_NEWUSER), the same
 * child then runs the helper with execns(0), which the rule lets through.
 */
TEST_F_TIMEOUT(seccomp_deny, honoured, 90)
{
	struct outcome *o = shared_zalloc(sizeof(*o));
	int flags = variant->flags, status;
	struct deny_arg d = {
		.nr = self->nr,
		.action = variant->kill ? SECCOMP_RET_KILL_PROCESS :
			  SECCOMP_RET_ERRNO | (variant->err & SECCOMP_RET_DATA),
		.arg0_mask = variant->newuser_only ? CLONE_NEWUSER : 0,
	};
	char env_report[PATH_MAX + 16], report[8192];
	struct plan p = {
		.unpriv = variant->unpriv,
		.setup = setup_deny_exec,
		.arg = &d,
		.nat = 1,
	};

	ASSERT_NE(NULL, o);
#ifndef EXECNS_EMULATE
	if (sysfs_execns_nr() >= 0) {
		/* The number a filter builder reads is the syscall's. */
		EXPECT_EQ(__NR_execns, sysfs_execns_nr());
	}
#endif
	if (flags == EXECNS_VALID_FLAGS)
		flags = flags_or(flags, CLONE_NEWUSER | CLONE_NEWUTS);
	p.at[0] = (struct attempt){ flags, self->s.helper, variant->err };

	if (variant->newuser_only) {
		ASSERT_EQ(0, scratch_path(&self->s, "report", self->report,
					  sizeof(self->report)));
		snprintf(env_report, sizeof(env_report), "EXECNS_REPORT=%s", self->report);
		p.then_path = self->s.helper;
		p.then_flags = 0;
		p.then_env[0] = env_report;
		p.then_env[1] = "EXECNS_NOFORK=1";
	}

	status = run_plan(&self->s, &p, o);

	if (variant->kill) {
		ASSERT_EQ(0, o->step) {
			TH_LOG("child set-up step %d failed: %s", o->step,
			       strerror(o->step_errno));
		}
		EXPECT_FALSE(o->at[0].returned) {
			TH_LOG("execns(%#x) returned (%ld, %s) under a KILL_PROCESS filter",
			       flags, o->at[0].ret, strerror(o->at[0].err));
		}
		EXPECT_TRUE(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
			TH_LOG("child ended with %s, expected signal %d (SIGSYS)",
			       status_str(status), SIGSYS);
		}
		return;
	}

	check_attempts(_metadata, &p, o, "seccomp ERRNO filter");
	if (!variant->newuser_only) {
		EXPECT_TRUE(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("the refused caller did not carry on: %s", status_str(status));
		}
		return;
	}

	/* execns(0) is let through by the flag rule, and it works. */
	EXPECT_FALSE(o->then_returned) {
		TH_LOG("execns(0) failed under a filter denying only CLONE_NEWUSER: %s",
		       strerror(o->then_err));
	}
	EXPECT_TRUE(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("helper ended with %s", status_str(status));
	}
	ASSERT_GT(read_file(self->report, report, sizeof(report)), 0) {
		TH_LOG("the helper started by execns(0) did not report");
	}
	EXPECT_STREQ("none", kv_get(report, "fds", '=') ?: "?");
	check_report_ns(_metadata, &self->ns, report, 0);
}

/* ------------------------------------------------------------------ */
/* A filter installed before execns() is in force in the new program   */

static int prep_deny_getppid(void *unused)
{
	(void)unused;
	return filter_syscall(SYS_getppid, SECCOMP_RET_ERRNO | EPERM, 0);
}

FIXTURE(seccomp_keep) {
	struct scratch s;
	struct ns_set ns;
	char self_copy[PATH_MAX];
};

FIXTURE_VARIANT(seccomp_keep) {
	int flags;
	bool unpriv;
};

FIXTURE_VARIANT_ADD(seccomp_keep, root_none) { .flags = 0 };
FIXTURE_VARIANT_ADD(seccomp_keep, root_newuser_ns_uts) {
	.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS
};

FIXTURE_VARIANT_ADD(seccomp_keep, root_all) { .flags = EXECNS_VALID_FLAGS };
FIXTURE_VARIANT_ADD(seccomp_keep, unpriv_newuser) { .flags = CLONE_NEWUSER, .unpriv = true };

FIXTURE_SETUP(seccomp_keep)
{
	char why[256], exe[PATH_MAX];
	ssize_t n;

	if (seccomp_support(why, sizeof(why)))
		SKIP(return, "%s", why);
	REQUIRE_NS_TYPES(variant->flags);
	INTERPLAY_SETUP(self);
	/* This binary, where uid 1000 may execute it. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_GT(n, 0);
	exe[n] = '\0';
	snprintf(self->self_copy, sizeof(self->self_copy), "%s/interplay_self", self->s.dir);
	ASSERT_EQ(0, copy_file(exe, self->self_copy, 0755));
}

FIXTURE_TEARDOWN_PARENT(seccomp_keep)
{
	scratch_fini(&self->s);
}

static void run_self(struct run *r, const char *path, int flags, bool unpriv,
		     int (*prep)(void *))
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->argv[0] = "execns_interplay_test";
	r->argv[1] = MODE_ARG;
	r->argv[2] = "report";
	r->flags = flags;
	r->unpriv = unpriv;
	r->prep = prep;
}

/*
 * Control: without a filter the new program (this binary in its report
 * mode) gets its parent's pid from getppid() and has Seccomp 0.  With a
 * filter denying getppid() with EPERM installed before execns(flags), the
 * new program still has it: getppid() fails with EPERM, Seccomp is 2
 * (one filter), no_new_privs is still set; and it ran in the new
 * namespaces with no fd.
 */
TEST_F_TIMEOUT(seccomp_keep, filter_in_force_in_new_program, 60)
{
	struct run *r = calloc(1, sizeof(*r));
	struct child_result *res;
	const char *v;

	ASSERT_NE(NULL, r);

	run_self(r, self->self_copy, variant->flags, variant->unpriv, NULL);
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	EXPECT_EQ(getpid(), kv_num(r->report, "getppid", '=', -1));
	EXPECT_EQ(0, kv_num(r->report, "Seccomp", '=', -1));

	run_self(r, self->self_copy, variant->flags, variant->unpriv, prep_deny_getppid);
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	ASSERT_NO_FDS(r);
	ASSERT_NS_CHANGED(&self->ns, r, variant->flags);
	EXPECT_EQ(-1, kv_num(r->report, "getppid", '=', 0)) {
		TH_LOG("getppid() in the new program returned %s: the filter is gone",
		       kv_get(r->report, "getppid", '='));
	}
	EXPECT_EQ(EPERM, kv_num(r->report, "getppid_errno", '=', -1));
	EXPECT_EQ(SECCOMP_MODE_FILTER, kv_num(r->report, "Seccomp", '=', -1));
	EXPECT_EQ(1, kv_num(r->report, "NoNewPrivs", '=', -1));
	v = kv_get(r->report, "Seccomp_filters", '=');
	if (v && strcmp(v, "missing")) {
		EXPECT_EQ(1, kv_num(r->report, "Seccomp_filters", '=', -1));
	}
	free(r);
}

/* ------------------------------------------------------------------ */
/* Landlock                                                             */

struct ll_arg {
	char exec_dir[256];		/* may execute beneath */
	char make_dir[256];		/* may create regular files beneath */
};

static int add_path_rule(int rs, const char *dir, __u64 access)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access };
	int ret;

	pb.parent_fd = open(dir, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return -1;
	ret = syscall(__NR_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(pb.parent_fd);
	return ret ? -1 : 0;
}

/*
 * Handle EXECUTE and MAKE_REG: execute only beneath exec_dir, create
 * files only beneath make_dir.
 */
static int setup_landlock(const void *a)
{
	const struct ll_arg *l = a;
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE |
				     LANDLOCK_ACCESS_FS_MAKE_REG,
	};
	int rs;

	rs = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (rs < 0)
		return -1;
	if (add_path_rule(rs, l->exec_dir, LANDLOCK_ACCESS_FS_EXECUTE) ||
	    add_path_rule(rs, l->make_dir, LANDLOCK_ACCESS_FS_MAKE_REG) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_landlock_restrict_self, rs, 0))
		return -1;
	close(rs);
	return 0;
}

FIXTURE(landlock) {
	struct scratch s;
	struct ns_set ns;
	struct ll_arg ll;
	char allowed_helper[PATH_MAX];
	char open_dir[256];		/* writable by all, not beneath make_dir */
};

FIXTURE_VARIANT(landlock) {
	bool unpriv;
};

FIXTURE_VARIANT_ADD(landlock, root) { .unpriv = false };
FIXTURE_VARIANT_ADD(landlock, unpriv) { .unpriv = true };

FIXTURE_SETUP(landlock)
{
	long abi;

	abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0 && errno == ENOSYS)
		SKIP(return,
		     "landlock_create_ruleset() is ENOSYS: kernel without CONFIG_SECURITY_LANDLOCK");
	if (abi < 0 && errno == EOPNOTSUPP)
		SKIP(return, "Landlock is built but not enabled (not in lsm= / CONFIG_LSM)");
	ASSERT_GE(abi, 1) {
		TH_LOG("landlock_create_ruleset(VERSION): %s", strerror(errno));
	}
	INTERPLAY_SETUP(self);
	snprintf(self->ll.exec_dir, sizeof(self->ll.exec_dir), "%s/allowed", self->s.dir);
	snprintf(self->ll.make_dir, sizeof(self->ll.make_dir), "%s", self->s.rep);
	snprintf(self->allowed_helper, sizeof(self->allowed_helper),
		 "%s/execns_helper", self->ll.exec_dir);
	snprintf(self->open_dir, sizeof(self->open_dir), "%s/open", self->s.dir);
	ASSERT_EQ(0, mkdir(self->ll.exec_dir, 0755));
	ASSERT_EQ(0, copy_file(self->s.helper, self->allowed_helper, 0755));
	ASSERT_EQ(0, mkdir(self->open_dir, 01777));
	ASSERT_EQ(0, chmod(self->open_dir, 01777));
}

FIXTURE_TEARDOWN_PARENT(landlock)
{
	scratch_fini(&self->s);
}

/*
 * In a Landlock domain that may execute only beneath allowed/, execns() of
 * the helper outside it fails with EACCES (as execve() does), whatever the
 * flags, and leaves the caller unchanged.  Then execns(CLONE_NEWUSER |
 * CLONE_NEWUTS) of the copy in allowed/ works, and the domain is still in
 * force in the new program: it may not create a file outside rep/ (the
 * helper's EXECNS_PROBE, in a world-writable directory: only the domain
 * can refuse it).
 */
TEST_F_TIMEOUT(landlock, execute_denied, 90)
{
	struct outcome *o = shared_zalloc(sizeof(*o));
	char report_path[PATH_MAX], env_report[PATH_MAX + 16];
	char probe[PATH_MAX], env_probe[PATH_MAX + 16], report[8192];
	int then_flags = CLONE_NEWUSER | CLONE_NEWUTS;
	struct plan p = {
		.unpriv = variant->unpriv,
		.setup = setup_landlock,
		.arg = &self->ll,
		.control_execve = true,
		.then_path = self->allowed_helper,
		.then_flags = then_flags,
	};
	struct stat st;
	int status;

	ASSERT_NE(NULL, o);
	p.at[p.nat++] = (struct attempt){ then_flags, self->s.helper, EACCES };
	p.at[p.nat++] = (struct attempt){ 0, self->s.helper, EACCES };
	p.at[p.nat++] = (struct attempt){
		variant->unpriv ? flags_or(EXECNS_ALL_NS, then_flags) :
				  flags_or(EXECNS_VALID_FLAGS, then_flags),
		self->s.helper, EACCES
	};
	ASSERT_EQ(0, scratch_path(&self->s, "report", report_path, sizeof(report_path)));
	snprintf(env_report, sizeof(env_report), "EXECNS_REPORT=%s", report_path);
	snprintf(probe, sizeof(probe), "%s/probe", self->open_dir);
	snprintf(env_probe, sizeof(env_probe), "EXECNS_PROBE=%s", probe);
	p.then_env[0] = env_report;
	p.then_env[1] = env_probe;
	p.then_env[2] = "EXECNS_NOFORK=1";

	status = run_plan(&self->s, &p, o);

	check_attempts(_metadata, &p, o, "Landlock without EXECUTE");
	EXPECT_TRUE(o->control_returned);
	EXPECT_EQ(EACCES, o->control_err) {
		TH_LOG("control: execve() in the domain failed with %s",
		       strerror(o->control_err));
	}
	EXPECT_FALSE(o->then_returned) {
		TH_LOG("execns(%#x) of the helper beneath the allowed directory failed: %s",
		       then_flags, strerror(o->then_err));
	}
	EXPECT_TRUE(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("allowed helper ended with %s", status_str(status));
	}
	ASSERT_GT(read_file(report_path, report, sizeof(report)), 0) {
		TH_LOG("the allowed helper did not report");
	}
	EXPECT_STREQ("none", kv_get(report, "fds", '=') ?: "?");
	check_report_ns(_metadata, &self->ns, report, then_flags);
	EXPECT_EQ(EACCES, kv_num(report, "probe", '=', -1)) {
		TH_LOG("creating %s in the new program: %s; the Landlock domain is gone",
		       probe, kv_get(report, "probe", '='));
	}
	EXPECT_NE(0, stat(probe, &st));
}

/* ------------------------------------------------------------------ */
/* io_uring                                                             */

struct iou_state {
	int step;		/* 1: io_uring_setup, 2: register, 3: no ring fd */
	int err;
	int threads;		/* threads just before execns() */
};

struct iou_arg {
	struct iou_state *st;
	int rfd, wfd;
	bool sqpoll;
};

/* In the child: a ring with the pipe's write end registered. */
static int prep_io_uring(void *a)
{
	struct iou_arg *ia = a;
	struct io_uring_params params;
	int ring;

	close(ia->rfd);
	memset(&params, 0, sizeof(params));
	if (ia->sqpoll) {
		params.flags = IORING_SETUP_SQPOLL;
		params.sq_thread_idle = 60000;
	}
	ring = syscall(__NR_io_uring_setup, 4, &params);
	if (ring < 0) {
		ia->st->step = 1;
		ia->st->err = errno;
		return -1;
	}
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_FILES, &ia->wfd, 1)) {
		ia->st->step = 2;
		ia->st->err = errno;
		return -1;
	}
	if (fd_links(getpid(), "anon_inode:[io_uring]", NULL, 0) != 1) {
		ia->st->step = 3;
		ia->st->err = ENOENT;
		return -1;
	}
	ia->st->threads = count_threads();
	return 0;
}

FIXTURE(io_uring) {
	struct scratch s;
	struct ns_set ns;
};

FIXTURE_VARIANT(io_uring) {
	int flags;
	bool sqpoll;
};

FIXTURE_VARIANT_ADD(io_uring, none) { .flags = 0 };
FIXTURE_VARIANT_ADD(io_uring, newuser_ns) { .flags = CLONE_NEWUSER | CLONE_NEWNS };
FIXTURE_VARIANT_ADD(io_uring, sqpoll_none) { .flags = 0, .sqpoll = true };
FIXTURE_VARIANT_ADD(io_uring, sqpoll_newuser) { .flags = CLONE_NEWUSER, .sqpoll = true };

FIXTURE_SETUP(io_uring)
{
	char buf[16];
	int disabled = 0;

	if (read_file("/proc/sys/kernel/io_uring_disabled", buf, sizeof(buf)) > 0)
		disabled = atoi(buf);
	if (disabled == 2)
		SKIP(return, "io_uring is disabled (kernel.io_uring_disabled=2)");
	INTERPLAY_SETUP(self);
}

FIXTURE_TEARDOWN_PARENT(io_uring)
{
	scratch_fini(&self->s);
}

/* Wait up to timeout_ms for EOF on fd; true if it came. */
static bool wait_eof(int fd, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	char c;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = end - now_ms();

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return false;
		if (read(fd, &c, 1) == 0)
			return true;
	}
}

/*
 * A child sets up an io_uring (with an SQPOLL thread in some variants),
 * registers the write end of a pipe whose read end the test holds, and
 * calls execns(flags) into the helper, which then waits.  While it waits:
 * it started with no fd, neither the ring nor the pipe is in its fd table,
 * it has one thread, and the ring is gone: the registered write end is
 * released, the test reads EOF although the new program is still alive
 * (after execve() without close-on-exec the ring would live as long as the
 * program).
 */
TEST_F_TIMEOUT(io_uring, ring_and_registered_file_released, 90)
{
	struct iou_state *st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct run *r = calloc(1, sizeof(*r));
	struct child_result *res;
	struct iou_arg ia = { .st = st, .sqpoll = variant->sqpoll };
	char pipe_name[64], links[1024];
	bool eof, alive = false;
	struct stat pst;
	int p[2], ws = -1;

	ASSERT_NE(MAP_FAILED, st);
	ASSERT_NE(NULL, r);
	REQUIRE_NS_TYPES(variant->flags);
	memset(st, 0, sizeof(*st));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, fstat(p[0], &pst));
	snprintf(pipe_name, sizeof(pipe_name), "pipe:[%lu]", (unsigned long)pst.st_ino);
	ia.rfd = p[0];
	ia.wfd = p[1];

	r->flags = variant->flags;
	r->hold = true;
	r->prep = prep_io_uring;
	r->prep_arg = &ia;
	r->env[0] = "EXECNS_NOFORK=1";
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	close(p[1]);

	if (r->hold_fd < 0) {
		run_finish(r);
		if (st->step == 1 && st->err == ENOSYS)
			SKIP(goto out,
			     "io_uring_setup() is ENOSYS: kernel without CONFIG_IO_URING");
		if (st->step == 1 && st->err == EPERM)
			SKIP(goto out,
			     "io_uring_setup() is EPERM: io_uring disabled (kernel.io_uring_disabled)");
		if (st->step == 1 && variant->sqpoll && st->err == EINVAL)
			SKIP(goto out, "IORING_SETUP_SQPOLL refused (EINVAL)");
		ASSERT_EQ(0, st->step) {
			TH_LOG("io_uring set-up step %d failed: %s", st->step,
			       strerror(st->err));
		}
		ASSERT_RAN(r, res);
	}

	if (variant->sqpoll) {
		/* The SQPOLL thread is a thread of the caller. */
		EXPECT_EQ(2, st->threads);
	}
	EXPECT_EQ(0, fd_links(r->pid, "anon_inode:[io_uring]", links, sizeof(links))) {
		TH_LOG("the new program has an io_uring fd: %s", links);
	}
	EXPECT_EQ(0, fd_links(r->pid, pipe_name, links, sizeof(links))) {
		TH_LOG("the new program has the registered pipe: %s", links);
	}
	eof = wait_eof(p[0], 10000);
	alive = waitpid(r->pid, &ws, WNOHANG) == 0;
	EXPECT_TRUE(eof) {
		TH_LOG("registered pipe still open 10 s after execns(%#x): the ring outlived exec",
		       variant->flags);
	}
	EXPECT_TRUE(alive) {
		TH_LOG("the new program ended before it was released (%s)",
		       status_str(ws));
	}
	if (!alive)
		r->status = ws;

	run_finish(r);
	ASSERT_RAN(r, res);
	ASSERT_NO_FDS(r);
	ASSERT_NS_CHANGED(&self->ns, r, variant->flags);
	EXPECT_EQ(1, kv_num(r->report, "threads", '=', -1));
	if (!eof) {
		EXPECT_TRUE(wait_eof(p[0], 10000)) {
			TH_LOG("the registered pipe is still open after the new program exited");
		}
	}
out:
	close(p[0]);
	free(r);
}

/* ------------------------------------------------------------------ */
/* AT_SECURE, ids, capabilities and LSM attributes: as with execve()    */

enum bin_kind { BIN_PLAIN, BIN_SETUID, BIN_FCAPS };

struct sx_arg {
	struct run *r;
	bool via_execve;	/* execve(), after unshare() if newuser */
	bool newuser;
	bool nnp;
};

/* Runs in the child of run_start(), after drop_privs(). */
static int prep_secexec(void *a)
{
	struct sx_arg *x = a;
	struct run *r = x->r;
	char env_report[PATH_MAX + 16], env_hold[PATH_MAX + 16];
	char *envp[16];
	int n = 0;

	if (x->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	if (!x->via_execve)
		return 0;	/* run_child() calls execns() */
	if (x->newuser && unshare(CLONE_NEWUSER))
		return -1;
	snprintf(env_report, sizeof(env_report), "EXECNS_REPORT=%s", r->report_path);
	envp[n++] = env_report;
	if (r->hold) {
		snprintf(env_hold, sizeof(env_hold), "EXECNS_HOLD=%s", r->hold_path);
		envp[n++] = env_hold;
	}
	for (int i = 0; r->env[i] && n < 15; i++)
		envp[n++] = (char *)r->env[i];
	envp[n] = NULL;
	execve(r->path, r->argv, envp);
	return -1;
}

/* What the test compares between the execve() and the execns() run. */
struct sx_view {
	char lsm[1024];		/* /proc/<pid>/attr/... as seen while it ran */
	char status[1024];	/* ids and capabilities, from the caller's ns */
	long at_secure;
	char uid[64], gid[64], cap_eff[32], cap_prm[32];
	unsigned long long user_ns;
};

static void read_lsm_attrs(pid_t pid, char *out, size_t len)
{
	static const char *const attrs[] = {
		"current", "prev", "exec", "apparmor/current", "smack/current",
	};
	char path[128], buf[256];
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(attrs) && off < len; i++) {
		int n;

		snprintf(path, sizeof(path), "/proc/%d/attr/%s", (int)pid, attrs[i]);
		n = read_file(path, buf, sizeof(buf));
		if (n < 0) {
			off += snprintf(out + off, len - off, "%s: (%s)\n", attrs[i],
					strerror(errno));
			continue;
		}
		buf[strcspn(buf, "\n")] = '\0';
		off += snprintf(out + off, len - off, "%s: %s\n", attrs[i], buf);
	}
}

static void read_status_ids(pid_t pid, char *out, size_t len)
{
	static const char *const keys[] = {
		"Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd",
		"CapAmb", "NoNewPrivs",
	};
	char path[64], buf[8192];
	size_t off = 0;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file(path, buf, sizeof(buf)) <= 0) {
		snprintf(out, len, "(%s unreadable: %s)", path, strerror(errno));
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys) && off < len; i++) {
		const char *v = kv_get(buf, keys[i], ':');

		off += snprintf(out + off, len - off, "%s: %s\n", keys[i], v ?: "missing");
	}
}

FIXTURE(secexec) {
	struct scratch s;
	struct ns_set ns;
	char bin[PATH_MAX];
};

FIXTURE_VARIANT(secexec) {
	enum bin_kind kind;
	bool unpriv;
	bool nnp;
	int flags;		/* 0 or CLONE_NEWUSER */
	int want_at_secure;	/* -1: only compare the two paths */
};

FIXTURE_VARIANT_ADD(secexec, root_plain) { .kind = BIN_PLAIN, .want_at_secure = 0 };
FIXTURE_VARIANT_ADD(secexec, root_plain_newuser) {
	.kind = BIN_PLAIN, .flags = CLONE_NEWUSER, .want_at_secure = 0
};

FIXTURE_VARIANT_ADD(secexec, unpriv_plain) {
	.kind = BIN_PLAIN, .unpriv = true, .want_at_secure = 0
};

FIXTURE_VARIANT_ADD(secexec, setuid) {
	.kind = BIN_SETUID, .unpriv = true, .want_at_secure = 1
};

FIXTURE_VARIANT_ADD(secexec, setuid_nnp) {
	.kind = BIN_SETUID, .unpriv = true, .nnp = true, .want_at_secure = -1
};

FIXTURE_VARIANT_ADD(secexec, setuid_newuser) {
	.kind = BIN_SETUID, .unpriv = true, .flags = CLONE_NEWUSER, .want_at_secure = -1
};

FIXTURE_VARIANT_ADD(secexec, fcaps) {
	.kind = BIN_FCAPS, .unpriv = true, .want_at_secure = 1
};

FIXTURE_VARIANT_ADD(secexec, fcaps_nnp) {
	.kind = BIN_FCAPS, .unpriv = true, .nnp = true, .want_at_secure = -1
};

FIXTURE_VARIANT_ADD(secexec, fcaps_newuser) {
	.kind = BIN_FCAPS, .unpriv = true, .flags = CLONE_NEWUSER, .want_at_secure = -1
};

#define FCAP_BIT CAP_NET_BIND_SERVICE

/* A copy of the helper with security.capability: cap_net_bind_service=pe. */
static int make_fcaps_binary(const char *from, const char *to)
{
	struct vfs_cap_data cap;

	if (copy_file(from, to, 0755) || chmod(to, 0755))
		return -1;
	memset(&cap, 0, sizeof(cap));
	cap.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
	cap.data[0].permitted = 1U << FCAP_BIT;
	return setxattr(to, "security.capability", &cap, XATTR_CAPS_SZ_2, 0);
}

FIXTURE_SETUP(secexec)
{
	INTERPLAY_SETUP(self);
	switch (variant->kind) {
	case BIN_PLAIN:
		snprintf(self->bin, sizeof(self->bin), "%s", self->s.helper);
		break;
	case BIN_SETUID:
		snprintf(self->bin, sizeof(self->bin), "%s/suid_helper", self->s.dir);
		ASSERT_EQ(0, copy_file(self->s.helper, self->bin, 0755));
		ASSERT_EQ(0, chown(self->bin, 0, 0));
		ASSERT_EQ(0, chmod(self->bin, 04755));
		break;
	case BIN_FCAPS:
		snprintf(self->bin, sizeof(self->bin), "%s/fcaps_helper", self->s.dir);
		if (make_fcaps_binary(self->s.helper, self->bin)) {
			int err = errno;

			scratch_fini(&self->s);
			if (err == EOPNOTSUPP || err == ENOTSUP)
				SKIP(return,
				     "the file system of %s refuses security.capability xattrs (tmpfs without CONFIG_TMPFS_XATTR?)",
				     "/tmp");
			ASSERT_EQ(0, err) {
				TH_LOG("setxattr(security.capability): %s", strerror(err));
			}
		}
		break;
	}
}

FIXTURE_TEARDOWN_PARENT(secexec)
{
	scratch_fini(&self->s);
}

/*
 * Run bin as the variant says, by execve() or by execns(), and collect
 * what it sees (its report) and what the caller sees of it while it runs.
 */
static void sx_run(struct __test_metadata *_metadata, struct scratch *s,
		   const char *bin, bool unpriv, bool nnp, bool newuser,
		   bool via_execve, struct sx_view *v)
{
	struct run *r = calloc(1, sizeof(*r));
	struct child_result *res;
	struct sx_arg x = {
		.r = r, .via_execve = via_execve, .newuser = newuser, .nnp = nnp,
	};
	const char *how = via_execve ? (newuser ? "unshare(CLONE_NEWUSER) + execve()" :
					"execve()") :
				       (newuser ? "execns(CLONE_NEWUSER)" : "execns(0)");

	ASSERT_NE(NULL, r);
	memset(v, 0, sizeof(*v));
	r->path = bin;
	r->unpriv = unpriv;
	r->hold = true;
	r->flags = !via_execve && newuser ? CLONE_NEWUSER : 0;
	r->prep = prep_secexec;
	r->prep_arg = &x;
	r->env[0] = "EXECNS_NOFORK=1";
	ASSERT_EQ(0, run_start(s, r, &res));
	if (r->hold_fd >= 0) {
		read_lsm_attrs(r->pid, v->lsm, sizeof(v->lsm));
		read_status_ids(r->pid, v->status, sizeof(v->status));
	}
	run_finish(r);
	if (!r->have_report || res->exec_errno || res->setup_step)
		TH_LOG("running %s by %s failed", bin, how);
	ASSERT_RAN(r, res);
	v->at_secure = kv_num(r->report, "at_secure", '=', -1);
	copy_str(v->uid, sizeof(v->uid), kv_get(r->report, "uid", '='));
	copy_str(v->gid, sizeof(v->gid), kv_get(r->report, "gid", '='));
	copy_str(v->cap_eff, sizeof(v->cap_eff), kv_get(r->report, "cap_eff", '='));
	copy_str(v->cap_prm, sizeof(v->cap_prm), kv_get(r->report, "cap_prm", '='));
	v->user_ns = kv_num(r->report, "ns.user", '=', 0);
	free(r);
}

/*
 * AT_SECURE, the ids and capabilities (as the program sees them and as the
 * caller's namespace sees them), no_new_privs and every LSM attribute of
 * /proc/<pid>/attr/ are the same for the program started by execns(0) as
 * by execve(), and with CLONE_NEWUSER as by unshare(CLONE_NEWUSER) +
 * execve(): for root, for uid 1000, for uid 1000 running a set-user-ID-root
 * binary and a binary with file capabilities, with and without
 * no_new_privs.  A plain exec of the privileged binary must raise
 * privilege (else: skip, the file system ignores it), and the plain cases
 * must give the AT_SECURE execve() is known to give.
 */
TEST_F_TIMEOUT(secexec, same_as_execve, 90)
{
	bool newuser = variant->flags & CLONE_NEWUSER;
	struct sx_view *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);

	if (variant->kind != BIN_PLAIN) {
		/* Control: a plain execve() of it raises privilege here. */
		sx_run(_metadata, &self->s, self->bin, true, false, false, true, a);
		if (variant->kind == BIN_SETUID && !strstr(a->status, "Uid: 1000\t0\t0\t0")) {
			TH_LOG("control execve(): %s", a->status);
			SKIP(goto out, "set-user-ID bit not honoured by execve() here (nosuid?)");
		}
		if (variant->kind == BIN_FCAPS &&
		    !(strtoull(a->cap_prm, NULL, 16) & (1ULL << FCAP_BIT)))
			SKIP(goto out, "file capabilities not honoured by execve() here: CapPrm %s",
			     a->cap_prm);
	}

	sx_run(_metadata, &self->s, self->bin, variant->unpriv, variant->nnp,
	       newuser, true, a);
	sx_run(_metadata, &self->s, self->bin, variant->unpriv, variant->nnp,
	       newuser, false, b);

	TH_LOG("AT_SECURE %ld/%ld uid [%s] cap_eff %s", a->at_secure, b->at_secure,
	       b->uid, b->cap_eff);
	EXPECT_EQ(a->at_secure, b->at_secure) {
		TH_LOG("AT_SECURE: %ld by execve(), %ld by execns()",
		       a->at_secure, b->at_secure);
	}
	if (variant->want_at_secure >= 0) {
		EXPECT_EQ(variant->want_at_secure, a->at_secure);
		EXPECT_EQ(variant->want_at_secure, b->at_secure);
	}
	if (variant->kind == BIN_SETUID && !variant->nnp && !newuser) {
		EXPECT_STREQ("1000 0 0", b->uid);
	}
	if (variant->kind == BIN_FCAPS && !variant->nnp && !newuser) {
		EXPECT_TRUE((strtoull(b->cap_eff, NULL, 16) & (1ULL << FCAP_BIT)) != 0) {
			TH_LOG("execns(0) of a cap_net_bind_service=pe binary: CapEff %s",
			       b->cap_eff);
		}
	}
	EXPECT_STREQ(a->uid, b->uid);
	EXPECT_STREQ(a->gid, b->gid);
	EXPECT_STREQ(a->cap_eff, b->cap_eff);
	EXPECT_STREQ(a->cap_prm, b->cap_prm);
	EXPECT_STREQ(a->status, b->status) {
		TH_LOG("/proc/<pid>/status differs: execve() gives\n%s\nexecns() gives\n%s",
		       a->status, b->status);
	}
	EXPECT_STREQ(a->lsm, b->lsm) {
		TH_LOG("LSM attributes differ: execve() gives\n%s\nexecns() gives\n%s",
		       a->lsm, b->lsm);
	}
	if (newuser) {
		/* Both really ran in a new user namespace. */
		EXPECT_NE(self->ns.ino[NS_USER], a->user_ns);
		EXPECT_NE(self->ns.ino[NS_USER], b->user_ns);
	} else {
		EXPECT_EQ(self->ns.ino[NS_USER], b->user_ns);
	}
out:
	free(a);
	free(b);
}

/* ------------------------------------------------------------------ */
/* audit                                                                */

static __u32 nl_seq = 1000;

static int nl_send(int fd, __u16 type, const void *data, size_t len, __u32 *seq)
{
	static char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (NLMSG_SPACE(len) > sizeof(buf)) {
		errno = EMSGSIZE;
		return -1;
	}
	memset(buf, 0, NLMSG_SPACE(len));
	nh->nlmsg_len = NLMSG_LENGTH(len);
	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = *seq = ++nl_seq;
	if (len)
		memcpy(NLMSG_DATA(nh), data, len);
	return sendto(fd, buf, nh->nlmsg_len, 0, (struct sockaddr *)&sa,
		      sizeof(sa)) < 0 ? -1 : 0;
}

/*
 * One datagram within timeout_ms: its length, 0 on timeout, -1 on error.
 * The audit subsystem sends one message per datagram (records sent to the
 * audit daemon even have an nlmsg_len without the header: use the
 * datagram length).
 */
static ssize_t nl_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (timeout_ms < 0)
		timeout_ms = 0;
	r = poll(&pfd, 1, timeout_ms);
	if (r <= 0)
		return r;
	n = recv(fd, buf, len, MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return 0;
	return n;
}

/*
 * Send a request and wait for its ack and, with reply_type, its reply
 * (which may come before or after the ack).  0 or a negative errno.
 */
static int audit_request(int fd, __u16 type, const void *data, size_t len,
			 __u16 reply_type, void *reply, size_t reply_len)
{
	static char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool got_ack = false, got_reply = !reply_type;
	long long end = now_ms() + 5000;
	__u32 seq;

	if (nl_send(fd, type, data, len, &seq))
		return -errno;
	while (!got_ack || !got_reply) {
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		ssize_t n = nl_recv(fd, buf, sizeof(buf), end - now_ms());

		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		if ((size_t)n < NLMSG_HDRLEN || nh->nlmsg_seq != seq)
			continue;	/* a record, or an old reply */
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			if (e->error)
				return e->error;
			got_ack = true;
		} else if (nh->nlmsg_type == reply_type) {
			size_t plen = n - NLMSG_HDRLEN;

			memset(reply, 0, reply_len);
			memcpy(reply, NLMSG_DATA(nh), plen < reply_len ? plen : reply_len);
			got_reply = true;
		}
	}
	return 0;
}

static int audit_set(int fd, __u32 mask, __u32 value)
{
	struct audit_status s;

	memset(&s, 0, sizeof(s));
	s.mask = mask;
	if (mask == AUDIT_STATUS_ENABLED)
		s.enabled = value;
	else
		s.pid = value;
	return audit_request(fd, AUDIT_SET, &s, sizeof(s), 0, NULL, 0);
}

/* Delete every rule with our key (left by an earlier, killed run too). */
static int audit_purge_rules(int fd, int *deleted)
{
	static char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct { size_t len; void *data; } found[16];
	bool got_ack = false, got_done = false;
	long long end = now_ms() + 5000;
	int nfound = 0, err = 0;
	__u32 seq;

	*deleted = 0;
	if (nl_send(fd, AUDIT_LIST_RULES, NULL, 0, &seq))
		return -errno;
	while (!got_ack || !got_done) {
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		ssize_t n = nl_recv(fd, buf, sizeof(buf), end - now_ms());

		if (n <= 0) {
			err = n < 0 ? -errno : -ETIMEDOUT;
			break;
		}
		if ((size_t)n < NLMSG_HDRLEN || nh->nlmsg_seq != seq)
			continue;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			if (e->error) {
				err = e->error;
				break;
			}
			got_ack = true;
		} else if (nh->nlmsg_type == NLMSG_DONE) {
			got_done = true;
		} else if (nh->nlmsg_type == AUDIT_LIST_RULES && nfound < 16) {
			size_t plen = n - NLMSG_HDRLEN;

			if (memmem(NLMSG_DATA(nh), plen, AUDIT_KEY, strlen(AUDIT_KEY))) {
				found[nfound].data = malloc(plen);
				if (!found[nfound].data)
					continue;
				memcpy(found[nfound].data, NLMSG_DATA(nh), plen);
				found[nfound++].len = plen;
			}
		}
	}
	for (int i = 0; i < nfound; i++) {
		if (!err) {
			err = audit_request(fd, AUDIT_DEL_RULE, found[i].data,
					    found[i].len, 0, NULL, 0);
			if (!err)
				(*deleted)++;
		}
		free(found[i].data);
	}
	return err;
}

/* Exit filter, always: syscall nr, native arch, parent ppid, our key. */
static struct audit_rule_data *audit_rule(unsigned int nr, pid_t ppid, size_t *len)
{
	size_t klen = strlen(AUDIT_KEY);
	struct audit_rule_data *r = calloc(1, sizeof(*r) + klen);

	if (!r)
		return NULL;
	r->flags = AUDIT_FILTER_EXIT;
	r->action = AUDIT_ALWAYS;
	r->mask[nr / 32] |= 1U << (nr % 32);
	r->fields[0] = AUDIT_ARCH;
	r->values[0] = NATIVE_AUDIT_ARCH;
	r->fieldflags[0] = AUDIT_EQUAL;
	r->fields[1] = AUDIT_PPID;
	r->values[1] = ppid;
	r->fieldflags[1] = AUDIT_EQUAL;
	r->fields[2] = AUDIT_FILTERKEY;
	r->values[2] = klen;
	r->fieldflags[2] = AUDIT_EQUAL;
	r->field_count = 3;
	r->buflen = klen;
	memcpy(r->buf, AUDIT_KEY, klen);
	*len = sizeof(*r) + klen;
	return r;
}

#define NR_KEPT 48

struct audit_rec {
	int type;
	char stamp[64];		/* "sec.ms:serial" */
	char text[2048];
};

/* The "audit(<stamp>):" of a record. */
static void record_stamp(const char *text, char *stamp, size_t len)
{
	const char *p = strstr(text, "audit(");
	size_t n;

	stamp[0] = '\0';
	if (!p)
		return;
	p += 6;
	n = strcspn(p, ")");
	if (n >= len)
		n = len - 1;
	memcpy(stamp, p, n);
	stamp[n] = '\0';
}

/*
 * Read records from fd for up to timeout_ms until the SYSCALL record of
 * syscall nr by pid arrived and, with want_execve, the EXECVE record of the
 * same event.  Copies them to sys/exe (empty if not seen).
 */
static void audit_find(int fd, pid_t pid, unsigned int nr, bool want_execve,
		       int timeout_ms, char *sys, char *exe, size_t len)
{
	static char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	static struct audit_rec kept[NR_KEPT];
	long long end = now_ms() + timeout_ms;
	char pid_s[32], nr_s[32], stamp[64] = "";
	int nkept = 0;

	sys[0] = '\0';
	exe[0] = '\0';
	snprintf(pid_s, sizeof(pid_s), " pid=%d ", (int)pid);
	snprintf(nr_s, sizeof(nr_s), " syscall=%u ", nr);
	while (!sys[0] || (want_execve && !exe[0])) {
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		ssize_t n = nl_recv(fd, buf, sizeof(buf) - 1, end - now_ms());
		struct audit_rec *k;

		if (n <= 0)
			return;
		if ((size_t)n <= NLMSG_HDRLEN || nh->nlmsg_type < AUDIT_FIRST_USER_MSG)
			continue;
		buf[n] = '\0';
		k = &kept[nkept++ % NR_KEPT];
		k->type = nh->nlmsg_type;
		copy_str(k->text, sizeof(k->text), buf + NLMSG_HDRLEN);
		record_stamp(k->text, k->stamp, sizeof(k->stamp));
		if (!sys[0] && k->type == AUDIT_SYSCALL && strstr(k->text, pid_s) &&
		    strstr(k->text, nr_s)) {
			copy_str(sys, len, k->text);
			copy_str(stamp, sizeof(stamp), k->stamp);
		}
		if (stamp[0] && !exe[0]) {
			for (int i = 0; i < NR_KEPT && i < nkept; i++)
				if (kept[i].type == AUDIT_EXECVE &&
				    !strcmp(kept[i].stamp, stamp)) {
					copy_str(exe, len, kept[i].text);
					break;
				}
		}
	}
}

FIXTURE(audit) {
	struct scratch s;
	struct ns_set ns;
	pid_t owner;		/* the process that opened ctl and rec */
	int ctl, rec;
	struct audit_status old;
	bool registered, enabled_changed, rule_added;
	struct audit_rule_data *rule;
	size_t rule_len;
};

/*
 * Wait (at most timeout_ms) for the AUDIT_CONFIG_CHANGE record that
 * contains what, so that it reached us and not the kernel log.
 */
static void audit_drain_until(int fd, const char *what, int timeout_ms)
{
	static char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	long long end = now_ms() + timeout_ms;

	for (;;) {
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		ssize_t n = nl_recv(fd, buf, sizeof(buf) - 1, end - now_ms());

		if (n <= 0)
			return;
		buf[n] = '\0';
		if ((size_t)n > NLMSG_HDRLEN && nh->nlmsg_type == AUDIT_CONFIG_CHANGE &&
		    strstr(buf + NLMSG_HDRLEN, what))
			return;
	}
}

/*
 * Undo what the test changed: its rule, audit enabled, its registration as
 * the audit daemon.  Normally run by the test itself; the teardown runs it
 * again for what a failed test left, possibly in another process (the
 * harness's): then with a socket of its own, and the registration of the
 * (dead) test process is dropped by AUDIT_SET pid=0, which the kernel
 * allows once it found that daemon gone.
 */
static void audit_restore(struct __test_metadata *_metadata,
			  FIXTURE_DATA(audit) *self)
{
	bool mine = self->owner == getpid();
	int ctl = mine ? self->ctl : -1, err, deleted;
	char what[64];

	if (!self->rule_added && !self->enabled_changed && !self->registered)
		return;
	if (ctl < 0) {
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

		ctl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
		if (ctl < 0 || bind(ctl, (struct sockaddr *)&sa, sizeof(sa))) {
			TH_LOG("audit clean-up: no audit socket: %s", strerror(errno));
			return;
		}
	}
	if (self->rule_added) {
		err = audit_purge_rules(ctl, &deleted);
		if (err)
			TH_LOG("deleting the audit rule keyed %s: %s", AUDIT_KEY,
			       strerror(-err));
		self->rule_added = false;
	}
	if (self->enabled_changed) {
		err = audit_set(ctl, AUDIT_STATUS_ENABLED, self->old.enabled);
		if (err)
			TH_LOG("restoring audit enabled=%u: %s", self->old.enabled,
			       strerror(-err));
		else if (mine && self->registered) {
			snprintf(what, sizeof(what), "audit_enabled=%u ", self->old.enabled);
			audit_drain_until(self->rec, what, 2000);
		}
		self->enabled_changed = false;
	}
	if (self->registered) {
		err = audit_set(mine ? self->rec : ctl, AUDIT_STATUS_PID, 0);
		if (err)
			TH_LOG("unregistering as the audit daemon: %s", strerror(-err));
		self->registered = false;
	}
	if (!mine)
		close(ctl);
}

FIXTURE_SETUP(audit)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int err;

	self->ctl = -1;
	self->rec = -1;
	self->owner = getpid();
	self->ctl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (self->ctl < 0)
		SKIP(return, "no NETLINK_AUDIT socket (%s): kernel without CONFIG_AUDIT",
		     strerror(errno));
	ASSERT_EQ(0, bind(self->ctl, (struct sockaddr *)&sa, sizeof(sa)));
	err = audit_request(self->ctl, AUDIT_GET, NULL, 0, AUDIT_GET,
			    &self->old, sizeof(self->old));
	if (err) {
		close(self->ctl);
		SKIP(return, "AUDIT_GET: %s", strerror(-err));
	}
	if (self->old.enabled == 2) {
		close(self->ctl);
		SKIP(return,
		     "the audit configuration is locked (enabled=2): rules cannot be added");
	}
	if (!execns_ok || geteuid()) {
		close(self->ctl);
		self->ctl = -1;
	}
	INTERPLAY_SETUP(self);
}

/* In the harness's process, or in the test's after a failed ASSERT. */
FIXTURE_TEARDOWN_PARENT(audit)
{
	audit_restore(_metadata, self);
	if (self->owner == getpid()) {
		if (self->rec >= 0)
			close(self->rec);
		if (self->ctl >= 0)
			close(self->ctl);
		free(self->rule);
	}
	scratch_fini(&self->s);
}

/*
 * An exit rule for the execns() syscall number (native arch, our children
 * only, our key): a successful execns(CLONE_NEWUSER | CLONE_NEWUTS) of the
 * helper produces a SYSCALL record (syscall=<nr> success=yes exit=0, our
 * key) and an EXECVE record with the program's argv; a failing execns()
 * (ENOENT) a SYSCALL record with success=no exit=-2.  The records are read
 * as the audit daemon (registered for the test when none runs: no record
 * ends up in the kernel log) and from the AUDIT_NLGRP_READLOG multicast
 * group.  The rule is deleted and the audit state restored afterwards.
 */
TEST_F_TIMEOUT(audit, execns_syscall_records, 120)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1U << (AUDIT_NLGRP_READLOG - 1),
	};
	static char sys[4096], exe[4096];
	char want[128];
	struct run *r = calloc(1, sizeof(*r));
	struct child_result *res;
	int err, deleted, status, flags;
	pid_t pid;

	ASSERT_NE(NULL, r);
	self->rec = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	ASSERT_LE(0, self->rec);
	ASSERT_EQ(0, bind(self->rec, (struct sockaddr *)&sa, sizeof(sa))) {
		TH_LOG("joining AUDIT_NLGRP_READLOG: %s", strerror(errno));
	}
	if (!self->old.pid) {
		self->registered = true;	/* before: a late ack still counts */
		err = audit_set(self->rec, AUDIT_STATUS_PID, getpid());
		if (err) {
			self->registered = false;
			TH_LOG("registering as the audit daemon: %s (multicast only)",
			       strerror(-err));
		}
	} else {
		TH_LOG("audit daemon %u running: reading the multicast group only",
		       self->old.pid);
	}
	if (!self->old.enabled) {
		self->enabled_changed = true;
		ASSERT_EQ(0, audit_set(self->ctl, AUDIT_STATUS_ENABLED, 1));
	}
	err = audit_purge_rules(self->ctl, &deleted);
	ASSERT_EQ(0, err) {
		TH_LOG("listing/deleting old rules: %s", strerror(-err));
	}
	if (deleted)
		TH_LOG("deleted %d stale rule(s) keyed %s", deleted, AUDIT_KEY);

	self->rule = audit_rule(EXEC_NR, getpid(), &self->rule_len);
	ASSERT_NE(NULL, self->rule);
	self->rule_added = true;	/* clean-up deletes whatever has our key */
	err = audit_request(self->ctl, AUDIT_ADD_RULE, self->rule, self->rule_len,
			    0, NULL, 0);
	if (err == -EINVAL)
		SKIP(goto out,
		     "an exit-filter syscall rule is refused (EINVAL): kernel without CONFIG_AUDITSYSCALL");
	ASSERT_EQ(0, err) {
		TH_LOG("AUDIT_ADD_RULE: %s", strerror(-err));
	}

	/* A successful call. */
	flags = flags_or(CLONE_NEWUSER | CLONE_NEWUTS, 0);
	r->flags = flags;
	r->argv[0] = self->s.helper;
	r->argv[1] = AUDIT_MARKER;
	r->env[0] = "EXECNS_NOFORK=1";
	ASSERT_EQ(0, run_start(&self->s, r, &res));
	run_finish(r);
	ASSERT_RAN(r, res);
	check_report_ns(_metadata, &self->ns, r->report, flags);

	audit_find(self->rec, r->pid, EXEC_NR, true, 15000, sys, exe, sizeof(sys));
	ASSERT_NE(0, sys[0]) {
		TH_LOG("no SYSCALL record of syscall %d by pid %d within 15 s",
		       EXEC_NR, r->pid);
	}
	TH_LOG("%s", sys);
	EXPECT_NE(NULL, strstr(sys, " success=yes exit=0 "));
	EXPECT_NE(NULL, strstr(sys, " key=\"" AUDIT_KEY "\""));
	snprintf(want, sizeof(want), "arch=%x ", NATIVE_AUDIT_ARCH);
	EXPECT_NE(NULL, strstr(sys, want));
	EXPECT_NE(0, exe[0]) {
		TH_LOG("no EXECVE record for the successful execns()");
	}
	EXPECT_NE(NULL, strstr(exe, "a1=\"" AUDIT_MARKER "\"")) {
		TH_LOG("EXECVE record: %s", exe);
	}

	/* A failing call. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *const argv[] = { "execns-audit-enoent", NULL };
		char *const envp[] = { NULL };

		sys_execns(0, "/nonexistent/execns-audit", argv, envp);
		_exit(errno & 0xff);
	}
	status = wait_timeout(pid, 20000);
	ASSERT_TRUE(status >= 0 && WIFEXITED(status));
	ASSERT_EQ(ENOENT, WEXITSTATUS(status));
	audit_find(self->rec, pid, EXEC_NR, false, 15000, sys, exe, sizeof(sys));
	ASSERT_NE(0, sys[0]) {
		TH_LOG("no SYSCALL record of the failing call by pid %d within 15 s",
		       pid);
	}
	TH_LOG("%s", sys);
	EXPECT_NE(NULL, strstr(sys, " success=no exit=-2 "));
out:
	audit_restore(_metadata, self);
	free(r);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], MODE_ARG)) {
		if (!strcmp(argv[2], "report"))
			return mode_report();
		return 2;
	}
	execns_ok = execns_probe(execns_why, sizeof(execns_why));
	if (!execns_ok)
		ksft_print_msg("%s: the execns() parts will be skipped\n", execns_why);
	return test_harness_run(argc, argv);
}
