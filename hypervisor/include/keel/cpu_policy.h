/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU policies: the CPUID leaves a domain sees, as the toolstack reads and
 * sets them (XEN_DOMCTL_get/set_cpu_policy, XEN_SYSCTL_get_cpu_policy,
 * XEN_SYSCTL_get_cpu_featureset; common/domctl_cpu_policy.c).  The common
 * handlers call the arch-neutral functions below; what the leaves hold is
 * the arch's (arch/x86/hvm/cpu_policy.c).  Keel has no MSR policy: its MSR
 * lists are empty (docs/control-abi.md).
 */
#ifndef KEEL_CPU_POLICY_H
#define KEEL_CPU_POLICY_H

#include <keel/types.h>
#include <public/domctl.h>

struct domain;

enum cpu_policy_kind {
    CPU_POLICY_HOST,        /* the machine's CPUID, unchanged (raw, host) */
    CPU_POLICY_GUEST,       /* what Keel offers any guest (hvm_max, hvm_default) */
    CPU_POLICY_DOMAIN,      /* what d's vCPUs see: GUEST less what was set away */
};

#define CPU_POLICY_MAX_LEAVES   128     /* the most leaves a policy lists */
#define CPU_FEATURESET_WORDS    14      /* Xen 4.17's featureset length */

/* Called once per leaf of the policy, in order; a nonzero return stops
 * the walk and is returned by it. */
typedef int (*cpu_policy_leaf_fn)(void *ctx, const xen_cpuid_leaf_t *l);
int arch_cpu_policy_walk(const struct domain *d, enum cpu_policy_kind kind,
                         cpu_policy_leaf_fn fn, void *ctx);

/* The feature words of a policy (Xen's featureset order). */
void arch_cpu_featureset(const struct domain *d, enum cpu_policy_kind kind,
                         uint32_t fs[CPU_FEATURESET_WORDS]);

/* Make leaves[0..nr) d's policy: each must be a leaf of d's GUEST policy,
 * equal to it except that feature words may drop bits (which d's vCPUs
 * then no longer see).  0, or -ERANGE (not a leaf Keel lists) / -EINVAL
 * (a value Keel cannot honour) with *err_leaf, *err_subleaf naming the
 * leaf; on error d is unchanged. */
int arch_cpu_policy_set(struct domain *d, const xen_cpuid_leaf_t *leaves, uint32_t nr,
                        uint32_t *err_leaf, uint32_t *err_subleaf);

#endif
