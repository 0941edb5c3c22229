/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Claims (common/claim.c, XENMEM_claim_pages): a toolstack building a
 * domain first claims the free pages it will give it, so that allocations
 * for other domains cannot take them meanwhile.  Xen's rules: a claim is
 * for a total of 'pages' (tot_pages included), one at a time per domain;
 * pages allocated to the domain use its claim up; 0 cancels it.
 */
#ifndef KEEL_CLAIM_H
#define KEEL_CLAIM_H

#include <keel/types.h>

struct domain;

/* 0; -EINVAL (a claim outstanding, pages not above tot_pages or above
 * max_pages); -ENOMEM (not that many free pages left unclaimed). */
int claim_set(struct domain *d, uint64_t pages);

/* n frames were just allocated for d: 0 and d's claim used up by them,
 * or -ENOMEM when they ate into another domain's claim (the caller frees
 * them). */
int claim_charge(struct domain *d, uint64_t n);

/* At teardown: the rest of d's claim goes back. */
void claim_cancel(struct domain *d);

/* Pages claimed and not yet allocated, over all domains. */
uint64_t claim_outstanding(void);

#endif
