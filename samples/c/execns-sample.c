// SPDX-License-Identifier: GPL-2.0
/*
 * execns-sample: show what execns(2) gives a program.
 *
 * Stage 1 prints its namespaces and hostname, opens a descriptor without
 * O_CLOEXEC, then forks a child that calls
 *
 *	execns(CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWIPC [| CLONE_NEWUSER],
 *	       "/proc/self/exe", {argv0, "--stage2", ...}, environ);
 *
 * (CLONE_NEWUSER when not root, so that an unprivileged user can run it).
 * Stage 2 starts with no descriptor open at all: it lists /proc/self/fd
 * first, then opens the output path it was given (stage 1's terminal or
 * output file, or /dev/console) to print TAP lines: the fd table was empty,
 * each namespace differs from stage 1's, and the hostname can be changed.
 * Stage 1 then checks that its own hostname and namespaces did not change.
 *
 * The system call number comes from the running kernel, through execns.h
 * (/sys/kernel/execns/nr): on a kernel without that file the sample says so
 * and skips, without making any system call (execns has no number reserved
 * upstream; from Linux 6.13 on, 463 is setxattrat(2)).
 *
 * Usage: execns-sample [--out PATH]
 * Exit status: 0 all ok, 1 a check failed, 4 skipped (the running kernel
 * does not provide execns).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execns.h"
#include "sample-tap.h"

#define STRAY_FD 42
#define NEW_HOSTNAME "execns-sample"

static const char *const ns_names[] = { "uts", "mnt", "ipc", "user" };
static const int ns_flags[] = { CLONE_NEWUTS, CLONE_NEWNS, CLONE_NEWIPC,
				CLONE_NEWUSER };
#define NR_NS 4

extern char **environ;

/* Where stage 2 should write: stage 1's stdout if it has a name. */
static void output_path(char *buf, size_t len)
{
	struct stat st, st2;
	ssize_t n;

	if (isatty(STDOUT_FILENO) && ttyname_r(STDOUT_FILENO, buf, len) == 0)
		return;
	n = readlink("/proc/self/fd/1", buf, len - 1);
	if (n > 0 && buf[0] == '/') {
		buf[n] = '\0';
		if (fstat(STDOUT_FILENO, &st) == 0 && stat(buf, &st2) == 0 &&
		    st.st_dev == st2.st_dev && st.st_ino == st2.st_ino &&
		    (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
			return;
	}
	snprintf(buf, len, "/dev/console");
}

static int stage2(int argc, char **argv)
{
	/* argv: --stage2 OUT FLAGS uts mnt ipc user hostname */
	int fds[64], nfds, dir_fd, flags, i, fd, std_closed = 1;
	char link[PATH_MAX], host[HOST_NAME_MAX + 1];

	if (argc != 10)
		return 2;
	/* Nothing is open: look at the fd table before opening anything else. */
	nfds = list_fds(fds, 64, &dir_fd);
	if (nfds < 0)
		return 3;

	/* Now get standard streams: /dev/null, then OUT on 1 and 2. */
	if (open("/dev/null", O_RDONLY) != 0)
		return 3;
	fd = open(argv[2], O_WRONLY | O_APPEND | O_NOCTTY);
	if (fd != 1)
		fd = open("/dev/console", O_WRONLY | O_NOCTTY);
	if (fd != 1 || dup(1) != 2)
		return 3;
	setvbuf(stdout, NULL, _IOLBF, 0);
	flags = atoi(argv[3]);
	test_nr = 0;

	printf("# stage 2: pid %d, uid %d, started with %d fd(s) open besides the listing's own\n",
	       getpid(), getuid(), nfds);
	result(nfds == 0,
	       "fd table empty after execns: /proc/self/fd listed only its own fd %d (%d entries)",
	       dir_fd, nfds + 1);
	for (i = 0; i < nfds; i++)
		if (fds[i] <= 2)
			std_closed = 0;
	result(std_closed, "fds 0, 1, 2 were closed too (the output was reopened from %s)",
	       argv[2]);
	for (i = 0; i < nfds; i++)
		if (fds[i] == STRAY_FD)
			break;
	result(i == nfds, "fd %d, open without O_CLOEXEC in stage 1, is closed",
	       STRAY_FD);
	for (i = 0; i < NR_NS; i++) {
		int want_new = !!(flags & ns_flags[i]);

		ns_link(ns_names[i], link, sizeof(link));
		printf("# %-4s before %s, now %s\n", ns_names[i], argv[4 + i],
		       link);
		if (want_new)
			result(strcmp(link, argv[4 + i]) != 0,
			       "%s namespace is new", ns_names[i]);
		else
			result(strcmp(link, argv[4 + i]) == 0,
			       "%s namespace unchanged (not requested)",
			       ns_names[i]);
	}
	ns_link("uts", link, sizeof(link));
	if (strcmp(link, argv[4]) == 0) {
		/* Never rename the caller's host. */
		result(0, "sethostname not tried: the UTS namespace is not new");
	} else if (flags & CLONE_NEWUSER) {
		printf("ok %d - sethostname in the new UTS namespace # SKIP unprivileged: no capability in the new user namespace after exec (as with unshare+execve)\n",
		       ++test_nr);
	} else if (sethostname(NEW_HOSTNAME, strlen(NEW_HOSTNAME)) != 0) {
		result(0, "sethostname(\"%s\"): %s", NEW_HOSTNAME,
		       strerror(errno));
	} else {
		gethostname(host, sizeof(host));
		host[sizeof(host) - 1] = '\0';
		printf("# hostname: was %s, now %s\n", argv[8], host);
		result(strcmp(host, NEW_HOSTNAME) == 0,
		       "hostname changed to %s in the new UTS namespace", host);
	}
	return failed;
}

int main(int argc, char **argv)
{
	char before[NR_NS][PATH_MAX], out[PATH_MAX];
	char host[HOST_NAME_MAX + 1], host2[HOST_NAME_MAX + 1], flagstr[32];
	int flags = CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWIPC, i, status;
	char *args[11];
	long nr;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "--stage2") == 0)
		return stage2(argc, argv);

	if (argc == 3 && strcmp(argv[1], "--out") == 0) {
		snprintf(out, sizeof(out), "%s", argv[2]);
	} else if (argc == 1) {
		output_path(out, sizeof(out));
	} else {
		fprintf(stderr, "usage: %s [--out PATH]\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0)
		flags |= CLONE_NEWUSER;
	setvbuf(stdout, NULL, _IOLBF, 0);
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	for (i = 0; i < NR_NS; i++)
		ns_link(ns_names[i], before[i], sizeof(before[i]));

	printf("TAP version 13\n");
	/* The number of execns on this kernel; none: nothing to show. */
	nr = execns_syscall_nr();
	if (nr < 0) {
		printf("1..0 # SKIP %s\n", EXECNS_ENOSYS_MESSAGE);
		return KSFT_SKIP;
	}
	printf("# execns is system call %ld on this kernel (%s)\n", nr,
	       EXECNS_NR_PATH);
	printf("# stage 1: pid %d, uid %d, hostname %s\n", getpid(), getuid(),
	       host);
	for (i = 0; i < NR_NS; i++)
		printf("# %-4s %s\n", ns_names[i], before[i]);
	printf("# execns(%s%s, \"/proc/self/exe\", ...), stage 2 writes to %s\n",
	       "CLONE_NEWUTS|CLONE_NEWNS|CLONE_NEWIPC",
	       (flags & CLONE_NEWUSER) ? "|CLONE_NEWUSER" : "", out);

	/* A descriptor without O_CLOEXEC: execve would keep it, execns not. */
	if (dup2(STDOUT_FILENO, STRAY_FD) != STRAY_FD)
		perror("dup2");

	snprintf(flagstr, sizeof(flagstr), "%d", flags);
	args[0] = argv[0];
	args[1] = "--stage2";
	args[2] = out;
	args[3] = flagstr;
	for (i = 0; i < NR_NS; i++)
		args[4 + i] = before[i];
	args[8] = host;
	args[9] = "";
	args[10] = NULL;

	pid = fork_flushed();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		execns(flags, "/proc/self/exe", args, environ);
		_exit(64 + (errno < 190 ? errno : 0));
	}
	close(STRAY_FD);
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	/* Stage 2 appended to our output file: continue after its lines. */
	lseek(STDOUT_FILENO, 0, SEEK_END);

	if (WIFEXITED(status) && WEXITSTATUS(status) >= 64) {
		int err = WEXITSTATUS(status) - 64;

		if (err == ENOSYS) {
			printf("1..0 # SKIP the running kernel does not provide execns(2) (system call %ld failed with ENOSYS)\n",
			       nr);
			return KSFT_SKIP;
		}
		printf("not ok 1 - execns: %s\n1..1\n", strerror(err));
		return 1;
	}
	/* Stage 2 printed tests 1..8, unless it could not even start. */
	test_nr = 8;
	if (WIFEXITED(status) && WEXITSTATUS(status) >= 2) {
		test_nr = 0;
		result(0, "stage 2 could not set up (status %d)",
		       WEXITSTATUS(status));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		result(0, "stage 2 exited with status %d (signal %d)",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	} else {
		result(1, "stage 2 exited with status 0");
	}
	gethostname(host2, sizeof(host2));
	host2[sizeof(host2) - 1] = '\0';
	result(strcmp(host, host2) == 0,
	       "stage 1's hostname is still %s", host2);
	result(ns_unchanged(ns_names, before, NR_NS), "stage 1's namespaces are unchanged");
	printf("1..%d\n", test_nr);
	return failed;
}
