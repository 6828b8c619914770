// SPDX-License-Identifier: GPL-2.0
/*
 * execns-stress: a seeded fuzzer and a concurrency stress for execns(2) and the
 * per-user-namespace uid tables. Prints TAP (one line per check) and counts.
 *
 *   execns-stress fuzz [--seed S] [--calls N] [--from I] [--threads T] [--fuzz-seconds S] [--verbose]
 *       N execns() calls (default 10000), each in a forked child, from T parallel
 *       threads (1-4, default 4). Every call's parameters are derived from (seed,
 *       call index) only, so a run is reproducible whatever the thread interleaving:
 *       random flags (valid and invalid bits); filename NULL / unmapped / kernel
 *       address / non-canonical / random / crossing into an unmapped page / longer
 *       than PATH_MAX / component longer than NAME_MAX / missing / a directory /
 *       not executable / garbage / ELOOP / ENOTDIR / a valid target / a #! script /
 *       a valid 4000-byte path; argv and envp NULL / valid / unmapped / kernel
 *       address / with an unmapped element / unterminated at a page end / a string
 *       > MAX_ARG_STRLEN / 1000 strings; as root or as uid 1000 (setresuid in the
 *       child); from the main thread or from one of 1-3 extra threads; with extra
 *       open fds (some close-on-exec, some not).
 *       The valid target (/bin/execns-stress-target) exits 0 only if it has no fd.
 *       --fuzz-seconds S stops early (the count of calls made is printed). To replay
 *       one call: --seed S --from I --calls 1 --threads 1 --verbose (prints each call).
 *   execns-stress conc [--seconds S] [--ns 8] [--procs 3] [--seed S]
 *       8 workers started with a privileged execns(CLONE_NEWUSER), i.e. each in a
 *       user namespace with a fresh uid table (the parent writes their uid/gid maps,
 *       the worker re-executes itself to become root there), each running --procs
 *       processes that mix setuid churn, fork/exit and execns() (nested
 *       CLONE_NEWUSER included) for S seconds; plus the same mix in the root table.
 *       Checks: distinct fresh tables; every worker table's record count back to its
 *       baseline; the root table's too.
 *   execns-stress all [fuzz and conc options] [--kmemleak]
 *       fuzz, then conc, then the root table baseline and (--kmemleak) a kmemleak
 *       scan: any unreferenced object is a failure.
 *
 * Exit status 0 if every check passed, 1 otherwise, 4 (KSFT_SKIP) if the kernel has
 * no execns(). Must run as root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The selftests' helpers (EXECNS_ALL_NS, TEST_UID, the /proc/<pid>/uid_table reader):
 * bench/Makefile puts tools/testing/selftests/execns of the kernel tree on the include path.
 * The number comes from the execns kernel's UAPI headers (asm/unistd.h).
 */
#ifndef __NR_execns
#error "no __NR_execns: build with the kernel's headers (-isystem build/headers/include, KHDR=)"
#endif
#include "execns_util.h"

#define TARGET "/bin/execns-stress-target"
#define SELF "/bin/execns-stress"
#define KERNEL_ADDR ((void *)0xffffffff81000000ul)
#define NONCANON ((void *)0x8000000000000000ul)
#define MAX_ARG_STRLEN (32 * 4096)

/*
 * Exit status of a fuzz child: 0 = the target ran and had no fd; 1-199 = the errno
 * of the failed execns(); 200-239 = the target found fd (status - 200) open;
 * 240 and up: see below.
 */
#define X_FDLEAK	200
#define X_FELLTHROUGH	240
#define X_THREAD	241
#define X_SETUID	242
#define X_RET0		243
#define X_BIGERRNO	244

/* any pointers, also invalid ones */
static long raw_execns(int flags, const void *path, void *argv, void *envp)
{
	return syscall(__NR_execns, flags, path, argv, envp, 0, 0);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- TAP ---------------------------------------------------------------------- */

static int tap_n, tap_failed;

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tap_failed++;
}

static void tap_skip(const char *name, const char *why)
{
	printf("ok %d %s # SKIP %s\n", ++tap_n, name, why);
	fflush(stdout);
}

/* ---- fuzz: shared objects ------------------------------------------------------- */

static char *unmapped;		/* a page that is not mapped */
static char *edge_str;		/* a string running into the unmapped page */
static char **edge_argv;	/* pointer array running into the unmapped page */
static char *long_path;		/* > PATH_MAX */
static char *long_comp;		/* a component > NAME_MAX */
static char *long_valid;	/* a valid path to TARGET, ~4000 bytes */
static char *huge_arg;		/* > MAX_ARG_STRLEN */
static char **many_argv;	/* 1000 strings */
static char *argv_ok[] = { "execns-stress-target", "a", NULL };
static char *envp_ok[] = { "PATH=/bin", "X=1", NULL };
static char *argv_bad_elem[3];
static char *argv_kern_elem[3];
static char *argv_huge[3];

#define F_GARBAGE "/tmp/execns-stress-garbage"
#define F_SCRIPT "/tmp/execns-stress-script"
#define F_LOOP "/tmp/execns-stress-loop"

enum fkind {	/* filename kinds; the first ones are valid */
	FN_TARGET, FN_SCRIPT, FN_LONG_VALID, FN_NVALID,
	FN_NULL = FN_NVALID, FN_UNMAPPED, FN_KERNEL, FN_NONCANON, FN_RANDOM, FN_EDGE,
	FN_LONG, FN_LONG_COMP, FN_MISSING, FN_EMPTY, FN_DIR, FN_NOEXEC, FN_GARBAGE,
	FN_LOOP, FN_NOTDIR, FN_COUNT
};
static const char *fn_names[] = {
	"target", "script", "long_valid", "null", "unmapped", "kernel", "noncanon",
	"random", "edge", "long", "long_comp", "missing", "empty", "dir", "noexec",
	"garbage", "loop", "notdir",
};

enum vkind {	/* argv/envp kinds; the first ones are valid */
	V_OK, V_NULL, V_MANY, V_NVALID,
	V_UNMAPPED = V_NVALID, V_KERNEL, V_BAD_ELEM, V_KERN_ELEM, V_EDGE, V_HUGE, V_COUNT
};
static const char *v_names[] = {
	"ok", "null", "many", "unmapped", "kernel", "bad_elem", "kern_elem", "edge", "huge",
};

static void fuzz_setup(void)
{
	/* two mappings of two pages each, the second page unmapped again */
	char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t n;
	int fd;

	if (p == MAP_FAILED || q == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	munmap(p + 4096, 4096);
	munmap(q + 4096, 4096);
	unmapped = p + 4096;
	/* "/bin/execns-stress-target" without its NUL, ending at the page end */
	n = strlen(TARGET);
	edge_str = unmapped - n;
	memcpy(edge_str, TARGET, n);
	/* argv = { "x", "x", ... } up to the page end, no NULL */
	edge_argv = (char **)q;
	for (int i = 0; i < 4096 / 8; i++)
		edge_argv[i] = argv_ok[0];

	long_path = malloc(PATH_MAX + 200);
	memset(long_path, 'a', PATH_MAX + 199);
	long_path[0] = '/';
	long_path[PATH_MAX + 199] = 0;
	long_comp = malloc(NAME_MAX + 64);
	strcpy(long_comp, "/tmp/");
	memset(long_comp + 5, 'b', NAME_MAX + 20);
	long_comp[5 + NAME_MAX + 20] = 0;
	/* "/./././.../bin/execns-stress-target": valid, just under PATH_MAX */
	long_valid = malloc(PATH_MAX);
	n = 0;
	while (n + 2 + strlen(TARGET) < 4000) {
		memcpy(long_valid + n, "/.", 2);
		n += 2;
	}
	strcpy(long_valid + n, TARGET);
	huge_arg = malloc(MAX_ARG_STRLEN + 16);
	memset(huge_arg, 'h', MAX_ARG_STRLEN + 15);
	huge_arg[MAX_ARG_STRLEN + 15] = 0;
	many_argv = calloc(1001, sizeof(char *));
	for (int i = 0; i < 1000; i++)
		many_argv[i] = "m";

	argv_bad_elem[0] = argv_ok[0];
	argv_bad_elem[1] = unmapped;
	argv_kern_elem[0] = argv_ok[0];
	argv_kern_elem[1] = KERNEL_ADDR;
	argv_huge[0] = argv_ok[0];
	argv_huge[1] = huge_arg;

	fd = open(F_GARBAGE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd >= 0) {
		if (write(fd, "\x7f" "ELF garbage\n\0\1\2\3", 17) < 0)
			perror("write");
		close(fd);
	}
	fd = open(F_SCRIPT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd >= 0) {
		if (write(fd, "#!" TARGET " arg\n", strlen("#!" TARGET " arg\n")) < 0)
			perror("write");
		close(fd);
	}
	chmod(F_GARBAGE, 0755);
	chmod(F_SCRIPT, 0755);
	unlink(F_LOOP);
	if (symlink(F_LOOP, F_LOOP))
		perror("symlink");
}

static const void *pick_filename(int k, uint64_t *rs)
{
	switch (k) {
	case FN_TARGET: return TARGET;
	case FN_SCRIPT: return F_SCRIPT;
	case FN_LONG_VALID: return long_valid;
	case FN_NULL: return NULL;
	case FN_UNMAPPED: return unmapped + (splitmix(rs) & 4095);
	case FN_KERNEL: return KERNEL_ADDR;
	case FN_NONCANON: return NONCANON;
	case FN_RANDOM: return (void *)(uintptr_t)splitmix(rs);
	case FN_EDGE: return edge_str;
	case FN_LONG: return long_path;
	case FN_LONG_COMP: return long_comp;
	case FN_MISSING: return "/nonexistent/execns-stress-target";
	case FN_EMPTY: return "";
	case FN_DIR: return "/tmp";
	case FN_NOEXEC: return "/etc/passwd";
	case FN_GARBAGE: return F_GARBAGE;
	case FN_LOOP: return F_LOOP;
	case FN_NOTDIR: return "/etc/passwd/x";
	}
	return NULL;
}

static void *pick_vec(int k, char **ok)
{
	switch (k) {
	case V_OK: return ok;
	case V_NULL: return NULL;
	case V_MANY: return many_argv;
	case V_UNMAPPED: return unmapped;
	case V_KERNEL: return KERNEL_ADDR;
	case V_BAD_ELEM: return argv_bad_elem;
	case V_KERN_ELEM: return argv_kern_elem;
	case V_EDGE: return edge_argv;
	case V_HUGE: return argv_huge;
	}
	return NULL;
}

/* ---- fuzz: one call ------------------------------------------------------------- */

struct call {
	uint64_t idx, rs;
	int flags, fn, av, ev, unpriv, threads, from_thread, extra_fds;
	const void *path;
	void *argv, *envp;
};

static int flag_bits[] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
	CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME, CLONE_SYSVSEM,
};

static void make_call(uint64_t seed, uint64_t idx, struct call *c)
{
	uint64_t r;
	int x;

	memset(c, 0, sizeof(*c));
	c->idx = idx;
	c->rs = seed ^ (idx * 0xd1342543de82ef95ull);
	splitmix(&c->rs);
	r = splitmix(&c->rs);
	x = r % 100;
	if (x < 20)
		c->flags = 0;
	else if (x < 70) {	/* a subset of the valid flags, light ones more often */
		uint64_t b = splitmix(&c->rs);

		for (int i = 0; i < 9; i++)
			if ((b >> (i * 3)) % 4 == 0)
				c->flags |= flag_bits[i];
	} else if (x < 85) {	/* valid flags plus one invalid bit */
		c->flags = (int)((splitmix(&c->rs) & EXECNS_VALID_FLAGS) | (1u << (splitmix(&c->rs) % 32)));
		if (!(c->flags & ~EXECNS_VALID_FLAGS))
			c->flags |= CLONE_FILES;
	} else
		c->flags = (int)splitmix(&c->rs);

	x = splitmix(&c->rs) % 100;	/* filename: valid half of the time */
	if (x < 40)
		c->fn = FN_TARGET;
	else if (x < 45)
		c->fn = FN_SCRIPT;
	else if (x < 50)
		c->fn = FN_LONG_VALID;
	else
		c->fn = FN_NVALID + splitmix(&c->rs) % (FN_COUNT - FN_NVALID);
	x = splitmix(&c->rs) % 100;
	c->av = x < 70 ? V_OK : x < 75 ? V_NULL : x < 80 ? V_MANY :
		V_NVALID + splitmix(&c->rs) % (V_COUNT - V_NVALID);
	x = splitmix(&c->rs) % 100;
	c->ev = x < 70 ? V_OK : x < 80 ? V_NULL : x < 83 ? V_MANY :
		V_NVALID + splitmix(&c->rs) % (V_COUNT - V_NVALID);
	c->unpriv = splitmix(&c->rs) % 100 < 30;
	x = splitmix(&c->rs) % 100;
	c->threads = x < 75 ? 0 : 1 + x % 3;
	c->from_thread = c->threads && (splitmix(&c->rs) & 1);
	c->extra_fds = splitmix(&c->rs) % 4;
	c->path = pick_filename(c->fn, &c->rs);
	c->argv = pick_vec(c->av, argv_ok);
	c->envp = pick_vec(c->ev, envp_ok);
}

/* Whether the call must succeed (and only those may). */
static int call_valid(const struct call *c)
{
	if (c->flags & ~EXECNS_VALID_FLAGS)
		return 0;
	if (c->fn >= FN_NVALID || c->av >= V_NVALID || c->ev >= V_NVALID)
		return 0;
	/* unprivileged: namespaces other than the user ns need CLONE_NEWUSER */
	if (c->unpriv && (c->flags & EXECNS_ALL_NS & ~CLONE_NEWUSER) && !(c->flags & CLONE_NEWUSER))
		return 0;
	return 1;
}

static void describe(const struct call *c, char *buf, size_t len)
{
	snprintf(buf, len, "call=%llu flags=%#x filename=%s argv=%s envp=%s uid=%d threads=%d%s fds=%d",
		 (unsigned long long)c->idx, c->flags, fn_names[c->fn], v_names[c->av],
		 v_names[c->ev], c->unpriv ? TEST_UID : 0, c->threads,
		 c->from_thread ? "(from a thread)" : "", c->extra_fds);
}

static void do_execns(const struct call *c)
{
	long rc = raw_execns(c->flags, c->path, c->argv, c->envp);
	int e = errno;

	/* still here: it failed; report errno (1-199) as the exit status */
	syscall(SYS_exit_group, rc == 0 ? X_RET0 : e > 0 && e < 200 ? e : X_BIGERRNO);
}

static void *thread_spin(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static void *thread_call(void *arg)
{
	do_execns(arg);
	return NULL;
}

static __attribute__((noreturn)) void child_call(struct call *c)
{
	pthread_t t;

	alarm(60);	/* survives the exec: a hung call or target dies of SIGALRM */
	for (int i = 0; i < c->extra_fds; i++) {
		int p[2];

		if (pipe2(p, i & 1 ? O_CLOEXEC : 0) == 0 && i == 2)
			dup2(p[0], 200);	/* a high fd */
	}
	if (c->unpriv) {
		if (setgroups(0, NULL) || setresgid(TEST_UID, TEST_UID, TEST_UID) ||
		    setresuid(TEST_UID, TEST_UID, TEST_UID))
			_exit(X_SETUID);
	}
	for (int i = 0; i < c->threads; i++) {
		int last = i == c->threads - 1;

		if (pthread_create(&t, NULL, last && c->from_thread ? thread_call : thread_spin, c))
			_exit(X_THREAD);
	}
	if (c->from_thread)
		for (;;)
			pause();
	do_execns(c);
	_exit(X_FELLTHROUGH);
}

/* ---- fuzz: driver --------------------------------------------------------------- */

#define NCODES 256
static struct {
	pthread_mutex_t lock;
	uint64_t seed, next, calls, limit;
	int verbose;
	double deadline, start;
	uint64_t ok, codes[NCODES], sigs[65], forks, threads;
	uint64_t unexpected, fd_leaks, hangs, by_fn[FN_COUNT];
	char first_bad[10][256];
	int nbad;
} F = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void fuzz_bad(const struct call *c, const char *what)
{
	char d[200];

	describe(c, d, sizeof(d));
	pthread_mutex_lock(&F.lock);
	F.unexpected++;
	if (F.nbad < 10)
		snprintf(F.first_bad[F.nbad++], sizeof(F.first_bad[0]), "%s: %s", what, d);
	pthread_mutex_unlock(&F.lock);
}

static void *fuzz_thread(void *arg)
{
	struct call c;

	for (;;) {
		uint64_t idx;
		int status, code = -1, sig = 0;
		pid_t pid;

		pthread_mutex_lock(&F.lock);
		idx = F.next++;
		pthread_mutex_unlock(&F.lock);
		if (idx >= F.limit || (F.deadline && mono() > F.deadline))
			break;
		make_call(F.seed, idx, &c);
		if (F.verbose) {
			char d[200];

			describe(&c, d, sizeof(d));
			printf("# fuzz: %s\n", d);
			fflush(stdout);
		}
		pid = fork();
		if (pid < 0) {
			perror("fork");
			usleep(10000);
			continue;
		}
		if (pid == 0)
			child_call(&c);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status))
			code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			sig = WTERMSIG(status);

		pthread_mutex_lock(&F.lock);
		F.calls++;
		F.forks++;
		F.threads += c.threads;
		if (code == 0)
			F.ok++;
		else if (code > 0)
			F.codes[code]++;
		else
			F.sigs[sig & 63]++;
		if (F.calls % 5000 == 0) {	/* progress, for long runs */
			printf("# fuzz: %llu calls, %.0f s\n", (unsigned long long)F.calls,
			       mono() - F.start);
			fflush(stdout);
		}
		pthread_mutex_unlock(&F.lock);

		if (code >= X_FDLEAK && code < X_FELLTHROUGH) {
			pthread_mutex_lock(&F.lock);
			F.fd_leaks++;
			pthread_mutex_unlock(&F.lock);
			fuzz_bad(&c, "the new program had an open fd");
		} else if (sig == SIGALRM) {
			pthread_mutex_lock(&F.lock);
			F.hangs++;
			pthread_mutex_unlock(&F.lock);
			fuzz_bad(&c, "hung (SIGALRM after 60 s)");
		} else if (sig) {
			char w[64];

			snprintf(w, sizeof(w), "killed by signal %d", sig);
			fuzz_bad(&c, w);
		} else if (code >= X_FELLTHROUGH) {
			fuzz_bad(&c, code == X_RET0 ? "execns returned 0" :
				 code == X_BIGERRNO ? "errno >= 200" : "child setup failed");
		} else if ((c.flags & ~EXECNS_VALID_FLAGS) && code != EINVAL) {
			fuzz_bad(&c, "invalid flag bits but not EINVAL");
		} else if (code == 0 && !call_valid(&c)) {
			fuzz_bad(&c, "succeeded although invalid");
		} else if (code != 0 && call_valid(&c)) {
			char w[64];

			snprintf(w, sizeof(w), "valid call failed: %s", strerror(code));
			fuzz_bad(&c, w);
		}
	}
	return arg;
}

static int have_execns(void)
{
	errno = 0;
	return raw_execns(0, NULL, NULL, NULL) < 0 && errno == EFAULT;
}

static void fuzz_run(uint64_t seed, uint64_t from, uint64_t calls, int nthreads, double seconds)
{
	pthread_t t[4];
	double t0 = mono();

	fuzz_setup();
	F.seed = seed;
	F.next = from;
	F.limit = from + calls;
	F.deadline = seconds > 0 ? t0 + seconds : 0;
	F.start = t0;
	printf("# fuzz: seed=%llu calls=%llu threads=%d%s (reproduce: execns-stress fuzz --seed %llu --calls %llu)\n",
	       (unsigned long long)seed, (unsigned long long)calls, nthreads,
	       seconds > 0 ? " (time-limited)" : "", (unsigned long long)seed,
	       (unsigned long long)calls);
	fflush(stdout);
	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, fuzz_thread, NULL);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);

	printf("# fuzz: calls=%llu successes=%llu processes=%llu threads=%llu time=%.1fs\n",
	       (unsigned long long)F.calls, (unsigned long long)F.ok,
	       (unsigned long long)F.forks, (unsigned long long)F.threads, mono() - t0);
	printf("# fuzz: errno histogram:");
	for (int i = 1; i < NCODES; i++)
		if (F.codes[i])
			printf(" %s=%llu", i < X_FDLEAK ? strerrorname_np(i) ?: "?" :
			       i < X_FELLTHROUGH ? "target-saw-fd" :
			       i == X_THREAD ? "thread-create-failed" :
			       i == X_SETUID ? "setuid-failed" : i == X_RET0 ? "returned-0" :
			       i == X_BIGERRNO ? "errno>=200" : "fell-through",
			       (unsigned long long)F.codes[i]);
	printf("\n# fuzz: killed by signal:");
	for (int i = 1; i < 65; i++)
		if (F.sigs[i])
			printf(" %s=%llu", sigabbrev_np(i) ?: "?", (unsigned long long)F.sigs[i]);
	printf("\n");
	for (int i = 0; i < F.nbad; i++)
		printf("# fuzz: unexpected: %s\n", F.first_bad[i]);
	tap(F.calls > 0 && (F.ok > 0 || calls < 100) && F.unexpected == 0 &&
	    (seconds > 0 || F.calls == calls),
	    "fuzz: %llu calls, %llu successes, %llu unexpected results (seed %llu)",
	    (unsigned long long)F.calls, (unsigned long long)F.ok,
	    (unsigned long long)F.unexpected, (unsigned long long)seed);
	tap(F.fd_leaks == 0 && F.hangs == 0, "fuzz: no fd reached the new program, no hang (%llu, %llu)",
	    (unsigned long long)F.fd_leaks, (unsigned long long)F.hangs);
	unlink(F_GARBAGE);
	unlink(F_SCRIPT);
	unlink(F_LOOP);
}

/* ---- concurrency stress ----------------------------------------------------------- */

struct mix {
	uint64_t setuid, pipes, forks, execns_ok, execns_err, nested_userns;
};

static const int conc_flags[] = {
	0, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWNS,
	CLONE_NEWUSER | CLONE_NEWPID, CLONE_NEWUSER | CLONE_NEWNET, CLONE_NEWUTS | CLONE_NEWIPC,
};

/* One process of the mix: setuid churn (holding some pipes), fork/exit, execns. */
static void mix_loop(uint64_t seed, double seconds, struct mix *m)
{
	static int held[64];
	int nheld = 0;
	double end = mono() + seconds;
	uint64_t rs = seed;

	while (mono() < end) {
		int x = splitmix(&rs) % 10, status;
		pid_t pid;

		if (x < 5) {
			for (int i = 0; i < 50; i++) {
				uid_t u = 1 + splitmix(&rs) % 2000;

				if (setresuid(u, u, 0))
					continue;
				if (splitmix(&rs) % 10 == 0 && nheld < 64) {
					int p[2];

					if (pipe2(p, O_CLOEXEC) == 0) {
						close(p[1]);
						held[nheld++] = p[0];
						m->pipes++;
					}
				}
				if (setresuid(0, 0, 0))
					_exit(3);
				m->setuid++;
			}
			if (nheld == 64 || splitmix(&rs) % 8 == 0) {
				while (nheld)
					close(held[--nheld]);
			}
		} else if (x < 7) {
			pid = fork();
			if (pid == 0)
				_exit(0);
			if (pid > 0) {
				waitpid(pid, &status, 0);
				m->forks++;
			}
		} else {
			int f = conc_flags[splitmix(&rs) % 8];
			uid_t u = splitmix(&rs) % 3 ? 0 : 1 + splitmix(&rs) % 2000;

			pid = fork();
			if (pid == 0) {
				alarm(60);
				if (u && setresuid(u, u, u))
					_exit(97);
				raw_execns(f, TARGET, argv_ok, envp_ok);
				_exit(errno > 0 && errno < 95 ? errno : 99);
			}
			if (pid > 0) {
				waitpid(pid, &status, 0);
				m->forks++;
				if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
					m->execns_ok++;
					if (f & CLONE_NEWUSER)
						m->nested_userns++;
				} else
					m->execns_err++;
			}
		}
	}
	while (nheld)
		close(held[--nheld]);
}

/* Run nprocs mix processes and sum their counts (shared memory). */
static void mix_procs(uint64_t seed, int nprocs, double seconds, struct mix *sum)
{
	struct mix *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[16];

	memset(sum, 0, sizeof(*sum));
	if (m == MAP_FAILED)
		return;
	memset(m, 0, 4096);
	for (int i = 0; i < nprocs && i < 16; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			mix_loop(seed + i * 7919, seconds, &m[i]);
			_exit(0);
		}
	}
	for (int i = 0; i < nprocs && i < 16; i++) {
		int status;

		if (pids[i] > 0)
			waitpid(pids[i], &status, 0);
		sum->setuid += m[i].setuid;
		sum->pipes += m[i].pipes;
		sum->forks += m[i].forks + 1;
		sum->execns_ok += m[i].execns_ok;
		sum->execns_err += m[i].execns_err;
		sum->nested_userns += m[i].nested_userns;
	}
	munmap(m, 4096);
}

/*
 * Worker, stage 1: started by execns(CLONE_NEWUSER): no fd, no capability, overflow
 * ids until the parent has written the maps; then re-executes itself as root of the
 * new user namespace (full capabilities there; same fresh uid table).
 */
static int worker1(char **argv)
{
	double end = mono() + 120;

	while (getuid() != 0 || getgid() != 0) {
		if (mono() > end)
			return 90;
		usleep(2000);
	}
	argv[1] = "worker2";
	execve(SELF, argv, envp_ok);
	return 91;
}

/* Worker, stage 2: argv: worker2 <idx> <seconds> <procs> <seed> <resultfile> */
static int worker2(char **argv)
{
	int idx = atoi(argv[2]), procs = atoi(argv[4]);
	double seconds = atof(argv[3]);
	uint64_t seed = strtoull(argv[5], NULL, 0);
	struct uid_table t0, t1;
	struct mix m;
	long long base, end;
	FILE *f = fopen(argv[6], "w");

	if (!f)
		return 92;
	if (uid_table_read("self", &t0)) {
		fprintf(f, "error=no_uid_table\n");
		fclose(f);
		return 93;
	}
	base = records_stable();
	mix_procs(seed, procs, seconds, &m);
	end = records_wait_for(base, 10000);
	uid_table_read("self", &t1);
	fprintf(f, "idx=%d table=%lld table_after=%lld buckets=%lld records_base=%lld records_end=%lld "
		"setuid=%llu pipes=%llu forks=%llu execns_ok=%llu execns_err=%llu nested_userns=%llu\n",
		idx, t0.id, t1.id, t0.buckets, base, end,
		(unsigned long long)m.setuid, (unsigned long long)m.pipes,
		(unsigned long long)m.forks, (unsigned long long)m.execns_ok,
		(unsigned long long)m.execns_err, (unsigned long long)m.nested_userns);
	fclose(f);
	return end == base ? 0 : 1;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static void conc_run(uint64_t seed, int nns, int procs, double seconds)
{
	char res[16][64], arg[5][32], path[64];
	pid_t pids[16];
	int started = 0, fresh_ok = 1, base_ok = 1, nresults = 0;
	long long ids[16], root_id = -1;
	struct mix root;
	struct uid_table rt;
	double t0 = mono();

	if (nns > 16)
		nns = 16;
	if (uid_table_read("self", &rt) == 0)
		root_id = rt.id;
	printf("# conc: %d user namespaces with fresh uid tables x %d processes + %d in the root table, %.0f s, seed %llu\n",
	       nns, procs, procs, seconds, (unsigned long long)seed);
	fflush(stdout);
	for (int i = 0; i < nns; i++) {
		char *wargv[] = { "execns-stress", "worker1", arg[0], arg[1], arg[2], arg[3], res[i], NULL };
		double end;

		snprintf(res[i], sizeof(res[i]), "/tmp/execns-stress.%d.w%d", getpid(), i);
		unlink(res[i]);
		snprintf(arg[0], sizeof(arg[0]), "%d", i);
		snprintf(arg[1], sizeof(arg[1]), "%g", seconds);
		snprintf(arg[2], sizeof(arg[2]), "%d", procs);
		snprintf(arg[3], sizeof(arg[3]), "%llu", (unsigned long long)(seed + 1000003ull * (i + 1)));
		pids[i] = fork();
		if (pids[i] == 0) {
			raw_execns(CLONE_NEWUSER, SELF, wargv, envp_ok);
			_exit(89);
		}
		if (pids[i] < 0) {
			perror("fork");
			continue;
		}
		/* the maps can be written once the worker is in its namespace */
		snprintf(path, sizeof(path), "/proc/%d/uid_map", pids[i]);
		end = mono() + 60;
		while (write_str(path, "0 0 65536\n")) {
			int st;

			if (mono() > end || waitpid(pids[i], &st, WNOHANG) == pids[i]) {
				printf("# conc: worker %d did not get into its user namespace\n", i);
				pids[i] = -1;
				break;
			}
			usleep(2000);
		}
		if (pids[i] < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/gid_map", pids[i]);
		if (write_str(path, "0 0 65536\n"))
			printf("# conc: worker %d: cannot write its maps: %m\n", i);
		started++;
	}
	/* the same mix in the root table meanwhile */
	mix_procs(seed, procs, seconds, &root);
	printf("# conc: root table: setuid=%llu pipes=%llu forks=%llu execns_ok=%llu execns_err=%llu nested_userns=%llu\n",
	       (unsigned long long)root.setuid, (unsigned long long)root.pipes,
	       (unsigned long long)root.forks, (unsigned long long)root.execns_ok,
	       (unsigned long long)root.execns_err, (unsigned long long)root.nested_userns);
	for (int i = 0; i < nns; i++) {
		int status = 0;
		char line[512] = "";
		FILE *f;
		long long id = -1, base = -1, end = -2;

		if (pids[i] <= 0)
			continue;
		waitpid(pids[i], &status, 0);
		f = fopen(res[i], "r");
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = 0;
			fclose(f);
			unlink(res[i]);
		}
		line[strcspn(line, "\n")] = 0;
		printf("# conc: worker %d: status=%#x %s\n", i, status, line[0] ? line : "(no result)");
		if (sscanf(line, "idx=%*d table=%lld table_after=%*d buckets=%*d records_base=%lld records_end=%lld",
			   &id, &base, &end) != 3) {
			fresh_ok = base_ok = 0;
			continue;
		}
		ids[nresults++] = id;
		if (id < 0 || id == root_id)
			fresh_ok = 0;
		for (int j = 0; j < nresults - 1; j++)
			if (ids[j] == id)
				fresh_ok = 0;
		if (base != end)
			base_ok = 0;
	}
	printf("# conc: %d workers started, %d reported, %.1f s\n", started, nresults, mono() - t0);
	tap(fresh_ok && nresults == nns, "conc: %d workers, each in its own fresh uid table", nns);
	tap(base_ok && nresults == nns, "conc: every worker table's record count back to its baseline");
}

/* ---- kmemleak ------------------------------------------------------------------------ */

static void kmemleak_check(void)
{
	const char *kml = "/sys/kernel/debug/kmemleak";
	char line[512];
	int leaks = 0;
	FILE *f;

	if (access(kml, W_OK)) {
		tap_skip("kmemleak scan", "no /sys/kernel/debug/kmemleak");
		return;
	}
	sleep(6);	/* objects younger than 5 s are not reported */
	write_str(kml, "scan");
	write_str(kml, "scan");
	f = fopen(kml, "r");
	if (!f) {
		tap(0, "kmemleak scan: cannot read %s: %m", kml);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "unreferenced object"))
			leaks++;
		if (leaks && leaks <= 5)
			printf("# %s", line);
	}
	fclose(f);
	tap(leaks == 0, "kmemleak scan: %d unreferenced objects", leaks);
}

/* ---- main ------------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	uint64_t seed = 0, calls = 10000, from = 0;
	int threads = 4, nns = 8, procs = 3, kmemleak = 0, have_seed = 0, plan;
	double seconds = 20, fuzz_seconds = 0;
	const char *mode = argc > 1 ? argv[1] : "";
	long long root_base = -1, root_end;

	if (!strcmp(mode, "worker1"))
		return worker1(argv);
	if (!strcmp(mode, "worker2"))
		return argc == 7 ? worker2(argv) : 2;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0), have_seed = 1;
		else if (!strcmp(argv[i], "--calls") && i + 1 < argc)
			calls = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--fuzz-seconds") && i + 1 < argc)
			fuzz_seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--ns") && i + 1 < argc)
			nns = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--procs") && i + 1 < argc)
			procs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--from") && i + 1 < argc)
			from = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--verbose"))
			F.verbose = 1;
		else if (!strcmp(argv[i], "--kmemleak"))
			kmemleak = 1;
		else
			mode = "";
	}
	if (strcmp(mode, "fuzz") && strcmp(mode, "conc") && strcmp(mode, "all")) {
		fprintf(stderr,
			"usage: %s fuzz|conc|all [--seed S] [--calls N] [--from I] [--verbose] [--threads 1-4]\n"
			"          [--fuzz-seconds S]\n"
			"          [--seconds S (conc)] [--ns N] [--procs N] [--kmemleak]\n", argv[0]);
		return 2;
	}
	if (threads < 1)
		threads = 1;
	if (threads > 4)
		threads = 4;
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec * 1000000007ull) ^ ts.tv_nsec ^ getpid();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	plan = (strcmp(mode, "conc") ? 2 : 0) + (strcmp(mode, "fuzz") ? 2 : 0) + 1 +
	       (!strcmp(mode, "all") && kmemleak);
	printf("TAP version 13\n1..%d\n# execns-stress %s seed=%llu\n", plan, mode,
	       (unsigned long long)seed);
	if (geteuid() != 0 || !have_execns()) {
		printf("# %s\n", geteuid() ? "must run as root" : "no execns() in this kernel (ENOSYS)");
		for (int i = 0; i < plan; i++)
			tap_skip("execns-stress", geteuid() ? "not root" : "no execns()");
		return 4;
	}
	if (uid_table_read("self", &(struct uid_table){ 0 }) == 0)
		root_base = records_stable();
	printf("# root uid table: records=%lld at start\n", root_base);

	if (strcmp(mode, "conc"))
		fuzz_run(seed, from, calls, threads, fuzz_seconds);
	if (strcmp(mode, "fuzz"))
		conc_run(seed, nns, procs, seconds);

	if (root_base < 0) {
		tap_skip("root uid table back to its baseline", "no /proc/self/uid_table");
	} else {
		root_end = records_wait_for(root_base, 10000);
		tap(root_end == root_base, "root uid table back to its baseline (%lld records, now %lld)",
		    root_base, root_end);
	}
	if (!strcmp(mode, "all") && kmemleak)
		kmemleak_check();
	printf("# execns-stress: %d/%d checks failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}
