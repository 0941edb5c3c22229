# SPDX-License-Identifier: GPL-2.0-only
# Host tests of the domain lifecycle (hypervisor/common/domain.c) over the
# real p2m, page allocator and spinlocks, with the rest of Keel faked
# (tests/unit/domain_env.c, tests/unit/mm_fixture.c).
UNIT_TESTS += domain
domain_SRCS := hypervisor/common/domain.c hypervisor/common/claim.c hypervisor/common/foreign.c \
               hypervisor/arch/x86/hvm/p2m_npt.c \
               hypervisor/common/page_alloc.c hypervisor/common/spinlock.c \
               tests/unit/mm_fixture.c tests/unit/host_cpu_stub.c tests/unit/domain_env.c
$(BUILD)/tests/unit/domain: tests/unit/mm_fixture.h tests/unit/domain_env.h
