# SPDX-License-Identifier: GPL-2.0-only
# Host tests of the domain lifecycle a toolstack drives: ids, pause, kept
# shutdown reasons, kill, zombies and domain_page_put, VIRQ_DOM_EXC
# (hypervisor/common/domain.c), the HVM param allow-lists (hvm_op.c) and
# SCHEDOP_remote_shutdown (sched_op.c), over the real p2m, page allocator
# and spinlocks with the rest of Keel faked (tests/unit/domain_env.c).
UNIT_TESTS += lifecycle
lifecycle_SRCS := hypervisor/common/domain.c hypervisor/common/claim.c hypervisor/common/foreign.c hypervisor/common/hvm_op.c hypervisor/common/access.c \
                  hypervisor/common/sched_op.c hypervisor/arch/x86/hvm/p2m_npt.c \
                  hypervisor/common/page_alloc.c hypervisor/common/spinlock.c \
                  tests/unit/mm_fixture.c tests/unit/host_cpu_stub.c tests/unit/domain_env.c
$(BUILD)/tests/unit/lifecycle: tests/unit/mm_fixture.h tests/unit/domain_env.h
