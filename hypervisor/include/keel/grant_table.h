/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1 (common/grant_table.c): each domain's table of
 * struct grant_entry_v1 lives in Keel-owned frames (owner DOMID_KEEL) that
 * the guest maps with XENMEM_add_to_physmap(XENMAPSPACE_grant_table); the
 * table starts with GNTTAB_INIT_FRAMES and grows on demand, through
 * add_to_physmap or setup_table, up to GNTTAB_MAX_FRAMES.
 */
#ifndef KEEL_GRANT_TABLE_H
#define KEEL_GRANT_TABLE_H

#include <keel/p2m.h>
#include <keel/types.h>

#define GNTTAB_INIT_FRAMES  1u      /* as Xen 4.17 */
#define GNTTAB_MAX_FRAMES   32u     /* Xen's default is 64: 16384 refs here */
#define GNTTAB_MAX_BATCH    1024u   /* copy ops per hypercall (no continuations) */
#define GNTTAB_GFN_NONE     (~(gfn_t)0)

struct domain;

/* At creation: the first frames.  0 or -ENOMEM. */
int gnttab_domain_init(struct domain *d);

/* At teardown, before the domain's p2m and memory go: no new operation
 * reaches the table, those under way end, then its frames are freed. */
void gnttab_domain_destroy(struct domain *d);

/* For add_to_physmap: grow d's table to hold frame idx (v1 has no status
 * frames), then give its mfn and the gfn it is mapped at now (or
 * GNTTAB_GFN_NONE).  Called with d->mem_lock held.  0 or -EINVAL (idx out
 * of range), -ENOMEM. */
int gnttab_physmap_frame(struct domain *d, uint64_t idx, mfn_t *mfn, gfn_t *old_gfn);
/* ... and record where it now is (d->mem_lock held). */
void gnttab_physmap_placed(struct domain *d, uint32_t idx, gfn_t gfn);

/* For XENMEM_acquire_resource: frame idx of d's table (grown to hold it),
 * with a page reference taken for the caller's foreign mapping.  0,
 * -EINVAL (idx beyond GNTTAB_MAX_FRAMES), -ENOMEM, -ESRCH (table torn
 * down).  A referenced frame outlives its table: teardown leaves it to the
 * last gnttab_frame_put. */
int gnttab_acquire_frame(struct domain *d, uint32_t idx, mfn_t *mfn);
/* Drop such a reference: false if mfn is not a Keel-owned frame (not a
 * grant-table frame: the caller drops it as another domain's). */
bool gnttab_frame_put(mfn_t mfn);

#endif
