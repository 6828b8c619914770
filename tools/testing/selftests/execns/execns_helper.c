// SPDX-License-Identifier: GPL-2.0
/*
 * execns_helper - the program the execns selftests start with execns(2).
 *
 * execns() closes every fd, so this program is told what to do through its
 * environment and reports through a file it creates itself:
 *
 *   EXECNS_REPORT=path     create path (O_EXCL) and write "key=value" lines:
 *                          argc, argvN, pid, ppid, uid/gid (getres*id()),
 *                          ns.<name> (inode of /proc/self/ns/<name>),
 *                          fds (fds open at startup, before this program
 *                          opened anything), threads, cap_eff/cap_prm,
 *                          at_secure, dumpable (PR_GET_DUMPABLE), cwd
 *                          (getcwd() at startup), exe (/proc/self/exe),
 *                          fd.N=dev:ino:fdflags for each startup fd N
 *                          (the file it holds, F_GETFD), and the results
 *                          of the options below.
 *   EXECNS_HOLD=fifo       after reporting, block reading fifo until EOF.
 *   (always)               fork; the child reports getpid() and its pid ns
 *                          (EXECNS_NOFORK=1: don't).
 *   EXECNS_SETHOSTNAME=1   sethostname(current name): errno (0 = allowed).
 *   EXECNS_PROBE=path      open(path, O_CREAT|O_EXCL): errno (0 = created).
 *   EXECNS_CHDIR=path      chdir(path): errno.
 *   EXECNS_MAPS=1          uid_map, gid_map: the first line of
 *                          /proc/self/{uid,gid}_map, blanks squeezed
 *                          ("0 1000 1", "none" if empty); setgroups.
 *   EXECNS_CLOCK=1         monotonic: CLOCK_MONOTONIC in seconds (vDSO).
 *   EXECNS_UIDTABLE=1      copy /proc/self/uid_table (uid_table.<key>).
 *   EXECNS_EPOLL=max       add epoll watches until failure; report count.
 *   EXECNS_PIPES=max       create pipes until one gets less than the
 *                          default size; report how many got the default.
 *   EXECNS_WAITMAP=fifo    first block on fifo (the test writes our
 *                          uid_map/gid_map meanwhile), then re-exec
 *                          ourselves so that we are root in our user ns.
 *   EXECNS_SETID=id        (after WAITMAP) setresgid/setresuid(id) first.
 *   EXECNS_NODUMP=1        prctl(PR_SET_DUMPABLE, 0) first.
 *   EXECNS_MINT=n          n times: fork, the child calls execns(
 *                          CLONE_NEWUSER) of this program with only
 *                          EXECNS_SAMETABLE=<our table id>; report how
 *                          many got our table (mint.same), another one
 *                          (mint.fresh) or failed (mint.failed).
 *   EXECNS_SAMETABLE=id    (alone) exit 0 if our uid table is id, 1 if
 *                          another, 2 if it cannot be read.
 *   EXECNS_STORM=b:n:p     p processes each switch their real uid over
 *                          b..b+n-1; report the uid table's records
 *                          before and after (after: polled until back).
 *
 * Exit status 0 when the report was written; 2-9 for helper errors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "execns_util.h"

#define MAX_FDS 256

static int startup_fds[MAX_FDS];
static int nr_startup_fds;
static char startup_fd_info[MAX_FDS][64];
static char proc_fds[4096];

static char report[65536];
static size_t report_len;

#define add(...) buf_add(report, sizeof(report), &report_len, __VA_ARGS__)

static void add_fd(int fd)
{
	struct stat st;

	for (int i = 0; i < nr_startup_fds; i++)
		if (startup_fds[i] == fd)
			return;
	if (nr_startup_fds >= MAX_FDS)
		return;
	if (fstat(fd, &st))
		memset(&st, 0, sizeof(st));
	snprintf(startup_fd_info[nr_startup_fds], sizeof(startup_fd_info[0]),
		 "%llu:%llu:%d", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino, fcntl(fd, F_GETFD));
	startup_fds[nr_startup_fds++] = fd;
}

/*
 * Record the open fds before this program opens anything: F_GETFD over
 * 0..RLIMIT_NOFILE, plus the /proc/self/fd listing (which also sees fds
 * above a lowered RLIMIT_NOFILE).
 */
static void scan_fds(void)
{
	struct rlimit rl;
	long max = 65536, fd;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)max)
		max = rl.rlim_cur;
	for (fd = 0; fd < max; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			add_fd(fd);

	list_proc_fds(proc_fds, sizeof(proc_fds), add_fd);
}

/* The value of a "Field:" line of /proc/self/status as key=value. */
static void report_status_field(const char *status, const char *field,
				const char *key)
{
	const char *v = kv_get(status, field, ':');

	add("%s=%s\n", key, v ? v : "missing");
}

/* The first line of /proc/self/<name> as key=value, blanks squeezed. */
static void report_proc_line(const char *name)
{
	char buf[256], out[256], path[64];
	size_t o = 0;
	bool blank = true;

	snprintf(path, sizeof(path), "/proc/self/%s", name);
	if (read_file(path, buf, sizeof(buf)) < 0) {
		add("%s=unreadable\n", name);
		return;
	}
	for (char *p = buf; *p && *p != '\n' && o < sizeof(out) - 1; p++) {
		if (*p == ' ' || *p == '\t') {
			if (!blank)
				out[o++] = ' ';
			blank = true;
		} else {
			out[o++] = *p;
			blank = false;
		}
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	add("%s=%s\n", name, o ? out : "none");
}

static long uid_table_value(const char *key)
{
	char buf[512], *p;
	size_t klen = strlen(key);

	if (read_file("/proc/self/uid_table", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtol(p + klen + 1, NULL, 10);
	return -1;
}

static void do_uid_table(void)
{
	char buf[512], *line, *save;

	if (read_file("/proc/self/uid_table", buf, sizeof(buf)) < 0) {
		add("uid_table=missing errno %d\n", errno);
		return;
	}
	add("uid_table=present\n");
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		add("uid_table.%s=%s\n", line, colon + 1 + (colon[1] == ' '));
	}
}

static void do_fork(void)
{
	int p[2], status;
	char buf[128] = "";
	pid_t pid;
	ssize_t n;

	if (pipe(p)) {
		add("child=pipe errno %d\n", errno);
		return;
	}
	pid = fork();
	if (pid < 0) {
		add("child=fork errno %d\n", errno);
		return;
	}
	if (pid == 0) {
		struct stat st;
		unsigned long long ino = 0;

		if (!stat("/proc/self/ns/pid", &st))
			ino = st.st_ino;
		n = snprintf(buf, sizeof(buf), "child_pid=%d\nchild_ns.pid=%llu\n",
			     (int)getpid(), ino);
		if (write(p[1], buf, n) != n)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	waitpid(pid, &status, 0);
	if (n > 0) {
		buf[n] = '\0';
		add("%s", buf);
	}
	add("child=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
}

static void do_epoll(long max)
{
	long count = 0;
	int ep, efd, err = 0, p[2];

	ep = epoll_create1(0);
	if (ep < 0 || pipe(p)) {
		add("epoll=-1\nepoll_errno=%d\n", errno);
		return;
	}
	efd = p[0];
	while (count < max) {
		struct epoll_event ev = { .events = EPOLLIN };
		int fd = dup(efd);

		if (fd < 0) {
			err = errno;
			break;
		}
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
			err = errno;
			close(fd);
			break;
		}
		count++;
	}
	/* The watches stay until exit: the test compares while we hold. */
	add("epoll=%ld\nepoll_errno=%d\n", count, err);
}

static void do_pipes(long max)
{
	long full = 0, i;
	long def = 16 * sysconf(_SC_PAGESIZE);
	int p[2], err = 0, size = 0;

	for (i = 0; i < max; i++) {
		if (pipe(p)) {
			err = errno;
			break;
		}
		size = fcntl(p[0], F_GETPIPE_SZ);
		if (size < def)
			break;
		full++;
	}
	add("pipes=%ld\npipes_errno=%d\npipes_last_size=%d\n", full, err, size);
}

/* Each of nproc processes switches its real uid over base..base+n-1. */
static void do_storm(const char *spec)
{
	long base, n, nproc, before, after = -1, i;
	int status, failed;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	if (sscanf(spec, "%ld:%ld:%ld", &base, &n, &nproc) != 3 || n <= 0 ||
	    nproc <= 0) {
		add("storm=bad spec\n");
		return;
	}
	before = uid_table_value("records");
	failed = uid_storm(base, n, nproc);
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	/* Frees can be deferred (RCU): poll for up to 5 seconds. */
	for (i = 0; i < 250; i++) {
		after = uid_table_value("records");
		if (after == before)
			break;
		nanosleep(&ts, NULL);
	}
	add("storm_failed=%d\nstorm_before=%ld\nstorm_after=%ld\n",
	    failed, before, after);
}

/* n children execns(CLONE_NEWUSER): do they get our table or a fresh one? */
static void do_mint(long n)
{
	long id = uid_table_value("id"), same = 0, fresh = 0, failed = 0;
	char env[64];
	char *const argv[] = { "execns_helper", NULL };
	char *const envp[] = { env, NULL };
	int status;

	snprintf(env, sizeof(env), "EXECNS_SAMETABLE=%ld", id);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			failed++;
			continue;
		}
		if (pid == 0) {
			sys_execns(CLONE_NEWUSER, "/proc/self/exe", argv, envp);
			_exit(3);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) > 1)
			failed++;
		else if (WEXITSTATUS(status) == 0)
			same++;
		else
			fresh++;
	}
	add("mint.id=%ld\nmint.same=%ld\nmint.fresh=%ld\nmint.failed=%ld\n",
	    id, same, fresh, failed);
}

static void hold(const char *fifo)
{
	char buf[64];
	int fd = open(fifo, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		_exit(5);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void waitmap_and_reexec(char **argv, char **envp)
{
	const char *fifo = getenv("EXECNS_WAITMAP");
	static char *newenv[256];
	int i, n = 0;

	hold(fifo);
	for (i = 0; envp[i] && n < 250; i++)
		if (strncmp(envp[i], "EXECNS_WAITMAP=", 15))
			newenv[n++] = envp[i];
	newenv[n++] = "EXECNS_STAGE=2";
	newenv[n] = NULL;
	execve("/proc/self/exe", argv, newenv);
	_exit(6);
}

int main(int argc, char **argv, char **envp)
{
	const char *path = getenv("EXECNS_REPORT");
	char status[8192];
	char *val;
	int fd, i, ret;

	val = getenv("EXECNS_SAMETABLE");
	if (val) {
		long id = uid_table_value("id");

		return id < 0 ? 2 : id == atol(val) ? 0 : 1;
	}

	scan_fds();

	if (getenv("EXECNS_NODUMP"))
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (getenv("EXECNS_WAITMAP"))
		waitmap_and_reexec(argv, envp);

	val = getenv("EXECNS_SETID");
	if (val) {
		id_t id = atol(val);

		setgroups(0, NULL);
		if (setresgid(id, id, id) || setresuid(id, id, id))
			add("setid_errno=%d\n", errno);
		else
			add("setid_errno=0\n");
	}

	/*
	 * Fork first: /proc/self/ns/pid_for_children only resolves once the
	 * pid namespace for children has its init (see pidns_for_children_get()).
	 */
	if (!getenv("EXECNS_NOFORK"))
		do_fork();

	add("argc=%d\n", argc);
	for (i = 0; i < argc && i < 16; i++)
		add("argv%d=%s\n", i, argv[i]);
	add("pid=%d\nppid=%d\n", (int)getpid(), (int)getppid());
	{
		uid_t r, e, s;
		gid_t gr, ge, gs;

		getresuid(&r, &e, &s);
		getresgid(&gr, &ge, &gs);
		add("uid=%u %u %u\ngid=%u %u %u\n", r, e, s, gr, ge, gs);
	}
	for (i = 0; i < 10; i++) {
		static const char *const names[] = {
			"cgroup", "ipc", "mnt", "net", "pid",
			"pid_for_children", "time", "time_for_children",
			"user", "uts",
		};
		char p[64];
		struct stat st;

		snprintf(p, sizeof(p), "/proc/self/ns/%s", names[i]);
		add("ns.%s=%llu\n", names[i],
		    stat(p, &st) ? 0ULL : (unsigned long long)st.st_ino);
	}
	add("fds=");
	for (i = 0; i < nr_startup_fds; i++)
		add("%s%d", i ? "," : "", startup_fds[i]);
	add("%s\nproc_fds=%s\n", nr_startup_fds ? "" : "none", proc_fds);
	for (i = 0; i < nr_startup_fds; i++)
		add("fd.%d=%s\n", startup_fds[i], startup_fd_info[i]);
	{
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		exe[n > 0 ? n : 0] = '\0';
		add("exe=%s\n", exe);
	}
	add("at_secure=%lu\n", getauxval(AT_SECURE));
	add("dumpable=%d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	{
		char cwd[PATH_MAX];

		add("cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	}

	if (read_file("/proc/self/status", status, sizeof(status)) >= 0) {
		report_status_field(status, "Threads", "threads");
		report_status_field(status, "CapEff", "cap_eff");
		report_status_field(status, "CapPrm", "cap_prm");
	}

	if (getenv("EXECNS_SETHOSTNAME")) {
		struct utsname u;

		uname(&u);
		add("sethostname=%d\n",
		    sethostname(u.nodename, strlen(u.nodename)) ? errno : 0);
	}
	val = getenv("EXECNS_PROBE");
	if (val) {
		fd = open(val, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		add("probe=%d\n", fd < 0 ? errno : 0);
		if (fd >= 0) {
			close(fd);
			unlink(val);
		}
	}
	val = getenv("EXECNS_CHDIR");
	if (val)
		add("chdir=%d\n", chdir(val) ? errno : 0);
	if (getenv("EXECNS_MAPS")) {
		report_proc_line("uid_map");
		report_proc_line("gid_map");
		report_proc_line("setgroups");
	}
	if (getenv("EXECNS_CLOCK")) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		add("monotonic=%lld\n", (long long)ts.tv_sec);
	}
	if (getenv("EXECNS_UIDTABLE"))
		do_uid_table();
	val = getenv("EXECNS_EPOLL");
	if (val)
		do_epoll(atol(val));
	val = getenv("EXECNS_PIPES");
	if (val)
		do_pipes(atol(val));
	val = getenv("EXECNS_STORM");
	if (val)
		do_storm(val);
	val = getenv("EXECNS_MINT");
	if (val)
		do_mint(atol(val));
	add("done=1\n");

	ret = write_report(path, report, report_len);
	if (ret)
		return ret;

	val = getenv("EXECNS_HOLD");
	if (val)
		hold(val);
	return 0;
}
