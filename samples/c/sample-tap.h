/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the execns samples share: TAP result lines and the /proc/self links
 * they compare (namespaces, fds, the executable).
 */
#ifndef _EXECNS_SAMPLE_TAP_H
#define _EXECNS_SAMPLE_TAP_H

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The exit status of a skipped sample (kselftest's). */
#define KSFT_SKIP 4

static int test_nr;
static int failed;

static void result(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "ok N - ..." or "not ok N - ..." (and remember the failure). */
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++test_nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		failed = 1;
}

/* The target of /proc/self/<name> ("?" if it cannot be read). */
static void self_link(const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/%s", name);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		n = snprintf(buf, len, "?");
	buf[n] = '\0';
}

/* The link of namespace <name> ("uts", "mnt", ...) of this process. */
static void ns_link(const char *name, char *buf, size_t len)
{
	char what[32];

	snprintf(what, sizeof(what), "ns/%s", name);
	self_link(what, buf, len);
}

/* fork() with stdout flushed first; -1 (with a message) on failure. */
static pid_t fork_flushed(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		perror("fork");
	return pid;
}

/* Whether this process's namespaces names[0..n) are still before[0..n). */
static int ns_unchanged(const char *const *names, char (*before)[PATH_MAX], int n)
{
	char now[PATH_MAX];
	int same = 1;

	for (int i = 0; i < n; i++) {
		ns_link(names[i], now, sizeof(now));
		same &= strcmp(now, before[i]) == 0;
	}
	return same;
}

/*
 * The fds open in this process, at most max of them, into fds[]; *dir_fd is
 * the fd the listing used itself (not in fds[]). Returns their number, or -1
 * if /proc/self/fd cannot be read.
 */
static int list_fds(int *fds, int max, int *dir_fd)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	*dir_fd = dirfd(d);
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] != '.' && atoi(de->d_name) != *dir_fd)
			fds[n++] = atoi(de->d_name);
	}
	closedir(d);
	return n;
}

#endif /* _EXECNS_SAMPLE_TAP_H */
