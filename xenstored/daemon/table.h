/* SPDX-License-Identifier: GPL-2.0-only */
/* A string-keyed hash table (owning copies of its keys, not its values). */
#ifndef XSD_TABLE_H
#define XSD_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_table_entry {
    char *key;
    void *val;
    struct xs_table_entry *next;
};

struct xs_table {
    struct xs_table_entry **buckets;
    size_t nbuckets;
    size_t count;
};

bool table_init(struct xs_table *t);
/* Frees the entries; calls free_val on each value when non-NULL. */
void table_destroy(struct xs_table *t, void (*free_val)(void *));
void *table_get(const struct xs_table *t, const char *key, bool *found);
/* Inserts or replaces; the old value is returned through *old (may be NULL). */
bool table_put(struct xs_table *t, const char *key, void *val, void **old);
void *table_remove(struct xs_table *t, const char *key, bool *found);

/* Iteration: for (e = table_first(t, &i); e; e = table_next(t, e, &i)) */
struct xs_table_entry *table_first(const struct xs_table *t, size_t *idx);
struct xs_table_entry *table_next(const struct xs_table *t,
                                  struct xs_table_entry *e, size_t *idx);

#endif
