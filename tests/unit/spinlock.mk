# SPDX-License-Identifier: GPL-2.0-only
# Host unit tests of Keel's locks (hypervisor/common/spinlock.c) with pthreads
# as CPUs: spinlock_nodebug is the production build, spinlock adds the
# lock-order checker (KEEL_DEBUG_LOCKS) and its must-panic cases.
UNIT_TESTS += spinlock spinlock_nodebug
spinlock_SRCS := hypervisor/common/spinlock.c
spinlock_CFLAGS := -pthread -DKEEL_DEBUG_LOCKS
spinlock_nodebug_SRCS := hypervisor/common/spinlock.c
spinlock_nodebug_CFLAGS := -pthread

$(BUILD)/tests/unit/spinlock $(BUILD)/tests/unit/spinlock_nodebug: \
    tests/unit/test_spinlock.c hypervisor/arch/x86/include/asm/irqflags.h
