// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lock tests of test_spinlock.c against the production build of
 * hypervisor/common/spinlock.c (no KEEL_DEBUG_LOCKS): same torture, trylock,
 * FIFO, irq-flag and fairness cases, without the checker's cases.
 */
#include "test_spinlock.c"
