// SPDX-License-Identifier: GPL-2.0-only
/* String-keyed chained hash table with doubling growth. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    while (*s) {
        h ^= (uint8_t)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

bool table_init(struct xs_table *t)
{
    t->nbuckets = 64;
    t->count = 0;
    t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
    return t->buckets != NULL;
}

void table_destroy(struct xs_table *t, void (*free_val)(void *))
{
    size_t i;

    for (i = 0; t->buckets && i < t->nbuckets; i++) {
        struct xs_table_entry *e = t->buckets[i], *next;

        for (; e; e = next) {
            next = e->next;
            if (free_val)
                free_val(e->val);
            free(e->key);
            free(e);
        }
    }
    free(t->buckets);
    memset(t, 0, sizeof(*t));
}

static struct xs_table_entry **table_slot(const struct xs_table *t,
                                          const char *key)
{
    struct xs_table_entry **pp = &t->buckets[hash_str(key) % t->nbuckets];

    while (*pp && strcmp((*pp)->key, key))
        pp = &(*pp)->next;
    return pp;
}

void *table_get(const struct xs_table *t, const char *key, bool *found)
{
    struct xs_table_entry *e = *table_slot(t, key);

    if (found)
        *found = e != NULL;
    return e ? e->val : NULL;
}

static void table_grow(struct xs_table *t)
{
    size_t n = t->nbuckets * 2, i;
    struct xs_table_entry **nb = calloc(n, sizeof(*nb));

    if (!nb)
        return;     /* keep working with longer chains */
    for (i = 0; i < t->nbuckets; i++) {
        struct xs_table_entry *e = t->buckets[i], *next;

        for (; e; e = next) {
            size_t h = hash_str(e->key) % n;

            next = e->next;
            e->next = nb[h];
            nb[h] = e;
        }
    }
    free(t->buckets);
    t->buckets = nb;
    t->nbuckets = n;
}

bool table_put(struct xs_table *t, const char *key, void *val, void **old)
{
    struct xs_table_entry **pp = table_slot(t, key), *e;

    if (old)
        *old = NULL;
    if (*pp) {
        if (old)
            *old = (*pp)->val;
        (*pp)->val = val;
        return true;
    }
    e = malloc(sizeof(*e));
    if (!e)
        return false;
    e->key = strdup(key);
    if (!e->key) {
        free(e);
        return false;
    }
    e->val = val;
    e->next = NULL;
    *pp = e;
    if (++t->count > t->nbuckets)
        table_grow(t);
    return true;
}

void *table_remove(struct xs_table *t, const char *key, bool *found)
{
    struct xs_table_entry **pp = table_slot(t, key), *e = *pp;
    void *val;

    if (found)
        *found = e != NULL;
    if (!e)
        return NULL;
    *pp = e->next;
    val = e->val;
    free(e->key);
    free(e);
    t->count--;
    return val;
}

struct xs_table_entry *table_first(const struct xs_table *t, size_t *idx)
{
    for (*idx = 0; *idx < t->nbuckets; (*idx)++)
        if (t->buckets[*idx])
            return t->buckets[*idx];
    return NULL;
}

struct xs_table_entry *table_next(const struct xs_table *t,
                                  struct xs_table_entry *e, size_t *idx)
{
    if (e->next)
        return e->next;
    for ((*idx)++; *idx < t->nbuckets; (*idx)++)
        if (t->buckets[*idx])
            return t->buckets[*idx];
    return NULL;
}
