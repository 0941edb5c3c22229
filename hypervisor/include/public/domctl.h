/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_domctl(struct xen_domctl *): the toolstack's per-domain control
 * operations (create, destroy, pause, limits, vCPU affinity, scheduler
 * parameters, CPU policy, device permissions ...).  The caller fills cmd,
 * interface_version (must equal XEN_DOMCTL_INTERFACE_VERSION) and the target
 * domain, plus the op's member of u; results come back in the same struct.
 *
 * Values and layouts are Xen 4.17's (public/domctl.h, which Xen shows only
 * to toolstacks); the text is Keel's.  Every op number of Xen 4.17 is
 * listed; the structs are those of the ops Keel implements or that the
 * control ABI needs (docs/abi-coverage.md says which work).  64-bit fields
 * are naturally aligned on x86-64, so Xen's uint64_aligned_t is uint64_t.
 */
#ifndef KEEL_PUBLIC_DOMCTL_H
#define KEEL_PUBLIC_DOMCTL_H

#include <stdint.h>

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* XEN_DOMCTL_createdomain: domain is the wanted id, or 0 for "any";
 * the id chosen comes back in xen_domctl.domain. */
struct xen_domctl_createdomain {
    uint32_t ssidref;                  /* security label; Keel: ignored */
    xen_domain_handle_t handle;        /* toolstack's UUID for the domain */
#define _XEN_DOMCTL_CDF_hvm           0
#define XEN_DOMCTL_CDF_hvm            (1U << _XEN_DOMCTL_CDF_hvm)
#define _XEN_DOMCTL_CDF_hap           1
#define XEN_DOMCTL_CDF_hap            (1U << _XEN_DOMCTL_CDF_hap)
#define _XEN_DOMCTL_CDF_s3_integrity  2
#define XEN_DOMCTL_CDF_s3_integrity   (1U << _XEN_DOMCTL_CDF_s3_integrity)
#define _XEN_DOMCTL_CDF_oos_off       3
#define XEN_DOMCTL_CDF_oos_off        (1U << _XEN_DOMCTL_CDF_oos_off)
#define _XEN_DOMCTL_CDF_xs_domain     4
#define XEN_DOMCTL_CDF_xs_domain      (1U << _XEN_DOMCTL_CDF_xs_domain)
#define _XEN_DOMCTL_CDF_iommu         5
#define XEN_DOMCTL_CDF_iommu          (1U << _XEN_DOMCTL_CDF_iommu)
#define _XEN_DOMCTL_CDF_nested_virt   6
#define XEN_DOMCTL_CDF_nested_virt    (1U << _XEN_DOMCTL_CDF_nested_virt)
#define XEN_DOMCTL_CDF_vpmu           (1U << 7)
#define XEN_DOMCTL_CDF_MAX            XEN_DOMCTL_CDF_vpmu
    uint32_t flags;                    /* XEN_DOMCTL_CDF_* */
#define _XEN_DOMCTL_IOMMU_no_sharept  0
#define XEN_DOMCTL_IOMMU_no_sharept   (1U << _XEN_DOMCTL_IOMMU_no_sharept)
#define XEN_DOMCTL_IOMMU_MAX          XEN_DOMCTL_IOMMU_no_sharept
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;          /* -1: the hypervisor's default */
    int32_t max_maptrack_frames;       /* -1: the hypervisor's default */
#define XEN_DOMCTL_GRANT_version_mask 0xf
    uint32_t grant_opts;               /* low 4 bits: highest grant version */
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/* XEN_DOMCTL_getdomaininfo, and each entry of sysctl getdomaininfolist. */
struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
#define _XEN_DOMINF_dying     0
#define XEN_DOMINF_dying      (1U << _XEN_DOMINF_dying)
#define _XEN_DOMINF_hvm_guest 1
#define XEN_DOMINF_hvm_guest  (1U << _XEN_DOMINF_hvm_guest)
#define _XEN_DOMINF_shutdown  2
#define XEN_DOMINF_shutdown   (1U << _XEN_DOMINF_shutdown)
#define _XEN_DOMINF_paused    3
#define XEN_DOMINF_paused     (1U << _XEN_DOMINF_paused)
#define _XEN_DOMINF_blocked   4
#define XEN_DOMINF_blocked    (1U << _XEN_DOMINF_blocked)
#define _XEN_DOMINF_running   5
#define XEN_DOMINF_running    (1U << _XEN_DOMINF_running)
#define _XEN_DOMINF_debugged  6
#define XEN_DOMINF_debugged   (1U << _XEN_DOMINF_debugged)
#define _XEN_DOMINF_xs_domain 7
#define XEN_DOMINF_xs_domain  (1U << _XEN_DOMINF_xs_domain)
#define _XEN_DOMINF_hap       8
#define XEN_DOMINF_hap        (1U << _XEN_DOMINF_hap)
/* Bits 16..23 of flags: the SHUTDOWN_* reason when XEN_DOMINF_shutdown. */
#define XEN_DOMINF_shutdownmask  255
#define XEN_DOMINF_shutdownshift 16
    uint32_t flags;
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame;        /* gfn of the shared-info page */
    uint64_t cpu_time;                 /* ns, all vCPUs */
    uint32_t nr_online_vcpus;
#define XEN_INVALID_MAX_VCPU_ID (~0U)
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;               /* guest physical address width */
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/* XEN_DOMCTL_max_mem: the domain's page limit, in KiB. */
struct xen_domctl_max_mem {
    uint64_t max_memkb;
};

/* XEN_DOMCTL_getvcpuinfo: vcpu in; the rest out. */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;
    uint8_t online;
    uint8_t blocked;
    uint8_t running;
    uint64_t cpu_time;                 /* ns this vCPU has run */
    uint32_t cpu;                      /* physical CPU it runs or last ran on */
};

/* XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity. */
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
#define _XEN_VCPUAFFINITY_HARD  0
#define XEN_VCPUAFFINITY_HARD   (1U << _XEN_VCPUAFFINITY_HARD)
#define _XEN_VCPUAFFINITY_SOFT  1
#define XEN_VCPUAFFINITY_SOFT   (1U << _XEN_VCPUAFFINITY_SOFT)
#define _XEN_VCPUAFFINITY_FORCE 2
#define XEN_VCPUAFFINITY_FORCE  (1U << _XEN_VCPUAFFINITY_FORCE)
    uint32_t flags;                    /* which of the two maps to use */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

/* XEN_DOMCTL_max_vcpus. */
struct xen_domctl_max_vcpus {
    uint32_t max;
};

/* Scheduler ids (scheduler_op.sched_id, sysctl sched_id). */
#define XEN_SCHEDULER_CREDIT   5
#define XEN_SCHEDULER_CREDIT2  6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS     8
#define XEN_SCHEDULER_NULL     9

struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};

/* Credit2: weight 1..65535 (relative share), cap in percent of one CPU
 * (0 = none, at most 100 per vCPU). */
struct xen_domctl_sched_credit2 {
    uint16_t weight;
    uint16_t cap;
};

struct xen_domctl_sched_rtds {
    uint32_t period;
    uint32_t budget;
#define _XEN_DOMCTL_SCHEDRT_extra   0
#define XEN_DOMCTL_SCHEDRT_extra    (1U << _XEN_DOMCTL_SCHEDRT_extra)
    uint32_t flags;
};

typedef struct xen_domctl_schedparam_vcpu {
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
    } u;
    uint32_t vcpuid;
} xen_domctl_schedparam_vcpu_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_schedparam_vcpu_t);

/* XEN_DOMCTL_scheduler_op. */
#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3
struct xen_domctl_scheduler_op {
    uint32_t sched_id;
    uint32_t cmd;                      /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
        struct {
            XEN_GUEST_HANDLE(xen_domctl_schedparam_vcpu_t) vcpus;
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u;
};

/* XEN_DOMCTL_setdomainhandle. */
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};

/* XEN_DOMCTL_irq_permission: allow or deny a physical IRQ (pirq). */
struct xen_domctl_irq_permission {
    uint32_t pirq;
    uint8_t allow_access;
    uint8_t pad[3];
};

/* XEN_DOMCTL_iomem_permission: allow or deny a range of machine frames. */
struct xen_domctl_iomem_permission {
    uint64_t first_mfn;
    uint64_t nr_mfns;
    uint8_t allow_access;
};

/* XEN_DOMCTL_ioport_permission: allow or deny a range of I/O ports. */
struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t allow_access;
};

/* XEN_DOMCTL_settimeoffset: seconds added to the guest's wallclock. */
struct xen_domctl_settimeoffset {
    int64_t time_offset_seconds;
};

/* XEN_DOMCTL_gethvmcontext / sethvmcontext: a buffer of HVM save records.
 * get with a null buffer returns the size needed. */
struct xen_domctl_hvmcontext {
    uint32_t size;
    XEN_GUEST_HANDLE(uint8_t) buffer;
};

/* XEN_DOMCTL_get_cpu_policy / set_cpu_policy.  nr_* are in/out: room in the
 * arrays, then entries written.  On a rejected set, err_* name the first
 * leaf, subleaf or MSR at fault (XEN_CPUID_INPUT_UNUSED otherwise). */
#define XEN_CPUID_INPUT_UNUSED 0xFFFFFFFF
struct xen_domctl_cpu_policy {
    uint32_t nr_leaves;
    uint32_t nr_msrs;
    XEN_GUEST_HANDLE(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE(xen_msr_entry_t) msrs;
    uint32_t err_leaf;
    uint32_t err_subleaf;
    uint32_t err_msr;
};
typedef struct xen_domctl_cpu_policy xen_domctl_cpu_policy_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_cpu_policy_t);

/* XEN_DOMCTL_gettscinfo / settscinfo.  tsc_mode: 0 default, 1 always
 * emulate, 2 never emulate (Xen keeps these names out of its public
 * headers; Keel's are in keel/domctl.h). */
struct xen_domctl_tsc_info {
    uint32_t tsc_mode;
    uint32_t gtsc_khz;
    uint32_t incarnation;
    uint32_t pad;
    uint64_t elapsed_nsec;
};

/* XEN_DOMCTL_get/set_paging_mempool_size: bytes of the p2m page pool. */
struct xen_domctl_paging_mempool {
    uint64_t size;
};

struct xen_domctl {
    uint32_t cmd;
#define XEN_DOMCTL_createdomain                   1
#define XEN_DOMCTL_destroydomain                  2
#define XEN_DOMCTL_pausedomain                    3
#define XEN_DOMCTL_unpausedomain                  4
#define XEN_DOMCTL_getdomaininfo                  5
#define XEN_DOMCTL_setvcpuaffinity                9
#define XEN_DOMCTL_shadow_op                     10
#define XEN_DOMCTL_max_mem                       11
#define XEN_DOMCTL_setvcpucontext                12
#define XEN_DOMCTL_getvcpucontext                13
#define XEN_DOMCTL_getvcpuinfo                   14
#define XEN_DOMCTL_max_vcpus                     15
#define XEN_DOMCTL_scheduler_op                  16
#define XEN_DOMCTL_setdomainhandle               17
#define XEN_DOMCTL_setdebugging                  18
#define XEN_DOMCTL_irq_permission                19
#define XEN_DOMCTL_iomem_permission              20
#define XEN_DOMCTL_ioport_permission             21
#define XEN_DOMCTL_hypercall_init                22
#define XEN_DOMCTL_settimeoffset                 24
#define XEN_DOMCTL_getvcpuaffinity               25
#define XEN_DOMCTL_real_mode_area                26  /* obsolete */
#define XEN_DOMCTL_resumedomain                  27
#define XEN_DOMCTL_sendtrigger                   28
#define XEN_DOMCTL_subscribe                     29
#define XEN_DOMCTL_gethvmcontext                 33
#define XEN_DOMCTL_sethvmcontext                 34
#define XEN_DOMCTL_set_address_size              35
#define XEN_DOMCTL_get_address_size              36
#define XEN_DOMCTL_assign_device                 37
#define XEN_DOMCTL_bind_pt_irq                   38
#define XEN_DOMCTL_memory_mapping                39
#define XEN_DOMCTL_ioport_mapping                40
#define XEN_DOMCTL_set_ext_vcpucontext           42
#define XEN_DOMCTL_get_ext_vcpucontext           43
#define XEN_DOMCTL_set_opt_feature               44  /* obsolete */
#define XEN_DOMCTL_test_assign_device            45
#define XEN_DOMCTL_set_target                    46
#define XEN_DOMCTL_deassign_device               47
#define XEN_DOMCTL_unbind_pt_irq                 48
#define XEN_DOMCTL_get_device_group              50
#define XEN_DOMCTL_debug_op                      54
#define XEN_DOMCTL_gethvmcontext_partial         55
#define XEN_DOMCTL_vm_event_op                   56
#define XEN_DOMCTL_mem_sharing_op                57
#define XEN_DOMCTL_gettscinfo                    59
#define XEN_DOMCTL_settscinfo                    60
#define XEN_DOMCTL_getpageframeinfo3             61
#define XEN_DOMCTL_setvcpuextstate               62
#define XEN_DOMCTL_getvcpuextstate               63
#define XEN_DOMCTL_set_access_required           64
#define XEN_DOMCTL_audit_p2m                     65
#define XEN_DOMCTL_set_virq_handler              66
#define XEN_DOMCTL_set_broken_page_p2m           67
#define XEN_DOMCTL_setnodeaffinity               68
#define XEN_DOMCTL_getnodeaffinity               69
/* 70 was set_max_evtchn, folded into createdomain's max_evtchn_port. */
#define XEN_DOMCTL_cacheflush                    71
#define XEN_DOMCTL_get_vcpu_msrs                 72
#define XEN_DOMCTL_set_vcpu_msrs                 73
#define XEN_DOMCTL_setvnumainfo                  74
#define XEN_DOMCTL_psr_cmt_op                    75
#define XEN_DOMCTL_monitor_op                    77
#define XEN_DOMCTL_psr_alloc                     78
#define XEN_DOMCTL_soft_reset                    79
#define XEN_DOMCTL_vuart_op                      81
#define XEN_DOMCTL_get_cpu_policy                82
#define XEN_DOMCTL_set_cpu_policy                83
#define XEN_DOMCTL_vmtrace_op                    84
#define XEN_DOMCTL_get_paging_mempool_size       85
#define XEN_DOMCTL_set_paging_mempool_size       86
#define XEN_DOMCTL_gdbsx_guestmemio            1000
#define XEN_DOMCTL_gdbsx_pausevcpu             1001
#define XEN_DOMCTL_gdbsx_unpausevcpu           1002
#define XEN_DOMCTL_gdbsx_domstatus             1003
    uint32_t interface_version;        /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;                    /* target domain */
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_irq_permission irq_permission;
        struct xen_domctl_iomem_permission iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xen_domctl_settimeoffset settimeoffset;
        struct xen_domctl_tsc_info tsc_info;
        struct xen_domctl_hvmcontext hvmcontext;
        struct xen_domctl_cpu_policy cpu_policy;
        struct xen_domctl_paging_mempool paging_mempool;
        uint8_t pad[128];              /* fixes the union's size */
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif /* KEEL_PUBLIC_DOMCTL_H */
