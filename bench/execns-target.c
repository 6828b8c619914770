// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny static targets for the benchmark and the stress test: no C library,
 * no startup code, a handful of instructions.
 *
 *   execns-bench-target   exits 0 at once (the cost of exec, not of the program)
 *   execns-stress-target  (-DCHECK_FDS) exits 0 if fds 0..1023 are all closed,
 *                         else 200 + the lowest open fd (capped at 239): execns()
 *                         must hand the new program an empty file table.
 *
 * Build: gcc -static -nostdlib -O2 -Wall [-DCHECK_FDS] -o ... execns-target.c
 */
#define SYS_fcntl	72
#define SYS_exit_group	231
#define F_GETFD		1

static long sys2(long nr, long a, long b)
{
	long ret;

	asm volatile ("syscall" : "=a" (ret) : "a" (nr), "D" (a), "S" (b)
		      : "rcx", "r11", "memory");
	return ret;
}

__attribute__((noreturn, used)) void target_main(void)
{
	long rc = 0;
#ifdef CHECK_FDS
	for (long fd = 0; fd < 1024; fd++) {
		if (sys2(SYS_fcntl, fd, F_GETFD) >= 0) {
			rc = 200 + (fd > 39 ? 39 : fd);
			break;
		}
	}
#endif
	for (;;)
		sys2(SYS_exit_group, rc, 0);
}

asm (".globl _start\n"
     "_start:\n"
     "	xor %ebp, %ebp\n"
     "	and $-16, %rsp\n"
     "	call target_main\n"
     "	hlt\n");
