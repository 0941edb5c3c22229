# SPDX-License-Identifier: GPL-2.0-only
# Host tests of the control hypercalls' dispatch (common/domctl.c,
# common/sysctl.c), the access hook (common/access.c) and the simple
# domctl and host sysctl ops, over the real domain.c, p2m, page allocator
# and spinlocks, with the rest of Keel faked (tests/unit/domain_env.c).
UNIT_TESTS += domctl
domctl_SRCS := hypervisor/common/domctl.c hypervisor/common/sysctl.c \
               hypervisor/common/access.c hypervisor/common/domctl_simple.c \
               hypervisor/common/domctl_domain.c \
               hypervisor/common/sysctl_host.c hypervisor/common/sysctl_console.c \
               hypervisor/common/sysctl_cpu.c hypervisor/common/ctl_bitmap.c \
               hypervisor/common/log_ring.c \
               hypervisor/common/domctl_affinity.c \
               hypervisor/common/domctl_perm.c hypervisor/common/rangeset.c \
               hypervisor/common/domctl_cpu_policy.c hypervisor/arch/x86/hvm/cpu_policy.c \
               hypervisor/common/domain.c hypervisor/common/claim.c hypervisor/common/foreign.c \
               hypervisor/arch/x86/hvm/p2m_npt.c hypervisor/common/page_alloc.c \
               hypervisor/common/spinlock.c tests/unit/mm_fixture.c \
               tests/unit/host_cpu_stub.c tests/unit/domain_env.c
# Handlers share one signature; the hypervisor build allows unused parameters.
domctl_CFLAGS := -Wno-unused-parameter
$(BUILD)/tests/unit/domctl: tests/unit/mm_fixture.h tests/unit/domain_env.h
