/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_hvm_op(cmd, arg) for HVM and PVH guests: HVM parameters, the
 * per-vCPU upcall vector, guest time and a few tool-only ops.  Values and
 * layouts are Xen's (public/hvm/hvm_op.h); text is Keel's.  The parameter
 * indexes are in params.h.
 */
#ifndef KEEL_PUBLIC_HVM_HVM_OP_H
#define KEEL_PUBLIC_HVM_HVM_OP_H

#include <stdint.h>

#include "../xen.h"

#define HVMOP_set_param                 0  /* struct xen_hvm_param */
#define HVMOP_get_param                 1  /* struct xen_hvm_param */
#define HVMOP_flush_tlbs                5  /* arg must be null */
#define HVMOP_pagetable_dying           9  /* struct xen_hvm_pagetable_dying */
#define HVMOP_get_time                 10  /* struct xen_hvm_get_time */
#define HVMOP_xentrace                 11
#define HVMOP_get_mem_type             15  /* struct xen_hvm_get_mem_type */
#define HVMOP_set_evtchn_upcall_vector 23  /* struct xen_hvm_evtchn_upcall_vector */
#define HVMOP_guest_request_vm_event   24
#define HVMOP_altp2m                   25

/* Read or write HVM parameter index (HVM_PARAM_*) of domid. */
struct xen_hvm_param {
    domid_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
typedef struct xen_hvm_param xen_hvm_param_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_param_t);

/* The guest is tearing down the page table at gpa (shadow paging hint). */
struct xen_hvm_pagetable_dying {
    domid_t domid;
    uint16_t pad[3];
    uint64_t gpa;
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_pagetable_dying_t);

/* Out: current system time in ns. */
struct xen_hvm_get_time {
    uint64_t now;
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_time_t);

/* Memory types of HVMOP_get_mem_type. */
typedef enum {
    HVMMEM_ram_rw,        /* ordinary RAM */
    HVMMEM_ram_ro,        /* writes are dropped */
    HVMMEM_mmio_dm,       /* accesses go to the device model */
    HVMMEM_unused,        /* retired type */
    HVMMEM_ioreq_server   /* claimed by an ioreq server */
} hvmmem_type_t;

struct xen_hvm_get_mem_type {
    domid_t domid;
    uint16_t mem_type;   /* out: hvmmem_type_t */
    uint16_t pad[2];
    uint64_t pfn;
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_mem_type_t);

/* Deliver vcpu's event upcall as interrupt vector (>= 0x10) through its LAPIC,
 * instead of the domain-wide HVM_PARAM_CALLBACK_IRQ. */
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_evtchn_upcall_vector_t);

#endif /* KEEL_PUBLIC_HVM_HVM_OP_H */
