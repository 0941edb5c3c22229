// SPDX-License-Identifier: GPL-2.0-only
/*
 * XEN_DOMCTL_gethvmcontext, sethvmcontext and gethvmcontext_partial: the
 * toolstack's access to a domain's HVM save records (hvm_save.c).  Each copies the caller's buffer
 * once, in or out, through a bounded Keel buffer; errors are Xen's.  One
 * lock makes saves and loads one at a time (Xen holds its domctl lock), so
 * two toolstack vCPUs never load into the same vCPUs at once.
 */
#include <asm/hvm_save.h>
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>

/* A load buffer may repeat records; beyond this much it is refused. */
#define HVMCONTEXT_SLACK    (64 * 1024)

static DEFINE_SPINLOCK(hvmcontext_lock);

long domctl_gethvmcontext(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback)
{
    struct xen_domctl_hvmcontext *h = &op->u.hvmcontext;
    uint64_t gva = xen_guest_handle_addr(h->buffer);
    uint32_t need = hvm_save_size(d), used = 0;
    uint8_t *buf;
    long rc;

    *copyback = true;
    if (d == caller->domain)
        return -EINVAL;                 /* Xen: no pausing oneself */
    if (!gva) {                         /* how big a buffer to bring */
        h->size = need;
        return 0;
    }
    if (h->size < need)
        return -ENOSPC;
    buf = xmalloc(need);
    if (!buf)
        return -ENOMEM;
    spin_lock(&hvmcontext_lock);
    rc = hvm_save_domain(d, buf, need, &used);
    spin_unlock(&hvmcontext_lock);
    if (rc == 0) {
        h->size = used;
        if (copy_to_guest(caller, gva, buf, used) < 0)
            rc = -EFAULT;
    }
    xfree(buf);
    return rc;
}

long domctl_sethvmcontext(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                          bool *copyback)
{
    const struct xen_domctl_hvmcontext *h = &op->u.hvmcontext;
    uint64_t gva = xen_guest_handle_addr(h->buffer);
    uint8_t *buf;
    long rc;

    *copyback = false;
    if (d == caller->domain)
        return -EINVAL;
    if (h->size > hvm_save_size(d) + HVMCONTEXT_SLACK) {
        pr_warn("sethvmcontext: d%u: %u bytes is more than Keel takes\n", d->domid, h->size);
        return -ENOMEM;                 /* what Xen's allocation would say */
    }
    buf = xmalloc(h->size);
    if (!buf)
        return -ENOMEM;
    rc = copy_from_guest(caller, buf, gva, h->size) < 0 ? -EFAULT : 0;
    if (rc == 0) {
        spin_lock(&hvmcontext_lock);
        rc = hvm_load_domain(d, buf, h->size);
        spin_unlock(&hvmcontext_lock);
    }
    xfree(buf);
    return rc;
}

long domctl_gethvmcontext_partial(struct vcpu *caller, struct domain *d,
                                  struct xen_domctl *op, bool *copyback)
{
    struct xen_domctl_hvmcontext_partial *h = &op->u.hvmcontext_partial;
    uint64_t gva = xen_guest_handle_addr(h->buffer);
    uint8_t *rec;
    uint32_t len = 0;
    long rc;

    *copyback = false;
    if (d == caller->domain)
        return -EINVAL;
    rec = xmalloc(HVM_SAVE_RECORD_MAX);
    if (!rec)
        return -ENOMEM;
    spin_lock(&hvmcontext_lock);
    rc = hvm_save_one(d, h->type, h->instance, rec, &len);
    spin_unlock(&hvmcontext_lock);
    if (rc == 0 && gva && h->bufsz < len)
        rc = -ENOBUFS;
    else if (rc == 0 && gva && copy_to_guest(caller, gva, rec, len) < 0)
        rc = -EFAULT;
    if (rc == 0) {
        h->bufsz = len;                 /* a null buffer asks just this */
        *copyback = true;
    }
    xfree(rec);
    return rc;
}
