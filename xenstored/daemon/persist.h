/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --persist FILE: the committed tree saved as a simple binary file
 * ("KEELXS1\n", then per node: path, value, permissions, parents before
 * children), rewritten atomically (temporary file, fsync, rename).
 */
#ifndef XSD_PERSIST_H
#define XSD_PERSIST_H

#include "store.h"

/* 0 or errno; the file is left untouched on failure. */
int persist_save(const struct xs_store *s, const char *file);
/* Replace @s with the file's tree: 0, ENOENT (no file: @s unchanged) or
 * EINVAL (corrupt: @s unchanged). */
int persist_load(struct xs_store *s, const char *file);

#endif
