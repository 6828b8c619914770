// SPDX-License-Identifier: GPL-2.0
/*
 * execns-block-signals SIG[,SIG...] PROGRAM [ARGS...]
 *
 * Add the signals given (numbers, or names with or without "SIG": HUP, INT,
 * QUIT, USR1, USR2, PIPE, ALRM, TERM, CHLD, CONT, TSTP, WINCH) to the signal
 * mask, then execvp PROGRAM: how the guest tests give a program a caller
 * with blocked signals, which a shell cannot set up. Exit status 126/127 if
 * PROGRAM cannot be executed / is not found, 1 on other errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *name;
	int sig;
} names[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },
	{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "TSTP", SIGTSTP }, { "WINCH", SIGWINCH },
};

/* The signal number of NAME, or 0. */
static int parse_signal(const char *name)
{
	unsigned int i;
	char *end;
	long n;

	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].sig;
	n = strtol(name, &end, 10);
	if (*name && !*end && n > 0 && n < NSIG)
		return (int)n;
	return 0;
}

int main(int argc, char **argv)
{
	char *list, *tok, *save = NULL;
	sigset_t set;
	int sig;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SIG[,SIG...] PROGRAM [ARGS...]\n",
			argv[0]);
		return 1;
	}
	sigemptyset(&set);
	list = strdup(argv[1]);
	if (!list) {
		perror(argv[0]);
		return 1;
	}
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		sig = parse_signal(tok);
		if (!sig || sigaddset(&set, sig)) {
			fprintf(stderr, "%s: bad signal: %s\n", argv[0], tok);
			return 1;
		}
	}
	free(list);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		fprintf(stderr, "%s: sigprocmask: %s\n", argv[0],
			strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
