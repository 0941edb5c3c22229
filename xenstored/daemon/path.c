// SPDX-License-Identifier: GPL-2.0-only
/* Node name validation and path arithmetic. */
#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/io/xs_wire.h>

bool path_is_special(const char *path)
{
    return !strcmp(path, XSD_SPECIAL_INTRODUCE) ||
           !strcmp(path, XSD_SPECIAL_RELEASE);
}

static bool valid_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
           c == '@';
}

/* Length of the part below "/local/domain/<digits>/", or the whole length. */
static size_t rel_part_len(const char *path)
{
    const char *prefix = "/local/domain/";
    size_t plen = strlen(prefix), i;

    if (strncmp(path, prefix, plen))
        return strlen(path);
    i = plen;
    while (path[i] >= '0' && path[i] <= '9')
        i++;
    if (i == plen || path[i] != '/')
        return strlen(path);
    return strlen(path + i + 1);
}

static bool valid_absolute(const char *path, uint32_t max_rel)
{
    size_t len = strlen(path), i;

    if (path[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
        return false;
    if (len > 1 && path[len - 1] == '/')
        return false;
    if (strstr(path, "//"))
        return false;
    for (i = 0; i < len; i++)
        if (!valid_char(path[i]))
            return false;
    return !max_rel || rel_part_len(path) <= max_rel;
}

int path_canonical(const char *name, uint32_t domid, bool allow_special,
                   uint32_t max_rel, char **out)
{
    char *p;

    *out = NULL;
    if (name[0] == '@') {
        if (!allow_special || !path_is_special(name))
            return EINVAL;
        p = strdup(name);
    } else if (name[0] == '/') {
        p = strdup(name);
    } else {
        if (!name[0] || strlen(name) > XENSTORE_REL_PATH_MAX)
            return EINVAL;
        if (asprintf(&p, "/local/domain/%u/%s", domid, name) < 0)
            p = NULL;
    }
    if (!p)
        return ENOMEM;
    if (p[0] == '/' && !valid_absolute(p, max_rel)) {
        free(p);
        return EINVAL;
    }
    *out = p;
    return 0;
}

bool path_is_within(const char *path, const char *ancestor)
{
    size_t alen = strlen(ancestor);

    if (!strcmp(ancestor, "/"))
        return path[0] == '/';
    if (strncmp(path, ancestor, alen))
        return false;
    return path[alen] == '\0' || path[alen] == '/';
}

char *path_parent(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash || slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

const char *path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

char *path_join(const char *parent, const char *child)
{
    char *p;

    if (asprintf(&p, "%s/%s", strcmp(parent, "/") ? parent : "", child) < 0)
        return NULL;
    return p;
}

const char *path_for_watcher(const char *path, uint32_t domid, bool relative)
{
    char prefix[32];
    size_t n;

    if (!relative)
        return path;
    n = (size_t)snprintf(prefix, sizeof(prefix), "/local/domain/%u/", domid);
    if (!strncmp(path, prefix, n) && path[n])
        return path + n;
    return path;
}
