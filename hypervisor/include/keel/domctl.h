/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control hypercalls, HYPERVISOR_domctl (common/domctl.c) and
 * HYPERVISOR_sysctl (common/sysctl.c): each copies the caller's struct in
 * once, checks interface_version (-EACCES), asks keel/access.h (-EPERM),
 * looks up the target domain (domctl; -ESRCH) and calls the op's handler
 * from a table of { cmd, handler, flags }.  An op not in the table is
 * -ENOSYS.  To add an op: write the handler, declare it below, add one line
 * to the table.  docs/control-abi.md describes the layer.
 *
 * A handler validates everything in op (hostile input), acts, writes its
 * results into *op and sets *copyback to have the whole struct copied back
 * to the caller (done even when it returns an error, as Xen does, so an op
 * can report where it failed).
 */
#ifndef KEEL_DOMCTL_H
#define KEEL_DOMCTL_H

#include <keel/smp.h>
#include <keel/types.h>
#include <public/domctl.h>
#include <public/sysctl.h>

struct domain;
struct vcpu;

/*
 * d: the target (op->domain) with a domain_get() reference the dispatcher
 * drops after the call; NULL for ops flagged DOMCTL_NO_TARGET.
 */
typedef long (*domctl_fn_t)(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                            bool *copyback);
typedef long (*sysctl_fn_t)(struct vcpu *caller, struct xen_sysctl *op, bool *copyback);

#define DOMCTL_NO_TARGET    (1u << 0)   /* op->domain is not looked up */

struct domctl_op {
    uint32_t cmd;
    domctl_fn_t fn;
    uint32_t flags;             /* DOMCTL_* */
};

struct sysctl_op {
    uint32_t cmd;
    sysctl_fn_t fn;
};

/* The hypercalls (keel/hypercall.h signature). */
long do_domctl(struct vcpu *v, const uint64_t args[5]);
long do_sysctl(struct vcpu *v, const uint64_t args[5]);

/* Dispatch of an already copied-in struct (what the hypercalls and the
 * unit tests call): the return value for the guest. */
long domctl_dispatch(struct vcpu *caller, struct xen_domctl *op, bool *copyback);
long sysctl_dispatch(struct vcpu *caller, struct xen_sysctl *op, bool *copyback);

/* XEN_DOMCTL_settscinfo modes (Xen's values; not in its public headers). */
#define KEEL_TSC_MODE_DEFAULT           0
#define KEEL_TSC_MODE_ALWAYS_EMULATE    1
#define KEEL_TSC_MODE_NEVER_EMULATE     2

/* ---- domctl handlers -------------------------------------------------- */

#define DOMCTL_HANDLER(name) \
    long name(struct vcpu *caller, struct domain *d, struct xen_domctl *op, bool *copyback)

/* common/domctl_simple.c */
DOMCTL_HANDLER(domctl_max_mem);
DOMCTL_HANDLER(domctl_max_vcpus);
DOMCTL_HANDLER(domctl_setdomainhandle);
DOMCTL_HANDLER(domctl_getvcpuinfo);
DOMCTL_HANDLER(domctl_scheduler_op);
DOMCTL_HANDLER(domctl_settimeoffset);
DOMCTL_HANDLER(domctl_settscinfo);
DOMCTL_HANDLER(domctl_gettscinfo);
DOMCTL_HANDLER(domctl_get_paging_mempool_size);
DOMCTL_HANDLER(domctl_set_paging_mempool_size);

/* common/domctl_affinity.c */
DOMCTL_HANDLER(domctl_setvcpuaffinity);
DOMCTL_HANDLER(domctl_getvcpuaffinity);

/* common/domctl_perm.c */
DOMCTL_HANDLER(domctl_iomem_permission);
DOMCTL_HANDLER(domctl_ioport_permission);
DOMCTL_HANDLER(domctl_irq_permission);

/* common/domctl_cpu_policy.c (keel/cpu_policy.h) */
DOMCTL_HANDLER(domctl_get_cpu_policy);
DOMCTL_HANDLER(domctl_set_cpu_policy);

/* HVM save records (arch/x86/hvm/hvm_domctl.c): a null buffer asks the
 * size; get -ENOSPC below it; set takes at most that plus 64 KiB
 * (-ENOMEM); -EINVAL on oneself. */
long domctl_gethvmcontext(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback);
long domctl_sethvmcontext(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback);
/* One record: a null buffer asks its length (bufsz); -ENOBUFS if bufsz is
 * short; else hvm_save_one()'s errors. */
long domctl_gethvmcontext_partial(struct vcpu *caller, struct domain *d,
                                  struct xen_domctl *op, bool *copyback);

/* ---- sysctl handlers -------------------------------------------------- */

#define SYSCTL_HANDLER(name) \
    long name(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)

/* common/sysctl_host.c */
SYSCTL_HANDLER(sysctl_sched_id);
SYSCTL_HANDLER(sysctl_physinfo);
SYSCTL_HANDLER(sysctl_cputopoinfo);
SYSCTL_HANDLER(sysctl_numainfo);
/* common/sysctl_console.c */
SYSCTL_HANDLER(sysctl_readconsole);
/* common/sysctl_cpu.c */
SYSCTL_HANDLER(sysctl_getcpuinfo);
SYSCTL_HANDLER(sysctl_cpupool_op);

/* Write CPU set cpus (NULL: empty) of nbits CPUs into the caller's
 * xenctl_bitmap as Xen does: as many bytes as its nr_bits asks, zeros past
 * nbits; -EFAULT if its buffer faults (common/ctl_bitmap.c). */
int ctl_bitmap_put_cpus(struct vcpu *caller, const struct xenctl_bitmap *map,
                        const cpumask_t *cpus, uint32_t nbits);
/* common/domctl_cpu_policy.c */
SYSCTL_HANDLER(sysctl_get_cpu_policy);
SYSCTL_HANDLER(sysctl_get_cpu_featureset);
/* The lifecycle (common/domctl_domain.c, docs/domains.md). */
long domctl_createdomain(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                         bool *copyback);
long domctl_destroydomain(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback);
long domctl_pausedomain(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                        bool *copyback);
long domctl_unpausedomain(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback);
long domctl_getdomaininfo(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback);
long sysctl_getdomaininfolist(struct vcpu *caller, struct xen_sysctl *op, bool *copyback);
/* What getdomaininfo reports of d (Xen's getdomaininfo()). */
void domain_fill_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

#endif
