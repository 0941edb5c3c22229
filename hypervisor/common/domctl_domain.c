// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lifecycle domctls and sysctls a toolstack drives (Xen 4.17's
 * semantics): createdomain, destroydomain, pausedomain, unpausedomain,
 * getdomaininfo, and sysctl getdomaininfolist.  Each checks what the
 * caller asks, then calls common/domain.c, which owns the lifecycle
 * (docs/domains.md).  The dispatcher (common/domctl.c) has already checked
 * the interface version and asked the access hook.
 */
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/grant_table.h>
#include <keel/lib.h>
#include <keel/p2m.h>
#include <keel/shared_info.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/xen.h>

#define MAPTRACK_FRAMES_MAX 1024u   /* Xen's default limit */

/* The flags Keel accepts: a PVH guest is HVM with HAP; xs_domain is only
 * reported back, oos_off only matters to shadow paging. */
#define CDF_REQUIRED    (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap)
#define CDF_ACCEPTED    (CDF_REQUIRED | XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_oos_off)

/* ---- createdomain ----------------------------------------------------------- */

/* Xen's sanitise_domain_config and emulation_flags_ok for what Keel runs:
 * a PVH domU (emulation: the local APIC only). */
static long check_config(const struct xen_domctl_createdomain *c)
{
    if ((c->flags & CDF_REQUIRED) != CDF_REQUIRED || (c->flags & ~CDF_ACCEPTED))
        return -EINVAL;             /* PV, shadow, IOMMU, nested, vPMU: not here */
    if (c->iommu_opts || c->vmtrace_size || (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask))
        return -EINVAL;
    if (c->max_vcpus < 1 || c->max_vcpus > MAX_VCPUS)
        return -EINVAL;
    if (c->max_grant_frames >= 0 &&
        (c->max_grant_frames < 1 || (uint32_t)c->max_grant_frames > GNTTAB_MAX_FRAMES))
        return -EINVAL;
    if (c->max_maptrack_frames >= 0 && (uint32_t)c->max_maptrack_frames > MAPTRACK_FRAMES_MAX)
        return -EINVAL;
    if (c->arch.emulation_flags & ~XEN_X86_EMU_ALL)
        return -EINVAL;
    if (c->arch.emulation_flags != XEN_X86_EMU_LAPIC)
        return -EOPNOTSUPP;         /* Xen's answer to a set it will not run */
    if (c->cpupool_id != 0)
        return -ENOENT;             /* one pool, 0 */
    return 0;
}

long domctl_createdomain(struct vcpu *caller, struct domain *unused, struct xen_domctl *op,
                         bool *copyback)
{
    const struct xen_domctl_createdomain *c = &op->u.createdomain;
    struct domain_params p = {
        .name = "domU", .nr_vcpus = c->max_vcpus, .max_pages = 0, .controlled = true,
        .max_evtchn_port = c->max_evtchn_port,
        .max_grant_frames = c->max_grant_frames < 0 ? 0 : (uint32_t)c->max_grant_frames,
        .max_maptrack_frames = c->max_maptrack_frames < 0 ? 0 : (uint32_t)c->max_maptrack_frames,
    };
    struct domain *d;
    long rc;

    (void)caller;
    (void)unused;
    if ((rc = check_config(c)) < 0) {
        pr_warn("domctl: createdomain refused (%ld): flags %#x, %u vCPUs, emulation %#x\n",
                rc, c->flags, c->max_vcpus, c->arch.emulation_flags);
        return rc;
    }
    /* As Xen: 1..DOMID_FIRST_RESERVED-1 is an exact id, anything else "any". */
    p.domid = (op->domain > 0 && op->domain < DOMID_FIRST_RESERVED) ? op->domain : DOMID_AUTO;
    rc = domain_new(&p, &d);
    if (rc < 0)
        return rc;
    memcpy(d->handle, c->handle, sizeof(d->handle));
    pr_info("domain: d%u created by the toolstack: %u vCPU%s, paused\n", d->domid,
            d->nr_vcpus, d->nr_vcpus > 1 ? "s" : "");
    op->domain = d->domid;
    *copyback = true;
    return 0;
}

/* ---- destroy, pause, unpause ------------------------------------------------- */

long domctl_destroydomain(struct vcpu *caller, struct domain *unused, struct xen_domctl *op,
                          bool *copyback)
{
    struct domain *d;

    (void)unused;
    (void)copyback;
    d = domain_get_any(op->domain);     /* dying or zombie too: nothing to do */
    if (!d)
        return -ESRCH;
    if (d == caller->domain) {
        domain_put(d);
        return -EINVAL;
    }
    domain_destroy(d);                  /* Keel finishes in one call */
    domain_put(d);
    return 0;
}

long domctl_pausedomain(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                        bool *copyback)
{
    (void)op;
    (void)copyback;
    return d == caller->domain ? -EINVAL : domain_pause_ctl(d);
}

long domctl_unpausedomain(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback)
{
    (void)caller;
    (void)op;
    (void)copyback;
    return domain_unpause_ctl(d);
}

/* ---- getdomaininfo ------------------------------------------------------------ */

/* Xen's getdomaininfo(): what the toolstack sees of d. */
void domain_fill_info(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t flags = XEN_DOMINF_blocked;    /* unless an online vCPU is not */
    uint32_t online = 0;
    uint64_t cpu_time = 0;

    memset(info, 0, sizeof(*info));
    /* The vCPUs stay while d->lock is held and the teardown is unclaimed
     * (claim_teardown takes the lock). */
    spin_lock(&d->lock);
    if (!d->teardown_begun) {
        for (uint32_t i = 0; i < d->nr_vcpus; i++) {
            struct vcpu *v = d->vcpus[i];
            if (!v || v->state == VCPU_OFFLINE)
                continue;
            online++;
            if (v->state != VCPU_BLOCKED)
                flags &= ~XEN_DOMINF_blocked;
            if (v->state == VCPU_RUNNING)
                flags |= XEN_DOMINF_running;
            cpu_time += v->runstate.time[RUNSTATE_running];
        }
    }
    spin_unlock(&d->lock);
    info->domain = d->domid;
    info->flags = (online ? flags : 0) | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
                  (d->is_dying ? XEN_DOMINF_dying : 0) |
                  (d->is_shut_down ? XEN_DOMINF_shutdown |
                   (d->shutdown_reason & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift : 0) |
                  (d->pause_count ? XEN_DOMINF_paused : 0);
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = d->shared_info_gfn;
    info->cpu_time = cpu_time;
    info->nr_online_vcpus = online;
    info->max_vcpu_id = d->nr_vcpus ? d->nr_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->cpupool = 0;
    info->gpaddr_bits = P2M_GFN_BITS + PAGE_SHIFT;
    info->arch_config.emulation_flags = XEN_X86_EMU_LAPIC;
}

long domctl_getdomaininfo(struct vcpu *caller, struct domain *unused, struct xen_domctl *op,
                          bool *copyback)
{
    struct domain *d;

    (void)caller;
    (void)unused;
    /* Xen 4.17: the domain with the lowest id >= op->domain (dying too). */
    if (op->domain >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    d = domain_get_next(op->domain);
    if (!d)
        return -ESRCH;
    domain_fill_info(d, &op->u.getdomaininfo);
    domain_put(d);
    op->domain = op->u.getdomaininfo.domain;
    *copyback = true;
    return 0;
}

/* ---- sysctl getdomaininfolist ------------------------------------------------ */

long sysctl_getdomaininfolist(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)
{
    struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
    uint64_t buf = xen_guest_handle_addr(l->buffer);
    struct xen_domctl_getdomaininfo info;
    uint32_t n = 0;
    uint32_t id = l->first_domain;

    while (n < l->max_domains && id < DOMID_FIRST_RESERVED) {
        struct domain *d = domain_get_next((domid_t)id);
        if (!d)
            break;
        domain_fill_info(d, &info);
        id = d->domid + 1u;
        domain_put(d);
        if (copy_to_guest(caller, buf + (uint64_t)n * sizeof(info), &info, sizeof(info)) < 0)
            return -EFAULT;
        n++;
    }
    l->num_domains = n;
    *copyback = true;
    return 0;
}
