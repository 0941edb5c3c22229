/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Debug keys (common/keyhandler.c), as Xen's: with the serial input switched
 * to Keel (CTRL-a three times when dom0 has it; always without a dom0),
 * each key prints a piece of Keel's state.  'h' lists them.
 */
#ifndef KEEL_KEYHANDLER_H
#define KEEL_KEYHANDLER_H

/* One key typed at Keel; unknown keys print a hint.  Not in interrupt
 * context (the dumps take locks). */
void keyhandler_press(char key);

/* The parts each owner prints (holding what it needs). */
struct domain;
struct vcpu;
void schedule_dump(void);                   /* common/schedule.c: run queues */
void evtchn_dump(struct domain *d);         /* common/event_channel.c: bound ports */
void domains_dump(void (*fn)(struct domain *d));   /* common/domain.c: each live domain */
void hvm_vcpu_dump(struct vcpu *v);         /* arch: registers as of its last exit */

#endif
