/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 time: TSC calibration, TSC <-> ns conversion, the CMOS RTC. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <keel/types.h>

struct acpi_info;
typedef int64_t s_time_t;

void time_init(const struct acpi_info *acpi);
void time_init_timer_interrupt(void);
const char *time_tsc_source(void);
uint64_t ns_to_tsc(s_time_t ns);
s_time_t tsc_to_ns(uint64_t tsc);      /* a host TSC value as NOW() time */
/* kHz of an up-counting clock (wrapping at mask), against the TSC */
uint64_t clock_khz_against_tsc(uint64_t (*read)(void), uint64_t mask);
uint64_t rtc_read_seconds(void);
uint64_t wallclock_at_boot(void);       /* seconds since 1970 at NOW() == 0 */

/* Self tests: an interval on the platform clock (PM timer or HPET) and on
 * NOW() together.  start returns the clock's name (NULL: none); poll at
 * least every second while the watch runs; end returns the platform clock's
 * nanoseconds and puts NOW()'s in *now_ns. */
const char *refclock_watch_start(void);
void refclock_watch_poll(void);
s_time_t refclock_watch_end(s_time_t *now_ns);

#endif
