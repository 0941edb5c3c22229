/* SPDX-License-Identifier: MIT */
/*
 * The core of the Xen guest ABI as Keel implements it (x86-64): hypercall
 * numbers, virtual IRQ numbers, reserved domain ids, the console_io and
 * vm_assist sub-ops, the multicall entry, and the shared-info page with its
 * per-vCPU vcpu_info and pvclock vcpu_time_info.
 *
 * Values and layouts are exactly Xen's (public/xen.h); the text is Keel's.
 * Freestanding: needs only <stdint.h>.  tests/abi/ checks every constant and
 * every struct member here against Xen's own headers.
 */
#ifndef KEEL_PUBLIC_XEN_H
#define KEEL_PUBLIC_XEN_H

#include <stdint.h>

#include "arch-x86/xen.h"

/*
 * Hypercall numbers.  A guest calls hypercall N through the 32-byte stub at
 * offset N * 32 of its hypercall page; the number also goes in %rax and the
 * arguments in %rdi, %rsi, %rdx, %r10, %r8.  Gaps are numbers Xen retired.
 */
#define __HYPERVISOR_set_trap_table                 0
#define __HYPERVISOR_mmu_update                     1
#define __HYPERVISOR_set_gdt                        2
#define __HYPERVISOR_stack_switch                   3
#define __HYPERVISOR_set_callbacks                  4
#define __HYPERVISOR_fpu_taskswitch                 5
#define __HYPERVISOR_sched_op_compat                6
#define __HYPERVISOR_platform_op                    7
#define __HYPERVISOR_set_debugreg                   8
#define __HYPERVISOR_get_debugreg                   9
#define __HYPERVISOR_update_descriptor             10
#define __HYPERVISOR_memory_op                     12
#define __HYPERVISOR_multicall                     13
#define __HYPERVISOR_update_va_mapping             14
#define __HYPERVISOR_set_timer_op                  15
#define __HYPERVISOR_event_channel_op_compat       16
#define __HYPERVISOR_xen_version                   17
#define __HYPERVISOR_console_io                    18
#define __HYPERVISOR_physdev_op_compat             19
#define __HYPERVISOR_grant_table_op                20
#define __HYPERVISOR_vm_assist                     21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                          23
#define __HYPERVISOR_vcpu_op                       24
#define __HYPERVISOR_set_segment_base              25
#define __HYPERVISOR_mmuext_op                     26
#define __HYPERVISOR_xsm_op                        27
#define __HYPERVISOR_nmi_op                        28
#define __HYPERVISOR_sched_op                      29
#define __HYPERVISOR_callback_op                   30
#define __HYPERVISOR_xenoprof_op                   31
#define __HYPERVISOR_event_channel_op              32
#define __HYPERVISOR_physdev_op                    33
#define __HYPERVISOR_hvm_op                        34
#define __HYPERVISOR_sysctl                        35
#define __HYPERVISOR_domctl                        36
#define __HYPERVISOR_kexec_op                      37
#define __HYPERVISOR_tmem_op                       38
#define __HYPERVISOR_argo_op                       39
#define __HYPERVISOR_xenpmu_op                     40
#define __HYPERVISOR_dm_op                         41
#define __HYPERVISOR_hypfs_op                      42
/* Eight numbers reserved for architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0                        48
#define __HYPERVISOR_arch_1                        49
#define __HYPERVISOR_arch_2                        50
#define __HYPERVISOR_arch_3                        51
#define __HYPERVISOR_arch_4                        52
#define __HYPERVISOR_arch_5                        53
#define __HYPERVISOR_arch_6                        54
#define __HYPERVISOR_arch_7                        55
/* x86 uses arch_0 for the machine-check hypercall. */
#define __HYPERVISOR_mca                           __HYPERVISOR_arch_0

/*
 * Virtual IRQs: per-domain (global) or per-vCPU events a guest binds to an
 * event channel with EVTCHNOP_bind_virq.  TIMER, DEBUG and XENPMU are
 * per-vCPU; the rest are global and go to vCPU 0.
 */
#define VIRQ_TIMER       0   /* per-vCPU: singleshot/periodic timer fired */
#define VIRQ_DEBUG       1   /* per-vCPU: debug key pressed */
#define VIRQ_CONSOLE     2   /* hypervisor console has input (dom0) */
#define VIRQ_DOM_EXC     3   /* a domain crashed or shut down (dom0) */
#define VIRQ_TBUF        4   /* trace buffer has records */
#define VIRQ_DEBUGGER    6   /* a domain hit a debugger trap */
#define VIRQ_XENOPROF    7   /* per-vCPU: profiling samples ready */
#define VIRQ_CON_RING    8   /* hypervisor console ring has new text */
#define VIRQ_PCPU_STATE  9   /* physical CPU went on/offline */
#define VIRQ_MEM_EVENT  10   /* vm_event ring has requests */
#define VIRQ_ARGO       11   /* argo interdomain message */
#define VIRQ_ENOMEM     12   /* hypervisor heap is low */
#define VIRQ_XENPMU     13   /* per-vCPU: PMU interrupt */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24
/* x86: machine-check event (dom0). */
#define VIRQ_MCA        VIRQ_ARCH_0

/* HYPERVISOR_console_io(cmd, count, buffer) commands. */
#define CONSOLEIO_write  0
#define CONSOLEIO_read   1

/* HYPERVISOR_vm_assist(cmd, type). */
#define VMASST_CMD_enable                 0
#define VMASST_CMD_disable                1
#define VMASST_TYPE_4gb_segments          0
#define VMASST_TYPE_4gb_segments_notify   1
#define VMASST_TYPE_writable_pagetables   2
#define VMASST_TYPE_pae_extended_cr3      3
#define VMASST_TYPE_architectural_iopl    4
#define VMASST_TYPE_runstate_update_flag  5  /* XEN_RUNSTATE_UPDATE in state_entry_time */
#define VMASST_TYPE_m2p_strict           32

/* Domain ids.  Ids from DOMID_FIRST_RESERVED up name no real domain. */
typedef uint16_t domid_t;

#define DOMID_FIRST_RESERVED  0x7FF0U
#define DOMID_SELF            0x7FF0U  /* the calling domain */
#define DOMID_IO              0x7FF1U  /* owner of I/O memory pages */
#define DOMID_XEN             0x7FF2U  /* owner of hypervisor pages */
#define DOMID_COW             0x7FF3U  /* owner of shared (copy-on-write) pages */
#define DOMID_INVALID         0x7FF4U  /* no domain */
#define DOMID_IDLE            0x7FFFU  /* the idle domain */
#define DOMID_MASK            0x7FFFU

/* One entry of HYPERVISOR_multicall's array: 64 bytes. */
struct multicall_entry {
    xen_ulong_t op;       /* hypercall number */
    xen_ulong_t result;   /* out: its return value */
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;

/* Event channels in the 2-level ABI: one bit per port in the pending and mask
 * bitmaps of struct shared_info, i.e. 64 * 64 ports. */
#define EVTCHN_2L_NR_CHANNELS  (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * pvclock time of one vCPU: 32 bytes.  The hypervisor bumps version to odd
 * before an update and to even after; readers retry on odd or changed.
 *   ns since boot = system_time + ((tsc - tsc_timestamp) << / >> tsc_shift)
 *                                   * tsc_to_system_mul >> 32
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;       /* TSC when system_time was sampled */
    uint64_t system_time;         /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;   /* 32.32 fixed-point multiplier */
    int8_t tsc_shift;             /* applied to the TSC delta first */
    uint8_t flags;                /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);

#define XEN_PVCLOCK_TSC_STABLE_BIT  (1 << 0)  /* TSC is synchronised across vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED   (1 << 1)  /* guest was paused */

/* Per-vCPU event and time state: 64 bytes. */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;   /* set by Keel when any port is pending */
    uint8_t evtchn_upcall_mask;      /* guest's "events disabled" flag */
    xen_ulong_t evtchn_pending_sel;  /* which words of evtchn_pending to scan */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared-info page (XENMAPSPACE_shared_info): 3136 bytes used of one page.
 * evtchn_pending/evtchn_mask are the 2-level event-channel bitmaps; wc_* is
 * the wall-clock time at system time 0 (version protocol as vcpu_time_info).
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;
    uint32_t wc_sec;       /* seconds, low 32 bits */
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;    /* seconds, high 32 bits */
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/* Flags of start_info.flags (PV) that Linux also uses for PVH dom0. */
#define SIF_PRIVILEGED     (1 << 0)  /* domain may access hardware */
#define SIF_INITDOMAIN     (1 << 1)  /* the initial control domain */
#define SIF_MULTIBOOT_MOD  (1 << 2)
#define SIF_MOD_START_PFN  (1 << 3)
#define SIF_VIRT_P2M_4TOOLS (1 << 4)
#define SIF_PM_MASK        (0xFF << 8)

/* 16-byte domain handle (UUID) as used by the toolstack. */
typedef uint8_t xen_domain_handle_t[16];

/* Handles of the basic types, used across the sub-op headers. */
DEFINE_XEN_GUEST_HANDLE(char);
KEEL_DEFINE_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
KEEL_DEFINE_GUEST_HANDLE(uint, unsigned int);
DEFINE_XEN_GUEST_HANDLE(void);
DEFINE_XEN_GUEST_HANDLE(uint8_t);
DEFINE_XEN_GUEST_HANDLE(uint16_t);
DEFINE_XEN_GUEST_HANDLE(uint32_t);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);
DEFINE_XEN_GUEST_HANDLE(domid_t);
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/*
 * Toolstack-only (Xen hides it from guests): a bitmap of CPUs or nodes in
 * the caller's memory, nr_bits long, bit i in byte i / 8 (domctl, sysctl).
 */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE(uint8_t) bitmap;
    uint32_t nr_bits;
};
typedef struct xenctl_bitmap xenctl_bitmap_t;

#endif /* KEEL_PUBLIC_XEN_H */
