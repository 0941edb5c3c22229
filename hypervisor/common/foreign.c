// SPDX-License-Identifier: GPL-2.0-only
/*
 * Foreign mappings (keel/foreign.h): the only code that makes or removes a
 * p2m_foreign entry, so each entry's page reference is taken once (by the
 * caller, under the frame owner's mem_lock) and dropped once (here).
 *
 * No vCPU waits are needed before a reference is dropped: Keel never takes
 * a host pointer through a foreign entry (guest copies accept only RAM the
 * domain owns, p2m_ram_rw/ro), and p2m_set_entry flushes the guest TLBs
 * before it returns, so the guest itself can no longer reach the frame.
 */
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/foreign.h>
#include <keel/grant_table.h>
#include <keel/page_alloc.h>

int foreign_map(struct domain *d, gfn_t gfn, mfn_t mfn)
{
    return p2m_set_entry(&d->p2m, gfn, mfn, P2M_ORDER_4K, p2m_foreign);
}

void foreign_frame_put(mfn_t mfn)
{
    if (!gnttab_frame_put(mfn))
        domain_page_put(mfn);
}

int foreign_unmap(struct domain *d, gfn_t gfn)
{
    enum p2m_type t;
    mfn_t mfn;
    int rc;

    if (p2m_get_entry(&d->p2m, gfn, &mfn, &t, NULL) < 0 || t != p2m_foreign)
        return -ENOENT;
    /* A 4 KiB leaf: unmapping it needs no table page, cannot fail. */
    if ((rc = p2m_set_entry(&d->p2m, gfn, 0, P2M_ORDER_4K, p2m_invalid)) < 0)
        return rc;
    foreign_frame_put(mfn);
    return 0;
}

static void put_leaf(void *arg, gfn_t gfn, mfn_t mfn, unsigned int order, enum p2m_type type)
{
    (void)arg;
    (void)gfn;
    if (type == p2m_foreign)
        for (uint64_t i = 0; i < (1ULL << order); i++)
            foreign_frame_put(mfn + i);
}

void foreign_domain_teardown(struct domain *d)
{
    if (d->p2m.root != MFN_INVALID && d->p2m.nr_entries[p2m_foreign])
        p2m_for_each_leaf(&d->p2m, put_leaf, NULL);
}
