/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and vCPUs.  A domain owns its memory (every frame it owns has
 * page_info.owner = its domid), its p2m and its vCPUs; a vCPU is scheduled
 * on one CPU at a time.  Boot-time domains are built from multiboot modules
 * (common/domain_build.c), others by dom0's toolstack; lifecycle (ids,
 * pause, shutdown, destruction, zombies) in common/domain.c, docs/domains.md.
 */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <asm/hvm_vcpu.h>
#include <keel/p2m.h>
#include <keel/rangeset.h>
#include <keel/smp.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <keel/types.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/hvm/params.h>
#include <public/vcpu.h>

#define MAX_VCPUS           64
#define DOMAIN_MEMMAP_MAX   16      /* memory map entries: at boot or set by dom0 */
#define DOMAIN_NR_PIRQS     256     /* pirqs a domain may be given (irq_permission) */
#define CREDIT2_DEFAULT_WEIGHT 256  /* a new domain's scheduler weight (Xen's) */

enum vcpu_state {
    VCPU_OFFLINE,       /* not started (secondary vCPUs before INIT/SIPI) */
    VCPU_RUNNABLE,      /* on a run queue */
    VCPU_RUNNING,       /* on its CPU now */
    VCPU_BLOCKED,       /* HLT or SCHEDOP_block: waits for an event */
    VCPU_PAUSED,        /* stopped by Keel (domain shutting down or dying) */
};

enum domain_state {
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,    /* the guest asked (SCHEDOP_shutdown) */
    DOMAIN_CRASHED,     /* Keel stopped it after a fatal guest error */
    DOMAIN_KILLED,      /* destroyed (destroydomain) before it stopped */
    DOMAIN_DEAD,        /* torn down, memory returned (or a zombie's) */
};

struct domain;

struct vcpu {
    uint32_t vcpu_id;
    struct domain *domain;
    enum vcpu_state state;
    uint32_t processor;         /* the CPU it runs on */
    struct vcpu *runq_next;     /* run queue link */
    bool on_cpu;                /* taken off its run queue to run (runq lock) */
    bool parked;                /* runnable, kept off the queue while its
                                   domain is paused (runq lock) */
    uint64_t exits;             /* VM exits taken, for statistics */
    bool is_initialised;        /* has a state to start from (a CPU record
                                   loaded by sethvmcontext): an unpause
                                   runs it; cleared for every vCPU by a load */
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
    /* hypercall continuation (common/hypercall.c) */
    bool hcall_preempted;       /* the handler asked to be run again ... */
    uint64_t hcall_args[5];     /* ... with these arguments */
    /* XEN_DOMCTL_setvcpuaffinity (common/domctl_affinity.c): bit c of byte
     * c / 8 set = CPU c allowed; all set at creation.  Stored only: the
     * scheduler does not yet honour them (docs/control-abi.md). */
    uint8_t cpu_hard_affinity[NR_CPUS / 8];
    uint8_t cpu_soft_affinity[NR_CPUS / 8];
};

struct domain {
    uint16_t domid;
    bool privileged;            /* dom0 */
    bool is_dying;              /* killed: domain_get() no longer finds it */
    uint32_t refcnt;            /* the domain table's reference, plus each
                                   domain_get(); the last domain_put() frees it */
    char name[32];
    enum domain_state state;
    uint32_t shutdown_reason;   /* SHUTDOWN_* when state is SHUTDOWN */
    /* Lifecycle (common/domain.c, docs/domains.md); flags under d->lock. */
    struct domain *hash_next;   /* the domain table's chains (domains_lock) */
    struct domain *list_next;   /* every domain in the table, by id */
    bool published;             /* creation finished: lookups find it */
    bool controlled;            /* built by the toolstack: waits for
                                   destroydomain when it stops */
    bool vcpus_stopped;         /* every vCPU stopped (live_vcpus reached 0) */
    bool is_shut_down;          /* stopped by a shutdown or crash, not dying */
    bool teardown_begun;        /* its resources are being released */
    bool zombie;                /* torn down, but frames still referenced */
    uint32_t pause_count;       /* toolstack pauses (pausedomain), nesting;
                                   its vCPUs run only at 0 */
    uint32_t vcpu_users;        /* pause/unpause walking its vCPUs: the
                                   teardown waits for them */
    uint32_t max_evtchn_port;   /* createdomain's limits (0: Keel's own) */
    uint32_t max_grant_frames;
    uint32_t max_maptrack_frames;
    uint8_t handle[16];         /* the toolstack's UUID for it */
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
    /* Set by the toolstack through domctl (common/domctl_simple.c); stored,
     * enforced where docs/control-abi.md says. */
    uint16_t sched_weight;      /* credit2 weight 1..65535, default 256 */
    uint16_t sched_cap;         /* credit2 cap, % of a CPU, 0 = none */
    int64_t time_offset;        /* XEN_DOMCTL_settimeoffset, seconds */
    uint32_t tsc_mode;          /* KEEL_TSC_MODE_* (keel/domctl.h) */
    uint32_t gtsc_khz;
    uint32_t tsc_incarnation;
    uint64_t paging_pool_bytes; /* XEN_DOMCTL_set_paging_mempool_size */
    /* What the toolstack let it reach (common/domctl_perm.c; under lock):
     * stored only, enforced once devices are passed through. */
    struct rangeset iomem_caps;     /* machine frames */
    struct rangeset ioport_caps;    /* I/O ports */
    struct rangeset irq_caps;       /* pirqs */
};

struct mem_chunk {
    mfn_t mfn;
    uint32_t order;
};

/* What a new domain is made with (domain_new). */
struct domain_params {
    domid_t domid;              /* 1..DOMID_FIRST_RESERVED-1 exactly, or
                                   DOMID_AUTO: the next free id after the last
                                   one picked (ids are not reused at once) */
    const char *name;
    uint32_t nr_vcpus;          /* 1..MAX_VCPUS */
    uint64_t max_pages;
    bool privileged;
    bool controlled;            /* the toolstack's: starts paused (pause
                                   count 1), waits for destroydomain */
    uint32_t max_evtchn_port, max_grant_frames, max_maptrack_frames;
};
#define DOMID_AUTO          0xFFFFu

/* A domain with nr_vcpus vCPUs (offline) and an empty p2m: 0 and *out, or
 * -EEXIST (id taken), -EINVAL (bad id or vCPU count), -ENOMEM (no free id
 * or no memory); logged. */
int domain_new(const struct domain_params *p, struct domain **out);
/* domain_new for a boot-time domain (id exact, not controlled); NULL on error. */
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

/* The guest asked to stop (SCHEDOP_shutdown, or remote_shutdown by dom0)
 * or Keel found it broken: every vCPU is stopped; then a boot-time domain
 * is torn down, a controlled one keeps its reason until destroydomain.
 * dom0 gets VIRQ_DOM_EXC once none runs. */
void domain_shutdown(struct domain *d, uint32_t reason);
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

/* The scheduler stopped d's last vCPU (live_vcpus reached 0). */
void domain_vcpus_stopped(struct domain *d);

/* Toolstack pause (XEN_DOMCTL_pausedomain/unpausedomain): nests; a paused
 * domain's vCPUs do not run.  0, -EOVERFLOW (255 pauses, as Xen) or
 * -EINVAL (unpause of a domain not paused). */
int domain_pause_ctl(struct domain *d);
int domain_unpause_ctl(struct domain *d);

/* Boot-time domains ended: called when the last one is torn down after
 * domains_boot_complete() (or by it, if none is left by then). */
void domains_all_ended(bool all_clean);
void domains_boot_complete(void);

/* Kill d (destroydomain): it leaves lookups at once; its vCPUs are stopped
 * and, once none runs (at once if none did), its event channels, grant
 * table, p2m and memory are released, each frame scrubbed.  Frames another
 * domain still references stay with the zombie until domain_page_put; its id
 * leaves the table when the last is back.  Again on a dying domain: nothing.
 * The caller holds a reference, unless no vCPU of d can be running. */
void domain_destroy(struct domain *d);

/* Drop a reference on another domain's frame (taken with page_ref_get):
 * the last one on a zombie's frame frees it, and the zombie's last frame
 * ends the zombie.  Everyone drops such references through this. */
void domain_page_put(mfn_t mfn);

/* A reference on domain domid: NULL if there is none or it is dying.  The
 * structure stays valid until the matching domain_put(); its subsystems may
 * be torn down meanwhile (check is_dying under their locks). */
struct domain *domain_get(domid_t domid);
/* domain_get that finds dying and zombie domains too (getdomaininfo,
 * destroydomain). */
struct domain *domain_get_any(domid_t domid);
/* The domain with the lowest id >= domid (dying ones too), referenced, or
 * NULL: for getdomaininfo and getdomaininfolist. */
struct domain *domain_get_next(domid_t domid);
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
/* Nanoseconds CPU cpu spent idle (no vCPU taken from its queue) up to
 * now, counting a current idle period; 0 for a CPU not online. */
uint64_t schedule_idle_ns(unsigned int cpu, s_time_t now);
void scheduler_init(void);
/* Take every vCPU of a stopping domain off the CPUs; the domain is torn
 * down by whichever CPU stops its last vCPU. */
void schedule_stop_domain(struct domain *d);
/* After d->pause_count went up: take its vCPUs off the queues and CPUs
 * (back once none runs; never called by one of d's vCPUs).  After it went
 * to 0: queue again those parked meanwhile. */
void schedule_pause_domain(struct domain *d);
void schedule_unpause_domain(struct domain *d);

#endif
