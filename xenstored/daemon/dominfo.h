/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Asking the hypervisor whether a domain still lives.  Xen raises
 * VIRQ_DOM_EXC when some domain shuts down, crashes or is being destroyed,
 * without saying which; the daemon then asks about every introduced
 * domain (domain_check_all).  Two providers: dominfo_xen.c (privcmd
 * sysctl + the VIRQ bound through /dev/xen/evtchn) and the simulated one
 * below, used without a hypervisor and by the tests, where XS_CONTROL
 * "domain-state" plays the hypervisor.
 */
#ifndef XSD_DOMINFO_H
#define XSD_DOMINFO_H

#include <stdbool.h>
#include <stdint.h>

enum xs_dom_state {
    XS_DOM_RUNNING,     /* alive: running, blocked or paused */
    XS_DOM_SHUTDOWN,    /* shut down or crashed, not yet destroyed */
    XS_DOM_DYING,       /* being destroyed */
    XS_DOM_GONE,        /* no such domain */
};

struct xs_dominfo {
    /* 0 and *state, or the errno when the hypervisor could not be asked
     * (then the caller must release nothing). */
    int (*query)(struct xs_dominfo *di, uint32_t domid,
                 enum xs_dom_state *state);
    /* @fd polled readable: consume the notification; true when domains
     * should be checked.  May be NULL when fd is -1. */
    bool (*acknowledge)(struct xs_dominfo *di);
    void (*destroy)(struct xs_dominfo *di);
    int fd;             /* readable when a domain changed state, or -1 */
    bool simulated;     /* dominfo_sim: XS_CONTROL may change states */
};

/* The simulated hypervisor: every domain runs until told otherwise. */
struct xs_dominfo *dominfo_sim_new(void);
/* 0, or EINVAL for a bad domid / a provider that is not simulated. */
int dominfo_sim_set(struct xs_dominfo *di, uint32_t domid,
                    enum xs_dom_state state);
/* Make every query fail with @err (0: answer again). */
void dominfo_sim_fail(struct xs_dominfo *di, int err);
/* "running", "shutdown", "dying", "gone" -> state; false if unknown. */
bool dominfo_state_parse(const char *name, enum xs_dom_state *out);

#endif
