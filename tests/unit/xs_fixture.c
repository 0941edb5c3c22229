// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared fixture of the xenstored daemon unit tests: owns the reply buffer
 * the tests assert on, the request helpers that send through an in-process
 * memconn connection and the dom0 / domU connection constructors.  See
 * xs_fixture.h.
 */
#include <stdarg.h>
#include <string.h>

#include "xs_fixture.h"

char reply[XENSTORE_PAYLOAD_MAX + 1];
uint32_t rlen;

uint32_t call(struct xs_conn *c, uint32_t type, int n, ...)
{
    char payload[XENSTORE_PAYLOAD_MAX];
    uint32_t len = 0;
    va_list ap;

    va_start(ap, n);
    while (n--) {
        const char *s = va_arg(ap, const char *);

        memcpy(payload + len, s, strlen(s) + 1);
        len += (uint32_t)strlen(s) + 1;
    }
    va_end(ap);
    return memconn_call(c, type, 0, payload, len, reply, &rlen);
}

uint32_t write_node(struct xs_conn *c, const char *path,
                    const void *val, uint32_t vlen)
{
    char payload[XENSTORE_PAYLOAD_MAX];
    uint32_t plen = (uint32_t)strlen(path) + 1;

    memcpy(payload, path, plen);
    memcpy(payload + plen, val, vlen);
    return memconn_call(c, XS_WRITE, 0, payload, plen + vlen, reply, &rlen);
}

struct xs_conn *dom0_conn(struct xsd *x)
{
    static const struct xs_caller dom0 = { .privileged = true };

    CHECK_EQ(xsd_init(x), 0);
    return memconn_new(x, &dom0);
}

struct xs_conn *dom0_conn_extra(struct xsd *x)
{
    static const struct xs_caller dom0 = { .privileged = true };

    return memconn_new(x, &dom0);
}

struct xs_conn *domu_conn(struct xsd *x, uint32_t domid)
{
    struct xs_caller domu = { .domid = domid };

    return memconn_new(x, &domu);
}
