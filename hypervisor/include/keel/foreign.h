/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Foreign mappings (common/foreign.c): p2m_foreign entries, another
 * domain's RAM frame (XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign)
 * or a grant-table frame (XENMEM_acquire_resource) mapped in the caller's
 * p2m.  Each entry holds one page reference on its frame; this file is the
 * only place that removes such an entry, so the reference is dropped exactly
 * once: when the entry is unmapped or replaced, or when the mapper goes.
 */
#ifndef KEEL_FOREIGN_H
#define KEEL_FOREIGN_H

#include <keel/p2m.h>

struct domain;

/* Map mfn (its reference already taken by the caller, and kept by the
 * entry on success) at gfn of d, which must be unmapped; d->mem_lock held.
 * 0 or p2m_set_entry's error (the caller then drops its reference). */
int foreign_map(struct domain *d, gfn_t gfn, mfn_t mfn);

/* Unmap the p2m_foreign entry at gfn of d and drop its reference;
 * d->mem_lock held.  0, or -ENOENT when gfn is not a foreign entry. */
int foreign_unmap(struct domain *d, gfn_t gfn);

/* Drop the reference a foreign entry held on mfn: a grant-table frame
 * (Keel's) goes to gnttab_frame_put, a domain's frame to domain_page_put. */
void foreign_frame_put(mfn_t mfn);

/* At teardown, no vCPU of d running: drop every foreign entry's reference
 * (the entries themselves go with the p2m). */
void foreign_domain_teardown(struct domain *d);

#endif
