/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and vCPUs.  A domain owns its memory (every frame it owns has
 * page_info.owner = its domid), its p2m and its vCPUs; a vCPU is scheduled
 * on one CPU at a time.  Boot-time domains are built from multiboot modules
 * (common/domain_build.c); lifecycle in common/domain.c.
 */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <asm/hvm_vcpu.h>
#include <keel/p2m.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <keel/types.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/hvm/params.h>
#include <public/vcpu.h>

#define MAX_DOMAINS         64
#define MAX_VCPUS           64
#define DOMAIN_MEMMAP_MAX   16      /* memory map entries: at boot or set by dom0 */

enum vcpu_state {
    VCPU_OFFLINE,       /* not started (secondary vCPUs before INIT/SIPI) */
    VCPU_RUNNABLE,      /* on a run queue */
    VCPU_RUNNING,       /* on its CPU now */
    VCPU_BLOCKED,       /* HLT or SCHEDOP_block: waits for an event */
    VCPU_PAUSED,        /* stopped by Keel (domain shutting down) */
};

enum domain_state {
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,    /* the guest asked (SCHEDOP_shutdown) */
    DOMAIN_CRASHED,     /* Keel stopped it after a fatal guest error */
    DOMAIN_DEAD,        /* torn down, memory returned */
};

struct domain;

struct vcpu {
    uint32_t vcpu_id;
    struct domain *domain;
    enum vcpu_state state;
    uint32_t processor;         /* the CPU it runs on */
    struct vcpu *runq_next;     /* run queue link */
    bool on_cpu;                /* taken off its run queue to run (runq lock) */
    uint64_t exits;             /* VM exits taken, for statistics */
    struct hvm_vcpu hvm;        /* the arch part: VMCB, registers, ASID */
    /* vcpu_op state (common/vcpu_op.c, vcpu_timer.c; keel/vcpu_timer.h) */
    struct vcpu_info *vcpu_info; /* registered vcpu_info (host pointer into
                                    vcpu_info_mfn), or NULL: legacy slot */
    mfn_t vcpu_info_mfn;        /* holds a page_info.count reference */
    struct timer singleshot_timer;  /* VCPUOP_set_singleshot_timer */
    struct timer periodic_timer;    /* VCPUOP_set_periodic_timer */
    s_time_t periodic_period;   /* 0: no periodic timer */
    struct timer poll_timer;    /* SCHEDOP_poll timeout */
    int32_t poll_port;          /* SCHEDOP_poll: 0 none, -1 any, else the port */
    spinlock_t runstate_lock;   /* runstate and runstate_guest */
    struct vcpu_runstate_info runstate;
    uint64_t runstate_guest;    /* guest VA of the registered copy, or 0 */
};

struct domain {
    uint16_t domid;
    bool privileged;            /* dom0 */
    bool is_dying;              /* teardown begun: domain_get() no longer finds it */
    uint32_t refcnt;            /* the domain table's reference, plus each
                                   domain_get(); the last domain_put() frees it */
    char name[32];
    enum domain_state state;
    uint32_t shutdown_reason;   /* SHUTDOWN_* when state is SHUTDOWN */
    spinlock_t lock;
    struct p2m p2m;
    uint64_t tot_pages;         /* frames owned */
    uint64_t max_pages;
    uint64_t claimed_pages;     /* XENMEM_claim_pages left (common/claim.c) */
    uint32_t nr_vcpus;
    struct vcpu *vcpus[MAX_VCPUS];
    uint64_t hvm_params[HVM_NR_PARAMS];
    struct hvm_domain hvm;      /* the arch part (asm/hvm_vcpu.h) */
    struct evtchn_domain *evtchn; /* event channels (common/event_channel.c) */
    struct grant_table *grant_table; /* grant table (common/grant_table.c) */
    uint64_t hypercall_page_gfn; /* where the guest asked for it, or ~0 */
    char console_line[128];     /* console output collected up to a newline */
    uint32_t console_len;
    uint32_t live_vcpus;        /* vCPUs not yet stopped for teardown */
    uint64_t tlb_generation;    /* bumped when a p2m mapping is removed or downgraded */
    struct mem_chunk *chunks;   /* the RAM it owns, as allocated */
    uint32_t nr_chunks, cap_chunks;
    /* shared_info page and memory_op (common/shared_info.c, memory_op.c) */
    void *shared_info;          /* Keel's page (DOMID_KEEL), from creation */
    mfn_t shared_info_mfn;
    gfn_t shared_info_gfn;      /* where the guest mapped it, or ~0 */
    spinlock_t mem_lock;        /* memory_op's p2m and chunk changes */
    mfn_t *held;                /* frames the guest gave back that are part
                                   of a 2 MiB chunk still in use: not mapped,
                                   reused first by populate_physmap */
    uint32_t nr_held, cap_held;
    uint64_t memop_waiting;     /* vCPUs (bit n) waiting out a p2m change */
    uint32_t memop_users;       /* memory_ops of another domain on this one
                                   under way: teardown waits for them */
    uint64_t poll_mask;         /* vCPUs (bit n) blocked in SCHEDOP_poll */
    struct hvm_memmap_table_entry memmap[DOMAIN_MEMMAP_MAX]; /* as given at boot, or by
                                   XENMEM_set_memory_map (mem_lock) */
    uint32_t nr_memmap;
};

struct mem_chunk {
    mfn_t mfn;
    uint32_t order;
};

/* A domain with nr_vcpus vCPUs (offline) and an empty p2m; NULL if out of
 * IDs or memory (logged). */
struct domain *domain_create(uint16_t domid, const char *name, uint32_t nr_vcpus,
                             uint64_t max_pages, bool privileged);

/* Give the domain 'pages' frames of RAM at guest-physical [gfn, gfn+pages),
 * in 2 MiB pieces where aligned; 0 or -ENOMEM (nothing half-done counts
 * against max_pages: the caller destroys the domain on failure).
 * alloc_flags: page_alloc_flags(); PAGE_ALLOC_NO_SCRUB only for dom0's
 * memory at boot, which no other domain has held. */
int domain_populate_ram(struct domain *d, gfn_t gfn, uint64_t pages, unsigned int alloc_flags);

/* 2^order frames given to d but mapped nowhere (XENMEM_increase_reservation
 * of a translated guest, as on Xen): owned and counted in tot_pages until
 * teardown, scrubbed.  0, or -ENOMEM (over max_pages, or no memory). */
int domain_alloc_unmapped(struct domain *d, uint32_t order);

/* Copy to and from guest-physical memory (through the p2m); -EFAULT when
 * any part is not RAM of the domain. */
int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len);
int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, uint64_t len);
int zero_gpa(struct domain *d, uint64_t gpa, uint64_t len);

/* The guest asked to stop (SCHEDOP_shutdown) or Keel found it broken:
 * pause every vCPU; the domain is torn down once none runs. */
void domain_shutdown(struct domain *d, uint32_t reason);
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

/* Boot-time domains ended: called when the last one is torn down after
 * domains_boot_complete() (or by it, if none is left by then). */
void domains_all_ended(bool all_clean);
void domains_boot_complete(void);

/* Tear down a domain none of whose vCPUs runs: memory scrubbed and freed. */
void domain_destroy(struct domain *d);

struct domain *domain_by_id(uint16_t domid);

/* A reference on domain domid: NULL if there is none or it is dying.  The
 * structure stays valid until the matching domain_put(); its subsystems may
 * be torn down meanwhile (check is_dying under their locks). */
struct domain *domain_get(domid_t domid);
void domain_put(struct domain *d);
uint32_t domains_alive(void);
/* Drop a reference on another domain's frame (see page_ref_get). */
void domain_page_put(mfn_t mfn);

/* Console output of a guest: buffered per line, printed as "(dN) line". */
void domain_console_write(struct domain *d, const char *buf, uint32_t len);

/* The I/O ports of a domain's ACPI tables (HW-reduced FADT): writing
 * SLP_TYP 5 with SLP_EN to the sleep port powers it off, the reset value to
 * the reset port reboots it. */
#define PVH_SLEEP_PORT      0xb004
#define PVH_RESET_PORT      0xcf9
#define PVH_RESET_VALUE     0x06

struct boot_info;
/* dom0less: a domain from each boot module (common/domain_build.c);
 * returns how many started. */
uint32_t build_boot_domains(const struct boot_info *bi);
/* The control domain from the first module (its ramdisk from the second);
 * 0 or a negative errno, logged. */
int build_dom0(const struct boot_info *bi);

/* Scheduling (common/schedule.c). */
void vcpu_wake(struct vcpu *v);
/* Make v look at its pending interrupts: wake it, or make it exit. */
void vcpu_kick(struct vcpu *v);
void vcpu_block(struct vcpu *v);
void vcpu_yield(struct vcpu *v);
void schedule_cpu(void);       /* run vCPUs from this CPU's queue until none */
void scheduler_init(void);
/* Take every vCPU of a stopping domain off the CPUs; the domain is torn
 * down by whichever CPU stops its last vCPU. */
void schedule_stop_domain(struct domain *d);

#endif
