// SPDX-License-Identifier: GPL-2.0-only
/* Message-type dispatch, privilege checks and reply/error sending. */
#include "dispatch.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "request.h"
#include "watch.h"

struct handler {
    const char *name;
    int (*fn)(struct xs_req *r);
    bool privileged_only;
};

static const struct handler handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL] = { "CONTROL", h_control, true },
    [XS_DIRECTORY] = { "DIRECTORY", h_directory, false },
    [XS_READ] = { "READ", h_read, false },
    [XS_GET_PERMS] = { "GET_PERMS", h_get_perms, false },
    [XS_WATCH] = { "WATCH", h_watch, false },
    [XS_UNWATCH] = { "UNWATCH", h_unwatch, false },
    [XS_TRANSACTION_START] = { "TRANSACTION_START", h_transaction_start,
                               false },
    [XS_TRANSACTION_END] = { "TRANSACTION_END", h_transaction_end, false },
    [XS_INTRODUCE] = { "INTRODUCE", h_introduce, true },
    [XS_RELEASE] = { "RELEASE", h_release, true },
    [XS_GET_DOMAIN_PATH] = { "GET_DOMAIN_PATH", h_get_domain_path, false },
    [XS_WRITE] = { "WRITE", h_write, false },
    [XS_MKDIR] = { "MKDIR", h_mkdir, false },
    [XS_RM] = { "RM", h_rm, false },
    [XS_SET_PERMS] = { "SET_PERMS", h_set_perms, false },
    [XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED",
                                  h_is_domain_introduced, true },
    [XS_RESUME] = { "RESUME", h_resume, true },
    [XS_SET_TARGET] = { "SET_TARGET", h_set_target, true },
    [XS_RESET_WATCHES] = { "RESET_WATCHES", h_reset_watches, false },
    [XS_DIRECTORY_PART] = { "DIRECTORY_PART", h_directory_part, false },
};

static const char *errno_name(int err)
{
    size_t i;

    for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return "EIO";
}

static void send_error(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                       int err)
{
    const char *name = errno_name(err);

    conn_queue(c, XS_ERROR, hdr->req_id, hdr->tx_id, name,
               (uint32_t)strlen(name) + 1, true);
}

static int run_handler(struct xs_req *r)
{
    uint32_t type = r->hdr->type;
    const struct handler *h = type < XS_TYPE_COUNT ? &handlers[type] : NULL;

    if (!h || !h->fn)
        return EINVAL;
    if (r->conn->xsd->log_requests)
        xsd_log(XSD_LOG_INFO, "domain %u: %s req %u tx %u len %u",
                r->conn->caller.domid, h->name, r->hdr->req_id,
                r->hdr->tx_id, r->len);
    if (h->privileged_only && !r->conn->caller.privileged) {
        xsd_log_denial(r->conn->caller.domid, h->name, NULL);
        return EACCES;
    }
    return h->fn(r);
}

void xsd_dispatch(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                  const uint8_t *payload)
{
    struct xs_req r = { .conn = c, .hdr = hdr,
                        .payload = (const char *)payload, .len = hdr->len };
    int err;

    buf_init(&r.reply);
    err = run_handler(&r);
    if (!err && r.reply.failed)
        err = ENOMEM;
    if (!err && r.reply.len > XENSTORE_PAYLOAD_MAX)
        err = E2BIG;
    if (err)
        send_error(c, hdr, err);
    else
        conn_queue(c, hdr->type, hdr->req_id, hdr->tx_id, r.reply.data,
                   (uint32_t)r.reply.len, true);
    if (!err && r.new_watch)
        watch_send_event(c, r.new_watch, r.new_watch->path);
    buf_free(&r.reply);
}
