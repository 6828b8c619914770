// SPDX-License-Identifier: GPL-2.0
/*
 * execns-run-as-uid UID[:GID] PROGRAM [ARGS...]
 *
 * Drop every group and switch to UID (and GID, default = UID), then execvp
 * PROGRAM: how the guest tests run execns as an unprivileged user without an
 * /etc/passwd. Must start as root. Exit status 126/127 if PROGRAM cannot be
 * executed / is not found, 1 on other errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long uid, gid;
	char *end;

	if (argc < 3) {
		fprintf(stderr, "usage: %s UID[:GID] PROGRAM [ARGS...]\n",
			argv[0]);
		return 1;
	}
	errno = 0;
	uid = strtoul(argv[1], &end, 10);
	gid = uid;
	if (*end == ':')
		gid = strtoul(end + 1, &end, 10);
	if (errno || *end || end == argv[1]) {
		fprintf(stderr, "%s: bad UID[:GID]: %s\n", argv[0], argv[1]);
		return 1;
	}
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		fprintf(stderr, "%s: cannot switch to %lu:%lu: %s\n", argv[0],
			uid, gid, strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
