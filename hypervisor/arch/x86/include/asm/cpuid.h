/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID leaves of a policy (hvm/cpu_policy.c), shared by the guest's
 * CPUID exit (hvm/cpuid.c, which adds each vCPU's own bits) and the
 * toolstack's policy ops (keel/cpu_policy.h).
 */
#ifndef ASM_CPUID_H
#define ASM_CPUID_H

#include <keel/cpu_policy.h>
#include <keel/types.h>

/* Leaf, subleaf of the kind's policy for d (d may be NULL but for
 * CPU_POLICY_DOMAIN): zero past the policy's highest basic or extended
 * leaf; no per-vCPU bits (APIC ID, OSXSAVE) and no hypervisor leaves. */
void cpuid_policy_leaf(const struct domain *d, enum cpu_policy_kind kind, uint32_t leaf,
                       uint32_t subleaf, uint32_t r[4]);

#endif
