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

void hypercall_dispatch(struct vcpu *v);

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
