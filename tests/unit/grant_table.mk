# SPDX-License-Identifier: GPL-2.0-only
# Host tests of grant tables (hypervisor/common/grant_table.c) with fake
# domains over the real p2m, page allocator and spinlocks
# (tests/unit/mm_fixture.c).
UNIT_TESTS += grant_table
grant_table_SRCS := hypervisor/common/access.c hypervisor/common/grant_table.c hypervisor/arch/x86/hvm/p2m_npt.c \
                    hypervisor/common/page_alloc.c hypervisor/common/spinlock.c \
                    tests/unit/mm_fixture.c tests/unit/host_cpu_stub.c
$(BUILD)/tests/unit/grant_table: tests/unit/mm_fixture.h
