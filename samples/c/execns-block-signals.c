// SPDX-License-Identifier: GPL-2.0
/*
 * execns-block-signals [-i SIG[,SIG...]] SIG[,SIG...]|- PROGRAM [ARGS...]
 *
 * Add the signals given (numbers, or names with or without "SIG": HUP, INT,
 * QUIT, USR1, USR2, PIPE, ALRM, TERM, CHLD, CONT, TSTP, WINCH; "-" for
 * none) to the signal mask, set those given with -i to ignored, then execvp
 * PROGRAM: how the guest tests give a program a caller with blocked
 * signals, or with SIGCHLD ignored, which a shell cannot set up. Exit
 * status 126/127 if PROGRAM cannot be executed / is not found, 1 on other
 * errors.
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

/* Parse the list ARG ("-": empty) into SET; 0, or -1 after a message. */
static int parse_list(const char *prog, const char *arg, sigset_t *set)
{
	char *list, *tok, *save = NULL;
	int sig;

	sigemptyset(set);
	if (strcmp(arg, "-") == 0)
		return 0;
	list = strdup(arg);
	if (!list) {
		perror(prog);
		return -1;
	}
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		sig = parse_signal(tok);
		if (!sig || sigaddset(set, sig)) {
			fprintf(stderr, "%s: bad signal: %s\n", prog, tok);
			free(list);
			return -1;
		}
	}
	free(list);
	return 0;
}

int main(int argc, char **argv)
{
	const char *prog = argv[0];
	sigset_t set, ign;
	int sig;

	sigemptyset(&ign);
	if (argc >= 3 && strcmp(argv[1], "-i") == 0) {
		if (parse_list(prog, argv[2], &ign))
			return 1;
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fprintf(stderr,
			"usage: %s [-i SIG[,SIG...]] SIG[,SIG...]|- PROGRAM [ARGS...]\n",
			prog);
		return 1;
	}
	if (parse_list(prog, argv[1], &set))
		return 1;
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(&ign, sig) == 1 && signal(sig, SIG_IGN) == SIG_ERR) {
			fprintf(stderr, "%s: cannot ignore signal %d: %s\n",
				prog, sig, strerror(errno));
			return 1;
		}
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		fprintf(stderr, "%s: sigprocmask: %s\n", prog,
			strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "%s: %s: %s\n", prog, argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
