# SPDX-License-Identifier: GPL-2.0-only
# Host tests of guest memory access (hypervisor/arch/x86/hvm/guest_access.c):
# page-table walks in every paging mode over page tables written by hand,
# with a fake p2m (tests/unit/test_guest_access.c provides p2m_get_entry
# and pfn_to_virt).
UNIT_TESTS += guest_access
guest_access_SRCS := hypervisor/arch/x86/hvm/guest_access.c

$(BUILD)/tests/unit/guest_access: hypervisor/arch/x86/include/asm/hvm_vcpu.h \
    hypervisor/arch/x86/include/asm/svm/vmcb.h
