# SPDX-License-Identifier: GPL-2.0-only
# Host unit test of the p2m on AMD NPT (hypervisor/arch/x86/hvm/p2m_npt.c)
# over the real page allocator (tables in a host arena) and spinlocks
# (pthreads as CPUs for the concurrent case).
UNIT_TESTS += p2m
p2m_SRCS := hypervisor/arch/x86/hvm/p2m_npt.c hypervisor/common/page_alloc.c \
            hypervisor/common/spinlock.c
p2m_CFLAGS := -pthread

$(BUILD)/tests/unit/p2m: hypervisor/arch/x86/include/asm/page.h
