# SPDX-License-Identifier: GPL-2.0-only
# Host tests of SVM exit handling (hypervisor/arch/x86/hvm/svm/exit.c) with
# the real instruction decoder and recording fakes for the rest of Keel.
UNIT_TESTS += svm_exit
svm_exit_SRCS := hypervisor/arch/x86/hvm/svm/exit.c hypervisor/arch/x86/hvm/x86_decode.c
$(BUILD)/tests/unit/svm_exit: hypervisor/arch/x86/include/asm/svm/vmcb.h \
                              hypervisor/arch/x86/include/asm/svm/svm.h
