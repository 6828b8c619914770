// SPDX-License-Identifier: GPL-2.0
/*
 * execns2-sample: enter new namespaces and execute a sealed copy of a program,
 * with exactly the file descriptors named, in one execns2(2) call.
 *
 * Stage 1 copies /proc/self/exe into a memfd and seals it (what container
 * runtimes execute, so that the program cannot overwrite its own binary:
 * CVE-2019-5736), opens a pipe and a descriptor without O_CLOEXEC that no map
 * names, and forks a child that calls
 *
 *	execns2(&(struct execns_args){
 *		.flags = CLONE_NEWUTS | CLONE_NEWIPC [| CLONE_NEWUSER],
 *		.dirfd = memfd, .pathname = "", .at_flags = AT_EMPTY_PATH,
 *		.fds = { { devnull, 0 }, { pipe, 1 }, { devnull, 2 } }, .nr_fds = 3,
 *		.argv = ..., .envp = environ }, sizeof(struct execns_args));
 *
 * (CLONE_NEWUSER when not root, so that an unprivileged user can run it). The
 * child first makes the same call with a source descriptor that is not open:
 * EBADF, and it goes on with its namespaces and descriptors unchanged (the call
 * is all-or-nothing). Stage 2, the memfd copy, lists /proc/self/fd before
 * opening anything and writes TAP lines to its fd 1, the pipe: it runs from the
 * memfd, has exactly fds 0-2 (/dev/null, the pipe, /dev/null) and new
 * namespaces. Stage 1 copies them to its stdout and checks its own namespaces.
 *
 * The system call number comes from the running kernel, through execns.h
 * (/sys/kernel/execns/execns2_nr): without it the sample says so and skips.
 *
 * Usage: execns2-sample
 * Exit status: 0 all ok, 1 a check failed, 4 skipped (the running kernel does
 * not provide execns2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execns.h"
#include "sample-tap.h"

#define STRAY_FD 42
#define NOT_OPEN_FD 43
#define MEMFD_NAME "execns2-sample"

static const char *const ns_names[] = { "uts", "ipc", "user" };
static const int ns_flags[] = { CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER };
#define NR_NS 3

extern char **environ;

static int stage2(int argc, char **argv)
{
	/* argv: --stage2 FLAGS uts ipc user */
	char link[PATH_MAX], fdlink[3][PATH_MAX];
	int fds[64], nfds, dir_fd, flags, i;

	if (argc != 6)
		return 2;
	/* Look at the fd table before opening anything else. */
	nfds = list_fds(fds, 64, &dir_fd);
	if (nfds < 0)
		return 3;
	setvbuf(stdout, NULL, _IOLBF, 0);
	flags = atoi(argv[2]);

	printf("# stage 2: pid %d, uid %d\n", getpid(), getuid());
	self_link("exe", link, sizeof(link));
	printf("# /proc/self/exe: %s\n", link);
	result(strncmp(link, "/memfd:" MEMFD_NAME, strlen("/memfd:" MEMFD_NAME)) == 0,
	       "executed from the sealed memfd (execns2 dirfd + AT_EMPTY_PATH)");
	result(nfds == 3 && fds[0] + fds[1] + fds[2] == 3 && dir_fd == 3,
	       "exactly fds 0, 1, 2 open (%d besides the listing's own fd %d)", nfds,
	       dir_fd);
	for (i = 0; i < 3; i++) {
		char what[16];

		snprintf(what, sizeof(what), "fd/%d", i);
		self_link(what, fdlink[i], sizeof(fdlink[i]));
	}
	printf("# fds: 0 %s, 1 %s, 2 %s\n", fdlink[0], fdlink[1], fdlink[2]);
	result(!strcmp(fdlink[0], "/dev/null") && !strcmp(fdlink[2], "/dev/null") &&
	       !strncmp(fdlink[1], "pipe:", 5),
	       "the fd map's files: /dev/null on 0 and 2, stage 1's pipe on 1");
	for (i = 0; i < NR_NS; i++) {
		int want_new = !!(flags & ns_flags[i]);

		ns_link(ns_names[i], link, sizeof(link));
		printf("# %-4s before %s, now %s\n", ns_names[i], argv[3 + i], link);
		if (want_new)
			result(strcmp(link, argv[3 + i]) != 0, "%s namespace is new",
			       ns_names[i]);
		else
			result(strcmp(link, argv[3 + i]) == 0,
			       "%s namespace unchanged (not requested)", ns_names[i]);
	}
	return failed;
}

/* A sealed memfd copy of /proc/self/exe, close-on-exec; -1 on error. */
static int sealed_copy(void)
{
	char buf[65536];
	int in, fd;
	ssize_t n;

	fd = memfd_create(MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || in < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return -1;
	close(in);
	if (n < 0 || fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK |
			   F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	char before[NR_NS][PATH_MAX], flagstr[32], line[512];
	int flags = CLONE_NEWUTS | CLONE_NEWIPC, i, status, memfd, null, p[2];
	struct execns_fd map[3];
	struct execns_args a;
	char *args[7];
	ssize_t n;
	FILE *in;
	long nr;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "--stage2") == 0)
		return stage2(argc, argv);
	if (argc != 1) {
		fprintf(stderr, "usage: %s\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0)
		flags |= CLONE_NEWUSER;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	nr = execns2_syscall_nr();
	if (nr < 0) {
		printf("1..0 # SKIP the running kernel does not provide execns2(2) (no %s)\n",
		       EXECNS2_NR_PATH);
		return KSFT_SKIP;
	}
	printf("# execns2 is system call %ld on this kernel (%s)\n", nr, EXECNS2_NR_PATH);
	for (i = 0; i < NR_NS; i++) {
		ns_link(ns_names[i], before[i], sizeof(before[i]));
		printf("# %-4s %s\n", ns_names[i], before[i]);
	}

	memfd = sealed_copy();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (memfd < 0 || null < 0 || pipe2(p, O_CLOEXEC) ||
	    dup2(STDOUT_FILENO, STRAY_FD) != STRAY_FD) {
		printf("not ok 1 - set-up: %s\n1..1\n", strerror(errno));
		return 1;
	}

	snprintf(flagstr, sizeof(flagstr), "%d", flags);
	args[0] = MEMFD_NAME;
	args[1] = "--stage2";
	args[2] = flagstr;
	for (i = 0; i < NR_NS; i++)
		args[3 + i] = before[i];
	args[6] = NULL;
	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.dirfd = memfd;
	a.pathname = (uintptr_t)"";
	a.at_flags = AT_EMPTY_PATH;
	a.argv = (uintptr_t)args;
	a.envp = (uintptr_t)environ;
	a.fds = (uintptr_t)map;
	a.nr_fds = 3;
	printf("# execns2(flags %#x, memfd %d, AT_EMPTY_PATH, fd map {%d->0, %d->1, %d->2})\n",
	       flags, memfd, null, p[1], null);

	pid = fork_flushed();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		char ns[PATH_MAX];

		/* A source that is not open: EBADF, and nothing changed. */
		map[0] = (struct execns_fd){ null, 0 };
		map[1] = (struct execns_fd){ NOT_OPEN_FD, 1 };
		map[2] = (struct execns_fd){ null, 2 };
		if (execns2(&a, sizeof(a)) != -1 || errno != EBADF)
			_exit(70);
		ns_link("uts", ns, sizeof(ns));
		if (strcmp(ns, before[0]) || fcntl(STRAY_FD, F_GETFD) < 0)
			_exit(71);
		map[1] = (struct execns_fd){ p[1], 1 };
		execns2(&a, sizeof(a));
		_exit(errno == ENOSYS ? 72 : 73);
	}
	close(p[1]);
	close(STRAY_FD);
	in = fdopen(p[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		if (sscanf(line, "ok %d", &i) == 1 || sscanf(line, "not ok %d", &i) == 1)
			test_nr = i;
		if (!strncmp(line, "not ok", 6))
			failed = 1;
		fputs(line, stdout);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	/* The child's status: 70-73 its own failures (see above), else stage 2's. */
	n = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (n == 72) {
		printf("1..0 # SKIP execns2 (system call %ld) failed with ENOSYS\n", nr);
		return KSFT_SKIP;
	}
	result(n != 70 && n != 71,
	       "a fd map naming a closed fd fails with EBADF and changes nothing");
	result(n == 0, "stage 2 ran and exited with status 0 (status %zd%s)", n,
	       n == 73 ? ": execns2 failed" : "");
	result(ns_unchanged(ns_names, before, NR_NS), "stage 1's namespaces are unchanged");
	printf("1..%d\n", test_nr);
	return failed;
}
