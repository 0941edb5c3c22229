// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPU policy ops (keel/cpu_policy.h): XEN_DOMCTL_get_cpu_policy and
 * set_cpu_policy, XEN_SYSCTL_get_cpu_policy and get_cpu_featureset.  These
 * copy the policies the arch lists to and from the caller with Xen 4.17's
 * rules: a null handle asks how many entries to make room for (the most a
 * policy lists), too little room is -ENOBUFS, and a rejected set reports
 * the leaf or MSR at fault in err_*.  Keel has no MSR policy: its MSR lists
 * are empty and any MSR given to set is refused.
 */
#include <asm/hvm_vcpu.h>
#include <keel/cpu_policy.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/xmalloc.h>

struct to_guest {
    struct vcpu *caller;
    uint64_t base;
    uint32_t room, n;
};

static int copy_leaf_out(void *ctx, const xen_cpuid_leaf_t *l)
{
    struct to_guest *t = ctx;

    if (t->n == t->room)
        return -ENOBUFS;
    if (copy_to_guest(t->caller, t->base + (uint64_t)t->n * sizeof(*l), l, sizeof(*l)) < 0)
        return -EFAULT;
    t->n++;
    return 0;
}

/* The leaves into the caller's array: *nr in, room; out, entries written
 * (left as it was on error, as Xen). */
static int leaves_out(struct vcpu *caller, const struct domain *d, enum cpu_policy_kind kind,
                      uint64_t base, uint32_t *nr)
{
    struct to_guest t = { .caller = caller, .base = base, .room = *nr, .n = 0 };
    int ret;

    if (!base) {
        *nr = CPU_POLICY_MAX_LEAVES;
        return 0;
    }
    ret = arch_cpu_policy_walk(d, kind, copy_leaf_out, &t);
    if (ret == 0)
        *nr = t.n;
    return ret;
}


long domctl_get_cpu_policy(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                           bool *copyback)
{
    struct xen_domctl_cpu_policy *p = &op->u.cpu_policy;
    long ret = leaves_out(caller, d, CPU_POLICY_DOMAIN, xen_guest_handle_addr(p->leaves),
                          &p->nr_leaves);

    if (ret == 0)
        p->nr_msrs = 0;         /* no MSR entries (nor room asked for any) */
    *copyback = ret == 0;
    return ret;
}

/* Has d ever run?  Xen refuses a new policy once creation has finished. */
static bool domain_started(const struct domain *d)
{
    for (uint32_t i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i] && (d->vcpus[i]->state != VCPU_OFFLINE || d->vcpus[i]->is_initialised))
            return true;
    return false;
}

static long set_policy(struct vcpu *caller, struct domain *d, struct xen_domctl_cpu_policy *p)
{
    xen_cpuid_leaf_t *leaves;
    xen_msr_entry_t msr;
    long ret = 0;

    if (p->nr_leaves > CPU_POLICY_MAX_LEAVES)
        return -E2BIG;
    if (p->nr_msrs) {       /* Keel lists no MSRs: the first is unknown */
        if (copy_from_guest(caller, &msr, xen_guest_handle_addr(p->msrs), sizeof(msr)) < 0)
            return -EFAULT;
        p->err_msr = msr.idx;
        return -ERANGE;
    }
    leaves = xmalloc(sizeof(*leaves) * (p->nr_leaves ? p->nr_leaves : 1));
    if (!leaves)
        return -ENOMEM;
    if (copy_from_guest(caller, leaves, xen_guest_handle_addr(p->leaves),
                        (uint64_t)p->nr_leaves * sizeof(*leaves)) < 0)
        ret = -EFAULT;
    if (ret == 0) {
        spin_lock(&d->lock);
        ret = arch_cpu_policy_set(d, leaves, p->nr_leaves, &p->err_leaf, &p->err_subleaf);
        spin_unlock(&d->lock);
    }
    xfree(leaves);
    return ret;
}

long domctl_set_cpu_policy(struct vcpu *caller, struct domain *d, struct xen_domctl *op,
                           bool *copyback)
{
    struct xen_domctl_cpu_policy *p = &op->u.cpu_policy;
    long ret;

    if (d == caller->domain)
        return -EINVAL;
    if (domain_started(d))
        return -EEXIST;
    p->err_leaf = p->err_subleaf = p->err_msr = XEN_CPUID_INPUT_UNUSED;
    ret = set_policy(caller, d, p);
    if (ret) {
        *copyback = true;       /* err_*, as Xen */
        printk("domctl: d%u: cpu policy refused (%ld): leaf %#x/%#x msr %#x\n", d->domid,
               ret, p->err_leaf, p->err_subleaf, p->err_msr);
    }
    return ret;
}

/* ---- sysctl ------------------------------------------------------------- */

/* Xen's XEN_SYSCTL_cpu_policy_* and _cpu_featureset_* indices to Keel's
 * kinds (both number raw 0, host 1, PV 2 and 4, HVM 3 and 5; Keel's raw
 * and host are the same, and so are its HVM max and default);
 * -EOPNOTSUPP for PV (Keel has none), -EINVAL past the last. */
static int policy_kind(uint32_t index, enum cpu_policy_kind *kind)
{
    static const int8_t map[] = { CPU_POLICY_HOST, CPU_POLICY_HOST, -1,
                                  CPU_POLICY_GUEST, -1, CPU_POLICY_GUEST };

    if (index >= ARRAY_SIZE(map))
        return -EINVAL;
    if (map[index] < 0)
        return -EOPNOTSUPP;
    *kind = (enum cpu_policy_kind)map[index];
    return 0;
}

long sysctl_get_cpu_policy(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)
{
    struct xen_sysctl_cpu_policy *p = &op->u.cpu_policy;
    enum cpu_policy_kind kind;
    long ret;

    if (p->_rsvd)
        return -EINVAL;
    ret = policy_kind(p->index, &kind);
    if (ret)
        return ret;
    ret = leaves_out(caller, NULL, kind, xen_guest_handle_addr(p->leaves), &p->nr_leaves);
    if (ret)
        return ret;
    p->nr_msrs = 0;
    *copyback = true;
    return 0;
}

long sysctl_get_cpu_featureset(struct vcpu *caller, struct xen_sysctl *op, bool *copyback)
{
    struct xen_sysctl_cpu_featureset *f = &op->u.cpu_featureset;
    uint64_t base = xen_guest_handle_addr(f->features);
    uint32_t fs[CPU_FEATURESET_WORDS];
    enum cpu_policy_kind kind;
    uint32_t nr;
    long ret;

    if (!base) {
        f->nr_features = CPU_FEATURESET_WORDS;
        *copyback = true;
        return 0;
    }
    nr = f->nr_features < CPU_FEATURESET_WORDS ? f->nr_features : CPU_FEATURESET_WORDS;
    ret = policy_kind(f->index, &kind);
    if (ret)
        return ret;
    arch_cpu_featureset(NULL, kind, fs);
    if (copy_to_guest(caller, base, fs, (uint64_t)nr * sizeof(fs[0])) < 0)
        return -EFAULT;
    f->nr_features = nr;
    *copyback = true;
    return nr < CPU_FEATURESET_WORDS ? -ENOBUFS : 0;
}
