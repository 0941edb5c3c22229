/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_memory_op(cmd, arg): balloon (reservation) ops, the guest
 * physical map (add_to_physmap, memory_map), resource mapping, and their
 * argument structs.  Values and layouts are Xen's (public/memory.h); text is
 * Keel's.  Frame numbers are guest frames (gfn) for translated guests.
 */
#ifndef KEEL_PUBLIC_MEMORY_H
#define KEEL_PUBLIC_MEMORY_H

#include <stdint.h>

#include "xen.h"

#define XENMEM_increase_reservation        0  /* struct xen_memory_reservation */
#define XENMEM_decrease_reservation        1  /* struct xen_memory_reservation */
#define XENMEM_maximum_ram_page            2  /* returns the highest RAM mfn */
#define XENMEM_current_reservation         3  /* domid_t; returns pages held */
#define XENMEM_maximum_reservation         4  /* domid_t; returns page limit */
#define XENMEM_machphys_mfn_list           5  /* PV only */
#define XENMEM_populate_physmap            6  /* struct xen_memory_reservation */
#define XENMEM_add_to_physmap              7  /* struct xen_add_to_physmap */
#define XENMEM_memory_map                  9  /* struct xen_memory_map: own E820 */
#define XENMEM_machine_memory_map         10  /* struct xen_memory_map: host E820 (dom0) */
#define XENMEM_exchange                   11  /* struct xen_memory_exchange */
#define XENMEM_machphys_mapping           12  /* PV only */
#define XENMEM_set_memory_map             13  /* struct xen_foreign_memory_map (tools) */
#define XENMEM_maximum_gpfn               14  /* domid_t; returns highest gfn */
#define XENMEM_remove_from_physmap        15  /* struct xen_remove_from_physmap */
#define XENMEM_set_pod_target             16  /* struct xen_pod_target (tools) */
#define XENMEM_get_pod_target             17  /* struct xen_pod_target (tools) */
#define XENMEM_add_to_physmap_batch       23  /* struct xen_add_to_physmap_batch */
#define XENMEM_claim_pages                24  /* struct xen_memory_reservation (tools) */
#define XENMEM_machphys_compat_mfn_list   25  /* PV only */
#define XENMEM_get_vnumainfo              26
#define XENMEM_reserved_device_memory_map 27  /* tools */
#define XENMEM_acquire_resource           28  /* struct xen_mem_acquire_resource */

/* mem_flags of struct xen_memory_reservation (bits 0-7: address bits,
 * 8-15: NUMA node + 1). */
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_vnode               (1 << 18)

/*
 * increase/decrease_reservation, populate_physmap, claim_pages: nr_extents
 * extents of 2^extent_order pages each, listed at extent_start (gfns; for
 * increase_reservation an output array, may be null).  The return value is
 * the number of extents done.
 */
struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;      /* XENMEMF_* */
    domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged;   /* out: extents of in done */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

/* Spaces of add_to_physmap: what idx names. */
#define XENMAPSPACE_shared_info   0  /* the shared-info page (idx 0) */
#define XENMAPSPACE_grant_table   1  /* grant-table frame idx */
#define XENMAPSPACE_gmfn          2  /* move the guest's own frame idx */
#define XENMAPSPACE_gmfn_range    3  /* size frames from idx (add_to_physmap only) */
#define XENMAPSPACE_gmfn_foreign  4  /* frame idx of foreign_domid (batch only) */
#define XENMAPSPACE_dev_mmio      5  /* ARM only */

/* With XENMAPSPACE_grant_table: idx names a status frame (grant v2). */
#define XENMAPIDX_grant_table_status 0x80000000U

/* Map the object idx of space at guest frame gpfn. */
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;        /* frames, for XENMAPSPACE_gmfn_range */
    uint32_t space;       /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

/* Batched add_to_physmap; errs[i] gets each entry's result. */
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;       /* XENMAPSPACE_* */
    uint16_t size;        /* entries in idxs, gpfns, errs */
    union xen_add_to_physmap_batch_extra {
        domid_t foreign_domid;   /* XENMAPSPACE_gmfn_foreign */
        uint16_t res0;           /* other spaces: 0 */
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
    XEN_GUEST_HANDLE(int) errs;
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

/* Unmap whatever is at guest frame gpfn. */
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/* E820-style map: nr_entries is the buffer capacity in, the count out.
 * Entries are 20 bytes: u64 addr, u64 size, u32 type. */
struct xen_memory_map {
    uint32_t nr_entries;
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

struct xen_pod_target {
    uint64_t target_pages;     /* in (set) */
    uint64_t tot_pages;        /* out */
    uint64_t pod_cache_pages;  /* out */
    uint64_t pod_entries;      /* out */
    domid_t domid;
};
typedef struct xen_pod_target xen_pod_target_t;

/* Map nr_frames frames of a resource (grant table, ioreq server) of domid;
 * frame_list gets the frames (for translated callers: the gfns to use). */
struct xen_mem_acquire_resource {
    domid_t domid;
    uint16_t type;        /* XENMEM_resource_* */
    uint32_t id;
    uint32_t nr_frames;   /* in: wanted; out: available if frame_list is null */
    uint32_t pad;         /* must be 0 */
    uint64_t frame;       /* first frame index within the resource */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_acquire_resource_t);

#define XENMEM_resource_ioreq_server             0
#define XENMEM_resource_grant_table              1
#define XENMEM_resource_vmtrace_buf              2
#define XENMEM_resource_grant_table_id_shared    0
#define XENMEM_resource_grant_table_id_status    1
#define XENMEM_resource_ioreq_server_frame_bufioreq 0

#endif /* KEEL_PUBLIC_MEMORY_H */
