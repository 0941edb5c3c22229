/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux dom0 glue for the ring transport: guest ring pages are mapped
 * through /dev/xen/gntdev (the reserved xenstore grant), event channels
 * bound through /dev/xen/evtchn, and dom0's own ring found via
 * /dev/xen/xenbus_backend (mmap + IOCTL_XENBUS_BACKEND_EVTCHN), or xenfs's
 * /proc/xen/xsd_kva and /proc/xen/xsd_port on kernels without it.
 */
#ifndef XSD_RING_XEN_H
#define XSD_RING_XEN_H

#include "xsd.h"

/* The backend for INTRODUCE, or NULL (logged) when the devices are absent. */
struct xs_ring_backend *ring_xen_open(struct xsd *x);
void ring_xen_close(struct xs_ring_backend *b);
int ring_xen_event_fd(const struct xs_ring_backend *b);
/* Handle the pending event-channel notifications. */
void ring_xen_handle_events(struct xsd *x, struct xs_ring_backend *b);

#endif
