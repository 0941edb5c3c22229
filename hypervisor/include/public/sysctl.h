/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_sysctl(struct xen_sysctl *): the toolstack's host-wide
 * operations (physical CPU and memory facts, the hypervisor's log, CPU
 * topology, the CPU pool, host CPU policies, the list of domains).  The
 * caller fills cmd, interface_version (must equal
 * XEN_SYSCTL_INTERFACE_VERSION) and the op's member of u; results come back
 * in the same struct.
 *
 * Values and layouts are Xen 4.17's (public/sysctl.h, which Xen shows only
 * to toolstacks); the text is Keel's.  Every op number of Xen 4.17 is
 * listed; the structs are those of the ops Keel implements (see
 * docs/abi-coverage.md).
 */
#ifndef KEEL_PUBLIC_SYSCTL_H
#define KEEL_PUBLIC_SYSCTL_H

#include <stdint.h>

#include "xen.h"
#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/* XEN_SYSCTL_readconsole: copy up to count bytes of the hypervisor's log.
 * incremental: start at index (the position to continue from, returned in
 * index); otherwise the oldest kept byte.  clear: empty the log after.
 * count returns the number of bytes written. */
struct xen_sysctl_readconsole {
    uint8_t clear;
    uint8_t incremental;
    uint8_t pad0;
    uint8_t pad1;
    uint32_t index;
    XEN_GUEST_HANDLE(char) buffer;
    uint32_t count;
};

/* XEN_SYSCTL_physinfo. */
#define _XEN_SYSCTL_PHYSCAP_hvm          0
#define XEN_SYSCTL_PHYSCAP_hvm           (1U << _XEN_SYSCTL_PHYSCAP_hvm)
#define _XEN_SYSCTL_PHYSCAP_pv           1
#define XEN_SYSCTL_PHYSCAP_pv            (1U << _XEN_SYSCTL_PHYSCAP_pv)
#define _XEN_SYSCTL_PHYSCAP_directio     2
#define XEN_SYSCTL_PHYSCAP_directio      (1U << _XEN_SYSCTL_PHYSCAP_directio)
#define _XEN_SYSCTL_PHYSCAP_hap          3
#define XEN_SYSCTL_PHYSCAP_hap           (1U << _XEN_SYSCTL_PHYSCAP_hap)
#define _XEN_SYSCTL_PHYSCAP_shadow       4
#define XEN_SYSCTL_PHYSCAP_shadow        (1U << _XEN_SYSCTL_PHYSCAP_shadow)
#define _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share 5
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1U << _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share)
#define XEN_SYSCTL_PHYSCAP_vmtrace       (1U << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu          (1U << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1     (1U << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2     (1U << 9)
#define XEN_SYSCTL_PHYSCAP_MAX           XEN_SYSCTL_PHYSCAP_gnttab_v2
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;                  /* online CPUs */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;             /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8];
};

/* XEN_SYSCTL_sched_id: the XEN_SCHEDULER_* in use. */
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

/* XEN_SYSCTL_getdomaininfolist: up to max_domains entries for the domains
 * with id >= first_domain, in id order; num_domains returns the count. */
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;
    uint32_t max_domains;
    XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains;
};

/* XEN_SYSCTL_getcpuinfo: idle time (ns) of CPUs 0..max_cpus-1;
 * nr_cpus returns the entries written. */
struct xen_sysctl_cpuinfo {
    uint64_t idletime;
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpuinfo_t);

struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus;
    XEN_GUEST_HANDLE(xen_sysctl_cpuinfo_t) info;
    uint32_t nr_cpus;
};

/* XEN_SYSCTL_cputopoinfo: one entry per CPU; a null handle asks for the
 * number of CPUs only.  Offline CPUs read XEN_INVALID_*. */
#define XEN_INVALID_CORE_ID     (~0U)
#define XEN_INVALID_SOCKET_ID   (~0U)
#define XEN_INVALID_NODE_ID     (~0U)
struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cputopo_t);

struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;
    XEN_GUEST_HANDLE(xen_sysctl_cputopo_t) cputopo;
};

/* XEN_SYSCTL_numainfo: memory per node and the num_nodes x num_nodes
 * distance matrix; null handles ask for the node count only. */
#define XEN_INVALID_MEM_SZ     (~0U)
#define XEN_INVALID_NODE_DIST  (~0U)
struct xen_sysctl_meminfo {
    uint64_t memsize;
    uint64_t memfree;
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_meminfo_t);

struct xen_sysctl_numainfo {
    uint32_t num_nodes;
    XEN_GUEST_HANDLE(xen_sysctl_meminfo_t) meminfo;
    XEN_GUEST_HANDLE(uint32_t) distance;
};

/* XEN_SYSCTL_cpupool_op. */
#define XEN_SYSCTL_CPUPOOL_OP_CREATE     1
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY    2
#define XEN_SYSCTL_CPUPOOL_OP_INFO       3   /* pool cpupool_id or the next */
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU     4
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU      5
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN 6
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO   7   /* CPUs in no pool */
#define XEN_SYSCTL_CPUPOOL_PAR_ANY       0xFFFFFFFF
struct xen_sysctl_cpupool_op {
    uint32_t op;
    uint32_t cpupool_id;
    uint32_t sched_id;
    uint32_t domid;
    uint32_t cpu;
    uint32_t n_dom;                    /* INFO: domains in the pool */
    struct xenctl_bitmap cpumap;       /* INFO, FREEINFO: CPUs */
};

/* XEN_SYSCTL_get_cpu_featureset: the feature words of one policy. */
#define XEN_SYSCTL_cpu_featureset_raw      0
#define XEN_SYSCTL_cpu_featureset_host     1
#define XEN_SYSCTL_cpu_featureset_pv       2
#define XEN_SYSCTL_cpu_featureset_hvm      3
#define XEN_SYSCTL_cpu_featureset_pv_max   4
#define XEN_SYSCTL_cpu_featureset_hvm_max  5
struct xen_sysctl_cpu_featureset {
    uint32_t index;
    uint32_t nr_features;              /* in: room; out: words written */
    XEN_GUEST_HANDLE(uint32_t) features;
};

/* XEN_SYSCTL_get_cpu_policy: the CPUID leaves and MSRs of one policy;
 * null handles ask for the counts only. */
#define XEN_SYSCTL_cpu_policy_raw          0
#define XEN_SYSCTL_cpu_policy_host         1
#define XEN_SYSCTL_cpu_policy_pv_max       2
#define XEN_SYSCTL_cpu_policy_hvm_max      3
#define XEN_SYSCTL_cpu_policy_pv_default   4
#define XEN_SYSCTL_cpu_policy_hvm_default  5
struct xen_sysctl_cpu_policy {
    uint32_t index;
    uint32_t nr_leaves;
    uint32_t nr_msrs;
    uint32_t _rsvd;
    XEN_GUEST_HANDLE(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE(xen_msr_entry_t) msrs;
};
typedef struct xen_sysctl_cpu_policy xen_sysctl_cpu_policy_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpu_policy_t);

struct xen_sysctl {
    uint32_t cmd;
#define XEN_SYSCTL_readconsole                    1
#define XEN_SYSCTL_tbuf_op                        2
#define XEN_SYSCTL_physinfo                       3
#define XEN_SYSCTL_sched_id                       4
#define XEN_SYSCTL_perfc_op                       5
#define XEN_SYSCTL_getdomaininfolist              6
#define XEN_SYSCTL_debug_keys                     7
#define XEN_SYSCTL_getcpuinfo                     8
#define XEN_SYSCTL_availheap                      9
#define XEN_SYSCTL_get_pmstat                    10
#define XEN_SYSCTL_cpu_hotplug                   11
#define XEN_SYSCTL_pm_op                         12
#define XEN_SYSCTL_page_offline_op               14
#define XEN_SYSCTL_lockprof_op                   15
#define XEN_SYSCTL_cputopoinfo                   16
#define XEN_SYSCTL_numainfo                      17
#define XEN_SYSCTL_cpupool_op                    18
#define XEN_SYSCTL_scheduler_op                  19
#define XEN_SYSCTL_coverage_op                   20
#define XEN_SYSCTL_psr_cmt_op                    21
#define XEN_SYSCTL_pcitopoinfo                   22
#define XEN_SYSCTL_psr_alloc                     23
#define XEN_SYSCTL_get_cpu_levelling_caps        25
#define XEN_SYSCTL_get_cpu_featureset            26
#define XEN_SYSCTL_livepatch_op                  27
#define XEN_SYSCTL_get_cpu_policy                29
    uint32_t interface_version;        /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_getcpuinfo getcpuinfo;
        struct xen_sysctl_cpupool_op cpupool_op;
        struct xen_sysctl_cpu_featureset cpu_featureset;
        struct xen_sysctl_cpu_policy cpu_policy;
        uint8_t pad[128];              /* fixes the union's size */
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#endif /* KEEL_PUBLIC_SYSCTL_H */
