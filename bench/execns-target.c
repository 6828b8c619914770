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
 * (x86_64 or arm64: aarch64-linux-gnu-gcc).
 */
#define F_GETFD		1

#if defined(__x86_64__)
#define SYS_fcntl	72
#define SYS_exit_group	231

static long sys2(long nr, long a, long b)
{
	long ret;

	asm volatile ("syscall" : "=a" (ret) : "a" (nr), "D" (a), "S" (b)
		      : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
#define SYS_fcntl	25	/* the generic table */
#define SYS_exit_group	94

static long sys2(long nr, long a, long b)
{
	register long x8 asm("x8") = nr;
	register long x0 asm("x0") = a;
	register long x1 asm("x1") = b;

	asm volatile ("svc #0" : "+r" (x0) : "r" (x8), "r" (x1) : "memory");
	return x0;
}
#else
#error "execns-target.c: x86_64 or aarch64 only"
#endif

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

#if defined(__x86_64__)
asm (".globl _start\n"
     "_start:\n"
     "	xor %ebp, %ebp\n"
     "	and $-16, %rsp\n"
     "	call target_main\n"
     "	hlt\n");
#else
/* The kernel starts us with sp 16-byte aligned; no frame record above us. */
asm (".globl _start\n"
     "_start:\n"
     "	mov x29, #0\n"
     "	mov x30, #0\n"
     "	bl target_main\n"
     "	brk #0\n");
#endif
