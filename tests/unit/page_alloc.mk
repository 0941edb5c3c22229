# SPDX-License-Identifier: GPL-2.0-only
# Host unit test of the buddy page allocator (hypervisor/common/page_alloc.c).
UNIT_TESTS += page_alloc
page_alloc_SRCS := hypervisor/common/page_alloc.c hypervisor/common/spinlock.c tests/unit/host_cpu_stub.c
