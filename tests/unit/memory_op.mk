# SPDX-License-Identifier: GPL-2.0-only
# Host tests of HYPERVISOR_memory_op (hypervisor/common/memory_op.c) over the
# real domain.c, grant_table.c, p2m, page allocator and spinlocks, with the
# rest of Keel faked (tests/unit/domain_env.c, tests/unit/mm_fixture.c).
UNIT_TESTS += memory_op
memory_op_SRCS := hypervisor/common/memory_op.c hypervisor/common/domain.c \
                  hypervisor/common/access.c hypervisor/common/claim.c hypervisor/common/foreign.c \
                  hypervisor/common/grant_table.c hypervisor/arch/x86/hvm/p2m_npt.c \
                  hypervisor/common/page_alloc.c hypervisor/common/spinlock.c \
                  tests/unit/mm_fixture.c tests/unit/host_cpu_stub.c tests/unit/domain_env.c
$(BUILD)/tests/unit/memory_op: tests/unit/mm_fixture.h tests/unit/domain_env.h
