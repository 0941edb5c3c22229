/* SPDX-License-Identifier: GPL-2.0-only */
/* What common code asks of the machine: time, delays, reset and power off. */
#ifndef KEEL_MACHINE_H
#define KEEL_MACHINE_H

#include <keel/types.h>

__noreturn void machine_restart(void);
/* Power off.  Under QEMU the status reaches the host through the
 * isa-debug-exit device; on hardware it is only logged. */
__noreturn void machine_poweroff(uint32_t status);
__noreturn void machine_halt(void);
/* Stop every other CPU; with dump (panic) each prints its state first. */
void machine_stop_other_cpus(bool dump);

uint64_t tsc_khz(void);             /* 0 until calibrated */
void udelay(uint64_t us);
void mdelay(uint64_t ms);

#endif
