/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shared_info page of a domain (Xen's struct shared_info): one zeroed
 * page per domain, owned by Keel (DOMID_KEEL, never counted in tot_pages),
 * that the guest maps into its p2m with XENMEM_add_to_physmap
 * (XENMAPSPACE_shared_info, common/memory_op.c).  Keel keeps the wall clock
 * at boot (wc_*) and every vCPU's pvclock (vcpu_info[n].time, n < 32) up to
 * date in it: at domain creation, when it is mapped, and each time a vCPU
 * is scheduled.  Implemented in common/shared_info.c.
 */
#ifndef KEEL_SHARED_INFO_H
#define KEEL_SHARED_INFO_H

#include <keel/p2m.h>
#include <keel/types.h>

struct domain;
struct vcpu;
struct shared_info;

#define SHARED_INFO_UNMAPPED    (~(gfn_t)0)

/* Allocate the page (after the vCPUs exist) and fill the wall clock and
 * every vCPU's time.  0 or -ENOMEM. */
int shared_info_init(struct domain *d);
/* Free the page (scrubbed by the allocator before its next owner). */
void shared_info_teardown(struct domain *d);

/* The host address of d's shared_info page, or NULL until the guest has
 * mapped it (XENMEM_add_to_physmap). */
struct shared_info *domain_shared_info(struct domain *d);

/* v's vcpu_info: the copy registered with VCPUOP_register_vcpu_info
 * (common/vcpu_op.c), else its legacy slot in shared_info (vCPUs below 32,
 * whether or not the guest mapped the page), else NULL.  Every update of a
 * vcpu_info (events, pvclock) goes through this. */
struct vcpu_info *vcpu_info_of(struct vcpu *v);

/* Refresh v's pvclock so that the guest computes NOW() from its own TSC.
 * Called on v's CPU only: before each run (common/schedule.c) and by v's
 * own hypercalls. */
void update_vcpu_time(struct vcpu *v);

/* (Re)write the wall clock of d's shared_info page: boot time plus
 * d->time_offset seconds. */
void shared_info_write_wallclock(struct domain *d);

#endif
