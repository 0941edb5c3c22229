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

/* ---- domctl handlers -------------------------------------------------- */

#endif
