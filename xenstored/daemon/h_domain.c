// SPDX-License-Identifier: GPL-2.0-only
/* Handlers for the domain messages: INTRODUCE, RELEASE, GET_DOMAIN_PATH,
 * IS_DOMAIN_INTRODUCED, RESUME and SET_TARGET. */
#include <errno.h>

#include "domain.h"
#include "request.h"

#define XSD_DOMID_SELF 0x7ff0u    /* always "introduced", as in Xen */

int h_introduce(struct xs_req *r)
{
    const char *argv[3];
    uint32_t domid;
    uint64_t mfn, port;
    int err;

    if (!req_args(r, argv, 3) || !parse_domid(argv[0], &domid) ||
        !parse_u64(argv[1], &mfn) || !parse_u64(argv[2], &port) ||
        port > UINT32_MAX || domid == 0)
        return EINVAL;
    err = domain_introduce(r->conn->xsd, domid, mfn, (uint32_t)port);
    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}

static int one_domid(struct xs_req *r, uint32_t *domid)
{
    const char *argv[1];

    if (!req_args(r, argv, 1) || !parse_domid(argv[0], domid))
        return EINVAL;
    return 0;
}

int h_release(struct xs_req *r)
{
    uint32_t domid;
    int err = one_domid(r, &domid);

    if (!err && domid == 0)
        err = EINVAL;
    if (!err)
        err = domain_release(r->conn->xsd, domid);
    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}

int h_get_domain_path(struct xs_req *r)
{
    uint32_t domid;
    int err = one_domid(r, &domid);

    if (err)
        return err;
    return buf_printf0(&r->reply, "/local/domain/%u", domid) ? 0 : ENOMEM;
}

int h_is_domain_introduced(struct xs_req *r)
{
    uint32_t domid;
    int err = one_domid(r, &domid);
    bool known;

    if (err)
        return err;
    known = domid == 0 || domid == XSD_DOMID_SELF ||
            domain_find(r->conn->xsd, domid);
    return buf_append_str0(&r->reply, known ? "T" : "F") ? 0 : ENOMEM;
}

int h_resume(struct xs_req *r)
{
    uint32_t domid;
    struct xs_domain *d;
    int err = one_domid(r, &domid);

    if (!err && domid == 0)
        err = EINVAL;
    if (err)
        return err;
    d = domain_find(r->conn->xsd, domid);
    if (!d)
        return ENOENT;
    d->shutdown = false;    /* a later shutdown fires @releaseDomain again */
    return req_ack(r) ? 0 : ENOMEM;
}

int h_set_target(struct xs_req *r)
{
    const char *argv[2];
    uint32_t domid, target;
    struct xs_domain *d;

    if (!req_args(r, argv, 2) || !parse_domid(argv[0], &domid) ||
        !parse_domid(argv[1], &target))
        return EINVAL;
    /* Both must be introduced (dom0 always is), as in Xen. */
    d = domain_find(r->conn->xsd, domid);
    if (!d || (target != 0 && !domain_find(r->conn->xsd, target)))
        return ENOENT;
    domain_set_target(d, target);
    return req_ack(r) ? 0 : ENOMEM;
}
