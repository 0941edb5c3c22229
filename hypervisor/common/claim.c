// SPDX-License-Identifier: GPL-2.0-only
/*
 * Claims (keel/claim.h): d->claimed_pages is what d may still allocate out
 * of its claim; outstanding is their sum.  Only allocations of domain RAM
 * (domain.c's chunks) are checked, after the fact: Keel's own small
 * allocations (p2m tables, xmalloc) may use claimed pages, as a claim is a
 * toolstack's promise, not a reservation in the allocator.
 */
#include <keel/claim.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/page_alloc.h>
#include <keel/spinlock.h>

static DEFINE_SPINLOCK(claim_lock);
static uint64_t outstanding;

int claim_set(struct domain *d, uint64_t pages)
{
    uint64_t free;
    int rc = 0;

    spin_lock(&claim_lock);
    free = page_alloc_free_pages();
    if (pages == 0) {
        outstanding -= d->claimed_pages;
        d->claimed_pages = 0;
    } else if (d->claimed_pages || pages <= d->tot_pages || pages > d->max_pages) {
        rc = -EINVAL;
    } else if (pages - d->tot_pages > free - MIN(free, outstanding)) {
        rc = -ENOMEM;
    } else {
        d->claimed_pages = pages - d->tot_pages;
        outstanding += d->claimed_pages;
    }
    spin_unlock(&claim_lock);
    return rc;
}

int claim_charge(struct domain *d, uint64_t n)
{
    uint64_t mine;
    int rc = 0;

    spin_lock(&claim_lock);
    mine = MIN(n, d->claimed_pages);
    /* What is left free must still cover everyone else's claims. */
    if (page_alloc_free_pages() < outstanding - d->claimed_pages) {
        rc = -ENOMEM;
    } else {
        d->claimed_pages -= mine;
        outstanding -= mine;
    }
    spin_unlock(&claim_lock);
    return rc;
}

void claim_cancel(struct domain *d)
{
    claim_set(d, 0);
}

uint64_t claim_outstanding(void)
{
    return __atomic_load_n(&outstanding, __ATOMIC_RELAXED);
}
