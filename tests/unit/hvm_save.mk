# SPDX-License-Identifier: GPL-2.0-only
# Host tests of HVM save records (hypervisor/arch/x86/hvm/hvm_save.c) and
# their domctls (hvm_domctl.c) with
# the real SVM field mapping (svm/ctx.c) and vLAPIC (vlapic.c, on the real
# timer queues), a fake two-vCPU domain with real VMCBs, and a fake CPUID.
UNIT_TESTS += hvm_save
hvm_save_SRCS := hypervisor/arch/x86/hvm/hvm_save.c hypervisor/arch/x86/hvm/svm/ctx.c \
                 hypervisor/arch/x86/hvm/hvm_domctl.c \
                 hypervisor/arch/x86/hvm/vlapic.c hypervisor/common/timer.c \
                 hypervisor/common/softirq.c hypervisor/common/spinlock.c
$(BUILD)/tests/unit/hvm_save: hypervisor/arch/x86/include/asm/hvm_save.h \
    hypervisor/arch/x86/include/asm/vlapic.h hypervisor/arch/x86/include/asm/hvm_vcpu.h \
    hypervisor/include/public/hvm/save.h hypervisor/include/public/arch-x86/hvm/save.h
