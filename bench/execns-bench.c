// SPDX-License-Identifier: GPL-2.0
/*
 * execns-bench: the figures of issue 6, timed inside the guest.
 *
 * Run under QEMU "-icount shift=0,sleep=off" (BENCH=1 in the pipeline): the guest
 * clock then advances one nanosecond per guest instruction, so every CLOCK_MONOTONIC
 * difference below is an instruction count ("instr"), reproducible from boot to
 * boot. Under a normal clock the same figures come out in ns.
 *
 *   getppid           calibration: one trivial system call
 *   fork_exit         fork() + _exit(0) in the child + waitpid()
 *   exec.execve       fork + execve(target) + wait
 *   exec.execns0      fork + execns(0, target) + wait
 *   nsexec.<f>.execns fork + execns(f, target) + wait
 *   nsexec.<f>.unshare fork + unshare(f) + close_range(0, ~0U, 0) + execve(target) + wait
 *                     for f = none, uts_ipc, all8 (the eight namespaces)
 *   fdmap.<f>.execns2 fork + execns2(f, target, fd map of 3 entries: /dev/null,
 *                     a file, a pipe -> 0, 1, 2) + wait (issue 14 item 5; the files
 *                     are open during these figures only)
 *   fdmap.<f>.manual  fork + dup2 x3 (the same files onto 0-2) + close_range(3, ~0U, 0)
 *                     + unshare(f) + execve(target) + wait
 *   join.user_mnt.execns2  fork + execns2(join the user and mount namespaces of a
 *                     waiting "container" process by its pidfd) + wait (issue 14 item 5)
 *   join.user_mnt.setns    fork + setns(its user ns fd) + setns(its mnt ns fd) + execve
 *                     + wait: the same from a single-threaded caller, which setns allows
 *   setuid.<N>        setresuid(u, u, 0) + setresuid(0, 0, 0) with N live users
 *                     (each holds a user_struct through a pipe it created)
 *   cli.<s>.<cmd>     fork + exec of a command + wait (issue 15 item 4), the child's
 *                     fds 0-2 on s = null (/dev/null), file (a regular file opened
 *                     O_APPEND: 0 /dev/null, 1 and 2 the file) or pipe (0 the read
 *                     end of a pipe, 1 and 2 the write end of another), cmd =
 *                     unshare     busybox "unshare -u -- true"
 *                     execns      "execns -u -- true" (execns2's fd map when the
 *                                 kernel has it)
 *                     execns_old  the same with EXECNS_NO_EXECNS2=1 (the execns()
 *                                 paths: second stage, stream holder for file/pipe)
 *                     (skipped when the binary is missing, or execns on a kernel
 *                     without execns)
 *
 * Every figure is measured REPS times (default 5); each repetition prints
 *   BENCH name=<figure> rep=<r> value=<instr per iteration> unit=instr/iter iters=<n>
 * The execns figures print "BENCH-SKIP name=... reason=ENOSYS" on a kernel without
 * execns() (stock); everything else runs there too. Must run as root.
 *
 * usage: execns-bench [--reps N] [--scale X] [--target PATH] [--only SUBSTR]
 *                     [--execns PATH] [--unshare PATH]
 *   --only takes substrings of figure names, separated by commas (cli,fdmap).
 *   --scale multiplies every iteration count (default 1.0); --execns, --unshare: the
 *   binaries of the cli figures (default /bin/execns, /usr/bin/unshare).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/execns.h>

/*
 * The kselftests' execns_util.h (EXECNS_ALL_NS, sys_execns(), unshare_userns_mapped()): bench/Makefile
 * puts tools/testing/selftests/execns of the kernel tree on the include path. The syscall
 * numbers come from the execns kernel's UAPI headers (asm/unistd.h).
 */
#ifndef __NR_execns
#error "no __NR_execns: build with the kernel's headers (-isystem build/headers/include, KHDR=)"
#endif
#include "execns_util.h"
#include "setuid-churn.h"

static int reps = 5;
static double scale = 1.0;
static const char *target = "/bin/execns-bench-target";
static const char *only;
static const char *cli_execns = "/bin/execns";
static const char *cli_unshare = "/usr/bin/unshare";	/* busybox: usr/bin/unshare */
static int have_execns;
static int failures;

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Let deferred work of the previous figure (RCU callbacks, the asynchronous cleanup of
 * network namespaces, ...) finish before a timed loop. Under -icount sleep=off idle
 * time is skipped, so this costs no wall time.
 */
static void settle(void)
{
	usleep(100000);
}

static long iters(long n)
{
	long v = (long)(n * scale);

	return v < 1 ? 1 : v;
}

/* --only: a comma-separated list of substrings of figure names */
static int wanted(const char *name)
{
	const char *p = only;

	if (!only)
		return 1;
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *hit = name;

		while ((hit = strchr(hit, *p)) && strncmp(hit, p, len))
			hit++;
		if (len && hit)
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static void report(const char *name, int rep, uint64_t dt, long n)
{
	printf("BENCH name=%s rep=%d value=%.1f unit=instr/iter iters=%ld\n",
	       name, rep, (double)dt / n, n);
	fflush(stdout);
}

/* ---- fork + exec + wait cycles ------------------------------------------------ */

enum how {
	HOW_EXIT, HOW_EXECVE, HOW_EXECNS, HOW_UNSHARE, HOW_FDMAP_EXECNS2, HOW_FDMAP_MANUAL,
	HOW_JOIN_EXECNS2, HOW_JOIN_SETNS,
};

static char *targv[] = { "execns-bench-target", NULL };
static char *tenvp[] = { NULL };

/* The files of the fdmap figures (close-on-exec, opened once): the new 0, 1, 2. */
#define FDMAP_SRC 20
#define FDMAP_OUT "/tmp/execns-bench-fdmap.out"

static int have_execns2;

/*
 * Open them (and the pipe's read end at FDMAP_SRC + 3) only for the fdmap
 * figures: every open file makes each fork() and exit of the other figures
 * dearer (a reference taken and dropped, a file closed).
 */
static int fdmap_open(void)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open(FDMAP_OUT, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	int p[2];

	if (null < 0 || out < 0 || pipe2(p, O_CLOEXEC) ||
	    dup3(null, FDMAP_SRC, O_CLOEXEC) != FDMAP_SRC ||
	    dup3(out, FDMAP_SRC + 1, O_CLOEXEC) != FDMAP_SRC + 1 ||
	    dup3(p[1], FDMAP_SRC + 2, O_CLOEXEC) != FDMAP_SRC + 2 ||
	    dup3(p[0], FDMAP_SRC + 3, O_CLOEXEC) != FDMAP_SRC + 3)
		return -1;
	close(null);
	close(out);
	close(p[0]);
	close(p[1]);
	return 0;
}

static void fdmap_close(void)
{
	for (int i = 0; i < 4; i++)
		close(FDMAP_SRC + i);
	unlink(FDMAP_OUT);
}

static long sys_execns2_map(int flags)
{
	static const struct execns_fd map[] = {
		{ FDMAP_SRC, 0 }, { FDMAP_SRC + 1, 1 }, { FDMAP_SRC + 2, 2 },
	};
	struct execns_args a = {
		.flags = (unsigned int)flags,
		.pathname = (uintptr_t)target,
		.argv = (uintptr_t)targv,
		.envp = (uintptr_t)tenvp,
		.fds = (uintptr_t)map,
		.nr_fds = 3,
		.dirfd = AT_FDCWD,
	};

	return syscall(__NR_execns2, &a, sizeof(a));
}

/*
 * The join figures' container: a child in a user namespace of its own (root
 * mapped to root) and a mount namespace, waiting; its pidfd and namespace fds
 * (close-on-exec) are open during these figures only.
 */
static pid_t join_pid = -1;
static int join_pidfd = -1, join_userfd = -1, join_mntfd = -1;

static void join_close(void)
{
	if (join_pid > 0) {
		kill(join_pid, SIGKILL);
		waitpid(join_pid, NULL, 0);
	}
	close(join_pidfd);
	close(join_userfd);
	close(join_mntfd);
	join_pid = join_pidfd = join_userfd = join_mntfd = -1;
}

static int join_open(void)
{
	char path[64], c;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	join_pid = fork();
	if (join_pid < 0)
		return -1;
	if (join_pid == 0) {
		if (unshare_userns_mapped() || unshare(CLONE_NEWNS) || write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		close(p[0]);
		join_close();
		return -1;
	}
	close(p[0]);
	join_pidfd = syscall(SYS_pidfd_open, join_pid, 0);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)join_pid);
	join_userfd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)join_pid);
	join_mntfd = open(path, O_RDONLY | O_CLOEXEC);
	if (join_pidfd < 0 || join_userfd < 0 || join_mntfd < 0) {
		join_close();
		return -1;
	}
	return 0;
}

static long sys_execns2_join(void)
{
	struct execns_args a = {
		.pathname = (uintptr_t)target,
		.argv = (uintptr_t)targv,
		.envp = (uintptr_t)tenvp,
		.dirfd = AT_FDCWD,
		.join_fd = join_pidfd,
		.join_flags = CLONE_NEWUSER | CLONE_NEWNS,
	};

	return syscall(__NR_execns2, &a, sizeof(a));
}

/* fork(), or exit: a benchmark without its children measures nothing. */
static pid_t fork_or_exit(void)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	return pid;
}

/* 0 if child pid exited 0, else its status (-1: not waited for). */
static int wait_ok(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : status;
}

/* One cycle; returns 0 if the child exited 0. */
static int cycle(enum how how, int flags)
{
	pid_t pid = fork_or_exit();

	if (pid == 0) {
		switch (how) {
		case HOW_EXIT:
			_exit(0);
		case HOW_EXECVE:
			execve(target, targv, tenvp);
			break;
		case HOW_EXECNS:
			sys_execns(flags, target, targv, tenvp);
			break;
		case HOW_UNSHARE:
			if (unshare(flags))
				_exit(120);
			if (syscall(SYS_close_range, 0, ~0U, 0))
				_exit(121);
			execve(target, targv, tenvp);
			break;
		case HOW_FDMAP_EXECNS2:
			sys_execns2_map(flags);
			break;
		case HOW_FDMAP_MANUAL:
			for (int i = 0; i < 3; i++)
				if (dup2(FDMAP_SRC + i, i) != i)
					_exit(123);
			if (syscall(SYS_close_range, 3, ~0U, 0))
				_exit(121);
			if (unshare(flags))
				_exit(120);
			execve(target, targv, tenvp);
			break;
		case HOW_JOIN_EXECNS2:
			sys_execns2_join();
			break;
		case HOW_JOIN_SETNS:
			if (setns(join_userfd, CLONE_NEWUSER) || setns(join_mntfd, CLONE_NEWNS))
				_exit(120);
			execve(target, targv, tenvp);
			break;
		}
		_exit(122);
	}
	return wait_ok(pid);
}

static void bench_cycle(const char *name, enum how how, int flags, long n0, int rep)
{
	long n = iters(n0);
	uint64_t t0, t1;
	int bad = 0;

	/* warm-up (page cache, slab caches), not timed */
	bad = cycle(how, flags);
	if (bad) {
		printf("BENCH-ERROR name=%s child status 0x%x\n", name, bad);
		failures++;
		return;
	}
	settle();
	t0 = now();
	for (long i = 0; i < n; i++)
		bad |= cycle(how, flags);
	t1 = now();
	if (bad) {
		printf("BENCH-ERROR name=%s a child failed (status 0x%x)\n", name, bad);
		failures++;
		return;
	}
	report(name, rep, t1 - t0, n);
}

struct nsflags {
	const char *name;
	int flags;
};

static const struct nsflags nsf[] = {
	{ "none", 0 },
	{ "uts_ipc", CLONE_NEWUTS | CLONE_NEWIPC },
	{ "all8", EXECNS_ALL_NS },
};

/*
 * nsexec.<f>.{unshare,execns} and fdmap.<f>.{manual,execns2}: for each set of
 * flags the alternative, then our call, alternating within each repetition.
 */
struct pair {
	const char *figure, *alt, *ours;
	enum how how_alt, how_ours;
	const int *have;	/* the kernel has our call */
	int files;		/* the fdmap files are open meanwhile */
};

static const struct pair pairs[] = {
	{ "nsexec", "unshare", "execns", HOW_UNSHARE, HOW_EXECNS, &have_execns, 0 },
	{ "fdmap", "manual", "execns2", HOW_FDMAP_MANUAL, HOW_FDMAP_EXECNS2, &have_execns2, 1 },
};

static void bench_pair(const struct pair *p, int rep)
{
	char name[64];

	if (p->files && fdmap_open()) {
		printf("BENCH-ERROR name=%s cannot open the fd map's files: %s\n", p->figure,
		       strerror(errno));
		failures++;
		return;
	}
	for (unsigned int k = 0; k < sizeof(nsf) / sizeof(nsf[0]); k++) {
		/*
		 * The 8-namespace cycles: their network namespaces are torn down by
		 * deferred work in batches, whose cost lands in whichever iteration
		 * runs it: 240 iterations (was 60) average it out (medians of two
		 * identical runs within 0.8%, were up to 2.8% apart).
		 */
		long n = nsf[k].flags == EXECNS_ALL_NS ? 240 : 100;

		snprintf(name, sizeof(name), "%s.%s.%s", p->figure, nsf[k].name, p->alt);
		if (wanted(name))
			bench_cycle(name, p->how_alt, nsf[k].flags, n, rep);
		snprintf(name, sizeof(name), "%s.%s.%s", p->figure, nsf[k].name, p->ours);
		if (!wanted(name))
			continue;
		if (*p->have)
			bench_cycle(name, p->how_ours, nsf[k].flags, n, rep);
		else if (rep == 0)
			printf("BENCH-SKIP name=%s reason=ENOSYS\n", name);
	}
	if (p->files)
		fdmap_close();
}

/* join.user_mnt.{setns,execns2}: the alternative, then ours. */
static void bench_join(int rep)
{
	if (!wanted("join.user_mnt.setns") && !wanted("join.user_mnt.execns2"))
		return;
	if (join_open()) {
		printf("BENCH-ERROR name=join cannot start the container: %s\n", strerror(errno));
		failures++;
		return;
	}
	if (wanted("join.user_mnt.setns"))
		bench_cycle("join.user_mnt.setns", HOW_JOIN_SETNS, 0, 100, rep);
	if (wanted("join.user_mnt.execns2") && have_execns2)
		bench_cycle("join.user_mnt.execns2", HOW_JOIN_EXECNS2, 0, 100, rep);
	else if (wanted("join.user_mnt.execns2") && rep == 0)
		printf("BENCH-SKIP name=join.user_mnt.execns2 reason=ENOSYS\n");
	join_close();
}

/* ---- the CLI against busybox unshare (issue 15) ---------------------------------- */

enum cli_stdio { CLI_NULL, CLI_FILE, CLI_PIPE };

static const char *const cli_stdio_names[] = { "null", "file", "pipe" };

#define CLI_OUT "/tmp/execns-bench-cli.out"

/*
 * fds[0..2]: what the child puts on 0, 1, 2; fds[3..]: every fd opened, all
 * close-on-exec, -1 when unused. 0, or -1 with errno.
 */
static int cli_fds(enum cli_stdio s, int fds[8])
{
	int in[2], out[2];

	for (int i = 0; i < 8; i++)
		fds[i] = -1;
	fds[3] = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fds[3] < 0)
		return -1;
	fds[0] = fds[1] = fds[2] = fds[3];
	if (s == CLI_FILE) {
		fds[4] = open(CLI_OUT, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
		if (fds[4] < 0)
			return -1;
		fds[1] = fds[2] = fds[4];
	} else if (s == CLI_PIPE) {
		/* nothing is read or written: "true" only gets them */
		if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
			return -1;
		fds[4] = in[0], fds[5] = in[1], fds[6] = out[0], fds[7] = out[1];
		fds[0] = in[0];
		fds[1] = fds[2] = out[1];
	}
	return 0;
}

static int cycle_cli(const char *path, char *const argv[], char *const envp[], const int fds[3])
{
	pid_t pid = fork_or_exit();

	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			if (dup2(fds[i], i) != i)
				_exit(123);
		execve(path, argv, envp);
		_exit(122);
	}
	return wait_ok(pid);
}

static void bench_cli(const char *cmd, enum cli_stdio s, long n0, int rep)
{
	/* LD_PRELOAD is passed on for a run under the emulation shim on a host */
	static char *envp[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", NULL, NULL };
	static char *envp_old[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", "EXECNS_NO_EXECNS2=1",
				    NULL, NULL };
	static char preload[512];
	char *argv_unshare[] = { "unshare", "-u", "--", "true", NULL };
	char *argv_execns[] = { "execns", "-u", "--", "true", NULL };
	int is_unshare = !strcmp(cmd, "unshare");
	const char *path = is_unshare ? cli_unshare : cli_execns;
	char *const *argv = is_unshare ? argv_unshare : argv_execns;
	char *const *env = strcmp(cmd, "execns_old") ? envp : envp_old;
	long n = iters(n0);
	uint64_t t0 = 0, t1 = 0;
	int fds[8], bad;
	char name[64];

	if (getenv("LD_PRELOAD") && !preload[0]) {
		snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", getenv("LD_PRELOAD"));
		envp[1] = envp_old[2] = preload;
	}
	snprintf(name, sizeof(name), "cli.%s.%s", cli_stdio_names[s], cmd);
	if (!wanted(name))
		return;
	if (access(path, X_OK) || (!is_unshare && !have_execns)) {
		if (rep == 0)
			printf("BENCH-SKIP name=%s reason=%s\n", name,
			       access(path, X_OK) ? "no-binary" : "ENOSYS");
		return;
	}
	if (cli_fds(s, fds)) {
		printf("BENCH-ERROR name=%s cannot set up the streams: %s\n", name, strerror(errno));
		failures++;
		for (int i = 3; i < 8; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		return;
	}
	/* warm-up, not timed */
	bad = cycle_cli(path, argv, env, fds);
	if (!bad) {
		settle();
		t0 = now();
		for (long i = 0; i < n; i++)
			bad |= cycle_cli(path, argv, env, fds);
		t1 = now();
	}
	for (int i = 3; i < 8; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (bad) {
		printf("BENCH-ERROR name=%s child status 0x%x\n", name, bad);
		failures++;
		return;
	}
	report(name, rep, t1 - t0, n);
}

/* ---- getppid ------------------------------------------------------------------ */

static void bench_getppid(int rep)
{
	long n = iters(100000);
	uint64_t t0;

	settle();
	t0 = now();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	report("getppid", rep, now() - t0, n);
}

/* ---- setuid churn ------------------------------------------------------------- */

static unsigned int nlive;

static void raise_nofile(long need)
{
	struct rlimit rl;
	long nr_open = 0;
	FILE *f = fopen("/proc/sys/fs/nr_open", "r");

	if (f) {
		if (fscanf(f, "%ld", &nr_open) != 1)
			nr_open = 0;
		fclose(f);
	}
	if (nr_open < need) {
		f = fopen("/proc/sys/fs/nr_open", "w");
		if (f) {
			fprintf(f, "%ld\n", need);
			fclose(f);
		}
	}
	rl.rlim_cur = rl.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("setrlimit(RLIMIT_NOFILE)");
		exit(1);
	}
}

/*
 * Cost of each setresuid() pair that created a user while the set grew (instructions:
 * setresuid(u, u, 0) that allocates u's record + setresuid(0, 0, 0), the pipe between
 * them not counted): the worst one is the longest stall a growing table causes.
 */
#define MAX_GROW_SAMPLES 65536
static uint32_t grow_cost[MAX_GROW_SAMPLES];
static unsigned int grow_samples;

/* Grow the set of live users to n: uid SETUID_CHURN_BASE + i creates a pipe and keeps its read end. */
static int grow_users(unsigned int n)
{
	uint64_t t0, t1, t2, t3;
	int p[2];

	for (; nlive < n; nlive++) {
		uid_t u = SETUID_CHURN_BASE + nlive;

		t0 = now();
		if (setresuid(u, u, 0)) {
			perror("setresuid(u, u, 0)");
			return -1;
		}
		t1 = now();
		if (pipe(p)) {
			perror("pipe");
			setresuid(0, 0, 0);
			return -1;
		}
		close(p[1]);
		t2 = now();
		if (setresuid(0, 0, 0)) {
			perror("setresuid(0, 0, 0)");
			exit(1);
		}
		t3 = now();
		if (grow_samples < MAX_GROW_SAMPLES)
			grow_cost[grow_samples++] = (uint32_t)((t1 - t0) + (t3 - t2));
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * One line for the distribution of the pair costs while growing from 16 live users (the
 * first 16 are not counted: both kernels start with tables of that order) to nlive.
 */
static void report_growth(void)
{
	unsigned int n = grow_samples > 16 ? grow_samples - 16 : 0;
	uint32_t *v = grow_cost + 16;

	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_u32);
	printf("BENCH-DIST name=setuid.grow from=16 to=%u n=%u median=%u p99=%u p999=%u max=%u "
	       "top=%u,%u,%u,%u,%u unit=instr/pair\n", nlive, n, v[n / 2], v[n * 99 / 100],
	       v[n * 999 / 1000], v[n - 1], v[n - 1], v[n > 1 ? n - 2 : 0], v[n > 2 ? n - 3 : 0],
	       v[n > 3 ? n - 4 : 0], v[n > 4 ? n - 5 : 0]);
	fflush(stdout);
}

/*
 * Timed loop: the real uid changes every call, so set_user() -> alloc_uid() looks
 * the user up each time. The uids visited are spread over all live users in a
 * fixed pseudo-random order, the same on every kernel.
 */
static void bench_setuid(unsigned int n, int rep)
{
	char name[64];
	long it = iters(20000);
	uint32_t x = 12345;
	uint64_t t0, t1;

	snprintf(name, sizeof(name), "setuid.%u", n);
	settle();
	t0 = now();
	setuid_churn(&x, n, it);
	t1 = now();
	report(name, rep, t1 - t0, it);
}

/* ---- main --------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static const unsigned int users[] = { 16, 1024, 16384, 65536 };
	struct utsname un;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--scale") && i + 1 < argc)
			scale = atof(argv[++i]);
		else if (!strcmp(argv[i], "--target") && i + 1 < argc)
			target = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--execns") && i + 1 < argc)
			cli_execns = argv[++i];
		else if (!strcmp(argv[i], "--unshare") && i + 1 < argc)
			cli_unshare = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--reps N] [--scale X] [--target PATH] [--only SUBSTR]"
				" [--execns PATH] [--unshare PATH]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		fprintf(stderr, "execns-bench: must run as root\n");
		return 2;
	}
	if (access(target, X_OK)) {
		fprintf(stderr, "execns-bench: no target %s\n", target);
		return 2;
	}
	/* NULL filename: EFAULT with execns(), ENOSYS without; never replaces us */
	errno = 0;
	have_execns = sys_execns(0, NULL, NULL, NULL) < 0 && errno == EFAULT;
	/* NULL args: EFAULT with execns2(), ENOSYS without */
	errno = 0;
	have_execns2 = syscall(__NR_execns2, NULL, sizeof(struct execns_args)) < 0 &&
		       errno == EFAULT;

	uname(&un);
	printf("BENCH-INFO kernel=%s version=\"%s\" execns=%s reps=%d scale=%g\n",
	       un.release, un.version, have_execns ? "yes" : "no", reps, scale);

	for (int r = 0; r < reps; r++) {
		if (wanted("getppid"))
			bench_getppid(r);
		if (wanted("fork_exit"))
			bench_cycle("fork_exit", HOW_EXIT, 0, 200, r);
		if (wanted("exec.execve"))
			bench_cycle("exec.execve", HOW_EXECVE, 0, 100, r);
		if (wanted("exec.execns0")) {
			if (have_execns)
				bench_cycle("exec.execns0", HOW_EXECNS, 0, 100, r);
			else if (r == 0)
				printf("BENCH-SKIP name=exec.execns0 reason=ENOSYS\n");
		}
		for (unsigned int w = 0; w < sizeof(pairs) / sizeof(pairs[0]); w++)
			bench_pair(&pairs[w], r);
		bench_join(r);
		/* the CLI and busybox unshare, alternating within each repetition */
		for (int k = CLI_NULL; k <= CLI_PIPE; k++) {
			bench_cli("unshare", k, 100, r);
			bench_cli("execns", k, 100, r);
			bench_cli("execns_old", k, 100, r);
		}
	}
	unlink(CLI_OUT);

	/* setuid churn: users are added once and kept (16 -> 1024 -> 16384 -> 65536) */
	if (wanted("setuid")) {
		raise_nofile(65536 + 1024);
		for (unsigned int k = 0; k < sizeof(users) / sizeof(users[0]); k++) {
			uint64_t t0 = now();

			if (grow_users(users[k])) {
				printf("BENCH-ERROR name=setuid.%u could not create %u users (have %u)\n",
				       users[k], users[k], nlive);
				failures++;
				break;
			}
			printf("BENCH-INFO live_users=%u setup=%.0f instr\n", nlive, (double)(now() - t0));
			for (int r = 0; r < reps; r++)
				bench_setuid(users[k], r);
		}
		report_growth();
	}
	printf("BENCH-DONE failures=%d\n", failures);
	return failures ? 1 : 0;
}
