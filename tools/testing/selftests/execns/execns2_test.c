// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for execns2(2):
 *
 *   long execns2(const struct execns_args *args, size_t size);
 *
 * execns() made extensible, with execveat()'s dirfd + pathname + at_flags
 * and an fd map: the new program's file table holds exactly the files the
 * map names, at its targets, without close-on-exec.
 *
 * Also joining existing namespaces (join_fd + join_flags, as setns()) and
 * the id maps of a new user namespace (uid_map, gid_map, userns_flags).
 *
 * As in execns_test.c, successful calls run execns_helper, which reports
 * what it sees (fd.N=dev:ino:fdflags for each fd it starts with, argv,
 * namespaces, exe); failing calls are checked for the errno, for leaving
 * the caller unchanged (namespaces, every fd, credentials, threads, cwd,
 * root: snapshots before and after) and for dropping the new file table
 * (the write end of a pipe passed in the map is closed once the caller
 * closes its own: the reader sees EOF).
 *
 * Must run as root; the unprivileged parts switch to uid/gid 1000.
 * Skips everything on a kernel without execns2() (ENOSYS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "execns_util.h"
#include "execns_run.h"

#ifndef MFD_CLOEXEC
# define MFD_CLOEXEC 0x0001U
#endif
#ifndef MFD_ALLOW_SEALING
# define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef MFD_EXEC
# define MFD_EXEC 0x0010U
#endif
#ifndef F_ADD_SEALS
# define F_ADD_SEALS 1033
# define F_SEAL_SEAL 0x0001
# define F_SEAL_SHRINK 0x0002
# define F_SEAL_GROW 0x0004
# define F_SEAL_WRITE 0x0008
#endif

static bool e2_ok;
static char e2_why[256];

/*
 * The fds every test's child has before the call (set up by open_sources()):
 * the pipe's write end (whose last reference we watch) and read end, the
 * scratch directory, /dev/null, a marker file, an O_PATH fd of the helper,
 * and one fd with and one without close-on-exec that no map names, a sealed
 * memfd copy of the helper, the script, and the scratch directory again
 * without close-on-exec.
 */
enum {
	FD_PIPE_W = 40, FD_PIPE_R, FD_DIR, FD_NULL, FD_MARKER, FD_OPATH,
	FD_EXTRA, FD_EXTRA_CLOEXEC, FD_MEMFD, FD_SCRIPT, FD_DIR_NOCLOEXEC,
};

#define FD_NOT_OPEN 60

/* What open_sources() opens, and the script/symlink next to the helper. */
struct sources {
	char dir[192];
	char helper[192];
	char marker[256];
	char script[256];
	char link[256];
};

static struct sources src;

static int move_fd(int fd, int to, bool cloexec)
{
	if (fd < 0)
		return -1;
	if (fd == to)
		return fcntl(fd, F_SETFD, cloexec ? FD_CLOEXEC : 0);
	if (dup3(fd, to, cloexec ? O_CLOEXEC : 0) != to)
		return -1;
	close(fd);
	return 0;
}

/* A sealed memfd holding a copy of the helper (runc's CVE-2019-5736 defence). */
static int sealed_helper_memfd(void)
{
	int in, fd, ret;

	fd = memfd_create("execns2-helper", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)	/* before MFD_EXEC */
		fd = memfd_create("execns2-helper", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	in = open(src.helper, O_RDONLY | O_CLOEXEC);
	ret = in < 0 ? -1 : copy_fd(in, fd);
	if (in >= 0)
		close(in);
	if (ret || fchmod(fd, 0755) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
		  F_SEAL_WRITE)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* In the child, before the call: the fds of the enum above. */
static int open_sources(void *unused)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	if (move_fd(p[1], FD_PIPE_W, true) || move_fd(p[0], FD_PIPE_R, true) ||
	    move_fd(open(src.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), FD_DIR, true) ||
	    move_fd(open("/dev/null", O_RDWR), FD_NULL, false) ||
	    move_fd(open(src.marker, O_RDWR | O_CLOEXEC), FD_MARKER, true) ||
	    move_fd(open(src.helper, O_PATH | O_CLOEXEC), FD_OPATH, true) ||
	    move_fd(open("/dev/null", O_RDONLY), FD_EXTRA, false) ||
	    move_fd(open("/dev/null", O_RDONLY), FD_EXTRA_CLOEXEC, true) ||
	    move_fd(sealed_helper_memfd(), FD_MEMFD, true) ||
	    move_fd(open(src.script, O_RDONLY | O_CLOEXEC), FD_SCRIPT, true) ||
	    move_fd(open(src.dir, O_RDONLY | O_DIRECTORY), FD_DIR_NOCLOEXEC, false))
		return -1;
	return 0;
}

static int sources_init(struct scratch *s)
{
	char line[PATH_MAX + 32];
	int fd, len;

	snprintf(src.dir, sizeof(src.dir), "%s", s->dir);
	snprintf(src.helper, sizeof(src.helper), "%s", s->helper);
	snprintf(src.marker, sizeof(src.marker), "%s/marker", s->dir);
	snprintf(src.script, sizeof(src.script), "%s/script.sh", s->dir);
	snprintf(src.link, sizeof(src.link), "%s/link", s->dir);
	/* 0666: uid 1000 opens it too. */
	fd = open(src.marker, O_RDWR | O_CREAT | O_TRUNC, 0666);
	if (fd < 0 || close(fd) || chmod(src.marker, 0666))
		return -1;
	len = snprintf(line, sizeof(line), "#!%s scriptarg\n", s->helper);
	fd = open(src.script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, line, len) != len || close(fd) ||
	    chmod(src.script, 0755))
		return -1;
	return symlink("execns_helper", src.link);
}

/* dev:ino:0 of path, as the helper reports a non-close-on-exec fd. */
static const char *fd_id(const char *path)
{
	static char buf[64];
	struct stat st;

	if (stat(path, &st))
		return "stat failed";
	snprintf(buf, sizeof(buf), "%llu:%llu:0", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	return buf;
}

static void args_init(struct execns_args *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->dirfd = AT_FDCWD;
	a->pathname = (uintptr_t)path;
}

/* args_init(), the program found as by execveat(dirfd, path, at_flags). */
static void args_at(struct execns_args *a, const char *path, int dirfd,
		    unsigned int at_flags)
{
	args_init(a, path);
	a->dirfd = dirfd;
	a->at_flags = at_flags;
}

static void args_map(struct execns_args *a, struct execns_fd *map, unsigned int nr)
{
	a->fds = (uintptr_t)map;
	a->nr_fds = nr;
}

/* ------------------------------------------------------------------ */
/* Failing calls: errno, nothing changed, the new table dropped.       */

/*
 * PREP_CONTAINER_ROOT: uid 1000, then root of a user namespace of its own
 * (unshare_userns_mapped()): a container's root.
 */
enum prep { PREP_ROOT, PREP_UNPRIV, PREP_THREADS, PREP_CONTAINER_ROOT };

struct fail_result {
	struct fail_common c;
	int eof;	/* 1: the pipe's reader saw EOF after the call */
};

static void *fail_res;	/* struct fail_result */
/* Passed to execns2() as it is (an address that faults). */
static void *raw_args;
static char *const fail_argv[] = { "execns2-target", NULL };
static char *const fail_envp[] = { "EXECNS_TEST=1", NULL };

/*
 * In a child: set up (prep, open_sources(), many fds: RLIMIT_NOFILE is then
 * 512), snapshot, call execns2(args, size), snapshot again; then close our
 * write end of the pipe and see whether its reader gets EOF. args->flags is
 * set to flags, argv and envp filled in unless set (not for NULL or
 * raw_args). The parent checks the errno, that the
 * snapshots are equal, and the EOF.
 */
static void expect_fail(struct __test_metadata *_metadata, enum prep prep,
			struct execns_args *args, size_t size,
			unsigned long long flags, int want_errno,
			const char *what)
{
	struct fail_result *fr;
	int status;
	pid_t pid;

	fr = fail_result_reset(&fail_res, sizeof(*fr));
	ASSERT_NE(NULL, fr);

	pid = fork_flushed();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct snapshot *before = malloc(sizeof(*before));
		struct snapshot *after = malloc(sizeof(*after));
		char c;

		if (!before || !after)
			_exit(1);
		if ((prep == PREP_UNPRIV || prep == PREP_CONTAINER_ROOT) &&
		    drop_privs())
			fail_step(&fr->c, 1);
		if (prep == PREP_CONTAINER_ROOT && unshare_userns_mapped())
			fail_step(&fr->c, 4);
		if (prep == PREP_THREADS && start_threads(4))
			fail_step(&fr->c, 2);
		if (open_sources(NULL) || open_many_fds(src.dir) < 12)
			fail_step(&fr->c, 3);
		if (args && args != raw_args) {
			args->flags = flags;
			if (!args->argv)
				args->argv = (uintptr_t)fail_argv;
			if (!args->envp)
				args->envp = (uintptr_t)fail_envp;
		}
		take_snapshot(before);
		errno = 0;
		fail_call_done(&fr->c, sys_execns2(args, size), before, after);
		close(FD_PIPE_W);
		fcntl(FD_PIPE_R, F_SETFL, O_NONBLOCK);
		fr->eof = read(FD_PIPE_R, &c, 1) == 0;
		_exit(0);
	}
	status = wait_timeout(pid, 20000);

	check_failed_call(_metadata, &fr->c, status, what, "execns2()", want_errno);
	EXPECT_TRUE(fr->eof) {
		TH_LOG("%s: pipe still open after the failed call: new file table not dropped",
		       what);
	}
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * A failing call per row, for expect_fail(): pathname, dirfd, at_flags and
 * fd map; the errno it must give and what the row tests.
 */
struct fail_case {
	const char *path;
	int dirfd;
	unsigned int at_flags;
	const struct execns_fd *map;
	unsigned int nr;
	int err;
	const char *what;
};

static void expect_fail_cases(struct __test_metadata *_metadata, enum prep prep,
			      unsigned long long flags,
			      const struct fail_case *cases, size_t n)
{
	struct execns_args a;

	for (size_t i = 0; i < n; i++) {
		args_at(&a, cases[i].path, cases[i].dirfd, cases[i].at_flags);
		if (cases[i].nr)
			args_map(&a, (struct execns_fd *)cases[i].map, cases[i].nr);
		expect_fail(_metadata, prep, &a, sizeof(a), flags, cases[i].err,
			    cases[i].what);
	}
}

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

#define E2_SETUP(self) do {						\
	NS_SCRATCH_SETUP(self, e2_ok, e2_why);				\
	ASSERT_EQ(0, sources_init(&(self)->s));				\
	memset(&(self)->r, 0, sizeof((self)->r));			\
} while (0)

/* The setup and teardown of a fixture with only the common state; extra: more setup. */
#define E2_FIXTURE_HOOKS(fixture, extra...)				\
	FIXTURE_SETUP(fixture)						\
	{								\
		E2_SETUP(self);						\
		extra;							\
	}								\
	FIXTURE_TEARDOWN(fixture)					\
	{								\
		scratch_fini(&self->s);					\
	}

FIXTURE(e2) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

E2_FIXTURE_HOOKS(e2)

/* Run execns2 with args (size 0: sizeof) into the helper, with open_sources(). */
static void run2(struct __test_metadata *_metadata, struct scratch *s,
		 struct run *r, struct execns_args *args, size_t size,
		 struct child_result **res)
{
	r->args2 = args;
	r->size2 = size;
	r->prep = open_sources;
	ASSERT_EQ(0, run_start(s, r, res));
	run_finish(r);
}

/* The helper started with exactly these fds ("0,1,2,1000"). */
#define ASSERT_FDS(r, want) do {					\
	ASSERT_STREQ(want, kv_get((r)->report, "fds", '=') ?: "?") {	\
		TH_LOG("fds in the new program: %s (proc: %s)",		\
		       kv_get((r)->report, "fds", '='),			\
		       kv_get((r)->report, "proc_fds", '='));		\
	}								\
	ASSERT_STREQ(want, kv_get((r)->report, "proc_fds", '=') ?: "?"); \
} while (0)

#define EXPECT_FD_IS(r, fd, path) do {					\
	char __k[32], __id[64];						\
									\
	snprintf(__k, sizeof(__k), "fd.%d", (fd));			\
	snprintf(__id, sizeof(__id), "%s", fd_id(path));		\
	EXPECT_STREQ(__id, kv_get((r)->report, __k, '=') ?: "none") {	\
		TH_LOG("fd %d should hold %s, without close-on-exec",	\
		       (fd), (path));					\
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* The size rules of an extensible struct                              */

/* uint64_t: aligned for struct execns_args */
static uint64_t big_words[1024];
static char *const big = (char *)big_words;
#define BIG_SIZE sizeof(big_words)

/*
 * Smaller than the first version: EINVAL; a larger struct whose extra bytes
 * are not all zero (or larger than a page): E2BIG; a bad pointer: EFAULT.
 */
TEST_F(e2, size_errors)
{
	static const size_t small[] = { 0, 8, EXECNS_ARGS_SIZE_VER0 - 8,
					EXECNS_ARGS_SIZE_VER0 - 1 };
	struct execns_args *a = (struct execns_args *)big;
	char what[64];
	void *bad;

	for (size_t i = 0; i < ARRAY_SIZE(small); i++) {
		memset(big, 0, BIG_SIZE);
		args_init(a, self->s.helper);
		snprintf(what, sizeof(what), "size %zu", small[i]);
		expect_fail(_metadata, PREP_ROOT, a, small[i], 0, EINVAL, what);
	}

	memset(big, 0, BIG_SIZE);
	args_init(a, self->s.helper);
	big[sizeof(*a) + 7] = 1;
	expect_fail(_metadata, PREP_ROOT, a, sizeof(*a) + 8, 0, E2BIG,
		    "a non-zero byte after the known struct");
	memset(big, 0, BIG_SIZE);
	args_init(a, self->s.helper);
	big[getpagesize() - 1] = 1;
	expect_fail(_metadata, PREP_ROOT, a, getpagesize(), 0, E2BIG,
		    "a non-zero last byte of a page-sized struct");
	memset(big, 0, BIG_SIZE);
	args_init(a, self->s.helper);
	expect_fail(_metadata, PREP_ROOT, a, getpagesize() + 1, 0, E2BIG,
		    "size over a page");

	bad = mmap(NULL, getpagesize(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, bad);
	expect_fail(_metadata, PREP_ROOT, NULL, sizeof(*a), 0, EFAULT, "NULL args");
	raw_args = bad;
	expect_fail(_metadata, PREP_ROOT, bad, sizeof(*a), 0, EFAULT, "unmapped args");
	raw_args = NULL;
	munmap(bad, getpagesize());
}

/* Which struct sizes work: every known version, and larger with zeros. */
FIXTURE(size) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_VARIANT(size) {
	size_t size;		/* 0: a page */
	bool garbage_after;	/* non-zero bytes after size (not read) */
};

FIXTURE_VARIANT_ADD(size, ver0) { .size = EXECNS_ARGS_SIZE_VER0 };
/* A VER0 caller's memory after its struct is not the kernel's business. */
FIXTURE_VARIANT_ADD(size, ver0_garbage_after) {
	.size = EXECNS_ARGS_SIZE_VER0, .garbage_after = true
};

FIXTURE_VARIANT_ADD(size, between_versions) { .size = EXECNS_ARGS_SIZE_VER0 + 8 };
FIXTURE_VARIANT_ADD(size, ver1) { .size = EXECNS_ARGS_SIZE_VER1 };
FIXTURE_VARIANT_ADD(size, larger_zero_tail) { .size = EXECNS_ARGS_SIZE_VER1 + 32 };
FIXTURE_VARIANT_ADD(size, page_zero_tail) { .size = 0 };

E2_FIXTURE_HOOKS(size)

TEST_F(size, works)
{
	struct execns_args *a = (struct execns_args *)big;
	size_t size = variant->size ?: (size_t)getpagesize();
	struct execns_fd map[] = { { FD_NULL, 0 } };
	struct run *r = &self->r;
	struct child_result *res;

	memset(big, 0, BIG_SIZE);
	args_init(a, self->s.helper);
	args_map(a, map, 1);
	if (variant->garbage_after)
		memset(big + size, 0xff, BIG_SIZE - size);
	r->flags = CLONE_NEWUSER;
	run2(_metadata, &self->s, r, a, size, &res);
	ASSERT_RAN(r, res);
	ASSERT_NS_CHANGED(&self->ns, r, CLONE_NEWUSER);
	ASSERT_FDS(r, "0");
	EXPECT_FD_IS(r, 0, "/dev/null");
}

/* ------------------------------------------------------------------ */
/* Flags, reserved fields, at_flags                                    */

TEST_F(e2, einval_flags_reserved_at_flags)
{
	static const unsigned long long bad_flags[] = {
		CLONE_VM, CLONE_FILES, CLONE_THREAD, CLONE_PIDFD,
		0x80000000ULL, 1ULL << 32, 0x200000000ULL /* CLONE_INTO_CGROUP */,
		~0ULL,
	};
	struct execns_fd map[] = { { FD_PIPE_W, 3 } };
	struct execns_args a;
	char what[96];

	for (size_t i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		args_init(&a, self->s.helper);
		args_map(&a, map, 1);
		snprintf(what, sizeof(what), "flags %#llx", bad_flags[i]);
		expect_fail(_metadata, PREP_ROOT, &a, sizeof(a), bad_flags[i],
			    EINVAL, what);
		/* With valid flags in the low 32 bits too. */
		expect_fail(_metadata, PREP_ROOT, &a, sizeof(a),
			    bad_flags[i] | CLONE_NEWUSER, EINVAL, what);
	}

#define RESERVED(field, val) do {					\
	args_init(&a, self->s.helper);					\
	args_map(&a, map, 1);						\
	a.field = (val);						\
	expect_fail(_metadata, PREP_ROOT, &a, sizeof(a), CLONE_NEWUSER, \
		    EINVAL, "reserved " #field);			\
} while (0)
	RESERVED(__pad, 1);
	/* join_flags 0 is "no join": join_fd must be 0 then. */
	RESERVED(join_fd, FD_DIR);
	RESERVED(userns_flags, 2);
	RESERVED(userns_flags, 1ULL << 63);
#undef RESERVED

	args_init(&a, self->s.helper);
	args_map(&a, map, 1);
	a.at_flags = AT_REMOVEDIR;
	expect_fail(_metadata, PREP_ROOT, &a, sizeof(a), 0, EINVAL,
		    "at_flags AT_REMOVEDIR");
	args_init(&a, self->s.helper);
	args_map(&a, map, 1);
	a.at_flags = 0x80000000;
	expect_fail(_metadata, PREP_ROOT, &a, sizeof(a), 0, EINVAL,
		    "at_flags bit 31");
}

/* ------------------------------------------------------------------ */
/* The fd map                                                          */

/*
 * Map the caller's /dev/null, marker file, O_PATH fd of the helper and
 * scratch directory (all but /dev/null close-on-exec in the caller) to 0,
 * 1, 2 and 1000: the new program has exactly these fds, holding those
 * files, without close-on-exec; the other fds of the caller (0-2 of the
 * test runner, a plain and a close-on-exec one, the pipe) are gone.
 */
FIXTURE(fdmap) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_VARIANT(fdmap) {
	int flags;
	bool unpriv;
	int threads;
};

FIXTURE_VARIANT_ADD(fdmap, root_none) { .flags = 0 };
FIXTURE_VARIANT_ADD(fdmap, root_newuser_newns) { .flags = CLONE_NEWUSER | CLONE_NEWNS };
FIXTURE_VARIANT_ADD(fdmap, root_all) { .flags = EXECNS_VALID_FLAGS };
FIXTURE_VARIANT_ADD(fdmap, unpriv_newuser) { .flags = CLONE_NEWUSER, .unpriv = true };
/* unshare(CLONE_NEWUSER) refuses multithreaded callers. */
FIXTURE_VARIANT_ADD(fdmap, threads10_newuser) { .flags = CLONE_NEWUSER, .threads = 10 };
FIXTURE_VARIANT_ADD(fdmap, threads10_unpriv_newuser_newns) {
	.flags = CLONE_NEWUSER | CLONE_NEWNS, .unpriv = true, .threads = 10
};

E2_FIXTURE_HOOKS(fdmap, REQUIRE_NS_TYPES(variant->flags))

TEST_F_TIMEOUT(fdmap, exactly_these, 120)
{
	struct execns_fd map[] = {
		{ FD_NULL, 0 }, { FD_MARKER, 1 }, { FD_OPATH, 2 }, { FD_DIR, 1000 },
	};
	struct run *r = &self->r;
	struct child_result *res;
	struct execns_args a;

	args_init(&a, self->s.helper);
	args_map(&a, map, 4);
	r->flags = variant->flags;
	r->unpriv = variant->unpriv;
	r->threads = variant->threads;
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	if (variant->threads) {
		EXPECT_EQ(variant->threads + 1, res->nthreads);
	}
	EXPECT_EQ(1, kv_num(r->report, "threads", '=', -1));
	ASSERT_NS_CHANGED(&self->ns, r, variant->flags);
	ASSERT_FDS(r, "0,1,2,1000");
	EXPECT_FD_IS(r, 0, "/dev/null");
	EXPECT_FD_IS(r, 1, src.marker);
	EXPECT_FD_IS(r, 2, src.helper);
	EXPECT_FD_IS(r, 1000, src.dir);
}

/*
 * One source at several targets; targets in any order; an empty map is
 * execns(): no fd at all.
 */
TEST_F(e2, fdmap_same_source_twice_and_empty)
{
	struct execns_fd map[] = { { FD_NULL, 7 }, { FD_NULL, 3 }, { FD_MARKER, 5 } };
	struct run *r = &self->r;
	struct child_result *res;
	struct execns_args a;

	args_init(&a, self->s.helper);
	args_map(&a, map, 3);
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	ASSERT_FDS(r, "3,5,7");
	EXPECT_FD_IS(r, 3, "/dev/null");
	EXPECT_FD_IS(r, 7, "/dev/null");
	EXPECT_FD_IS(r, 5, src.marker);

	memset(r, 0, sizeof(*r));
	args_init(&a, self->s.helper);
	r->flags = CLONE_NEWUSER;
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	ASSERT_NO_FDS(r);
	ASSERT_NS_CHANGED(&self->ns, r, CLONE_NEWUSER);
}

/* Every invalid map is refused before anything changes. */
FIXTURE(fdmap_fail) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
	struct execns_fd *many;
};

FIXTURE_VARIANT(fdmap_fail) {
	int flags;
	enum prep prep;
};

FIXTURE_VARIANT_ADD(fdmap_fail, root_none) { .flags = 0, .prep = PREP_ROOT };
FIXTURE_VARIANT_ADD(fdmap_fail, root_newuser) { .flags = CLONE_NEWUSER, .prep = PREP_ROOT };
FIXTURE_VARIANT_ADD(fdmap_fail, unpriv_newuser) { .flags = CLONE_NEWUSER, .prep = PREP_UNPRIV };
FIXTURE_VARIANT_ADD(fdmap_fail, threads_all) {
	.flags = EXECNS_VALID_FLAGS, .prep = PREP_THREADS
};

FIXTURE_SETUP(fdmap_fail)
{
	E2_SETUP(self);
	REQUIRE_NS_TYPES(variant->flags);
	self->many = calloc(EXECNS_FDS_MAX + 1, sizeof(*self->many));
	ASSERT_NE(NULL, self->many);
}

FIXTURE_TEARDOWN(fdmap_fail)
{
	free(self->many);
	scratch_fini(&self->s);
}

TEST_F_TIMEOUT(fdmap_fail, errors, 180)
{
	static const struct {
		struct execns_fd map[3];
		unsigned int nr;
		int err;
		const char *what;
	} cases[] = {
		{ { { FD_PIPE_W, 3 }, { FD_NULL, 4 }, { FD_MARKER, 3 } }, 3, EINVAL,
		  "target 3 twice" },
		{ { { FD_PIPE_W, 0 }, { FD_NULL, 0 } }, 2, EINVAL, "target 0 twice" },
		{ { { FD_PIPE_W, 3 }, { FD_NOT_OPEN, 4 } }, 2, EBADF,
		  "a source that is not open" },
		{ { { FD_PIPE_W, 3 }, { 0xffffffff, 4 } }, 2, EBADF, "source -1" },
		{ { { FD_PIPE_W, 3 }, { FD_NULL, 512 } }, 2, EBADF,
		  "target = RLIMIT_NOFILE (512)" },
		{ { { FD_PIPE_W, 3 }, { FD_NULL, 0xffffffff } }, 2, EBADF, "target -1" },
		/* The first invalid entry decides. */
		{ { { FD_PIPE_W, 3 }, { FD_NOT_OPEN, 3 } }, 2, EBADF,
		  "repeated target of a source that is not open" },
	};
	struct execns_args a;
	char what[128];
	void *bad;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		args_init(&a, self->s.helper);
		args_map(&a, (struct execns_fd *)cases[i].map, cases[i].nr);
		expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
			    cases[i].err, cases[i].what);
	}

	/* EXECNS_FDS_MAX entries are checked; one more is EINVAL first. */
	for (unsigned int i = 0; i <= EXECNS_FDS_MAX; i++)
		self->many[i] = (struct execns_fd){ FD_NOT_OPEN, i % 500 };
	self->many[0].source = FD_PIPE_W;
	args_init(&a, self->s.helper);
	args_map(&a, self->many, EXECNS_FDS_MAX);
	snprintf(what, sizeof(what), "%d entries, the second not open", EXECNS_FDS_MAX);
	expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
		    EBADF, what);
	args_map(&a, self->many, EXECNS_FDS_MAX + 1);
	snprintf(what, sizeof(what), "%d entries", EXECNS_FDS_MAX + 1);
	expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
		    EINVAL, what);

	/* fds and nr_fds: both or neither. */
	args_init(&a, self->s.helper);
	a.nr_fds = 1;
	expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
		    EINVAL, "nr_fds 1, fds NULL");
	args_init(&a, self->s.helper);
	a.fds = (uintptr_t)self->many;
	expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
		    EINVAL, "fds set, nr_fds 0");

	bad = mmap(NULL, getpagesize(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, bad);
	args_init(&a, self->s.helper);
	args_map(&a, bad, 1);
	expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
		    EFAULT, "unmapped fd map");
	munmap(bad, getpagesize());
}

/*
 * Failures after the new table is built (in the exec, in the preparation of
 * the namespaces): nothing changed, and the table is dropped.
 */
TEST_F_TIMEOUT(fdmap_fail, later_failures_drop_the_table, 120)
{
	struct execns_fd map[] = { { FD_PIPE_W, 1 }, { FD_NULL, 0 } };
	char missing[PATH_MAX], noexec[PATH_MAX], garbage[PATH_MAX];
	const struct fail_case cases[] = {
		{ missing, AT_FDCWD, 0, map, 2, ENOENT, "missing program" },
		{ noexec, AT_FDCWD, 0, map, 2, EACCES, "not executable" },
		{ garbage, AT_FDCWD, 0, map, 2, ENOEXEC, "garbage binary" },
	};
	static char *const bad_argv[] = { "x", (char *)8, NULL };
	char junk[64];
	struct execns_args a;
	int fd;

	snprintf(missing, sizeof(missing), "%s/missing", self->s.dir);
	snprintf(noexec, sizeof(noexec), "%s/noexec", self->s.dir);
	ASSERT_EQ(0, copy_file(self->s.helper, noexec, 0644));
	snprintf(garbage, sizeof(garbage), "%s/garbage", self->s.dir);
	fd = open(garbage, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_LE(0, fd);
	memset(junk, 'x', sizeof(junk));
	memcpy(junk, "\177ELG", 4);
	ASSERT_EQ((ssize_t)sizeof(junk), write(fd, junk, sizeof(junk)));
	ASSERT_EQ(0, close(fd));

	expect_fail_cases(_metadata, variant->prep, variant->flags, cases,
			  ARRAY_SIZE(cases));
	args_init(&a, self->s.helper);
	args_map(&a, map, 2);
	a.argv = (uintptr_t)bad_argv;
	expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
		    EFAULT, "bad argv[1]");
	args_init(&a, NULL);
	args_map(&a, map, 2);
	expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
		    EFAULT, "NULL pathname");
	/* EPERM in the preparation of the namespaces, after the table. */
	if (variant->prep == PREP_UNPRIV) {
		args_init(&a, self->s.helper);
		args_map(&a, map, 2);
		expect_fail(_metadata, variant->prep, &a, sizeof(a), CLONE_NEWNS,
			    EPERM, "unprivileged CLONE_NEWNS");
	}
}

/* ------------------------------------------------------------------ */
/* The program: execveat()'s dirfd + pathname + at_flags               */

/* A sealed memfd with AT_EMPTY_PATH, the map keeping none of our fds. */
TEST_F(e2, memfd_exec)
{
	struct run *r = &self->r;
	struct child_result *res;
	struct execns_args a;

	args_at(&a, "", FD_MEMFD, AT_EMPTY_PATH);
	r->flags = CLONE_NEWUSER | CLONE_NEWNS;
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	ASSERT_NO_FDS(r);
	EXPECT_EQ(0, strncmp("/memfd:execns2-helper", kv_get(r->report, "exe", '=') ?: "", 21)) {
		TH_LOG("exe: %s", kv_get(r->report, "exe", '='));
	}
	ASSERT_NS_CHANGED(&self->ns, r, r->flags);
}

/* An O_PATH fd of the program with AT_EMPTY_PATH. */
TEST_F(e2, opath_exec)
{
	struct execns_fd map[] = { { FD_NULL, 0 } };
	struct run *r = &self->r;
	struct child_result *res;
	struct execns_args a;

	args_at(&a, "", FD_OPATH, AT_EMPTY_PATH);
	args_map(&a, map, 1);
	r->flags = CLONE_NEWUSER;
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	ASSERT_FDS(r, "0");
	EXPECT_STREQ(self->s.helper, kv_get(r->report, "exe", '=') ?: "");
}

/*
 * A pathname relative to a dirfd the map does not keep: found as by
 * execveat(); a symlink followed, or ELOOP with AT_SYMLINK_NOFOLLOW; ""
 * without AT_EMPTY_PATH is ENOENT; a relative path with AT_FDCWD is
 * relative to the working directory.
 */
TEST_F(e2, dirfd_pathname)
{
	static const struct fail_case fails[] = {
		{ "link", FD_DIR, AT_SYMLINK_NOFOLLOW, NULL, 0, ELOOP,
		  "symlink with AT_SYMLINK_NOFOLLOW" },
		{ "", FD_OPATH, 0, NULL, 0, ENOENT,
		  "empty pathname without AT_EMPTY_PATH" },
		{ "execns_helper", FD_NOT_OPEN, 0, NULL, 0, EBADF, "dirfd not open" },
		{ "execns_helper", FD_NULL, 0, NULL, 0, ENOTDIR,
		  "dirfd not a directory" },
	};
	struct run *r = &self->r;
	struct child_result *res;
	struct execns_args a;

	args_at(&a, "execns_helper", FD_DIR, 0);
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	ASSERT_NO_FDS(r);
	EXPECT_STREQ(self->s.helper, kv_get(r->report, "exe", '=') ?: "");

	memset(r, 0, sizeof(*r));
	args_at(&a, "link", FD_DIR, 0);
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	EXPECT_STREQ(self->s.helper, kv_get(r->report, "exe", '=') ?: "");

	/* The fixture's working directory is the scratch directory. */
	memset(r, 0, sizeof(*r));
	args_init(&a, "execns_helper");
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	EXPECT_STREQ(self->s.helper, kv_get(r->report, "exe", '=') ?: "");

	expect_fail_cases(_metadata, PREP_ROOT, CLONE_NEWUSER, fails, ARRAY_SIZE(fails));
}

/*
 * A script found through a dirfd: its interpreter is given
 * "/dev/fd/<fd>/script.sh", with <fd> the fd the new program has the
 * directory at. If the map does not keep the directory, that name cannot
 * work: ENOENT before the point of no return, with nothing changed (as
 * execveat() with a close-on-exec dirfd), whether or not the caller's
 * dirfd is close-on-exec: the map decides. The same with AT_EMPTY_PATH.
 */
TEST_F(e2, script_through_dirfd)
{
	struct execns_fd kept_at_7[] = { { FD_DIR, 7 } };
	struct execns_fd kept_same[] = { { FD_NULL, 0 }, { FD_DIR, FD_DIR } };
	static const struct execns_fd other_at_dirfd[] = { { FD_NULL, FD_DIR } };
	static const struct fail_case fails[] = {
		{ "script.sh", FD_DIR, 0, NULL, 0, ENOENT,
		  "script through a dirfd the map does not keep" },
		{ "script.sh", FD_DIR_NOCLOEXEC, 0, NULL, 0, ENOENT,
		  "script through a dirfd without close-on-exec the map does not keep" },
		/* Another file at the dirfd's number does not make the name valid. */
		{ "script.sh", FD_DIR, 0, other_at_dirfd, 1, ENOENT,
		  "script through a dirfd whose number holds another file" },
		{ "", FD_SCRIPT, AT_EMPTY_PATH, NULL, 0, ENOENT,
		  "script fd (AT_EMPTY_PATH) the map does not keep" },
	};
	struct execns_fd script_at_3[] = { { FD_SCRIPT, 3 } };
	struct run *r = &self->r;
	struct child_result *res;
	struct execns_args a;
	char want[64];

	expect_fail_cases(_metadata, PREP_ROOT, CLONE_NEWUSER, fails, ARRAY_SIZE(fails));

	args_at(&a, "script.sh", FD_DIR, 0);
	args_map(&a, kept_at_7, 1);
	r->flags = CLONE_NEWUSER;
	r->argv[0] = "script-argv0";
	r->argv[1] = "orig1";
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	ASSERT_FDS(r, "7");
	EXPECT_EQ(4, kv_num(r->report, "argc", '=', -1));
	EXPECT_STREQ(self->s.helper, kv_get(r->report, "argv0", '=') ?: "");
	EXPECT_STREQ("scriptarg", kv_get(r->report, "argv1", '=') ?: "");
	EXPECT_STREQ("/dev/fd/7/script.sh", kv_get(r->report, "argv2", '=') ?: "");
	EXPECT_STREQ("orig1", kv_get(r->report, "argv3", '=') ?: "");

	memset(r, 0, sizeof(*r));
	args_at(&a, "script.sh", FD_DIR, 0);
	args_map(&a, kept_same, 2);
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	snprintf(want, sizeof(want), "/dev/fd/%d/script.sh", FD_DIR);
	EXPECT_STREQ(want, kv_get(r->report, "argv2", '=') ?: "");

	memset(r, 0, sizeof(*r));
	args_at(&a, "", FD_SCRIPT, AT_EMPTY_PATH);
	args_map(&a, script_at_3, 1);
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	EXPECT_STREQ("/dev/fd/3", kv_get(r->report, "argv2", '=') ?: "");
}

/* ------------------------------------------------------------------ */
/* Joining namespaces: join_fd + join_flags                            */

#ifndef SYS_pidfd_open
# define SYS_pidfd_open 434
#endif

/*
 * A running container: a child that (as uid 1000 when unpriv, else root)
 * made a user namespace with its uid and gid mapped to 0, then the
 * namespaces of flags inside it, wrote offsets to its time namespace if
 * asked, mounted a tmpfs on inside (a directory; with CLONE_NEWNS) holding
 * a copy of the helper and a script using it ("helper", "script.sh"), and
 * waits to be killed. pidfd refers to it; nsfd (when nsname is
 * set) is its /proc/<pid>/ns/<nsname>, opened by us.
 */
struct container {
	pid_t pid;
	int pidfd;
	int nsfd;
	char pidstr[16];
};

static int container_start_in(struct container *c, bool unpriv, int flags,
			      const char *timens_offsets, const char *nsname,
			      const char *inside)
{
	char path[64], ok;
	int p[2];

	memset(c, 0, sizeof(*c));
	c->pidfd = -1;
	c->nsfd = -1;
	if (pipe2(p, O_CLOEXEC))
		return -1;
	c->pid = fork_flushed();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		close(p[0]);
		if (unpriv && drop_privs())
			_exit(1);
		/*
		 * Gone with its test (also when an assertion ends the test
		 * early); and not holding the runner's output pipe.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1 ||
		    null < 0 || dup2(null, 0) || dup2(null, 1) != 1 ||
		    dup2(null, 2) != 2)
			_exit(6);
		if (unshare_userns_mapped())
			_exit(2);
		if (flags && unshare(flags))
			_exit(3);
		if (timens_offsets &&
		    write_file("/proc/self/timens_offsets", timens_offsets))
			_exit(4);
		if (inside) {
			char path[PATH_MAX], line[PATH_MAX + 16];
			int fd;

			snprintf(path, sizeof(path), "%s/helper", inside);
			snprintf(line, sizeof(line), "#!%s\n", path);
			if (mount("none", inside, "tmpfs", 0, "mode=0755") ||
			    copy_file(src.helper, path, 0755))
				_exit(7);
			snprintf(path, sizeof(path), "%s/script.sh", inside);
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
			if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
			    close(fd))
				_exit(8);
		}
		if (write(p[1], "x", 1) != 1)
			_exit(5);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &ok, 1) != 1) {
		close(p[0]);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
		return -1;
	}
	close(p[0]);
	snprintf(c->pidstr, sizeof(c->pidstr), "%d", (int)c->pid);
	c->pidfd = syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0)
		return -1;
	if (nsname) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)c->pid, nsname);
		c->nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (c->nsfd < 0)
			return -1;
	}
	return 0;
}

static int container_start(struct container *c, bool unpriv, int flags,
			   const char *timens_offsets, const char *nsname)
{
	return container_start_in(c, unpriv, flags, timens_offsets, nsname, NULL);
}

static void container_stop(struct container *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->nsfd >= 0)
		close(c->nsfd);
	c->pid = 0;
}

/* The report's ns.<name> is the container's namespace of that type. */
#define EXPECT_NS_OF(c, r, name) do {					\
	char __k[32];							\
									\
	snprintf(__k, sizeof(__k), "ns.%s", (name));			\
	EXPECT_EQ(ns_inode((c)->pidstr, (name)),			\
		  (unsigned long long)kv_num((r)->report, __k, '=', -1)) { \
		TH_LOG("%s: not the container's", __k);			\
	}								\
} while (0)

FIXTURE(join) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
	struct container c;
};

FIXTURE_VARIANT(join) {
	int container_flags;	/* inside the container's user namespace */
	bool unpriv;		/* container and caller uid 1000 */
	int threads;		/* caller's threads */
	const char *nsname;	/* join this nsfd, else the pidfd */
	int join_flags;
	int flags;		/* unshared after the join */
};

/* What runc's nsenter does in a C constructor, from a multithreaded caller. */
FIXTURE_VARIANT_ADD(join, unpriv_threads10_pidfd_user_mnt) {
	.container_flags = CLONE_NEWNS, .unpriv = true, .threads = 10,
	.join_flags = CLONE_NEWUSER | CLONE_NEWNS,
};

FIXTURE_VARIANT_ADD(join, root_threads10_pidfd_user_mnt) {
	.container_flags = CLONE_NEWNS, .threads = 10,
	.join_flags = CLONE_NEWUSER | CLONE_NEWNS,
};

FIXTURE_VARIANT_ADD(join, unpriv_pidfd_all_but_pid_time) {
	.container_flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
			   CLONE_NEWNET | CLONE_NEWCGROUP,
	.unpriv = true,
	.join_flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS |
		      CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP,
};

FIXTURE_VARIANT_ADD(join, unpriv_threads4_nsfd_user) {
	.unpriv = true, .threads = 4, .nsname = "user",
	.join_flags = CLONE_NEWUSER,
};

FIXTURE_VARIANT_ADD(join, root_nsfd_uts) {
	.container_flags = CLONE_NEWUTS, .nsname = "uts",
	.join_flags = CLONE_NEWUTS,
};

FIXTURE_VARIANT_ADD(join, root_nsfd_net) {
	.container_flags = CLONE_NEWNET, .nsname = "net",
	.join_flags = CLONE_NEWNET,
};

/* Joined first, then the flags namespaces are made inside the joined ones. */
FIXTURE_VARIANT_ADD(join, unpriv_threads10_user_then_newns_newuts) {
	.container_flags = CLONE_NEWNS, .unpriv = true, .threads = 10,
	.join_flags = CLONE_NEWUSER | CLONE_NEWNS,
	.flags = CLONE_NEWNS | CLONE_NEWUTS,
};

FIXTURE_VARIANT_ADD(join, unpriv_user_then_newuser) {
	.unpriv = true, .join_flags = CLONE_NEWUSER, .flags = CLONE_NEWUSER,
};

FIXTURE_SETUP(join)
{
	E2_SETUP(self);
	REQUIRE_NS_TYPES(variant->container_flags | variant->join_flags |
			 variant->flags);
	ASSERT_EQ(0, container_start(&self->c, variant->unpriv,
				     variant->container_flags, NULL,
				     variant->nsname));
}

FIXTURE_TEARDOWN(join)
{
	container_stop(&self->c);
	scratch_fini(&self->s);
}

TEST_F_TIMEOUT(join, enters_the_container, 120)
{
	struct execns_fd map[] = { { FD_NULL, 0 } };
	struct run *r = &self->r;
	struct child_result *res;
	unsigned int joined, made;
	struct execns_args a;
	const char *name;

	args_init(&a, self->s.helper);
	args_map(&a, map, 1);
	a.join_fd = variant->nsname ? self->c.nsfd : self->c.pidfd;
	a.join_flags = variant->join_flags;
	r->flags = variant->flags;
	r->unpriv = variant->unpriv;
	r->threads = variant->threads;
	r->env[0] = "EXECNS_SETHOSTNAME=1";
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	if (variant->threads) {
		EXPECT_EQ(variant->threads + 1, res->nthreads);
	}
	EXPECT_EQ(1, kv_num(r->report, "threads", '=', -1));
	/* What changed: the joined namespaces and those of flags. */
	ASSERT_NS_CHANGED(&self->ns, r, variant->join_flags | variant->flags);
	joined = ns_expected_change(variant->join_flags);
	made = ns_expected_change(variant->flags);
	for (size_t i = 0; i < NR_NS; i++) {
		name = ns_names[i];
		if ((joined & (1u << i)) && !(made & (1u << i)))
			EXPECT_NS_OF(&self->c, r, name);
		/* Made by flags: neither ours nor the container's. */
		if (made & (1u << i)) {
			char k[32];

			snprintf(k, sizeof(k), "ns.%s", name);
			EXPECT_NE(ns_inode(self->c.pidstr, name),
				  (unsigned long long)kv_num(r->report, k, '=', -1));
		}
	}
	if (variant->join_flags & CLONE_NEWUSER) {
		/* The container maps our uid to 0: root there, every capability. */
		if (!(variant->flags & CLONE_NEWUSER)) {
			EXPECT_STREQ("0 0 0", kv_get(r->report, "uid", '=') ?: "?");
			EXPECT_STREQ("000001ffffffffff",
				     kv_get(r->report, "cap_eff", '=') ?: "?");
		} else {
			/* A new user namespace inside, without maps. */
			EXPECT_STREQ("65534 65534 65534",
				     kv_get(r->report, "uid", '=') ?: "?");
		}
	}
	if (variant->join_flags & CLONE_NEWNS)
		EXPECT_STREQ("/", kv_get(r->report, "cwd", '=') ?: "?");
	if ((variant->join_flags & CLONE_NEWUSER) &&
	    ((variant->join_flags | variant->flags) & CLONE_NEWUTS))
		EXPECT_STREQ("0", kv_get(r->report, "sethostname", '=') ?: "?");
	ASSERT_FDS(r, "0");
}

/*
 * A time namespace nobody has entered yet (the container's
 * time_for_children, with a monotonic offset of 10 days): the new program
 * reads its clocks through it, vDSO included.
 */
TEST_F_TIMEOUT(e2, join_fresh_time_namespace, 120)
{
	struct run *r = &self->r;
	struct child_result *res;
	struct container c;
	struct execns_args a;
	struct timespec now;

	REQUIRE_NS_TYPES(CLONE_NEWTIME);
	ASSERT_EQ(0, container_start(&c, false, CLONE_NEWTIME, "monotonic 864000 0",
				     "time_for_children"));
	args_init(&a, self->s.helper);
	a.join_fd = c.nsfd;
	a.join_flags = CLONE_NEWTIME;
	r->env[0] = "EXECNS_CLOCK=1";
	run2(_metadata, &self->s, r, &a, 0, &res);
	clock_gettime(CLOCK_MONOTONIC, &now);
	EXPECT_GE(kv_num(r->report, "monotonic", '=', -1), now.tv_sec + 864000 - 60);
	EXPECT_EQ(ns_inode(c.pidstr, "time_for_children"),
		  (unsigned long long)kv_num(r->report, "ns.time", '=', -1));
	container_stop(&c);
	ASSERT_RAN(r, res);
}

/*
 * Joining a mount namespace: the program, and a script's interpreter, are
 * found in that namespace (after setns() + execve() too): here they exist
 * only there, on a tmpfs the container mounted. Without the join: ENOENT.
 */
TEST_F_TIMEOUT(e2, join_mnt_finds_the_program_there, 120)
{
	char inside[PATH_MAX], prog[PATH_MAX + 16], script[PATH_MAX + 16];
	struct execns_fd map[] = { { FD_NULL, 0 } };
	struct run *r = &self->r;
	struct child_result *res;
	struct container c;
	struct execns_args a;

	snprintf(inside, sizeof(inside), "%s/inside", self->s.dir);
	ASSERT_EQ(0, mkdir(inside, 0777));
	snprintf(prog, sizeof(prog), "%s/helper", inside);
	snprintf(script, sizeof(script), "%s/script.sh", inside);
	ASSERT_EQ(0, container_start_in(&c, false, CLONE_NEWNS, NULL, NULL, inside));
	ASSERT_NE(0, access(prog, F_OK));	/* not here */

	/* the program, then the script: its interpreter, found inside, gets its path */
	for (int i = 0; i < 2; i++) {
		memset(r, 0, sizeof(*r));
		args_init(&a, i ? script : prog);
		args_map(&a, map, 1);
		a.join_fd = c.pidfd;
		a.join_flags = CLONE_NEWNS;
		run2(_metadata, &self->s, r, &a, 0, &res);
		ASSERT_RAN(r, res);
		EXPECT_STREQ(prog, kv_get(r->report, "exe", '=') ?: "?");
		EXPECT_NS_OF(&c, r, "mnt");
		if (i) {	/* the harness's EXPECT_*() is more than one statement */
			EXPECT_STREQ(script, kv_get(r->report, "argv1", '=') ?: "?");
		}
	}

	/* Without the join the program is not there: nothing changed. */
	args_init(&a, prog);
	args_map(&a, map, 1);
	expect_fail(_metadata, PREP_ROOT, &a, sizeof(a), 0, ENOENT,
		    "the container's program, not joined");
	container_stop(&c);
}

/* Each refused join: a precise errno, nothing changed. */
FIXTURE(join_fail) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
	struct container root_c;	/* made by root */
	struct container user_c;	/* made by uid 1000 */
};

FIXTURE_VARIANT(join_fail) {
	enum prep prep;
	int flags;
};

FIXTURE_VARIANT_ADD(join_fail, root) { .prep = PREP_ROOT };
FIXTURE_VARIANT_ADD(join_fail, threads_newuser) {
	.prep = PREP_THREADS, .flags = CLONE_NEWUSER
};

FIXTURE_VARIANT_ADD(join_fail, unpriv) { .prep = PREP_UNPRIV };
FIXTURE_VARIANT_ADD(join_fail, container_root_newuser) {
	.prep = PREP_CONTAINER_ROOT, .flags = CLONE_NEWUSER
};

FIXTURE_SETUP(join_fail)
{
	E2_SETUP(self);
	ASSERT_EQ(0, container_start(&self->root_c, false, CLONE_NEWNS | CLONE_NEWUTS,
				     NULL, "user"));
	ASSERT_EQ(0, container_start(&self->user_c, true, CLONE_NEWNS, NULL, "user"));
}

FIXTURE_TEARDOWN(join_fail)
{
	container_stop(&self->root_c);
	container_stop(&self->user_c);
	scratch_fini(&self->s);
}

TEST_F_TIMEOUT(join_fail, errors, 180)
{
	struct execns_fd map[] = { { FD_PIPE_W, 3 } };
	const struct {
		int fd;
		unsigned int join_flags;
		int err;
		const char *what;
		bool root_only;		/* the caller may join it: root only */
	} cases[] = {
		{ FD_NOT_OPEN, CLONE_NEWUSER, EBADF, "join_fd not open" },
		{ -1, CLONE_NEWUSER, EBADF, "join_fd -1" },
		{ FD_MARKER, CLONE_NEWUSER, EINVAL, "join_fd a regular file" },
		{ self->user_c.nsfd, CLONE_NEWNS, EINVAL,
		  "user ns fd, join_flags CLONE_NEWNS" },
		{ self->user_c.nsfd, CLONE_NEWUSER | CLONE_NEWNS, EINVAL,
		  "user ns fd, join_flags user|mnt" },
		{ self->user_c.pidfd, CLONE_SYSVSEM, EINVAL,
		  "pidfd, join_flags CLONE_SYSVSEM" },
		{ self->user_c.pidfd, CLONE_NEWUSER | CLONE_VM, EINVAL,
		  "pidfd, join_flags with CLONE_VM" },
		/* setns() rules: userns_install() refuses our own namespace. */
		{ -2, CLONE_NEWUSER, EINVAL, "our own user ns" },
		/* Not root, not the owner: EPERM. */
		{ self->root_c.nsfd, CLONE_NEWUSER, EPERM,
		  "a user ns root made", true },
		{ self->root_c.pidfd, CLONE_NEWUTS, EPERM,
		  "the uts ns of a container root made", true },
		{ self->root_c.pidfd, CLONE_NEWUSER | CLONE_NEWNS, EPERM,
		  "user+mnt of a container root made", true },
	};
	struct execns_args a;
	char what[160];
	int own;

	own = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, own);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].root_only && variant->prep != PREP_UNPRIV &&
		    variant->prep != PREP_CONTAINER_ROOT)
			continue;
		/* A container root's own user ns is not ours: skip that row. */
		if (cases[i].fd == -2 && variant->prep == PREP_CONTAINER_ROOT)
			continue;
		args_init(&a, self->s.helper);
		args_map(&a, map, 1);
		a.join_fd = cases[i].fd;
		if (a.join_fd == -2)
			a.join_fd = own;
		a.join_flags = cases[i].join_flags;
		snprintf(what, sizeof(what), "%s (flags %#x)", cases[i].what,
			 variant->flags);
		expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
			    cases[i].err, what);
	}
	/* The process of a pidfd is gone (exited and reaped): ESRCH. */
	if (variant->prep == PREP_ROOT) {
		pid_t gone = fork_flushed();
		int gone_fd;

		ASSERT_LE(0, gone);
		if (gone == 0)
			_exit(0);
		gone_fd = syscall(SYS_pidfd_open, gone, 0);
		ASSERT_LE(0, gone_fd);
		ASSERT_EQ(gone, waitpid(gone, NULL, 0));
		args_init(&a, self->s.helper);
		args_map(&a, map, 1);
		a.join_fd = gone_fd;
		a.join_flags = CLONE_NEWUTS;
		expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
			    ESRCH, "pidfd of a reaped process");
		close(gone_fd);
	}
	/* A container's root joins a sibling container of the same uid. */
	if (variant->prep == PREP_CONTAINER_ROOT) {
		args_init(&a, self->s.helper);
		args_map(&a, map, 1);
		a.join_fd = self->user_c.nsfd;
		a.join_flags = CLONE_NEWUSER;
		expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
			    EPERM, "a sibling container's user ns");
	}
	/* A joined user ns is not the parent of ours: its maps are EPERM. */
	if (variant->flags & CLONE_NEWUSER && variant->prep == PREP_UNPRIV) {
		args_init(&a, self->s.helper);
		args_map(&a, map, 1);
		a.join_fd = self->user_c.nsfd;
		a.join_flags = CLONE_NEWUSER;
		a.uid_map = (uintptr_t)"0 0 1";
		a.uid_map_size = 5;
		expect_fail(_metadata, variant->prep, &a, sizeof(a), variant->flags,
			    EPERM, "maps of a user ns made in a joined one");
	}
	close(own);
}

/* ------------------------------------------------------------------ */
/* The id maps of the new user namespace                               */

FIXTURE(maps) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_VARIANT(maps) {
	bool unpriv;
	int threads;
	int flags;
	const char *uid_map, *gid_map;
	bool deny;
	const char *want_uid, *want_gid, *want_setgroups;
	const char *want_uid_map;	/* as /proc/self/uid_map shows it */
};

/* unshare -r in the call: root in the new namespace, one mapping each. */
FIXTURE_VARIANT_ADD(maps, unpriv_threads10_root_map) {
	.unpriv = true, .threads = 10, .flags = CLONE_NEWUSER | CLONE_NEWNS,
	.uid_map = "0 1000 1\n", .gid_map = "0 1000 1", .deny = true,
	.want_uid = "0 0 0", .want_gid = "0 0 0", .want_setgroups = "deny",
	.want_uid_map = "0 1000 1",
};

FIXTURE_VARIANT_ADD(maps, unpriv_uid_only) {
	.unpriv = true, .flags = CLONE_NEWUSER,
	.uid_map = "1000 1000 1",
	.want_uid = "1000 1000 1000", .want_gid = "65534 65534 65534",
	.want_setgroups = "allow", .want_uid_map = "1000 1000 1",
};

FIXTURE_VARIANT_ADD(maps, unpriv_deny_only) {
	.unpriv = true, .flags = CLONE_NEWUSER, .deny = true,
	.want_uid = "65534 65534 65534", .want_setgroups = "deny",
	.want_uid_map = "none",
};

/* Root maps ranges, with setgroups allowed. */
FIXTURE_VARIANT_ADD(maps, root_ranges) {
	.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS,
	.uid_map = "0 100000 65536\n65536 0 1\n", .gid_map = "0 100000 65536",
	.want_uid = "65536 65536 65536", .want_gid = "65534 65534 65534",
	.want_setgroups = "allow", .want_uid_map = "0 100000 65536",
};

E2_FIXTURE_HOOKS(maps, REQUIRE_NS_TYPES(variant->flags))

TEST_F_TIMEOUT(maps, written_before_the_program_starts, 120)
{
	const char *want_caps;
	struct run *r = &self->r;
	struct child_result *res;
	struct execns_args a;

	args_init(&a, self->s.helper);
	if (variant->uid_map) {
		a.uid_map = (uintptr_t)variant->uid_map;
		a.uid_map_size = strlen(variant->uid_map);
	}
	if (variant->gid_map) {
		a.gid_map = (uintptr_t)variant->gid_map;
		a.gid_map_size = strlen(variant->gid_map);
	}
	a.userns_flags = variant->deny ? EXECNS_USERNS_SETGROUPS_DENY : 0;
	r->flags = variant->flags;
	r->unpriv = variant->unpriv;
	r->threads = variant->threads;
	r->env[0] = "EXECNS_MAPS=1";
	run2(_metadata, &self->s, r, &a, 0, &res);
	ASSERT_RAN(r, res);
	ASSERT_NS_CHANGED(&self->ns, r, variant->flags);
	EXPECT_STREQ(variant->want_uid, kv_get(r->report, "uid", '=') ?: "?");
	if (variant->want_gid)
		EXPECT_STREQ(variant->want_gid, kv_get(r->report, "gid", '=') ?: "?");
	EXPECT_STREQ(variant->want_setgroups,
		     kv_get(r->report, "setgroups", '=') ?: "?");
	EXPECT_STREQ(variant->want_uid_map, kv_get(r->report, "uid_map", '=') ?: "?");
	/* Root in the new namespace keeps its capabilities over exec. */
	want_caps = strcmp(variant->want_uid, "0 0 0") ? "0000000000000000"
						       : "000001ffffffffff";
	EXPECT_STREQ(want_caps, kv_get(r->report, "cap_eff", '=') ?: "?");
}

/* Each refused map: a precise errno, nothing changed. */
FIXTURE(maps_fail) {
	struct scratch s;
	struct ns_set ns;
	struct run r;
};

FIXTURE_VARIANT(maps_fail) {
	enum prep prep;
};

FIXTURE_VARIANT_ADD(maps_fail, root) { .prep = PREP_ROOT };
FIXTURE_VARIANT_ADD(maps_fail, unpriv) { .prep = PREP_UNPRIV };
FIXTURE_VARIANT_ADD(maps_fail, threads) { .prep = PREP_THREADS };

FIXTURE_SETUP(maps_fail)
{
	E2_SETUP(self);
}

FIXTURE_TEARDOWN(maps_fail)
{
	scratch_fini(&self->s);
}

TEST_F_TIMEOUT(maps_fail, errors, 180)
{
	static char page[65536];
	const struct {
		unsigned long long flags;
		const char *uid_map, *gid_map;
		size_t uid_size, gid_size;	/* 0: strlen */
		unsigned long long userns_flags;
		int err;
		const char *what;
		bool unpriv_only;
	} cases[] = {
		{ 0, "0 0 1", NULL, 0, 0, 0, EINVAL, "uid_map without CLONE_NEWUSER" },
		{ CLONE_NEWNS, NULL, "0 0 1", 0, 0, 0, EINVAL,
		  "gid_map without CLONE_NEWUSER" },
		{ 0, NULL, NULL, 0, 0, EXECNS_USERNS_SETGROUPS_DENY, EINVAL,
		  "userns_flags without CLONE_NEWUSER" },
		{ CLONE_NEWUSER, "0 0 1", NULL, 1, 0, 0, EINVAL, "truncated uid_map" },
		{ CLONE_NEWUSER, "0 0", NULL, 0, 0, 0, EINVAL, "two fields" },
		{ CLONE_NEWUSER, "0 0 0", NULL, 0, 0, 0, EINVAL, "count 0" },
		{ CLONE_NEWUSER, "0 0 1\n0 5 1", NULL, 0, 0, 0, EINVAL, "overlap" },
		{ CLONE_NEWUSER, "x 0 1", NULL, 0, 0, 0, EINVAL, "not a number" },
		{ CLONE_NEWUSER, page, NULL, 4096, 0, 0, EINVAL, "uid_map of a page" },
		{ CLONE_NEWUSER, NULL, page, 0, 4096, 0, EINVAL, "gid_map of a page" },
		{ CLONE_NEWUSER, "0 1000 1", "0 0 1\n0 0 1", 0, 0, 0, EINVAL,
		  "valid uid_map, bad gid_map" },
		{ CLONE_NEWUSER, "0 0 1", NULL, 0, 0, 0, EPERM,
		  "uid 1000 maps uid 0", true },
		{ CLONE_NEWUSER, "0 1000 2", NULL, 0, 0, 0, EPERM,
		  "uid 1000 maps two uids", true },
		{ CLONE_NEWUSER, NULL, "0 1000 1", 0, 0, 0, EPERM,
		  "uid 1000 maps its gid without setgroups deny", true },
		{ CLONE_NEWUSER, "0 1000 1", "0 1000 1", 0, 0, 0, EPERM,
		  "valid uid_map, then a gid_map without deny", true },
	};
	struct execns_args a;
	void *bad;

	memset(page, '1', sizeof(page));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].unpriv_only && variant->prep != PREP_UNPRIV)
			continue;
		args_init(&a, self->s.helper);
		if (cases[i].uid_map) {
			a.uid_map = (uintptr_t)cases[i].uid_map;
			a.uid_map_size = cases[i].uid_size ?: strlen(cases[i].uid_map);
		}
		if (cases[i].gid_map) {
			a.gid_map = (uintptr_t)cases[i].gid_map;
			a.gid_map_size = cases[i].gid_size ?: strlen(cases[i].gid_map);
		}
		a.userns_flags = cases[i].userns_flags;
		expect_fail(_metadata, variant->prep, &a, sizeof(a), cases[i].flags,
			    cases[i].err, cases[i].what);
	}

	/* Pointer and size: both or neither. */
	args_init(&a, self->s.helper);
	a.uid_map = (uintptr_t)"0 0 1";
	expect_fail(_metadata, variant->prep, &a, sizeof(a), CLONE_NEWUSER, EINVAL,
		    "uid_map without its size");
	args_init(&a, self->s.helper);
	a.gid_map_size = 5;
	expect_fail(_metadata, variant->prep, &a, sizeof(a), CLONE_NEWUSER, EINVAL,
		    "gid_map_size without gid_map");

	bad = mmap(NULL, getpagesize(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, bad);
	args_init(&a, self->s.helper);
	a.uid_map = (uintptr_t)bad;
	a.uid_map_size = 5;
	expect_fail(_metadata, variant->prep, &a, sizeof(a), CLONE_NEWUSER, EFAULT,
		    "unmapped uid_map");
	munmap(bad, getpagesize());
}

/* ------------------------------------------------------------------ */
/* How userspace finds the syscall                                     */

TEST(sysfs_execns2_nr)
{
	char buf[32], want[32];
	struct stat st;

	if (!e2_ok)
		SKIP(return, "%s", e2_why);
	ASSERT_EQ(0, stat("/sys/kernel/execns/execns2_nr", &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	ASSERT_GT(read_file("/sys/kernel/execns/execns2_nr", buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%d\n", (int)__NR_execns2);
	EXPECT_STREQ(want, buf);
	/* The number is execns2: a size below the first version is EINVAL. */
	errno = 0;
	EXPECT_EQ(-1, syscall(atoi(buf), NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	if (!stat("/sys/kernel/execns/execns2_compat_nr", &st)) {
		EXPECT_EQ(0444, st.st_mode & 07777);
		ASSERT_GT(read_file("/sys/kernel/execns/execns2_compat_nr", buf,
				    sizeof(buf)), 0);
		EXPECT_STREQ("464\n", buf);	/* syscall_32.tbl */
	}
}

static long execns2_probe_call(void)
{
	struct execns_args a;

	args_init(&a, "/nonexistent/execns2-probe");
	a.argv = (uintptr_t)fail_argv;
	a.envp = (uintptr_t)fail_envp;
	return sys_execns2(&a, sizeof(a));
}

/*
 * Is __NR_execns2 execns2? A struct naming a missing program must give
 * ENOENT (probe_errno()). Else skip: ENOSYS, or another syscall.
 */
static bool execns2_probe(char *why, size_t len)
{
	int err;

	if (__NR_execns2 < 0) {
		snprintf(why, len, "execns2() syscall number unknown on this architecture");
		return false;
	}
	err = probe_errno(execns2_probe_call, why, len);
	if (err < 0)
		return false;
	if (err == ENOENT)
		return true;
	snprintf(why, len, "syscall %d is not execns2() here (probe errno %d)",
		 __NR_execns2, err);
	return false;
}

int main(int argc, char **argv)
{
	e2_ok = execns2_probe(e2_why, sizeof(e2_why));
	if (!e2_ok)
		ksft_print_msg("%s: every test will be skipped\n", e2_why);
	return test_harness_run(argc, argv);
}
