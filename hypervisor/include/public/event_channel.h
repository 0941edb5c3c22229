/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_event_channel_op(cmd, arg): event-channel sub-ops and their
 * argument structs (2-level and FIFO ABIs).  Values and layouts are Xen's
 * (public/event_channel.h); text is Keel's.  The 2-level bitmaps live in
 * struct shared_info (xen.h); EVTCHN_2L_NR_CHANNELS is defined there.
 */
#ifndef KEEL_PUBLIC_EVENT_CHANNEL_H
#define KEEL_PUBLIC_EVENT_CHANNEL_H

#include <stdint.h>

#include "xen.h"

#define EVTCHNOP_bind_interdomain   0
#define EVTCHNOP_bind_virq          1
#define EVTCHNOP_bind_pirq          2
#define EVTCHNOP_close              3
#define EVTCHNOP_send               4
#define EVTCHNOP_status             5
#define EVTCHNOP_alloc_unbound      6
#define EVTCHNOP_bind_ipi           7
#define EVTCHNOP_bind_vcpu          8
#define EVTCHNOP_unmask             9
#define EVTCHNOP_reset             10
#define EVTCHNOP_init_control      11  /* switch to the FIFO ABI */
#define EVTCHNOP_expand_array      12
#define EVTCHNOP_set_priority      13

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* Allocate a port in dom that remote_dom may bind to; out: port. */
struct evtchn_alloc_unbound {
    domid_t dom;
    domid_t remote_dom;
    evtchn_port_t port;
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect to remote_dom's unbound remote_port; out: local_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    evtchn_port_t remote_port;
    evtchn_port_t local_port;
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/* Bind VIRQ_* virq on vcpu; out: port. */
struct evtchn_bind_virq {
    uint32_t virq;
    uint32_t vcpu;
    evtchn_port_t port;
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/* Bind physical IRQ pirq; out: port. */
struct evtchn_bind_pirq {
    uint32_t pirq;
    uint32_t flags;    /* BIND_PIRQ__* */
    evtchn_port_t port;
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;
#define BIND_PIRQ__WILL_SHARE 1

/* Allocate an IPI port notifying vcpu; out: port. */
struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port;
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
    evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

struct evtchn_send {
    evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

/* Query a port of dom. */
struct evtchn_status {
    domid_t dom;
    evtchn_port_t port;
    uint32_t status;   /* out: EVTCHNSTAT_* */
    uint32_t vcpu;     /* out: vCPU notified */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
typedef struct evtchn_status evtchn_status_t;

#define EVTCHNSTAT_closed       0
#define EVTCHNSTAT_unbound      1
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

/* Notify vcpu instead (not for per-vCPU VIRQs or IPIs). */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

struct evtchn_unmask {
    evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;

/* FIFO ABI: register vcpu's control block at control_gfn + offset;
 * out: link_bits. */
struct evtchn_init_control {
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* FIFO ABI: add one page of event words. */
struct evtchn_expand_array {
    uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;  /* EVTCHN_FIFO_PRIORITY_* range */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* FIFO ABI. */
#define EVTCHN_FIFO_PRIORITY_MAX      0
#define EVTCHN_FIFO_PRIORITY_DEFAULT  7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES       (EVTCHN_FIFO_PRIORITY_MIN + 1)

typedef uint32_t event_word_t;
/* Bits of an event word; the low LINK_BITS hold the next port in the queue. */
#define EVTCHN_FIFO_PENDING    31
#define EVTCHN_FIFO_MASKED     30
#define EVTCHN_FIFO_LINKED     29
#define EVTCHN_FIFO_BUSY       28
#define EVTCHN_FIFO_LINK_BITS  17
#define EVTCHN_FIFO_LINK_MASK  ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

/* Per-vCPU FIFO control block: a ready bitmap and one queue head per priority. */
struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

#endif /* KEEL_PUBLIC_EVENT_CHANNEL_H */
