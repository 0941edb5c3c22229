/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local APIC (x2APIC mode when the CPU has it, xAPIC MMIO otherwise),
 * the interrupt vectors Keel reserves for itself, and the vector allocator.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <keel/types.h>

/* Keel's own vectors, at the top of the range. */
#define SPURIOUS_VECTOR         0xff
#define ERROR_VECTOR            0xfe
#define THERMAL_VECTOR          0xfd
#define TIMER_VECTOR            0xfc
#define EVENT_CHECK_VECTOR      0xfb
#define CALL_FUNCTION_VECTOR    0xfa
#define FIRST_SYSTEM_VECTOR     0xf0    /* 0xf0-0xff: Keel's own */
#define FIRST_DYNAMIC_VECTOR    0x20    /* 0x20-0xef: allocated to devices */

/* ICR delivery modes */
#define APIC_DM_FIXED           0x000
#define APIC_DM_NMI             0x400
#define APIC_DM_INIT            0x500
#define APIC_DM_STARTUP         0x600
#define APIC_LEVEL_ASSERT       0x4000
#define APIC_LEVEL_TRIGGER      0x8000

void apic_init_bsp(uint64_t lapic_address);
void apic_init_cpu(void);               /* every CPU, BSP included */
uint32_t apic_read_id(void);
void apic_eoi(void);
void apic_send_ipi(uint32_t apic_id, uint32_t icr_low);
bool apic_x2apic_mode(void);
const char *apic_mode_name(void);

/* The one-shot LAPIC timer (TSC-deadline when the CPU has it). */
void apic_timer_calibrate(void);
void apic_timer_program(uint64_t deadline_tsc);  /* 0: stop */
const char *apic_timer_mode_name(void);

/* 0x20-0xef; -1 when exhausted. */
int alloc_irq_vector(void);

#endif
