/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Watches: registration per connection and delivery of XS_WATCH_EVENT
 * messages for committed changes.  A watch on P fires for changes to P and
 * anything below it; removing a node also fires the watches set below it.
 * Events go only to watchers allowed to read the changed node.
 */
#ifndef XSD_WATCH_H
#define XSD_WATCH_H

#include <stdbool.h>

#include "conn.h"
#include "txn.h"

/* 0, EEXIST (same path and token), E2BIG (quota) or ENOMEM.  @path is
 * canonical; @relative says whether events report it relative. */
int watch_add(struct xs_conn *c, const char *path, const char *token,
              bool relative, struct xs_watch **out);
int watch_remove(struct xs_conn *c, const char *path, const char *token);
void watch_remove_all(struct xs_conn *c);
/* Queue the event of @w for @path to its connection. */
void watch_send_event(struct xs_conn *c, const struct xs_watch *w,
                      const char *path);
void watch_fire_changes(struct xsd *x, const struct xs_changes *changes);
/* Fire watches of a special node (@introduceDomain / @releaseDomain). */
void watch_fire_special(struct xsd *x, const char *special);

#endif
