# SPDX-License-Identifier: GPL-2.0-only
# Host unit test of the hypervisor heap (hypervisor/common/xmalloc.c) on top
# of the real page allocator.
UNIT_TESTS += xmalloc
xmalloc_SRCS := hypervisor/common/xmalloc.c hypervisor/common/page_alloc.c \
                hypervisor/common/spinlock.c tests/unit/host_cpu_stub.c
