// SPDX-License-Identifier: GPL-2.0-only
/*
 * XS_CONTROL: the xenstore-control commands this daemon supports.
 *   help                      list the commands
 *   print <text>              write <text> to the log
 *   log [on|off]              log every request (off by default)
 *   quota                     list the quotas
 *   quota <name> [<value>]    get or set one quota
 *   quota set <name> <value>  set one quota (Xen 4.17's spelling)
 *   quota <domid>             a domain's usage
 *   drop-privilege <domid>    Keel extension: this connection continues as
 *                             an unprivileged client of <domid> (tests,
 *                             sandboxed tools); there is no way back.
 *   domain-state <domid> running|shutdown|dying|gone
 *   domain-dying <domid>      Keel testing aids, only without a hypervisor
 *                             (--no-domain-init): tell the simulated
 *                             hypervisor the domain's new state, then run
 *                             what VIRQ_DOM_EXC runs (domain_check_all).
 *                             Xen has no such commands.
 */
#include <errno.h>
#include <string.h>

#include "domain.h"
#include "dominfo.h"
#include "log.h"
#include "request.h"

#define MAX_CONTROL_ARGS 4

static const char control_help[] =
    "help\nprint <text>\nlog [on|off]\nquota [<name> [<value>] | <domid>]\n"
    "drop-privilege <domid>\n"
    "domain-state <domid> running|shutdown|dying|gone (no hypervisor)\n"
    "domain-dying <domid> (no hypervisor)\n";

static int control_log(struct xs_req *r, const char **argv, int32_t argc)
{
    struct xsd *x = r->conn->xsd;

    if (argc == 1)
        return buf_append_str0(&r->reply, x->log_requests ? "on" : "off")
               ? 0 : ENOMEM;
    if (argc != 2)
        return EINVAL;
    if (!strcmp(argv[1], "on"))
        x->log_requests = true;
    else if (!strcmp(argv[1], "off"))
        x->log_requests = false;
    else
        return EINVAL;
    return req_ack(r) ? 0 : ENOMEM;
}

static int control_domain_usage(struct xs_req *r, uint32_t domid)
{
    struct xsd *x = r->conn->xsd;
    struct xs_domain *d = domain_find(x, domid);
    uint32_t watches = d && d->conn ? d->conn->nwatches : 0;
    uint32_t txns = d && d->conn ? d->conn->ntxns : 0;

    return buf_printf0(&r->reply, "nodes: %u\nwatches: %u\ntransactions: %u\n",
                       store_owned(&x->store, domid), watches, txns)
           ? 0 : ENOMEM;
}

static int control_quota(struct xs_req *r, const char **argv, int32_t argc)
{
    struct xs_quota *q = &r->conn->xsd->quota;
    uint32_t value;
    int err;

    if (argc == 1)
        return quota_list(q, &r->reply) ? 0 : ENOMEM;
    if (argc == 2 && parse_domid(argv[1], &value))
        return control_domain_usage(r, value);
    if (argc == 4 && !strcmp(argv[1], "set")) {
        argv++;
        argc--;
    }
    if (argc == 2) {
        if (!quota_get(q, argv[1], &value))
            return EINVAL;
        return buf_printf0(&r->reply, "%u", value) ? 0 : ENOMEM;
    }
    if (argc != 3)
        return EINVAL;
    err = quota_set(q, argv[1], argv[2]);
    if (!err)
        xsd_log(XSD_LOG_INFO, "quota %s set to %s", argv[1], argv[2]);
    return err ? err : (req_ack(r) ? 0 : ENOMEM);
}

static int control_drop_privilege(struct xs_req *r, const char **argv,
                                  int32_t argc)
{
    uint32_t domid;

    if (argc != 2 || !parse_domid(argv[1], &domid) || domid == 0)
        return EINVAL;
    if (!req_ack(r))
        return ENOMEM;
    r->conn->caller.privileged = false;
    r->conn->caller.domid = domid;
    xsd_log(XSD_LOG_INFO, "a socket client now acts as domain %u", domid);
    return 0;
}

static int control_domain_state(struct xs_req *r, const char **argv,
                                int32_t argc)
{
    struct xsd *x = r->conn->xsd;
    enum xs_dom_state state = XS_DOM_DYING;
    bool dying = !strcmp(argv[0], "domain-dying");
    uint32_t domid;
    int err;

    if (!x->dominfo || !x->dominfo->simulated)
        return EINVAL;      /* a real hypervisor says how domains are */
    if (argc != (dying ? 2 : 3) || !parse_domid(argv[1], &domid) ||
        domid == 0 || (!dying && !dominfo_state_parse(argv[2], &state)))
        return EINVAL;
    err = dominfo_sim_set(x->dominfo, domid, state);
    if (err)
        return err;
    xsd_log(XSD_LOG_INFO, "control: simulated domain %u is now %s", domid,
            dying ? "dying" : argv[2]);
    domain_check_all(x);
    return req_ack(r) ? 0 : ENOMEM;
}

int h_control(struct xs_req *r)
{
    const char *argv[MAX_CONTROL_ARGS];
    int32_t argc = req_count_args(r);
    const char *p = r->payload;
    int32_t i;

    if (argc < 1 || argc > MAX_CONTROL_ARGS)
        return EINVAL;
    for (i = 0; i < argc; i++, p += strlen(p) + 1)
        argv[i] = p;
    if (!strcmp(argv[0], "help"))
        return buf_append_str0(&r->reply, control_help) ? 0 : ENOMEM;
    if (!strcmp(argv[0], "print")) {
        xsd_log(XSD_LOG_INFO, "control: %s", argc > 1 ? argv[1] : "");
        return req_ack(r) ? 0 : ENOMEM;
    }
    if (!strcmp(argv[0], "log"))
        return control_log(r, argv, argc);
    if (!strcmp(argv[0], "quota"))
        return control_quota(r, argv, argc);
    if (!strcmp(argv[0], "drop-privilege"))
        return control_drop_privilege(r, argv, argc);
    if (!strcmp(argv[0], "domain-state") || !strcmp(argv[0], "domain-dying"))
        return control_domain_state(r, argv, argc);
    return EINVAL;
}
