# SPDX-License-Identifier: GPL-2.0-only
# Host tests of the lifecycle domctls and sysctl getdomaininfolist
# (hypervisor/common/domctl_domain.c) through the real dispatchers, access
# hook and domain.c, with the rest of Keel faked (tests/unit/domain_env.c).
UNIT_TESTS += domctl_domain
domctl_domain_SRCS := hypervisor/common/domctl_domain.c hypervisor/common/domctl.c \
                      hypervisor/common/sysctl.c hypervisor/common/access.c \
                      hypervisor/common/domain.c hypervisor/common/claim.c hypervisor/common/foreign.c hypervisor/arch/x86/hvm/p2m_npt.c \
                      hypervisor/common/page_alloc.c hypervisor/common/spinlock.c \
                      tests/unit/mm_fixture.c tests/unit/host_cpu_stub.c tests/unit/domain_env.c
$(BUILD)/tests/unit/domctl_domain: tests/unit/mm_fixture.h tests/unit/domain_env.h
domctl_domain_CFLAGS := -Wno-unused-parameter
