# SPDX-License-Identifier: GPL-2.0-only
# Host unit test of the hypervisor's memory and string functions
# (hypervisor/common/lib/string.c, included by the test under keel_* names).
UNIT_TESTS += string
string_SRCS :=
$(BUILD)/tests/unit/string: hypervisor/common/lib/string.c
