# execns on Linux 6.12: build, boot and test pipeline.  `make help` lists the targets.
#
#   make run     install what is missing, prepare the tree, build the base kernel,
#                boot it in QEMU and run the demo
#   make check   the same, with the debug kernel, then every test; last line
#                "N passed, N failed[, N skipped]", non-zero exit on any failure
#   make check-arm64
#                the same on arm64 (cross-built base kernel, qemu-system-aarch64, TCG)

KERNEL_SRC ?=
BUILD      ?= build
JOBS       ?= $(shell nproc)
LLVM       ?= -19
TIMEOUT    ?= 1200
VARIANT    ?= base
# guest architecture: x86_64 (the host's) or arm64 (cross-built, qemu-system-aarch64)
ARCH       ?= x86_64
# kernels used by run/shell and by check
RUN_VARIANT   ?= base
CHECK_VARIANT ?= debug
# kernel used by check-arm64 (the debug kernel's KASAN under TCG does not fit CI's budget)
CHECK_VARIANT_ARM64 ?= base
SFX := $(if $(filter arm64 aarch64,$(ARCH)),-arm64)

export KERNEL_SRC BUILD JOBS LLVM TIMEOUT ARCH
export BOOT_TIMEOUT BENCH KVM APPEND ALLOW_MISSING FEATURE_SYMS EXTRA_PATCHES T

S := scripts
B := $(abspath $(BUILD))
.NOTPARALLEL:
.DEFAULT_GOAL := help
.PHONY: help setup tree kernel headers payload initramfs host-tests run shell check check-arm64 \
	bench stress profile matrix distro-compile-test lint results clean distclean x86-only \
	patches bisect-check

help:
	@echo 'execns pipeline targets (details: PIPELINE.md):'
	@echo '  make run        setup + tree + base kernel + payload, boot QEMU, run the demo'
	@echo '  make check      setup + tree + debug kernel + payload + host tests, boot QEMU,'
	@echo '                  run KUnit + guest tests; prints "N passed, N failed"; CI runs this'
	@echo '  make check-arm64  make check for arm64: base kernel cross-built (LLVM, ARCH=arm64),'
	@echo '                  qemu-system-aarch64 (TCG); not part of make check'
	@echo '  make shell      boot the base kernel to an interactive shell (serial console)'
	@echo '  make setup      install missing Debian packages, rust-src, bindgen (idempotent)'
	@echo '  make tree       build/src = pristine 6.12 + overlay files + patches/series'
	@echo '  make kernel     build the kernel VARIANT=base|debug|stock (default base)'
	@echo '  make headers    UAPI headers -> $(BUILD)/headers'
	@echo '  make payload    kselftests, userspace, samples -> $(BUILD)/guest'
	@echo '  make initramfs  $(BUILD)/initramfs.cpio.gz (busybox + payload + jobs)'
	@echo '  make host-tests make -C userspace test'
	@echo '  make bench      A/B benchmark stock vs ours (scripts/bench.sh -> bench/RESULTS.md)'
	@echo '  make stress     fuzzer + concurrency stress on the debug kernel (scripts/stress.sh)'
	@echo '  make profile    per-function instruction profile of setuid churn (after make bench)'
	@echo '  make lint       checkpatch, rustfmt, clippy and rustdoc gates (also run by make check)'
	@echo '  make patches    the series as $(BUILD)/patches/*.patch (format-patch, cover letter),'
	@echo '                  checked against $(BUILD)/src and with checkpatch --strict'
	@echo '  make bisect-check  build every prefix of $(BUILD)/patches with the base config'
	@echo '  make matrix     build the options the feature tests (USER_NS, SYSVIPC...) on and off, WERROR'
	@echo '  make distro-compile-test  compile kernel/ fs/ block/ ... with Debian'"'"'s 6.12 config + Rust'
	@echo '  make clean      remove builds (keeps the extracted pristine tree)'
	@echo '  make distclean  remove $(BUILD)/ entirely'
	@echo 'Variables: KERNEL_SRC=/path/to/linux-6.12.y  BUILD=$(BUILD)  JOBS=$(JOBS)'
	@echo '  LLVM=$(LLVM)  TIMEOUT=$(TIMEOUT) (s, QEMU wall clock)  VARIANT=$(VARIANT)'
	@echo '  T=prog[:fixture.variant.test],... (make check: only these guest tests / kselftest cases)'
	@echo '  BENCH=1 (qemu -icount)  KVM=1 (probe KVM, fall back to TCG)'
	@echo '  ARCH=$(ARCH) (or arm64: kernel, headers, payload, initramfs, run, shell, check)'
	@echo 'Logs: $(BUILD)/logs/ (serial logs: <job>-<variant>.log)'

setup:
	@$(S)/setup.sh

tree: setup
	@$(S)/prepare-tree.sh

kernel: tree
	@$(S)/build-kernel.sh $(VARIANT)

headers: tree
	@$(S)/build-payload.sh $(VARIANT) headers-only

payload: tree
	@$(S)/build-payload.sh $(VARIANT)

initramfs: payload
	@$(S)/mkinitramfs.sh

host-tests: payload
	@$(S)/host-tests.sh

# the chain (scripts/lib.sh): prepare, build, payload, initramfs, boot, parse
run: setup
	@ECHO=1 TIMEOUT=$${RUN_TIMEOUT:-600} $(S)/chain.sh $(RUN_VARIANT) demo

shell: setup
	@INTERACTIVE=1 $(S)/chain.sh --until boot $(RUN_VARIANT) shell

check:
	@CHECK_VARIANT=$(CHECK_VARIANT) $(S)/check.sh

check-arm64:
	@ARCH=arm64 CHECK_VARIANT=$(CHECK_VARIANT_ARM64) $(S)/check.sh

# re-summarise the last check run
results:
	@hl=; [ -n "$(SFX)" ] || [ ! -f $(B)/logs/host-tests.log ] || hl="--host-log $(B)/logs/host-tests.log --host-rc $$(cat $(B)/logs/host-tests.rc 2>/dev/null || echo 1)"; \
	$(S)/results.py --mode check --allow tests/splat-allowlist.txt $$hl $(B)/logs/check-$(CHECK_VARIANT)$(SFX).log

bench: x86-only setup tree
	@$(S)/bench.sh

stress: x86-only setup tree
	@$(S)/stress.sh

profile: x86-only setup
	$(S)/profile.sh

distro-compile-test: x86-only setup tree
	@$(S)/distro-compile-test.sh

lint: setup tree
	@$(S)/build-kernel.sh $(VARIANT)
	@$(S)/lint.sh $(VARIANT)

matrix: x86-only setup tree
	@$(S)/build-kernel.sh base
	@$(S)/config-matrix.sh

patches: setup
	@$(S)/make-patches.sh

bisect-check: x86-only patches
	@$(S)/bisect-check.sh

# bench, stress, profile, the config matrix and the Debian compile test: x86_64 only
x86-only:
	@[ -z "$(SFX)" ] || { echo "make $(MAKECMDGOALS): x86_64 only, not ARCH=$(ARCH)" >&2; exit 1; }

clean:
	rm -rf $(B)/src $(B)/src.tmp $(B)/obj-* $(B)/guest $(B)/guest-arm64 $(B)/headers \
		$(B)/headers-arm64 $(B)/busybox-arm64 $(B)/initramfs* \
		$(B)/logs $(B)/tools $(B)/.tree-* $(B)/patches $(B)/.patches-* $(B)/bisect

distclean:
	rm -rf $(B)
