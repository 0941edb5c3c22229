# SPDX-License-Identifier: GPL-2.0-only
# Host tests of event channels (hypervisor/common/event_channel.c) on the
# real spinlocks with the lock-order checker, with fake domains, vCPUs and
# shared_info pages; two pthreads race send against close.
UNIT_TESTS += evtchn
evtchn_SRCS := hypervisor/common/access.c hypervisor/common/event_channel.c hypervisor/common/spinlock.c
evtchn_CFLAGS := -pthread -DKEEL_DEBUG_LOCKS
