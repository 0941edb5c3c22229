# SPDX-License-Identifier: GPL-2.0-only
# The PVH start info builder (hypervisor/common/pvh_start_info.c).
UNIT_TESTS += pvh
pvh_SRCS := hypervisor/common/pvh_start_info.c

$(BUILD)/tests/unit/pvh: hypervisor/include/public/arch-x86/hvm/start_info.h
