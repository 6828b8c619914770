// SPDX-License-Identifier: GPL-2.0
/*
 * execns() from a 32-bit (ia32) program on a 64-bit kernel: the compat entry
 * (compat_sys_execns) must read argv and envp as arrays of 32-bit pointers.
 * execns2() has one entry for both (its struct has one layout): it must do
 * the same when in_compat_syscall().
 * Read as 64-bit pointers, two neighbouring entries would make one bogus
 * pointer: EFAULT, or wrong strings in the new program.
 *
 * Built with -m32 against tools/include/nolibc (no 32-bit C library needed),
 * and run as root.  The program executes itself with execns(); the new program
 * ("child" mode) checks what it received and answers with its exit status,
 * as every file descriptor (stdout included) is closed in it.
 */
#include <linux/sched.h>
#include <linux/execns.h>

/*
 * The numbers the running kernel gives execns() and execns2() for ia32
 * programs, from /sys/kernel/execns/: a kernel without them has no such
 * files, and there 463 and 464 may be other system calls (setxattrat() and
 * getxattrat() from Linux 6.13 on).
 */
#define COMPAT_NR_FILE "/sys/kernel/execns/compat_nr"
#define COMPAT_NR2_FILE "/sys/kernel/execns/execns2_compat_nr"
static long execns_nr = -1, execns2_nr = -1;

#define EXECNS_COMPAT_NS (CLONE_NEWUTS | CLONE_NEWIPC)
/* above a 32-bit program's address space (TASK_SIZE 0xffffe000): never mapped */
#define BAD_PTR ((void *)0xffffe000UL)

static int tests_run, tests_failed;

/* a TAP line for the test prefix + name */
static void result(int ok, const char *prefix, const char *name)
{
	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%sok %d %s%s\n", ok ? "" : "not ", tests_run, prefix, name);
}

/* execns2() or execns() for run() and fails_with() */
static int use_execns2;
/* execns2()'s fd map, for use_execns2 */
static struct execns_fd *fd_map;
static unsigned int fd_map_nr;

/* -errno, or what the call returned; errno is left alone */
static long raw_execns(long flags, const char *path, char *const argv[], char *const envp[])
{
	struct execns_args a;

	if (!use_execns2)
		return my_syscall4(execns_nr, flags, path, argv, envp);
	memset(&a, 0, sizeof(a));
	a.flags = (unsigned long)flags;
	a.dirfd = AT_FDCWD;
	a.pathname = (unsigned long)path;
	a.argv = (unsigned long)argv;
	a.envp = (unsigned long)envp;
	a.fds = fd_map_nr ? (unsigned long)fd_map : 0;
	a.nr_fds = fd_map_nr;
	return my_syscall2(execns2_nr, &a, sizeof(a));
}

static int fd_open(int fd)
{
	return my_syscall2(__NR_fcntl, fd, F_GETFD) >= 0;
}

/* readlink("/proc/self/ns/uts") = "uts:[4026531838]" into buf; 0 or -errno */
static int ns_link(const char *path, char *buf, int size)
{
	long n;

	n = my_syscall3(__NR_readlink, path, buf, size - 1);
	if (n < 0)
		return n;
	buf[n] = 0;
	return 0;
}

/*
 * The new program: argv = { exe, "child", "one", "two and three" }, envp =
 * { "EXECNS_A=1", "EXECNS_UTS=<caller's uts link>", "EXECNS_IPC=...",
 * "EXECNS_NEW=0|1" }.  Exit status 0: all as expected; else the first check
 * that failed.
 */
static int child(int argc, char **argv, char **envp)
{
	const char *uts = getenv("EXECNS_UTS"), *ipc = getenv("EXECNS_IPC");
	const char *isnew = getenv("EXECNS_NEW");
	int kept = getenv("EXECNS_KEPT") ? 9 : -1;	/* execns2's fd map */
	char link[64];
	int fd, n = 0;

	if (argc != 4 || strcmp(argv[2], "one") || strcmp(argv[3], "two and three"))
		return 10;
	while (envp[n])
		n++;
	if (kept >= 0)
		n--;
	if (n != 4 || !getenv("EXECNS_A") || strcmp(getenv("EXECNS_A"), "1"))
		return 11;
	if (!uts || !ipc || !isnew)
		return 12;
	/* fd 0..2 and the caller's extra fd closed; with the fd map, 9 kept */
	for (fd = 0; fd < 12; fd++) {
		int want = fd == kept;

		if (fd_open(fd) != want)
			return 13;
	}
	if (ns_link("/proc/self/ns/uts", link, sizeof(link)))
		return 14;
	if (!strcmp(link, uts) != (*isnew == '0'))
		return 15;
	if (ns_link("/proc/self/ns/ipc", link, sizeof(link)))
		return 16;
	if (!strcmp(link, ipc) != (*isnew == '0'))
		return 17;
	return 0;
}

/* fork; the child calls execns(flags) on this program; the new program's exit status */
static int run(long flags)
{
	static char uts[80] = "EXECNS_UTS=", ipc[80] = "EXECNS_IPC=";
	char *const argv[] = { "execns_compat_test", "child", "one", "two and three", NULL };
	char *const envp[] = {
		"EXECNS_A=1", uts, ipc, flags ? "EXECNS_NEW=1" : "EXECNS_NEW=0",
		fd_map_nr ? "EXECNS_KEPT=1" : NULL, NULL
	};
	int status;
	pid_t pid;

	if (ns_link("/proc/self/ns/uts", uts + 11, sizeof(uts) - 11) ||
	    ns_link("/proc/self/ns/ipc", ipc + 11, sizeof(ipc) - 11))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* an extra fd at 7, not close-on-exec: must not reach the new
		 * program (but through execns2's fd map, at 9)
		 */
		int fd = open("/proc/self/status", O_RDONLY);

		if (fd < 0 || dup2(fd, 7) != 7)
			exit(20);
		raw_execns(flags, "/proc/self/exe", argv, envp);
		exit(21);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* run(flags) must end with the new program's status 0. */
static void expect_run(long flags, const char *name)
{
	int st = run(flags);

	if (st)
		printf("# %s: the new program's status %d\n", name, st);
	result(st == 0, "", name);
}

/* A failing call: its error, and fds 0-2 and this process's namespaces unchanged. */
static int fails_with(long flags, const char *path, char *const argv[],
		      char *const envp[], long err)
{
	char before[64], after[64];
	long ret;

	if (ns_link("/proc/self/ns/uts", before, sizeof(before)))
		return 0;
	ret = raw_execns(flags, path, argv, envp);
	if (ret != -err) {
		printf("# execns(%ld, %s) = %ld, want %ld\n", flags,
		       path ? path : "NULL", ret, -err);
		return 0;
	}
	if (ns_link("/proc/self/ns/uts", after, sizeof(after)) || strcmp(before, after))
		return 0;
	return fd_open(0) && fd_open(1) && fd_open(2);
}

struct fail_row {
	long flags;
	const char *path;
	char *const *argv;
	long err;
	const char *name;
};

static char *const args[] = { "execns_compat_test", NULL };
static char *const env[] = { NULL };
static char *const bad_argv[] = { "execns_compat_test", BAD_PTR, NULL };

/* The failing calls, made with execns() and with execns2() (use_execns2). */
static const struct fail_row fail_rows[] = {
	{ CLONE_FILES, "/proc/self/exe", args, EINVAL, "EINVAL for CLONE_FILES, nothing changed" },
	{ 0, "/nonexistent/execns", args, ENOENT, "ENOENT, nothing changed" },
	{ EXECNS_COMPAT_NS, "/proc/self/exe", BAD_PTR, EFAULT,
	  "EFAULT for argv above the 32-bit address space, nothing changed" },
	{ EXECNS_COMPAT_NS, "/proc/self/exe", bad_argv, EFAULT,
	  "EFAULT for an argv string above the 32-bit address space, nothing changed" },
};

#ifndef ARRAY_SIZE	/* nolibc has none */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define NR_FAIL_ROWS ((int)ARRAY_SIZE(fail_rows))

static void expect_fails(const char *prefix)
{
	for (int i = 0; i < NR_FAIL_ROWS; i++) {
		const struct fail_row *f = &fail_rows[i];

		result(fails_with(f->flags, f->path, f->argv, env, f->err), prefix, f->name);
	}
}

/* the number in /sys/kernel/execns/<file>, or -1 */
static long read_compat_nr(const char *file)
{
	char buf[16] = "";
	int fd = open(file, O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = 0;
	close(fd);
	return buf[0] ? atol(buf) : -1;
}

int main(int argc, char **argv, char **envp)
{
	long ret;

	if (argc > 1 && !strcmp(argv[1], "child"))
		return child(argc, argv, envp);

	printf("TAP version 13\n");
	execns_nr = read_compat_nr(COMPAT_NR_FILE);
	execns2_nr = read_compat_nr(COMPAT_NR2_FILE);
	if (execns_nr <= 0) {
		printf("1..0 # SKIP no %s: the kernel has no execns() for 32-bit programs\n",
		       COMPAT_NR_FILE);
		return 4;
	}
	ret = raw_execns(~0L, NULL, NULL, NULL);
	if (ret == -ENOSYS) {
		printf("1..0 # SKIP no execns() for 32-bit programs (ENOSYS)\n");
		return 4;
	}
	if (getuid() != 0) {
		printf("1..0 # SKIP must be run as root\n");
		return 4;
	}
	printf("1..%d\n", 2 * (2 + NR_FAIL_ROWS));

	expect_run(0, "execns(0) from ia32: argv and envp read as 32-bit pointers, all fds closed");
	expect_run(EXECNS_COMPAT_NS, "execns(CLONE_NEWUTS|CLONE_NEWIPC) from ia32: new namespaces");

	expect_fails("");

	use_execns2 = 1;
	if (execns2_nr <= 0 || raw_execns(0, "/nonexistent/execns2", args, env) == -ENOSYS) {
		for (int i = 0; i < 2 + NR_FAIL_ROWS; i++)
			printf("ok %d # SKIP no execns2() for 32-bit programs\n", ++tests_run);
	} else {
		struct execns_fd map[] = { { 7, 9 } };

		expect_run(EXECNS_COMPAT_NS,
			   "execns2() from ia32: argv and envp read as 32-bit pointers, all fds closed");
		fd_map = map;
		fd_map_nr = 1;
		expect_run(0, "execns2() from ia32 with an fd map: only fd 9");
		fd_map_nr = 0;
		expect_fails("execns2: ");
	}

	printf("# %d passed, %d failed\n", tests_run - tests_failed, tests_failed);
	return tests_failed ? 1 : 0;
}
