/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Access control: the one place that decides which domain may act on which
 * (Keel's counterpart of Xen's XSM hooks).  Today the rule is Xen's default
 * (dummy) policy: the control domain (d->privileged, dom0) may do every
 * control operation, no other domain may do any.  Every "dom0 only" check
 * in the hypervisor asks here, so a finer policy (a separate toolstack or
 * driver domain) later changes this file only.
 *
 * Each returns 0 (allowed) or -EPERM.  caller is the calling domain,
 * target the domain acted on (may be NULL where the op has none).
 */
#ifndef KEEL_ACCESS_H
#define KEEL_ACCESS_H

#include <keel/types.h>

struct domain;

/* HYPERVISOR_domctl op cmd on target (NULL: createdomain and the like). */
int access_domctl(const struct domain *caller, uint32_t cmd, const struct domain *target);

/* HYPERVISOR_sysctl op cmd. */
int access_sysctl(const struct domain *caller, uint32_t cmd);

/* memory_op op on behalf of another domain (foreign reservations, maps). */
int access_memory_op_foreign(const struct domain *caller, uint32_t op,
                             const struct domain *target);

/* A guest op naming a domain other than the caller (HVM params, event
 * channel status, grant-table queries): Xen's XSM_TARGET.  Allowed when
 * target is the caller itself. */
int access_other_domain(const struct domain *caller, const struct domain *target);

/* Privileged console and platform reads (CONSOLEIO_read): Xen's XSM_PRIV. */
int access_privileged(const struct domain *caller);

#endif
