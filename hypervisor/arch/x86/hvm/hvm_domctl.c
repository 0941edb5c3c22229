// SPDX-License-Identifier: GPL-2.0-only
/*
 * XEN_DOMCTL_gethvmcontext and sethvmcontext: the toolstack's access to a
 * domain's HVM save records (hvm_save.c).  Each copies the caller's buffer
 * once, in or out, through a bounded Keel buffer; errors are Xen's.
 */
#include <asm/hvm_save.h>
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/xmalloc.h>

/* A load buffer may repeat records; beyond this much it is refused. */
#define HVMCONTEXT_SLACK    (64 * 1024)

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
    rc = hvm_save_domain(d, buf, need, &used);
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
    rc = copy_from_guest(caller, buf, gva, h->size) < 0 ? -EFAULT :
         hvm_load_domain(d, buf, h->size);
    xfree(buf);
    return rc;
}
