/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running execns() in a child and collecting the target's report, for the
 * execns selftests.  Include after kselftest_harness.h and execns_util.h.
 */
#ifndef __EXECNS_RUN_H
#define __EXECNS_RUN_H

#include <pthread.h>
#include <stdint.h>
#include <linux/execns.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/socket.h>

#define FD_TOP_LIMIT	4096	/* RLIMIT_NOFILE while opening test fds */
#define FD_LOW_LIMIT	512	/* ... lowered to this before execns() */

static inline long sys_execns2(struct execns_args *args, size_t size)
{
	return syscall(__NR_execns2, args, size);
}

/* ------------------------------------------------------------------ */
/* Caller-side set-up, run in the child just before execns().          */

/*
 * Open fds of every kind: 0-2, a pipe, a cloexec socketpair, a directory,
 * an eventfd, fds 100/101 (one cloexec), 1000, and the highest fd allowed
 * by a raised RLIMIT_NOFILE; then lower RLIMIT_NOFILE below most of them
 * (a "close fds up to the rlimit" implementation would miss those).
 * Returns the number of open fds or -1.
 */
static int open_many_fds(const char *dir)
{
	struct rlimit rl;
	int p[2], sv[2], fd, n = 0;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", O_RDWR) != fd)
			return -1;
	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	if (open(dir, O_RDONLY | O_DIRECTORY) < 0)
		return -1;
	/* An eventfd, or without CONFIG_EVENTFD another file. */
	if (eventfd(0, 0) < 0 && (errno != ENOSYS || open("/dev/null", O_RDONLY) < 0))
		return -1;
	if (dup2(p[0], 100) != 100 || dup3(p[1], 101, O_CLOEXEC) != 101)
		return -1;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if (rl.rlim_cur < FD_TOP_LIMIT) {
		rl.rlim_cur = rl.rlim_max < FD_TOP_LIMIT ? rl.rlim_max : FD_TOP_LIMIT;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur > 1000 && dup2(p[0], 1000) != 1000)
		return -1;
	if (rl.rlim_cur > 1001 && rl.rlim_cur <= FD_TOP_LIMIT &&
	    dup2(p[1], rl.rlim_cur - 1) != (int)rl.rlim_cur - 1)
		return -1;
	rl.rlim_cur = FD_LOW_LIMIT;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	for (fd = 0; fd < FD_TOP_LIMIT; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

static volatile int threads_started;
static volatile unsigned long spin_counter;

/*
 * A thread that keeps running: it spins, with short sleeps so that on a
 * slow (single-CPU, emulated) guest the calling thread still gets the CPU.
 */
static void *spin_thread(void *arg)
{
	__atomic_add_fetch(&threads_started, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		for (int i = 0; i < 20000; i++)
			spin_counter++;
		usleep(200);
	}
	return NULL;
}

/* Start n threads that keep running; 0 once all of them are running. */
static int start_threads(int n)
{
	pthread_t t;
	int i;

	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, spin_thread, NULL))
			return -1;
	for (i = 0; i < 10000 && threads_started < n; i++)
		usleep(1000);
	return threads_started == n ? 0 : -1;
}

static int count_threads(void)
{
	char buf[4096];

	if (read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return -1;
	return kv_num(buf, "Threads", ':', -1);
}

/* ------------------------------------------------------------------ */
/* Running a successful execns() and collecting the helper's report.  */

enum fork_mode { FORK_PLAIN, FORK_CLONE_FS, FORK_CLONE_FILES, FORK_VFORK };

struct run {
	/* in */
	int flags;
	const char *path;		/* NULL: the helper */
	char *argv[8];			/* argv[0] NULL: { path, NULL } */
	const char *env[12];		/* extra "KEY=value" for the target */
	bool unpriv;			/* switch to TEST_UID first */
	int threads;			/* start this many running threads */
	bool many_fds;			/* open_many_fds() first */
	bool sem;			/* semop(semid, +1, SEM_UNDO) first */
	int semid;
	enum fork_mode mode;
	int (*prep)(void *arg);		/* run in the child after unpriv */
	void *prep_arg;
	bool hold;			/* target waits until run_finish() */
	/*
	 * Call execns2(args2, size2) instead (size2 0: sizeof); its flags,
	 * argv and envp are set from the above, its pathname too when 0.
	 */
	struct execns_args *args2;
	size_t size2;
	/* out */
	pid_t pid;
	int status;
	int hold_fd;
	char report_path[PATH_MAX];
	char hold_path[PATH_MAX];
	char report[65536];
	bool have_report;
	struct stat report_st;
};

/* Written by the child; MAP_SHARED so that vfork/clone children work too. */
struct child_result {
	int setup_step;		/* != 0: set-up step that failed */
	int setup_errno;
	int exec_errno;		/* execns() returned with this errno */
	int nfds;		/* fds open just before execns() */
	int nthreads;		/* threads just before execns() */
};

/* Zeroed memory shared with the children forked later, or NULL. */
static inline void *shared_zalloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, size);
	return p;
}

struct child_args {
	struct run *r;
	struct scratch *s;
	struct child_result *res;
	char **argv;
	char **envp;
};

#define CHILD_FAIL(step) do {					\
	a->res->setup_step = (step);				\
	a->res->setup_errno = errno;				\
	_exit(100 + (step));					\
} while (0)

static int run_child(void *arg)
{
	struct child_args *a = arg;
	struct run *r = a->r;

	if (r->mode != FORK_VFORK) {
		if (r->unpriv && drop_privs())
			CHILD_FAIL(1);
		if (r->prep && r->prep(r->prep_arg))
			CHILD_FAIL(6);
		if (r->many_fds) {
			a->res->nfds = open_many_fds(a->s->rep);
			if (a->res->nfds < 12)
				CHILD_FAIL(2);
		}
		if (r->sem) {
			struct sembuf op = { .sem_num = 0, .sem_op = 1,
					     .sem_flg = SEM_UNDO };

			if (semop(r->semid, &op, 1))
				CHILD_FAIL(3);
		}
		if (r->threads) {
			if (start_threads(r->threads))
				CHILD_FAIL(4);
			a->res->nthreads = count_threads();
			if (a->res->nthreads != r->threads + 1)
				CHILD_FAIL(5);
		}
	}
	if (r->args2) {
		r->args2->flags = (unsigned int)r->flags;
		r->args2->argv = (uintptr_t)a->argv;
		r->args2->envp = (uintptr_t)a->envp;
		if (!r->args2->pathname)
			r->args2->pathname = (uintptr_t)r->path;
		sys_execns2(r->args2, r->size2 ? r->size2 : sizeof(*r->args2));
	} else {
		sys_execns(r->flags, r->path, a->argv, a->envp);
	}
	a->res->exec_errno = errno ? errno : -1;
	_exit(99);
}

static char *envbuf_add(char **envp, int *n, const char *fmt, const char *val)
{
	char *e;

	if (asprintf(&e, fmt, val) < 0)
		return NULL;
	envp[(*n)++] = e;
	envp[*n] = NULL;
	return e;
}

/*
 * Fork a child that calls execns() as described by r.  Returns 0, or -1
 * if the child could not be started.  With r->hold, waits for the target
 * to report and leaves it blocked until run_finish().
 */
static int run_start(struct scratch *s, struct run *r, struct child_result **resp)
{
	static char *envp[32];
	struct child_args a = { .r = r, .s = s };
	char *stack;
	int n = 0, i;
	pid_t pid;

	r->hold_fd = -1;
	r->have_report = false;
	r->status = -1;
	if (!r->path)
		r->path = s->helper;
	if (!r->argv[0])
		r->argv[0] = (char *)r->path;
	if (scratch_path(s, "report", r->report_path, sizeof(r->report_path)))
		return -1;
	envbuf_add(envp, &n, "EXECNS_REPORT=%s", r->report_path);
	if (r->hold) {
		if (scratch_fifo(s, r->hold_path, sizeof(r->hold_path)))
			return -1;
		envbuf_add(envp, &n, "EXECNS_HOLD=%s", r->hold_path);
	}
	for (i = 0; r->env[i]; i++)
		envbuf_add(envp, &n, "%s", r->env[i]);

	a.res = shared_zalloc(sizeof(*a.res));
	if (!a.res)
		return -1;
	*resp = a.res;
	a.argv = r->argv;
	a.envp = envp;

	fflush(stdout);
	fflush(stderr);
	switch (r->mode) {
	/*
	 * The child must not write r->pid: r may be in memory shared with the
	 * parent (fixtures with FIXTURE_TEARDOWN_PARENT are MAP_SHARED), where
	 * its 0 would overwrite the pid the parent stored.
	 */
	case FORK_PLAIN:
	case FORK_VFORK:
		pid = r->mode == FORK_VFORK ? vfork() : fork();
		if (pid == 0)
			run_child(&a);
		r->pid = pid;
		break;
	case FORK_CLONE_FS:
	case FORK_CLONE_FILES:
		stack = malloc(256 * 1024);
		if (!stack)
			return -1;
		r->pid = clone(run_child, stack + 256 * 1024, SIGCHLD |
			       (r->mode == FORK_CLONE_FS ? CLONE_FS : CLONE_FILES),
			       &a);
		break;
	}
	if (r->pid < 0)
		return -1;
	if (r->hold) {
		r->hold_fd = hold_wait(r->hold_path, r->pid, &r->status, 20000);
		if (r->hold_fd < 0 && r->status == -1) {
			kill(r->pid, SIGKILL);
			waitpid(r->pid, &r->status, 0);
		}
	}
	return 0;
}

/* Release a held target, reap it and read its report. */
static void run_finish(struct run *r)
{
	if (r->hold_fd >= 0) {
		close(r->hold_fd);
		r->hold_fd = -1;
	}
	if (r->status == -1)
		r->status = wait_timeout(r->pid, 20000);
	if (read_file(r->report_path, r->report, sizeof(r->report)) > 0 &&
	    !stat(r->report_path, &r->report_st))
		r->have_report = !!kv_get(r->report, "done", '=');
}

/* The checks every successful run must pass. */
#define ASSERT_RAN(r, res) do {						\
	ASSERT_EQ(0, (res)->setup_step) {				\
		TH_LOG("child set-up step %d failed: %s",		\
		       (res)->setup_step, strerror((res)->setup_errno)); \
	}								\
	ASSERT_EQ(0, (res)->exec_errno) {				\
		TH_LOG("execns(%#x, %s) failed: %s", (r)->flags,	\
		       (r)->path, strerror((res)->exec_errno));		\
	}								\
	ASSERT_TRUE((r)->have_report) {					\
		TH_LOG("target did not report (%s)",			\
		       status_str((r)->status));			\
	}								\
	ASSERT_TRUE(WIFEXITED((r)->status) && !WEXITSTATUS((r)->status)) { \
		TH_LOG("target ended with %s", status_str((r)->status)); \
	}								\
	/* execns() replaces the caller: same process. */		\
	ASSERT_EQ((r)->pid, kv_num((r)->report, "pid", '=', -1));	\
} while (0)

static inline void report_ns(const char *report, struct ns_set *ns)
{
	char key[64];

	for (size_t i = 0; i < NR_NS; i++) {
		snprintf(key, sizeof(key), "ns.%s", ns_names[i]);
		ns->ino[i] = kv_num(report, key, '=', -1);
	}
}

/* The namespaces that changed must be exactly those the flags name. */
#define ASSERT_NS_CHANGED(before, r, flags) do {			\
	struct ns_set __after;						\
	unsigned int __got, __want = ns_expected_change(flags);	\
	char __g[256], __w[256];					\
									\
	report_ns((r)->report, &__after);				\
	__got = ns_diff((before), &__after);				\
	ns_mask_str(__got, __g, sizeof(__g));				\
	ns_mask_str(__want, __w, sizeof(__w));				\
	ASSERT_EQ(__want, __got) {					\
		TH_LOG("flags %#x: changed %s, expected %s",		\
		       (unsigned int)(flags), __g, __w);		\
	}								\
} while (0)

#define ASSERT_NO_FDS(r) do {						\
	ASSERT_STREQ("none", kv_get((r)->report, "fds", '=') ?: "?") {	\
		TH_LOG("fds open in the new program: %s",		\
		       kv_get((r)->report, "fds", '='));		\
	}								\
	ASSERT_STREQ("none", kv_get((r)->report, "proc_fds", '=') ?: "?"); \
} while (0)

/* ------------------------------------------------------------------ */
/* Fixture set-up                                                      */

/*
 * The usual fixture set-up: skip unless ok (why says why) and root, then a
 * scratch directory with the helper (self->s), made the working directory.
 */
#define SCRATCH_SETUP(self, ok, why) do {				\
	char __why[256];						\
									\
	if (!(ok))							\
		SKIP(return, "%s", why);				\
	if (geteuid() != 0)						\
		SKIP(return, "must run as root");			\
	if (scratch_init(&(self)->s, __why, sizeof(__why))) {		\
		scratch_fini(&(self)->s);				\
		SKIP(return, "%s", __why);				\
	}								\
	if (chdir((self)->s.dir)) {					\
		scratch_fini(&(self)->s);				\
		SKIP(return, "chdir: %s", strerror(errno));		\
	}								\
} while (0)

/* The same, and self->ns the namespaces of the test before anything runs. */
#define NS_SCRATCH_SETUP(self, ok, why) do {				\
	SCRATCH_SETUP(self, ok, why);					\
	ns_read("self", &(self)->ns);					\
} while (0)

/* Skip unless this kernel has every namespace type named in flags. */
#define REQUIRE_NS_TYPES(flags) do {					\
	int __flags = (flags);						\
									\
	if (!ns_types_present(__flags))					\
		SKIP(return, "kernel lacks a namespace type in %#x", __flags); \
} while (0)

/* ------------------------------------------------------------------ */
/* The caller's state before and after a failing call                  */

struct fd_state {
	int fd, fdflags, flflags;
	dev_t dev;
	ino_t ino;
	off_t pos;
};

#define SNAPSHOT_FDS	64

struct snapshot {
	struct ns_set ns;
	int nfds;
	struct fd_state fds[SNAPSHOT_FDS];
	char status[2048];	/* ids, groups, capabilities, nnp, seccomp... */
	char cwd[PATH_MAX];
	char root[PATH_MAX];
};

/*
 * Namespaces, every fd below FD_TOP_LIMIT (flags, file, offset), the
 * credential lines of /proc/self/status, cwd and root.
 */
static inline void take_snapshot(struct snapshot *sn)
{
	static const char *const keep[] = {
		"Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:",
		"CapBnd:", "CapAmb:", "NoNewPrivs:", "Seccomp:", "Seccomp_filters:",
		"Threads:", "NStgid:", "NSpid:",
	};
	char status[8192], *line, *save;
	ssize_t n;

	memset(sn, 0, sizeof(*sn));
	ns_read("self", &sn->ns);
	for (int fd = 0; fd < FD_TOP_LIMIT && sn->nfds < SNAPSHOT_FDS; fd++) {
		struct fd_state *f = &sn->fds[sn->nfds];
		struct stat st;

		f->fdflags = fcntl(fd, F_GETFD);
		if (f->fdflags == -1)
			continue;
		f->fd = fd;
		f->flflags = fcntl(fd, F_GETFL);
		if (!fstat(fd, &st)) {
			f->dev = st.st_dev;
			f->ino = st.st_ino;
		}
		f->pos = lseek(fd, 0, SEEK_CUR);
		sn->nfds++;
	}
	if (read_file("/proc/self/status", status, sizeof(status)) > 0) {
		for (line = strtok_r(status, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
				if (!strncmp(line, keep[i], strlen(keep[i])))
					catf(sn->status, sizeof(sn->status),
					     "%s\n", line);
	}
	if (!getcwd(sn->cwd, sizeof(sn->cwd)))
		sn->cwd[0] = '\0';
	n = readlink("/proc/self/root", sn->root, sizeof(sn->root) - 1);
	sn->root[n > 0 ? n : 0] = '\0';
}

/* Empty string if equal, else what differs. */
static inline void compare_snapshots(const struct snapshot *a,
				     const struct snapshot *b,
				     char *out, size_t len)
{
	unsigned int d = ns_diff(&a->ns, &b->ns);

	out[0] = '\0';
	if (d) {
		char names[256];

		ns_mask_str(d, names, sizeof(names));
		catf(out, len, "namespaces changed: %s; ", names);
	}
	if (a->nfds != b->nfds)
		catf(out, len, "%d fds before, %d after; ", a->nfds, b->nfds);
	for (int i = 0; i < a->nfds && i < b->nfds; i++)
		if (memcmp(&a->fds[i], &b->fds[i], sizeof(a->fds[i])))
			catf(out, len, "fd %d changed (now fd %d flags %#x/%#x); ",
			     a->fds[i].fd, b->fds[i].fd,
			     b->fds[i].fdflags, b->fds[i].flflags);
	if (strcmp(a->status, b->status))
		catf(out, len, "status changed: [%s] -> [%s]; ",
		     a->status, b->status);
	if (strcmp(a->cwd, b->cwd))
		catf(out, len, "cwd %s -> %s; ", a->cwd, b->cwd);
	if (strcmp(a->root, b->root))
		catf(out, len, "root %s -> %s; ", a->root, b->root);
}

/* ------------------------------------------------------------------ */
/* Failing calls: what the child reports, what the parent checks       */

/*
 * The report of a failing-call test's child, in shared memory (the first
 * member of each test's own result): the set-up step that failed (0: none)
 * and its errno, then whether the call returned, its value and errno, and
 * compare_snapshots() of the caller before and after it.
 */
struct fail_common {
	int step;
	int step_errno;
	int returned;
	long ret;
	int err;
	char diff[4000];
};

/*
 * The parent's side before the fork: the shared result at *slot (mapped on
 * first use, size bytes), zeroed; NULL if it cannot be mapped.
 */
static inline void *fail_result_reset(void **slot, size_t size)
{
	if (!*slot)
		*slot = shared_zalloc(size);
	if (*slot)
		memset(*slot, 0, size);
	return *slot;
}

/* fork() with stdio flushed, so that nothing buffered is written twice. */
static inline pid_t fork_flushed(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

/* In the child: set-up step n failed. */
static inline void __noreturn fail_step(struct fail_common *fr, int n)
{
	fr->step = n;
	fr->step_errno = errno;
	_exit(1);
}

/*
 * In the child, right after the call (made with the caller's state in
 * *before): record what it returned and what changed.
 */
static inline void fail_call_done(struct fail_common *fr, long ret,
				  const struct snapshot *before,
				  struct snapshot *after)
{
	fr->err = errno;
	fr->ret = ret;
	fr->returned = 1;
	take_snapshot(after);
	compare_snapshots(before, after, fr->diff, sizeof(fr->diff));
}

/*
 * In the parent: the set-up ran, and the call (`call` in messages) returned
 * -1 with want_errno and changed nothing in the caller.
 */
static inline void check_failed_call(struct __test_metadata *_metadata,
				     const struct fail_common *fr, int status,
				     const char *what, const char *call,
				     int want_errno)
{
	ASSERT_EQ(0, fr->step) {
		TH_LOG("%s: set-up step %d failed: %s", what, fr->step,
		       strerror(fr->step_errno));
	}
	ASSERT_TRUE(fr->returned) {
		TH_LOG("%s: %s did not return (child %s): it must fail with %s",
		       what, call, status_str(status), strerror(want_errno));
	}
	EXPECT_EQ(-1, fr->ret);
	EXPECT_EQ(want_errno, fr->err) {
		TH_LOG("%s: %s failed with %s, expected %s", what, call,
		       strerror(fr->err), strerror(want_errno));
	}
	EXPECT_STREQ("", fr->diff) {
		TH_LOG("%s: the failed %s changed the caller", what, call);
	}
}

#endif /* __EXECNS_RUN_H */
