# SPDX-License-Identifier: GPL-2.0-only
# Host unit test of the physical memory map (hypervisor/common/memmap.c).
UNIT_TESTS += memmap
memmap_SRCS := hypervisor/common/memmap.c
