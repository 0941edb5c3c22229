# SPDX-License-Identifier: GPL-2.0-only
# Host tests of the guest virtual local APIC (hypervisor/arch/x86/hvm/vlapic.c)
# on the real timer queues, softirqs and spinlocks, with a fake clock and a
# fake domain of vCPUs that records IPIs, EOIs and kicks.
UNIT_TESTS += vlapic
vlapic_SRCS := hypervisor/arch/x86/hvm/vlapic.c hypervisor/common/timer.c \
               hypervisor/common/softirq.c hypervisor/common/spinlock.c

$(BUILD)/tests/unit/vlapic: hypervisor/arch/x86/include/asm/vlapic.h
vlapic_CFLAGS := -pthread
