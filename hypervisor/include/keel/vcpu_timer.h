/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-vCPU time state behind HYPERVISOR_vcpu_op (common/vcpu_timer.c): the
 * singleshot and periodic timers that raise VIRQ_TIMER, the SCHEDOP_poll
 * timeout, runstate accounting (struct vcpu_runstate_info, in ns of NOW())
 * and its copy in guest memory, and the vCPU teardown of all of it together
 * with the registered vcpu_info (common/vcpu_op.c).
 *
 * Timers live on v->processor (vCPUs never move in Keel) and run from its
 * TIMER_SOFTIRQ, so they never race with v's own exits.  The runstate is
 * changed under v's run queue lock (common/schedule.c) and published to the
 * guest on v's CPU when v is scheduled in and out, with XEN_RUNSTATE_UPDATE
 * set in state_entry_time while the copy is written.
 */
#ifndef KEEL_VCPU_TIMER_H
#define KEEL_VCPU_TIMER_H

#include <keel/timer.h>
#include <keel/types.h>

struct vcpu;
struct vcpu_runstate_info;

/* Creation (before v can run): timers bound to v's CPU, runstate offline. */
void vcpu_time_init(struct vcpu *v);
/* Teardown, before domain_destroy frees anything: timers killed (waits for
 * a running handler), the vcpu_info reference dropped, no runstate copy. */
void vcpu_time_teardown(struct vcpu *v);

/* VCPUOP_set_singleshot_timer / stop: fire VIRQ_TIMER at abs (NOW() time). */
void vcpu_singleshot_set(struct vcpu *v, s_time_t abs);
void vcpu_singleshot_stop(struct vcpu *v);
/* VCPUOP_set_periodic_timer: period 0 stops it. */
void vcpu_periodic_set(struct vcpu *v, s_time_t period);
/* SCHEDOP_poll: wake v at abs unless a port wakes it first; 0 = no timeout. */
void vcpu_poll_timer_set(struct vcpu *v, s_time_t abs);

/* Runstate: enter RUNSTATE_* at now (the caller holds v's run queue lock). */
void vcpu_runstate_change(struct vcpu *v, int32_t state, s_time_t now);
/* A consistent copy, times brought up to now. */
void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out);
/* Write the guest's copy, if registered (on v's CPU, v not in guest mode). */
void vcpu_runstate_publish(struct vcpu *v);
/* VCPUOP_register_runstate_memory_area: keep a copy at gva (written now,
 * through caller's page tables). */
void vcpu_runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t gva);

/* SCHEDOP_poll (common/sched_op.c): v is being scheduled in, so any poll
 * it was blocked in has ended. */
void sched_poll_end(struct vcpu *v);

/* Drop the registered vcpu_info (common/vcpu_op.c); teardown only. */
void vcpu_info_release(struct vcpu *v);

#endif
