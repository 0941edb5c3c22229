# SPDX-License-Identifier: GPL-2.0-only
# Host tests of the per-CPU timer queues and softirqs (hypervisor/common/
# timer.c, softirq.c) on the real ticket spinlocks, with a fake clock and
# fake one-shot timers; two pthreads act as CPUs for migrate/kill races.
UNIT_TESTS += timer
timer_SRCS := hypervisor/common/timer.c hypervisor/common/softirq.c \
              hypervisor/common/spinlock.c
timer_CFLAGS := -pthread
