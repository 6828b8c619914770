/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the execns(2) and uid table selftests.
 *
 * The tests fork a child that calls execns() into execns_helper.  Every fd
 * is closed in the new program, so the helper reports what it sees by
 * creating the file named in $EXECNS_REPORT ("key=value" lines) and, when
 * $EXECNS_HOLD names a fifo, stays alive until the test closes that fifo.
 */
#ifndef __EXECNS_UTIL_H
#define __EXECNS_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"

#ifndef __NR_execns
# if defined(__x86_64__) && !defined(__ILP32__)
#  define __NR_execns 463
# else
#  define __NR_execns -1	/* unknown here: syscall() fails with ENOSYS */
# endif
#endif

/* execns2(): read the number from /sys/kernel/execns/execns2_nr in real code. */
#ifndef __NR_execns2
# if defined(__x86_64__) && !defined(__ILP32__)
#  define __NR_execns2 464
# else
#  define __NR_execns2 -1	/* unknown here: syscall() fails with ENOSYS */
# endif
#endif

#ifndef CLONE_NEWCGROUP
# define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
# define CLONE_NEWTIME 0x00000080
#endif

#ifndef __printf
# define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

#define EXECNS_ALL_NS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
		       CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
		       CLONE_NEWCGROUP | CLONE_NEWTIME)
#ifndef EXECNS_VALID_FLAGS	/* also in <linux/execns.h> */
#define EXECNS_VALID_FLAGS (EXECNS_ALL_NS | CLONE_SYSVSEM)
#endif

/* The unprivileged identity the tests switch to (no /etc/passwd needed). */
#define TEST_UID 1000
#define TEST_GID 1000

#ifdef EXECNS_EMULATE
/*
 * Only for checking the tests themselves on a kernel without execns():
 * unshare()+close_range()+execve(), which is NOT all-or-nothing (the
 * failure tests are expected to fail with it) and refuses multithreaded
 * callers.  Never used by the Makefile.
 */
#ifndef SYS_close_range
# define SYS_close_range 436
#endif
static inline long sys_execns(int flags, const char *filename,
			      char *const argv[], char *const envp[])
{
	if (flags & ~EXECNS_VALID_FLAGS) {
		errno = EINVAL;
		return -1;
	}
	if (flags && unshare(flags))
		return -1;
	syscall(SYS_close_range, 0, ~0U, 2 /* CLOSE_RANGE_UNSHARE */);
	return execve(filename, argv, envp);
}
#else
static inline long sys_execns(int flags, const char *filename,
			      char *const argv[], char *const envp[])
{
	return syscall(__NR_execns, flags, filename, argv, envp);
}
#endif

/* Order matters: it is also the order of enum ns_idx. */
static const char *const ns_names[] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
	"time", "time_for_children", "user", "uts",
};

#define NR_NS ARRAY_SIZE(ns_names)

enum ns_idx {
	NS_CGROUP, NS_IPC, NS_MNT, NS_NET, NS_PID, NS_PID_FOR_CHILDREN,
	NS_TIME, NS_TIME_FOR_CHILDREN, NS_USER, NS_UTS,
};

struct ns_set {
	unsigned long long ino[NR_NS];	/* 0: the entry does not exist */
};

static inline unsigned long long ns_inode(const char *pid, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, name);
	if (stat(path, &st))
		return 0;
	return st.st_ino;
}

static inline void ns_read(const char *pid, struct ns_set *s)
{
	for (size_t i = 0; i < NR_NS; i++)
		s->ino[i] = ns_inode(pid, ns_names[i]);
}

/* Bit i set in the result: namespace i differs between a and b. */
static inline unsigned int ns_diff(const struct ns_set *a, const struct ns_set *b)
{
	unsigned int mask = 0;

	for (size_t i = 0; i < NR_NS; i++)
		if (a->ino[i] != b->ino[i])
			mask |= 1u << i;
	return mask;
}

static inline void ns_mask_str(unsigned int mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_NS; i++)
		if (mask & (1u << i))
			off += snprintf(buf + off, off < len ? len - off : 0,
					"%s%s", off ? "," : "", ns_names[i]);
	if (!off)
		snprintf(buf, len, "(none)");
}

/* Namespaces (as ns_idx bits) a flag set must change for the new program. */
static inline unsigned int ns_expected_change(int flags)
{
	unsigned int m = 0;

	if (flags & CLONE_NEWCGROUP)
		m |= 1u << NS_CGROUP;
	if (flags & CLONE_NEWIPC)
		m |= 1u << NS_IPC;
	if (flags & CLONE_NEWNS)
		m |= 1u << NS_MNT;
	if (flags & CLONE_NEWNET)
		m |= 1u << NS_NET;
	/* As unshare(): only the children of the new program move. */
	if (flags & CLONE_NEWPID)
		m |= 1u << NS_PID_FOR_CHILDREN;
	/* As unshare()+execve(): the exec itself enters the new time ns. */
	if (flags & CLONE_NEWTIME)
		m |= (1u << NS_TIME) | (1u << NS_TIME_FOR_CHILDREN);
	if (flags & CLONE_NEWUSER)
		m |= 1u << NS_USER;
	if (flags & CLONE_NEWUTS)
		m |= 1u << NS_UTS;
	return m;
}

/* Does this kernel have every namespace type named in flags? */
static inline bool ns_types_present(int flags)
{
	unsigned int m = ns_expected_change(flags);

	for (size_t i = 0; i < NR_NS; i++)
		if ((m & (1u << i)) && !ns_inode("self", ns_names[i]))
			return false;
	return true;
}

static inline int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, off = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)off < len - 1) {
		n = read(fd, buf + off, len - 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
	buf[off] = '\0';
	close(fd);
	return off;
}

static inline int write_file(const char *path, const char *s)
{
	ssize_t len = strlen(s);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, s, len) != len)
		ret = -1;
	if (close(fd))
		ret = -1;
	return ret;
}

/*
 * A sysctl (or other one-line file) the test changes and its parent puts
 * back (FIXTURE_TEARDOWN_PARENT) from what sysctl_set() saved.
 */
struct saved_sysctl {
	char path[128];
	char value[64];
	bool saved;
};

static inline int sysctl_set(struct saved_sysctl *sv, const char *path,
			     const char *val)
{
	if (!sv->saved) {
		if (read_file(path, sv->value, sizeof(sv->value)) <= 0)
			return -1;
		snprintf(sv->path, sizeof(sv->path), "%s", path);
		sv->saved = true;
	}
	return write_file(path, val);
}

/* Append to the string in out (of size len), truncating. */
__printf(3, 4)
static inline void catf(char *out, size_t len, const char *fmt, ...)
{
	size_t off = strnlen(out, len);
	va_list ap;

	if (off + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(out + off, len - off, fmt, ap);
	va_end(ap);
}

/*
 * Append to a report of *len bytes in buf (of size bytes); an entry that
 * does not fit is left out.
 */
__printf(4, 5)
static inline void buf_add(char *buf, size_t size, size_t *len,
			   const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0 && *len + n < size)
		*len += n;
}

/*
 * Create the report file path (O_EXCL) with the len bytes of text: 0, or
 * the target's exit status for a failure: 2 no path, 3 not created, 4 not
 * written.
 */
static inline int write_report(const char *path, const char *text, size_t len)
{
	size_t off;
	int fd;

	if (!path)
		return 2;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return 3;
	for (off = 0; off < len;) {
		ssize_t n = write(fd, text + off, len - off);

		if (n <= 0) {
			close(fd);
			return 4;
		}
		off += n;
	}
	return close(fd) ? 4 : 0;
}

/*
 * The fds listed in /proc/self/fd (but the listing's own) as "0,1,2" in
 * list, "none" if there are none, "unavailable" if it cannot be read.
 * each(fd), if given, is called for every fd listed.
 */
static inline void list_proc_fds(char *list, size_t len, void (*each)(int fd))
{
	struct dirent *e;
	size_t off = 0;
	DIR *d;
	int fd;

	d = opendir("/proc/self/fd");
	if (!d) {
		snprintf(list, len, "unavailable");
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(d))
			continue;
		if (each)
			each(fd);
		off += snprintf(list + off, off < len ? len - off : 0, "%s%d",
				off ? "," : "", fd);
	}
	closedir(d);
	if (!off)
		snprintf(list, len, "none");
}

/*
 * Value of "key<sep>value" in a text of lines (sep is '=' for reports,
 * ':' for /proc files).  Returns a pointer into a static buffer.
 */
static inline const char *kv_get(const char *text, const char *key, char sep)
{
	static char val[4096];
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == sep) {
			const char *v = p + klen + 1;
			size_t n = strcspn(v, "\n");

			while (sep == ':' && (*v == ' ' || *v == '\t'))
				v++, n--;
			if (n >= sizeof(val))
				n = sizeof(val) - 1;
			memcpy(val, v, n);
			val[n] = '\0';
			return val;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* Numeric value, or def if the key is absent or not a number. */
static inline long long kv_num(const char *text, const char *key, char sep,
			       long long def)
{
	const char *v = kv_get(text, key, sep);
	char *end;
	long long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtoll(v, &end, 0);
	if (errno || (*end && *end != ' ' && *end != '\t'))
		return def;
	return n;
}

/* Copy what is left of in to out; 0 or -1. */
static inline int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

static inline int copy_file(const char *from, const char *to, mode_t mode)
{
	int in, out, ret;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		close(in);
		return -1;
	}
	ret = copy_fd(in, out);
	if (fchmod(out, mode))
		ret = -1;
	close(in);
	if (close(out))
		ret = -1;
	return ret;
}

/* Path of a file next to the running test binary. */
static inline int sibling_path(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/%s", exe, name) >= len)
		return -1;
	return access(buf, X_OK);
}

static inline void rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[PATH_MAX];

	if (lstat(path, &st))
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", path,
				     e->d_name) < (int)sizeof(sub))
				rm_rf(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/*
 * A scratch directory shared by the test and the target:
 *   <dir>/execns_helper   copy of the helper, reachable by uid 1000
 *   <dir>/rep/            world-writable (sticky): reports, fifos
 */
struct scratch {
	char dir[128];
	char helper[192];
	char rep[192];
	unsigned int seq;
};

static inline int scratch_init(struct scratch *s, char *why, size_t whylen)
{
	char orig[PATH_MAX];

	memset(s, 0, sizeof(*s));
	if (sibling_path("execns_helper", orig, sizeof(orig))) {
		snprintf(why, whylen, "execns_helper not found next to the test binary");
		return -1;
	}
	if (access("/tmp", W_OK))
		mkdir("/tmp", 01777);
	strcpy(s->dir, "/tmp/execns_test.XXXXXX");
	if (!mkdtemp(s->dir)) {
		snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
		s->dir[0] = '\0';
		return -1;
	}
	chmod(s->dir, 0755);
	snprintf(s->helper, sizeof(s->helper), "%s/execns_helper", s->dir);
	snprintf(s->rep, sizeof(s->rep), "%s/rep", s->dir);
	if (copy_file(orig, s->helper, 0755) || mkdir(s->rep, 01777) ||
	    chmod(s->rep, 01777)) {
		snprintf(why, whylen, "preparing %s: %s", s->dir, strerror(errno));
		return -1;
	}
	return 0;
}

static inline void scratch_fini(struct scratch *s)
{
	if (s->dir[0])
		rm_rf(s->dir);
	s->dir[0] = '\0';
}

/* A fresh (not yet existing) path in the report directory. */
static inline int scratch_path(struct scratch *s, const char *what,
			       char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s.%u", s->rep, what, s->seq++) < (int)len ?
	       0 : -1;
}

static inline int scratch_fifo(struct scratch *s, char *buf, size_t len)
{
	if (scratch_path(s, "hold", buf, len) || mkfifo(buf, 0666))
		return -1;
	return chmod(buf, 0666);
}

/* Switch to TEST_UID/TEST_GID with no groups and no capabilities. */
static inline int drop_privs(void)
{
	if (setgroups(0, NULL) || setresgid(TEST_GID, TEST_GID, TEST_GID) ||
	    setresuid(TEST_UID, TEST_UID, TEST_UID))
		return -1;
	/* Changing euid made us non-dumpable: keep /proc/self/ ours. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -1;
	return geteuid() == TEST_UID && getegid() == TEST_GID ? 0 : -1;
}

/*
 * Start nproc processes that each switch their real uid (the kernel
 * switches user_struct) over base..base+n-1, each in another order, and
 * exit 0, or 1 if a switch failed.  Returns how many could not be started;
 * the caller reaps the others.
 */
static inline int uid_storm(long base, long n, long nproc)
{
	int failed = 0;

	for (long i = 0; i < nproc; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			failed++;
			continue;
		}
		if (pid == 0) {
			for (long k = 0; k < n; k++) {
				uid_t u = base + (k * (i + 1) + i * n / nproc) % n;

				if (syscall(SYS_setresuid, u, -1, -1))
					_exit(1);
			}
			_exit(0);
		}
	}
	return failed;
}

/*
 * unshare(CLONE_NEWUSER) and map our own uid/gid to 0 in the new
 * namespace (what an unprivileged process may do), so that we are root
 * there with every capability, and can nest further.
 */
static inline int unshare_userns_mapped(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER))
		return -1;
	if (write_file("/proc/self/setgroups", "deny") && errno != ENOENT)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", uid);
	if (write_file("/proc/self/uid_map", map))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", gid);
	if (write_file("/proc/self/gid_map", map))
		return -1;
	return geteuid() == 0 ? 0 : -1;
}

/*
 * Wait for a target holding on the fifo to open it (its report is complete
 * then).  Returns a write fd; closing it releases the target.  Returns -1 if
 * the target died first (*status is set and the child is reaped) or on
 * timeout.
 */
static inline int hold_wait(const char *fifo, pid_t pid, int *status, int timeout_ms)
{
	int fd, i;

	*status = -1;
	for (i = 0; i < timeout_ms / 5; i++) {
		fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != ENXIO)
			return -1;
		if (pid > 0 && waitpid(pid, status, WNOHANG) == pid)
			return -1;
		usleep(5000);
	}
	return -1;
}

/* Wait for a child, killing it after timeout_ms.  Returns the wait status. */
static inline int wait_timeout(pid_t pid, int timeout_ms)
{
	int status = -1, i;

	for (i = 0; i < timeout_ms / 5; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -2;
}

static inline const char *status_str(int status)
{
	static char buf[64];

	if (status == -2)
		snprintf(buf, sizeof(buf), "timed out");
	else if (status < 0)
		snprintf(buf, sizeof(buf), "not waited for");
	else if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(status));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", status);
	return buf;
}

/*
 * Make call() in a child (a broken implementation must not hurt the test
 * runner) and return the errno it failed with, 0xfe if it returned anything
 * but -1; or -1, with *why set, if the child could not run.
 */
static inline int probe_errno(long (*call)(void), char *why, size_t len)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		_exit(call() == -1 ? (errno & 0xff) : 0xfe);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		snprintf(why, len, "probe child died (%s)", status_str(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

static inline long execns_probe_call(void)
{
	char *const argv[] = { "execns-probe", NULL };
	char *const envp[] = { NULL };

	return sys_execns(0, "/nonexistent/execns-probe", argv, envp);
}

/*
 * Is syscall __NR_execns really execns()?  A missing file must give ENOENT
 * (probe_errno()).  On other kernels the number may be another syscall (463
 * is setxattrat from 6.13 on): skip there rather than fail.
 * Returns true if the tests can run; *why says why not.
 */
static inline bool execns_probe(char *why, size_t len)
{
	struct utsname u;
	int err;

#ifdef EXECNS_EMULATE
	return true;
#endif
	if (__NR_execns < 0) {
		snprintf(why, len, "execns() syscall number unknown on this architecture");
		return false;
	}
	err = probe_errno(execns_probe_call, why, len);
	if (err < 0)
		return false;
	if (err == ENOENT)
		return true;
	if (err == ENOSYS) {
		snprintf(why, len, "execns() not supported by this kernel (ENOSYS)");
		return false;
	}
	uname(&u);
	if (strncmp(u.release, "6.12.", 5)) {
		snprintf(why, len,
			 "syscall %d is not execns() on kernel %s (probe errno %d)",
			 __NR_execns, u.release, err);
		return false;
	}
	/* A 6.12 kernel with a misbehaving execns: run and fail. */
	return true;
}

/* ---- /proc/<pid>/uid_table (also read by bench/execns-stress.c) ---- */

struct uid_table {
	long long id, records, buckets;
};

/*
 * Parse /proc/<pid>/uid_table strictly: exactly "id: N", "records: N",
 * "buckets: N", in this order, one per line.
 */
static inline int uid_table_read(const char *pid, struct uid_table *t)
{
	char path[64], buf[256], extra;
	int n;

	snprintf(path, sizeof(path), "/proc/%s/uid_table", pid);
#ifdef EXECNS_EMULATE	/* host check of the test logic only */
	snprintf(buf, sizeof(buf), "id: 1\nrecords: 1\nbuckets: 1\n");
#else
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
#endif
	n = sscanf(buf, "id: %lld\nrecords: %lld\nbuckets: %lld\n%c",
		   &t->id, &t->records, &t->buckets, &extra);
	if (n != 3 || buf[strlen(buf) - 1] != '\n')
		return -1;
	return 0;
}

static inline long long records_now(void)
{
	struct uid_table t;

	return uid_table_read("self", &t) ? -1 : t.records;
}

/* Poll (frees may wait for RCU) until records == want; returns the last value. */
static inline long long records_wait_for(long long want, int timeout_ms)
{
	long long r = -1;

	for (int i = 0; i <= timeout_ms / 20; i++) {
		r = records_now();
		if (r == want)
			break;
		usleep(20000);
	}
	return r;
}

/*
 * A baseline: the record count once it stopped moving (the records of
 * earlier tests' processes may still be waiting for an RCU grace period).
 */
static inline long long records_stable(void)
{
	long long prev = records_now(), cur = prev;

	for (int i = 0; i < 50; i++) {
		usleep(100000);
		cur = records_now();
		if (cur == prev)
			break;
		prev = cur;
	}
	return cur;
}

#endif /* __EXECNS_UTIL_H */
