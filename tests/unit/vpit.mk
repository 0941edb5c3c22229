# SPDX-License-Identifier: GPL-2.0-only
# Host unit test of the PVH domain's PIT channel 2 and port 0x61
# (hypervisor/arch/x86/hvm/vpit.c), driven with explicit times.
UNIT_TESTS += vpit
vpit_SRCS := hypervisor/arch/x86/hvm/vpit.c hypervisor/common/spinlock.c \
             tests/unit/host_cpu_stub.c

$(BUILD)/tests/unit/vpit: hypervisor/arch/x86/include/asm/vpit.h
