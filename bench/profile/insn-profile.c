// SPDX-License-Identifier: GPL-2.0
/*
 * insn-profile: a QEMU TCG plugin counting the guest instructions executed per
 * translated block while "on". Counting toggles each time the guest executes the
 * block at toggle=<hex address> (the entry of a system call the profiled program
 * calls right before and right after its timed loop: __x64_sys_sched_yield).
 * At exit it writes "<block address> <instructions in block> <times executed>" per
 * block that ran while on to out=<file>; scripts/profile.sh maps them to symbols.
 *
 * QEMU 7.2 plugin API (version 1). Its header is not packaged by Debian, so the few
 * declarations used are repeated here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct block {
	uint64_t vaddr, insns, count;
	struct block *next;
};

static struct block *blocks;
static uint64_t toggle_addr;
static const char *out_path = "insn-profile.out";
static bool on;
static unsigned long toggles;

/* Single-threaded TCG (-accel tcg,thread=single, one vCPU): no locking needed. */
static void block_exec(unsigned int vcpu, void *userdata)
{
	struct block *b = userdata;

	if (b->vaddr == toggle_addr) {
		on = !on;
		toggles++;
	} else if (on) {
		b->count++;
	}
}

static void block_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b = calloc(1, sizeof(*b));

	if (!b)
		abort();
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = qemu_plugin_tb_n_insns(tb);
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec, QEMU_PLUGIN_CB_NO_REGS, b);
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	FILE *f = fopen(out_path, "w");

	if (!f)
		return;
	fprintf(f, "# toggles %lu\n", toggles);
	for (struct block *b = blocks; b; b = b->next)
		if (b->count)
			fprintf(f, "%llx %llu %llu\n", (unsigned long long)b->vaddr,
				(unsigned long long)b->insns, (unsigned long long)b->count);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "toggle=", 7))
			toggle_addr = strtoull(argv[i] + 7, NULL, 16);
		else if (!strncmp(argv[i], "out=", 4))
			out_path = strdup(argv[i] + 4);
	}
	if (!toggle_addr) {
		fprintf(stderr, "insn-profile: toggle=<hex address> is required\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, block_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
