// SPDX-License-Identifier: MIT
/*
 * test-exits: a long run of VM exits, each result checked against values
 * fixed in advance, never against what the hypervisor answered first.
 * 1,000,000 CPUIDs cycling through five leaves, then 100,000 XENVER_version
 * hypercalls.  Prints the TSC cycles per exit.
 *
 * The expected values, and where they are documented:
 *   0x40000000  EBX:ECX:EDX "XenVMMXenVMM" (Xen's public/arch-x86/cpuid.h);
 *               EAX the last Xen leaf: 0x40000004 on Keel
 *               (docs/abi-coverage.md: leaves 0x40000000-4), 0x40000005 on
 *               Xen 4.17, which has the sixth leaf.
 *   0x40000001  EAX 0x00040011, version 4.17 (Keel presents Xen 4.17:
 *               docs/abi-coverage.md); EBX-EDX 0, reserved (cpuid.h).
 *   0x40000002  EAX 1 hypercall page, EBX 0x40000000 the MSR, ECX/EDX 0:
 *               Xen's values for a non-Viridian HVM/PVH guest (cpuid.h;
 *               Keel: docs/abi-coverage.md, the hypercall page).
 *   1           ECX[31] hypervisor set, ECX[21] x2APIC set, ECX[5] VMX and
 *               ECX[3] MONITOR clear, EBX[31:24] APIC ID 0 of vCPU 0
 *               (Keel's policy, hypervisor/arch/x86/hvm/cpuid.c; Xen 4.17
 *               agrees on each).  Other bits are the host's: unchecked.
 *   0x80000001  ECX[2] SVM and ECX[12] SKINIT clear (the same policy).
 *   XENVER_version  0x00040011, the same version as leaf 0x40000001.
 *
 * Options "cpuid=N" and "hypercalls=N" change the counts.
 */
#include <public/version.h>
#include "guest.h"
#include "guest_opts.h"

const char test_title[] = "exits";

#define DEFAULT_CPUIDS      1000000u
#define DEFAULT_HYPERCALLS  100000u
#define MAX_REPORTS         5u

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t opt_count(const char *name, uint32_t dflt)
{
    char buf[16];
    if (!guest_opt_value(name, buf, sizeof(buf)) || !buf[0])
        return dflt;
    uint32_t n = 0;
    for (const char *c = buf; *c >= '0' && *c <= '9'; c++)
        n = n * 10 + (uint32_t)(*c - '0');
    return n;
}

#define XEN_VERSION_4_17    0x00040011u
#define LEAVES              5u

/* Each leaf's registers under mask must equal want. */
struct leaf_want {
    uint32_t leaf;
    struct cpuid_regs want, mask;
};

static const struct leaf_want leaves[LEAVES] = {
    { 0x40000000, { 0x40000004, XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
                    XEN_CPUID_SIGNATURE_EDX },
      { 0xfffffffe, ~0u, ~0u, ~0u } },      /* EAX 0x40000004 or 0x40000005 */
    { 0x40000001, { XEN_VERSION_4_17, 0, 0, 0 }, { ~0u, ~0u, ~0u, ~0u } },
    { 0x40000002, { 1, 0x40000000, 0, 0 }, { ~0u, ~0u, ~0u, ~0u } },
    { 1, { 0, 0, (1u << 31) | (1u << 21), 0 },
      { 0, 0xff000000u, (1u << 31) | (1u << 21) | (1u << 5) | (1u << 3), 0 } },
    { 0x80000001, { 0, 0, 0, 0 }, { 0, 0, (1u << 2) | (1u << 12), 0 } },
};

static bool matches(const struct cpuid_regs *r, const struct leaf_want *w)
{
    return (r->eax & w->mask.eax) == w->want.eax && (r->ebx & w->mask.ebx) == w->want.ebx &&
           (r->ecx & w->mask.ecx) == w->want.ecx && (r->edx & w->mask.edx) == w->want.edx;
}

static void run_cpuid(uint32_t count)
{
    uint32_t bad = 0;

    CHECK(xen_cpuid.base == 0x40000000, "Xen leaves at 0x%x, not 0x40000000", xen_cpuid.base);
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < count; i++) {
        const struct leaf_want *w = &leaves[i % LEAVES];
        struct cpuid_regs r = cpuid(w->leaf);
        if (!matches(&r, w) && bad++ < MAX_REPORTS)
            test_fail("CPUID #%u leaf 0x%x: %x %x %x %x; under masks %x %x %x %x expected "
                      "%x %x %x %x", i, w->leaf, r.eax, r.ebx, r.ecx, r.edx, w->mask.eax,
                      w->mask.ebx, w->mask.ecx, w->mask.edx, w->want.eax, w->want.ebx,
                      w->want.ecx, w->want.edx);
    }
    uint64_t cycles = rdtsc() - t0;
    printf("CPUID: %u exits, %u wrong, %lu TSC cycles per exit\n", count, bad,
           count ? cycles / count : 0);
    CHECK(bad == 0, "%u of %u CPUID results wrong", bad, count);
}

static void run_hypercalls(uint32_t count)
{
    uint32_t bad = 0;

    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < count; i++) {
        long v = hyp_xen_version(XENVER_version, 0);
        if (v != XEN_VERSION_4_17 && bad++ < MAX_REPORTS)
            test_fail("xen_version #%u returned 0x%lx, expected 0x%x", i, v, XEN_VERSION_4_17);
    }
    uint64_t cycles = rdtsc() - t0;
    printf("xen_version via %s: %u exits, %u wrong, %lu TSC cycles per exit\n",
           hypercall_mode_name(hypercall_get_mode()), count, bad, count ? cycles / count : 0);
    CHECK(bad == 0, "%u of %u hypercall results wrong", bad, count);
}

void test_main(void)
{
    if (hypercall_get_mode() == HYPERCALL_NONE)
        test_abort("no Xen CPUID leaves: nothing to exit to");
    run_cpuid(opt_count("cpuid", DEFAULT_CPUIDS));
    run_hypercalls(opt_count("hypercalls", DEFAULT_HYPERCALLS));
}
