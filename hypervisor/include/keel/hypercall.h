/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls: the dispatcher reads the number and arguments from the
 * calling vCPU (64-bit: RAX; RDI, RSI, RDX, R10, R8.  32-bit: EAX; EBX,
 * ECX, EDX, ESI, EDI), calls the handler from the table in
 * common/hypercall.c and writes the result to RAX.  Unknown numbers get
 * -ENOSYS.  Handlers copy their argument in once with copy_from_guest,
 * check it, act, and copy results out.
 */
#ifndef KEEL_HYPERCALL_H
#define KEEL_HYPERCALL_H

#include <keel/types.h>

struct vcpu;

typedef long (*hypercall_fn_t)(struct vcpu *v, const uint64_t args[5]);

/* true when the handler asked to be run again (a continuation): the
 * caller (arch exit code) then leaves the guest's RIP on the hypercall
 * instruction, so the guest re-executes it with the new arguments the
 * dispatcher wrote to its registers; RAX keeps the hypercall number. */
bool hypercall_dispatch(struct vcpu *v);

/* Continuations, for handlers with long batches: having done part of the
 * work, a handler calls hypercall_create_continuation with the arguments
 * that describe what is left (for a batch: the handle advanced past the
 * ops done, the count reduced) and returns its result, -ERESTART.  The
 * guest sees nothing but the hypercall taking longer (and its argument
 * registers changed, which Xen's guests expect).  hypercall_preempt_check
 * says whether to stop now: a softirq is pending on this CPU (a timer, a
 * reschedule).  Handlers also stop after a bounded amount of work of
 * their own, so one hypercall never holds a CPU for long. */
long hypercall_create_continuation(struct vcpu *v, const uint64_t args[5]);
bool hypercall_preempt_check(void);

/* The guest wrote the hypercall-page MSR: fill the page at gpa (low 12
 * bits: page index, must be 0).  0, or -EPERM for a #GP. */
int hypercall_page_install(struct vcpu *v, uint64_t val);

long do_xen_version(struct vcpu *v, const uint64_t args[5]);
long do_console_io(struct vcpu *v, const uint64_t args[5]);
long do_sched_op(struct vcpu *v, const uint64_t args[5]);
long do_hvm_op(struct vcpu *v, const uint64_t args[5]);
/* 0, or -EPERM when caller may not set (or get) HVM param index of d: a
 * guest on itself only what Xen lets it (common/hvm_op.c). */
int hvm_param_allowed(const struct domain *caller, const struct domain *d,
                      uint32_t index, bool set);
long do_vcpu_op(struct vcpu *v, const uint64_t args[5]);
long do_memory_op(struct vcpu *v, const uint64_t args[5]);
long do_event_channel_op(struct vcpu *v, const uint64_t args[5]);
long do_grant_table_op(struct vcpu *v, const uint64_t args[5]);

#endif
