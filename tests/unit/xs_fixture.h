/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared fixture of the xenstored daemon unit tests (test_xs_tree.c,
 * test_xs_perms.c, test_xs_txn.c, test_xs_watch.c, test_xs_domain.c): the
 * reply buffer of the last request, the request helpers over an in-process
 * memconn connection, the dom0 / domU connection constructors and
 * CHECK_ERR.  Test-specific helpers stay in each test file.
 */
#ifndef XS_FIXTURE_H
#define XS_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "ktest.h"
#include "memconn.h"
#include "xsd.h"

/* The payload and length of the last reply any helper below received. */
extern char reply[XENSTORE_PAYLOAD_MAX + 1];
extern uint32_t rlen;

/* Send @n NUL-terminated string arguments; returns the reply type. */
uint32_t call(struct xs_conn *c, uint32_t type, int n, ...);

/* XS_WRITE @vlen bytes of @val to @path; returns the reply type. */
uint32_t write_node(struct xs_conn *c, const char *path,
                    const void *val, uint32_t vlen);

/* Initialise @x (CHECKing that it worked) and open a dom0 connection. */
struct xs_conn *dom0_conn(struct xsd *x);

/* Another dom0 connection to an already initialised @x. */
struct xs_conn *dom0_conn_extra(struct xsd *x);

/* An unprivileged connection for domain @domid. */
struct xs_conn *domu_conn(struct xsd *x, uint32_t domid);

/* The reply was an XS_ERROR naming errno @name. */
#define CHECK_ERR(type, name)                                         \
    do {                                                              \
        CHECK_EQ(type, XS_ERROR);                                     \
        CHECK(!strcmp(reply, name));                                  \
    } while (0)

#endif
