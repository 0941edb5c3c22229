/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain-info provider on a Linux dom0: VIRQ_DOM_EXC bound through
 * /dev/xen/evtchn, domain states read with XEN_SYSCTL_getdomaininfolist
 * (Xen 4.17's interface version) issued through /dev/xen/privcmd.
 */
#ifndef XSD_DOMINFO_XEN_H
#define XSD_DOMINFO_XEN_H

#include "dominfo.h"

/* The provider, or NULL (logged) when the devices are absent. */
struct xs_dominfo *dominfo_xen_open(void);

#endif
