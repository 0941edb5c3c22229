// SPDX-License-Identifier: GPL-2.0-only
/* Watch registration and event delivery. */
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path.h"

/* Events beyond this much queued output are dropped for unprivileged
 * clients (Xen's 2.5 MB per-domain memory quota). */
#define WATCH_EVENT_BACKLOG_MAX (2560u * 1024u)

static void watch_free(struct xs_watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

int watch_add(struct xs_conn *c, const char *path, const char *token,
              bool relative, struct xs_watch **out)
{
    struct xs_watch *w;

    for (w = c->watches; w; w = w->next)
        if (!strcmp(w->path, path) && !strcmp(w->token, token))
            return EEXIST;
    if (!c->caller.privileged && c->nwatches >= c->xsd->quota.watches) {
        xsd_log_denial(c->caller.domid, "watch quota", path);
        return E2BIG;
    }
    w = calloc(1, sizeof(*w));
    if (!w)
        return ENOMEM;
    w->path = strdup(path);
    w->token = strdup(token);
    if (!w->path || !w->token) {
        watch_free(w);
        return ENOMEM;
    }
    w->relative = relative;
    w->next = c->watches;
    c->watches = w;
    c->nwatches++;
    *out = w;
    return 0;
}

int watch_remove(struct xs_conn *c, const char *path, const char *token)
{
    struct xs_watch **pp;

    for (pp = &c->watches; *pp; pp = &(*pp)->next) {
        struct xs_watch *w = *pp;

        if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
            *pp = w->next;
            watch_free(w);
            c->nwatches--;
            return 0;
        }
    }
    return ENOENT;
}

void watch_remove_all(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;

        c->watches = w->next;
        watch_free(w);
    }
    c->nwatches = 0;
}

void watch_send_event(struct xs_conn *c, const struct xs_watch *w,
                      const char *path)
{
    const char *shown = path_for_watcher(path, c->caller.domid, w->relative);
    size_t plen = strlen(shown) + 1, tlen = strlen(w->token) + 1;
    char *payload;

    if (plen + tlen > XENSTORE_PAYLOAD_MAX)
        return;     /* cannot happen with valid paths; never send it */
    if (c->out_bytes > WATCH_EVENT_BACKLOG_MAX && !c->caller.privileged) {
        xsd_log(XSD_LOG_WARN, "domain %u not reading: watch event dropped",
                c->caller.domid);
        return;
    }
    if (c->out_bytes > c->xsd->out_limit) {
        conn_mark_broken(c, "watch events not being read");
        return;
    }
    payload = malloc(plen + tlen);
    if (!payload) {
        conn_mark_broken(c, "out of memory for a watch event");
        return;
    }
    memcpy(payload, shown, plen);
    memcpy(payload + plen, w->token, tlen);
    conn_queue(c, XS_WATCH_EVENT, 0, 0, payload, (uint32_t)(plen + tlen),
               false);
    free(payload);
}

static void fire_change(struct xsd *x, const struct xs_change *ch)
{
    struct xs_conn *c;

    for (c = x->conns; c; c = c->next) {
        struct xs_watch *w;

        if (c->broken)
            continue;
        if (!(perm_rights(&c->caller, ch->perms, ch->nperms) & XS_PERM_READ))
            continue;
        for (w = c->watches; w; w = w->next) {
            if (path_is_within(ch->path, w->path))
                watch_send_event(c, w, ch->path);
            else if (ch->removed && path_is_within(w->path, ch->path))
                watch_send_event(c, w, w->path);
        }
    }
}

void watch_fire_changes(struct xsd *x, const struct xs_changes *changes)
{
    uint32_t i;

    for (i = 0; i < changes->count; i++)
        fire_change(x, &changes->items[i]);
}

void watch_fire_special(struct xsd *x, const char *special)
{
    const struct xs_node *n = store_get(&x->store, special);
    struct xs_change ch;

    if (!n)
        return;
    ch.path = (char *)special;
    ch.removed = false;
    ch.perms = n->perms;
    ch.nperms = n->nperms;
    fire_change(x, &ch);
}
