// SPDX-License-Identifier: GPL-2.0-only
/*
 * VIRQ_DOM_EXC: ask the hypervisor about every introduced domain.  As
 * Xen's xenstored: a domain newly seen shut down (or crashed) fires
 * @releaseDomain once, until XS_RESUME clears the mark; a dying or
 * vanished domain is released (domain_release fires @releaseDomain).
 */
#include <string.h>

#include "dominfo.h"
#include "domain.h"
#include "log.h"
#include "path.h"
#include "watch.h"

void domain_check_all(struct xsd *x)
{
    struct xs_domain *d, *next;
    bool notify = false, released = false;

    if (!x->dominfo)
        return;
    for (d = x->domains; d; d = next) {
        enum xs_dom_state state;
        int err = x->dominfo->query(x->dominfo, d->domid, &state);

        next = d->next;
        if (err) {
            xsd_log(XSD_LOG_ERR, "cannot ask about domain %u: %s",
                    d->domid, strerror(err));
            continue;
        }
        if (state == XS_DOM_SHUTDOWN && !d->shutdown) {
            xsd_log(XSD_LOG_INFO, "domain %u shut down", d->domid);
            d->shutdown = true;
            notify = true;
        }
        if (state == XS_DOM_DYING || state == XS_DOM_GONE) {
            xsd_log(XSD_LOG_INFO, "domain %u is %s", d->domid,
                    state == XS_DOM_DYING ? "dying" : "gone");
            domain_release(x, d->domid);
            released = true;
        }
    }
    if (notify && !released)    /* a release already told the watchers */
        watch_fire_special(x, XSD_SPECIAL_RELEASE);
}
