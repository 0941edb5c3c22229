/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a destroyed domain leaves in the tree.  As Xen 4.17's xenstored:
 * every node it owns is deleted with its subtree (with --keep-orphans
 * they are given to dom0 instead), and its entries in other nodes'
 * permissions are dropped, so a later domain reusing the domid inherits
 * nothing.  /local/domain/<id> itself is normally dom0's and stays: the
 * toolstack removes it.  Watches fire for every change.
 */
#ifndef XSD_ORPHANS_H
#define XSD_ORPHANS_H

#include <stdint.h>

#include "xsd.h"

/* 0 or errno (ENOMEM; the tree is then left as it was). */
int orphans_clean(struct xsd *x, uint32_t domid);

#endif
