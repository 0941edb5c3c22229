/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Node names: validation, turning a caller's (possibly relative) name into
 * the canonical absolute path, and the parent/child relations between paths.
 */
#ifndef XSD_PATH_H
#define XSD_PATH_H

#include <stdbool.h>
#include <stdint.h>

#define XSD_SPECIAL_INTRODUCE "@introduceDomain"
#define XSD_SPECIAL_RELEASE   "@releaseDomain"

/*
 * Canonicalise @name for a caller of domain @domid: relative names are under
 * /local/domain/<domid>/.  @max_rel bounds the part of the path below a
 * /local/domain/<id>/ prefix (the path-length quota); 0 means no bound.
 * Special watch names are accepted only when @allow_special.  Returns 0 and a
 * malloc'd *out, or EINVAL / ENOMEM.
 */
int path_canonical(const char *name, uint32_t domid, bool allow_special,
                   uint32_t max_rel, char **out);

bool path_is_special(const char *path);
/* True when @path is @ancestor or lies below it. */
bool path_is_within(const char *path, const char *ancestor);
/* malloc'd parent of an absolute path other than "/"; NULL on ENOMEM. */
char *path_parent(const char *path);
/* Last component of an absolute path other than "/". */
const char *path_basename(const char *path);
/* malloc'd "<parent>/<child>" handling the root; NULL on ENOMEM. */
char *path_join(const char *parent, const char *child);
/* The name a watcher of domain @domid sees: relative if the watch was. */
const char *path_for_watcher(const char *path, uint32_t domid, bool relative);

#endif
