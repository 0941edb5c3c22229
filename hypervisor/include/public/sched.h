/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_sched_op(cmd, arg): yield, block, shutdown, poll and friends,
 * with their argument structs and the shutdown reasons.  Values and layouts
 * are Xen's (public/sched.h); text is Keel's.
 */
#ifndef KEEL_PUBLIC_SCHED_H
#define KEEL_PUBLIC_SCHED_H

#include <stdint.h>

#include "event_channel.h"

#define SCHEDOP_yield            0  /* give up the CPU; arg unused */
#define SCHEDOP_block            1  /* sleep until an event is pending (unmasks upcalls) */
#define SCHEDOP_shutdown         2  /* struct sched_shutdown */
#define SCHEDOP_poll             3  /* struct sched_poll */
#define SCHEDOP_remote_shutdown  4  /* struct sched_remote_shutdown (privileged) */
#define SCHEDOP_shutdown_code    5  /* struct sched_shutdown: record reason, do not stop */
#define SCHEDOP_watchdog         6  /* struct sched_watchdog */
#define SCHEDOP_pin_override     7  /* struct sched_pin_override (dom0) */

struct sched_shutdown {
    uint32_t reason;   /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

/* Block until one of ports is pending or timeout (absolute system time in
 * ns; 0 = none) passes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    uint32_t nr_ports;
    uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

struct sched_remote_shutdown {
    domid_t domain_id;
    uint32_t reason;   /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

/* id 0 creates a watchdog (returns its id); timeout 0 destroys id. */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;  /* seconds */
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

struct sched_pin_override {
    int32_t pcpu;      /* < 0 ends the override */
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

/* Shutdown reasons. */
#define SHUTDOWN_poweroff    0  /* stopped normally: destroy */
#define SHUTDOWN_reboot      1  /* destroy and restart */
#define SHUTDOWN_suspend     2  /* save state for resume */
#define SHUTDOWN_crash       3  /* the guest crashed */
#define SHUTDOWN_watchdog    4  /* a watchdog expired */
#define SHUTDOWN_soft_reset  5  /* reset, keeping memory, for kexec */
#define SHUTDOWN_MAX         5

#endif /* KEEL_PUBLIC_SCHED_H */
