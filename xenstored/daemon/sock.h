/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Unix socket transport.  Socket clients are dom0 tools and are
 * privileged (XS_CONTROL "drop-privilege" can demote one).
 */
#ifndef XSD_SOCK_H
#define XSD_SOCK_H

#include "xsd.h"

/* A listening socket at @path (parent directory created); -1 on error. */
int sock_listen(const char *path);
/* Accept one client as a new privileged connection (none on error). */
void sock_accept(struct xsd *x, int listen_fd);

#endif
