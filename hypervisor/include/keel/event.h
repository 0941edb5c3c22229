/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, Xen's 2-level ABI (common/event_channel.c).  Each domain
 * has up to EVTCHN_NR_PORTS ports; a port is free, unbound (waiting for a
 * given domain to bind to it), interdomain (connected to a port of another
 * domain, or of the same one: loopback), a VIRQ of one vCPU, or an IPI to
 * one vCPU.  Port 0 is reserved.  Sending sets the port's bit in the
 * evtchn_pending bitmap of the domain's shared_info page; unless the port
 * is masked, the word's bit in the notified vCPU's evtchn_pending_sel and
 * its evtchn_upcall_pending are set and the vCPU is notified through the
 * domain's HVM_PARAM_CALLBACK_IRQ (type vector only): the vector is injected
 * outside the vLAPIC (no EOI, as Xen does) while evtchn_upcall_pending is
 * set and the vCPU takes interrupts.  The page comes from
 * domain_shared_info() (keel/shared_info.h): NULL until the guest placed it
 * with XENMEM_add_to_physmap, and events sent before then are dropped.  FIFO (init_control) returns -ENOSYS,
 * so Linux stays on 2-level.
 *
 * Locks: a per-domain event lock guards the domain's ports and VIRQ table;
 * operations that involve a second domain (bind_interdomain, close, reset,
 * status/alloc_unbound on another domain, teardown) also hold one global
 * lock, taken first, and look the other domain up under it, so that no
 * domain is torn down under them.  Two event locks nest in domain-ID order.
 */
#ifndef KEEL_EVENT_H
#define KEEL_EVENT_H

#include <keel/types.h>
#include <public/xen.h>

#define EVTCHN_NR_PORTS     EVTCHN_2L_NR_CHANNELS   /* 4096 with 64-bit words */
#define EVTCHN_NR_VIRQS     24                      /* Xen's NR_VIRQS */

struct domain;
struct vcpu;
struct evtchn_domain;           /* private to common/event_channel.c */

/* Per-domain state: domain_create calls init (0 or -ENOMEM), domain_destroy
 * calls destroy first (every port closed: peers see their ports unbound). */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);

/* Raise a per-vCPU VIRQ (VIRQ_TIMER, VIRQ_DEBUG, ...) on v, if v bound it.
 * Not from interrupt context (the event lock does not disable interrupts);
 * whoever raises VIRQs of a domain (its timers) must stop before
 * domain_destroy. */
void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq);
/* Raise a global VIRQ (VIRQ_DOM_EXC, ...) of d, if d bound it. */
void send_guest_global_virq(struct domain *d, uint32_t virq);

/* The callback vector to inject into v before its next entry: -1 unless
 * HVM_PARAM_CALLBACK_IRQ is a vector and v's evtchn_upcall_pending is set.
 * The caller injects it only when the guest has IF=1 and no shadow; the
 * guest's handler clears evtchn_upcall_pending (there is no EOI). */
int evtchn_upcall_vector(struct vcpu *v);

/* SCHEDOP_poll: 1 if d's port is pending, 0 if not, -EINVAL for a port
 * beyond the allocated ones (Xen's evtchn_port_poll). */
int evtchn_port_poll(struct domain *d, uint32_t port);

/* A port of d became pending (masked or not): wake the vCPUs polling it
 * (common/sched_op.c). */
void sched_poll_notify(struct domain *d, uint32_t port);

#endif
