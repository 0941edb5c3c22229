/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_vcpu_op(cmd, vcpuid, arg): vCPU bring-up, runstate accounting,
 * per-vCPU timers and relocation of vcpu_info, with their argument structs.
 * Values and layouts are Xen's (public/vcpu.h); text is Keel's.
 */
#ifndef KEEL_PUBLIC_VCPU_H
#define KEEL_PUBLIC_VCPU_H

#include <stdint.h>

#include "xen.h"

#define VCPUOP_initialise                      0  /* PVH: struct vcpu_hvm_context */
#define VCPUOP_up                              1
#define VCPUOP_down                            2
#define VCPUOP_is_up                           3  /* returns 1 if up */
#define VCPUOP_get_runstate_info               4  /* struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area   5
#define VCPUOP_set_periodic_timer              6  /* struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer             7  /* arg unused */
#define VCPUOP_set_singleshot_timer            8  /* struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer           9  /* arg unused */
#define VCPUOP_register_vcpu_info             10  /* struct vcpu_register_vcpu_info */
#define VCPUOP_send_nmi                       11
#define VCPUOP_get_physid                     12  /* struct vcpu_get_physid */
#define VCPUOP_register_vcpu_time_memory_area 13

/* Time a vCPU has spent in each RUNSTATE_*, in ns of system time. */
struct vcpu_runstate_info {
    int32_t state;              /* RUNSTATE_* now */
    uint64_t state_entry_time;  /* when it entered state (| XEN_RUNSTATE_UPDATE) */
    uint64_t time[4];           /* indexed by RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

/* Set in state_entry_time while an update is in progress (when the guest
 * enabled VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE  (1ULL << 63)

#define RUNSTATE_running   0
#define RUNSTATE_runnable  1
#define RUNSTATE_blocked   2
#define RUNSTATE_offline   3

/* Keep a copy of the runstate at this guest virtual address. */
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

/* Fire VIRQ_TIMER once at absolute system time timeout_abs_ns. */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;   /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);

/* Fail with -ETIME instead of firing at once if the time already passed. */
#define _VCPU_SSHOTTMR_future  0
#define VCPU_SSHOTTMR_future   (1U << _VCPU_SSHOTTMR_future)

/* Move this vCPU's vcpu_info to guest frame mfn at offset. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;    /* must be 0 */
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

/* Out: APIC id (bits 0-31) and ACPI id (bits 32-63) of the pCPU (dom0). */
struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);

/* Keep a copy of vcpu_time_info at this guest virtual address. */
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* KEEL_PUBLIC_VCPU_H */
