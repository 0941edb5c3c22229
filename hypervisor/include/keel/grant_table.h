/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1 (common/grant_table.c): each domain's table of
 * struct grant_entry_v1 lives in Keel-owned frames (owner DOMID_KEEL) that
 * the guest maps with XENMEM_add_to_physmap(XENMAPSPACE_grant_table); the
 * table starts with GNTTAB_INIT_FRAMES and grows on demand, through
 * add_to_physmap or setup_table, up to GNTTAB_MAX_FRAMES.  A domain maps
 * another's grants into its own p2m (GNTTABOP_map_grant_ref) and tracks
 * each mapping by a handle in its maptrack.
 */
#ifndef KEEL_GRANT_TABLE_H
#define KEEL_GRANT_TABLE_H

#include <keel/p2m.h>
#include <keel/types.h>

#define GNTTAB_INIT_FRAMES  1u      /* as Xen 4.17 */
#define GNTTAB_MAX_FRAMES   32u     /* Xen's default is 64: 16384 refs here */
#define GNTTAB_GFN_NONE     (~(gfn_t)0)
/* Maptrack: the handles a domain may hold for its mappings of others'
 * grants, counted in frames of Xen's 8-byte entries as Xen's
 * max_maptrack_frames is (Keel keeps its own, larger, entries). */
#define GNTTAB_MAPTRACK_FRAMES      1024u   /* as Xen 4.17's default */
#define GNTTAB_MAPTRACK_PER_FRAME   512u
/* Ops of a batch (copy, map, unmap) done before a continuation. */
#define GNTTAB_OPS_PER_CALL         256u

struct domain;

/* At creation: the first frames.  0 or -ENOMEM. */
int gnttab_domain_init(struct domain *d);

/* At teardown, before the domain's p2m and memory go: no new operation
 * reaches the table, those under way end, every grant the domain still
 * maps is unmapped (pin and page reference dropped), then its frames are
 * freed. */
void gnttab_domain_destroy(struct domain *d);

/* The domain's maptrack limit in frames (createdomain's
 * max_maptrack_frames), before it maps anything; 0 lets it map nothing. */
void gnttab_set_max_maptrack_frames(struct domain *d, uint32_t frames);

/* Mappings of others' grants the domain holds now (for tests and logs). */
uint32_t gnttab_nr_mapped(struct domain *d);

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
