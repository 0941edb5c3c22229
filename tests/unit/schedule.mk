# SPDX-License-Identifier: GPL-2.0-only
# Host tests of the scheduler (hypervisor/common/schedule.c) on the real
# spinlocks, with fake vCPUs whose "run" is a per-case script.
UNIT_TESTS += schedule
schedule_SRCS := hypervisor/common/schedule.c hypervisor/common/spinlock.c
schedule_CFLAGS := -Wno-unused-parameter -DKEEL_DEBUG_LOCKS
