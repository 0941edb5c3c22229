// SPDX-License-Identifier: GPL-2.0-only
/* The simulated domain-info provider (no hypervisor; tests). */
#include "dominfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "perms.h"

struct dominfo_sim {
    struct xs_dominfo di;       /* first: the public part */
    int fail;
    uint8_t state[XSD_DOMID_MAX + 1];
};

static int sim_query(struct xs_dominfo *di, uint32_t domid,
                     enum xs_dom_state *state)
{
    struct dominfo_sim *s = (struct dominfo_sim *)di;

    if (s->fail)
        return s->fail;
    *state = domid <= XSD_DOMID_MAX ? (enum xs_dom_state)s->state[domid]
                                    : XS_DOM_GONE;
    return 0;
}

static void sim_destroy(struct xs_dominfo *di)
{
    free(di);
}

struct xs_dominfo *dominfo_sim_new(void)
{
    struct dominfo_sim *s = calloc(1, sizeof(*s));   /* all XS_DOM_RUNNING */

    if (!s)
        return NULL;
    s->di.query = sim_query;
    s->di.destroy = sim_destroy;
    s->di.fd = -1;
    s->di.simulated = true;
    return &s->di;
}

int dominfo_sim_set(struct xs_dominfo *di, uint32_t domid,
                    enum xs_dom_state state)
{
    if (!di || !di->simulated || domid > XSD_DOMID_MAX ||
        (uint32_t)state > XS_DOM_GONE)
        return EINVAL;
    ((struct dominfo_sim *)di)->state[domid] = (uint8_t)state;
    return 0;
}

void dominfo_sim_fail(struct xs_dominfo *di, int err)
{
    if (di && di->simulated)
        ((struct dominfo_sim *)di)->fail = err;
}

bool dominfo_state_parse(const char *name, enum xs_dom_state *out)
{
    static const char *const names[] = {
        [XS_DOM_RUNNING] = "running", [XS_DOM_SHUTDOWN] = "shutdown",
        [XS_DOM_DYING] = "dying", [XS_DOM_GONE] = "gone",
    };
    uint32_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(name, names[i])) {
            *out = (enum xs_dom_state)i;
            return true;
        }
    }
    return false;
}
