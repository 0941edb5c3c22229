// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU policies (keel/cpu_policy.h, asm/cpuid.h): the host's CPUID; the one
 * Keel offers guests (the host's with what Keel cannot virtualise hidden:
 * SVM, MONITOR/MWAIT, SME/SEV, machine checks; x2APIC and TSC-deadline
 * offered, since the virtual local APIC has them; the hypervisor bit); and a
 * domain's, which is that less the feature bits its toolstack set away.
 * Lists the leaves as Xen serialises a policy: basic leaves up to 0xd,
 * extended up to 0x80000021, with the sub-leaves of 4, 7, 0xb and 0xd.
 */
#include <asm/cpuid.h>
#include <asm/processor.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define BASIC_LAST              0xdu
#define EXTD_FIRST              0x80000000u
#define EXTD_LAST               0x80000021u
#define CACHE_SUBLEAVES         5u
#define FEAT_SUBLEAVES          3u      /* leaf 7: 0..2 */
#define TOPO_SUBLEAVES          2u
#define XSTATE_SUBLEAVES        63u

#define CPUID1_ECX_MONITOR      (1u << 3)
#define CPUID1_ECX_VMX          (1u << 5)
#define CPUID1_ECX_X2APIC       (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_OSXSAVE      (1u << 27)
#define CPUID1_ECX_HYPERVISOR   (1u << 31)
#define CPUID1_EDX_MCE          (1u << 7)
#define CPUID1_EDX_MCA          (1u << 14)
#define CPUID_EXT1_ECX_SVM      (1u << 2)
#define CPUID_EXT1_ECX_SKINIT   (1u << 12)

enum { EAX, EBX, ECX, EDX };

_Static_assert(sizeof(((struct hvm_domain *)0)->cpuid_hidden) ==
               CPU_FEATURESET_WORDS * sizeof(uint32_t), "cpuid_hidden: one per word");

/* Where each featureset word lives (Xen's FEATURESET_* order). */
static const struct fs_word {
    uint32_t leaf, subleaf;
    uint8_t reg;
} fs_words[CPU_FEATURESET_WORDS] = {
    { 0x00000001, 0, EDX }, { 0x00000001, 0, ECX }, { 0x80000001, 0, EDX },
    { 0x80000001, 0, ECX }, { 0x0000000d, 1, EAX }, { 0x00000007, 0, EBX },
    { 0x00000007, 0, ECX }, { 0x80000007, 0, EDX }, { 0x80000008, 0, EBX },
    { 0x00000007, 0, EDX }, { 0x00000007, 1, EAX }, { 0x80000021, 0, EAX },
    { 0x00000007, 1, EBX }, { 0x00000007, 2, EDX },
};

static bool has_subleaves(uint32_t leaf)
{
    return leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd;
}

static void host_leaf(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    struct cpuid_regs h = cpuid_count(leaf, subleaf);

    r[EAX] = h.eax;
    r[EBX] = h.ebx;
    r[ECX] = h.ecx;
    r[EDX] = h.edx;
}

/* Is leaf within the host's basic or extended range? */
static bool host_has_leaf(uint32_t leaf)
{
    uint32_t base = leaf & EXTD_FIRST;
    uint32_t max = cpuid_count(base, 0).eax;

    if (base == EXTD_FIRST && max < EXTD_FIRST)
        return false;
    return leaf <= max;
}

/* What Keel changes in every guest's view. */
static void guest_adjust(const struct domain *d, uint32_t leaf, uint32_t r[4])
{
    switch (leaf) {
    case 1:
        r[EBX] &= 0x0000ffff;   /* APIC ID: per vCPU; logical count: */
        if (d)
            r[EBX] |= (d->nr_vcpus & 0xff) << 16;
        r[ECX] &= ~(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX | CPUID1_ECX_OSXSAVE);
        r[ECX] |= CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE | CPUID1_ECX_HYPERVISOR;
        r[EDX] &= ~(CPUID1_EDX_MCE | CPUID1_EDX_MCA);   /* no virtual MCA MSRs */
        break;
    case 5:                 /* MONITOR/MWAIT */
    case 0x8000000a:        /* SVM features */
    case 0x8000001f:        /* SME/SEV */
        r[EAX] = r[EBX] = r[ECX] = r[EDX] = 0;
        break;
    case 0x80000001:
        r[ECX] &= ~(CPUID_EXT1_ECX_SVM | CPUID_EXT1_ECX_SKINIT);
        break;
    default:
        break;
    }
}

static void domain_mask(const struct domain *d, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    for (uint32_t w = 0; w < CPU_FEATURESET_WORDS; w++)
        if (fs_words[w].leaf == leaf && (!has_subleaves(leaf) || fs_words[w].subleaf == subleaf))
            r[fs_words[w].reg] &= ~d->hvm.cpuid_hidden[w];
}

void cpuid_policy_leaf(const struct domain *d, enum cpu_policy_kind kind, uint32_t leaf,
                       uint32_t subleaf, uint32_t r[4])
{
    r[EAX] = r[EBX] = r[ECX] = r[EDX] = 0;
    if (!host_has_leaf(leaf))
        return;
    host_leaf(leaf, subleaf, r);
    if (kind == CPU_POLICY_HOST)
        return;
    guest_adjust(d, leaf, r);
    if (kind == CPU_POLICY_DOMAIN && d)
        domain_mask(d, leaf, subleaf, r);
}

/* ---- listing ----------------------------------------------------------- */

struct walk {
    const struct domain *d;
    enum cpu_policy_kind kind;
    cpu_policy_leaf_fn fn;
    void *ctx;
};

static int emit(const struct walk *w, uint32_t leaf, uint32_t subleaf)
{
    uint32_t r[4];
    xen_cpuid_leaf_t l;

    cpuid_policy_leaf(w->d, w->kind, leaf, has_subleaves(leaf) ? subleaf : 0, r);
    l.leaf = leaf;
    l.subleaf = has_subleaves(leaf) ? subleaf : XEN_CPUID_NO_SUBLEAF;
    l.a = r[EAX];
    l.b = r[EBX];
    l.c = r[ECX];
    l.d = r[EDX];
    return w->fn(w->ctx, &l);
}

/* How many sub-leaves of leaf the policy lists. */
static uint32_t nr_subleaves(const struct walk *w, uint32_t leaf)
{
    uint32_t r[4], hi = 0;
    uint64_t mask;

    switch (leaf) {
    case 4:             /* up to the first null cache descriptor */
        for (uint32_t s = 0; s < CACHE_SUBLEAVES; s++) {
            cpuid_policy_leaf(w->d, w->kind, leaf, s, r);
            if ((r[EAX] & 0x1f) == 0)
                return s;
        }
        return CACHE_SUBLEAVES;
    case 7:
        cpuid_policy_leaf(w->d, w->kind, leaf, 0, r);
        return r[EAX] + 1 < FEAT_SUBLEAVES ? r[EAX] + 1 : FEAT_SUBLEAVES;
    case 0xb:
        return TOPO_SUBLEAVES;
    case 0xd:           /* 0, 1, then up to the highest state component */
        cpuid_policy_leaf(w->d, w->kind, leaf, 0, r);
        mask = r[EAX] | ((uint64_t)r[EDX] << 32);
        cpuid_policy_leaf(w->d, w->kind, leaf, 1, r);
        mask |= r[ECX] | ((uint64_t)r[EDX] << 32);
        for (uint32_t b = 2; b < XSTATE_SUBLEAVES; b++)
            if (mask & (1ULL << b))
                hi = b;
        return hi > 1 ? hi + 1 : 2;
    default:
        return 1;
    }
}

static int walk_range(const struct walk *w, uint32_t first, uint32_t last)
{
    uint32_t r[4];
    int ret;

    cpuid_policy_leaf(w->d, w->kind, first, 0, r);
    if (r[EAX] < first)
        return 0;
    if (r[EAX] < last)
        last = r[EAX];
    for (uint32_t leaf = first; leaf <= last; leaf++) {
        uint32_t n = nr_subleaves(w, leaf);
        for (uint32_t s = 0; s < n; s++)
            if ((ret = emit(w, leaf, s)))
                return ret;
    }
    return 0;
}

int arch_cpu_policy_walk(const struct domain *d, enum cpu_policy_kind kind,
                         cpu_policy_leaf_fn fn, void *ctx)
{
    struct walk w = { .d = d, .kind = kind, .fn = fn, .ctx = ctx };
    int ret = walk_range(&w, 0, BASIC_LAST);

    return ret ? ret : walk_range(&w, EXTD_FIRST, EXTD_LAST);
}

void arch_cpu_featureset(const struct domain *d, enum cpu_policy_kind kind,
                         uint32_t fs[CPU_FEATURESET_WORDS])
{
    uint32_t r[4];

    for (uint32_t w = 0; w < CPU_FEATURESET_WORDS; w++) {
        cpuid_policy_leaf(d, kind, fs_words[w].leaf, fs_words[w].subleaf, r);
        fs[w] = r[fs_words[w].reg];
    }
}

/* ---- setting ------------------------------------------------------------ */

struct find {
    const xen_cpuid_leaf_t *want;
    xen_cpuid_leaf_t found;
};

static int find_leaf(void *ctx, const xen_cpuid_leaf_t *l)
{
    struct find *f = ctx;

    if (l->leaf != f->want->leaf || l->subleaf != f->want->subleaf)
        return 0;
    f->found = *l;
    return 1;
}

/* Check one given leaf against the domain's GUEST policy g; record the
 * bits it drops in hidden[]. */
static int check_leaf(const xen_cpuid_leaf_t *given, const xen_cpuid_leaf_t *g,
                      uint32_t hidden[CPU_FEATURESET_WORDS], bool seen[CPU_FEATURESET_WORDS])
{
    uint32_t want[4] = { given->a, given->b, given->c, given->d };
    uint32_t have[4] = { g->a, g->b, g->c, g->d };
    bool feature[4] = { false, false, false, false };

    for (uint32_t w = 0; w < CPU_FEATURESET_WORDS; w++) {
        if (fs_words[w].leaf != g->leaf ||
            (has_subleaves(g->leaf) && fs_words[w].subleaf != g->subleaf))
            continue;
        feature[fs_words[w].reg] = true;
        if (want[fs_words[w].reg] & ~have[fs_words[w].reg])
            return -EINVAL;     /* a bit Keel does not offer */
        hidden[w] = have[fs_words[w].reg] & ~want[fs_words[w].reg];
        seen[w] = true;
    }
    for (uint32_t i = 0; i < 4; i++)
        if (!feature[i] && want[i] != have[i])
            return -EINVAL;     /* not a feature word: must be as it is */
    return 0;
}

int arch_cpu_policy_set(struct domain *d, const xen_cpuid_leaf_t *leaves, uint32_t nr,
                        uint32_t *err_leaf, uint32_t *err_subleaf)
{
    uint32_t hidden[CPU_FEATURESET_WORDS] = { 0 };
    bool seen[CPU_FEATURESET_WORDS] = { false };

    for (uint32_t i = 0; i < nr; i++) {
        struct find f = { .want = &leaves[i] };
        int ret;

        if (!arch_cpu_policy_walk(d, CPU_POLICY_GUEST, find_leaf, &f))
            ret = -ERANGE;
        else
            ret = check_leaf(&leaves[i], &f.found, hidden, seen);
        if (ret) {
            *err_leaf = leaves[i].leaf;
            *err_subleaf = leaves[i].subleaf;
            return ret;
        }
    }
    /* Words of leaves not given keep what was set before. */
    for (uint32_t w = 0; w < CPU_FEATURESET_WORDS; w++)
        if (seen[w])
            d->hvm.cpuid_hidden[w] = hidden[w];
    return 0;
}
