// SPDX-License-Identifier: MIT
/*
 * test-exits: a long run of VM exits, each result checked.  1,000,000 CPUID
 * instructions cycling through the Xen signature, version and hypercall
 * leaves and the vendor leaf, then 100,000 XENVER_version hypercalls; every
 * answer must equal the first one.  Prints the TSC cycles per exit.
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

static bool same(const struct cpuid_regs *a, const struct cpuid_regs *b)
{
    return a->eax == b->eax && a->ebx == b->ebx && a->ecx == b->ecx && a->edx == b->edx;
}

static void run_cpuid(uint32_t count)
{
    const uint32_t leaves[4] = { xen_cpuid.base, xen_cpuid.base + 1, xen_cpuid.base + 2, 0 };
    struct cpuid_regs want[4];
    uint32_t bad = 0;

    for (unsigned int i = 0; i < 4; i++)
        want[i] = cpuid(leaves[i]);
    CHECK(want[0].ebx == XEN_CPUID_SIGNATURE_EBX && want[0].ecx == XEN_CPUID_SIGNATURE_ECX &&
          want[0].edx == XEN_CPUID_SIGNATURE_EDX, "no Xen signature at 0x%x", leaves[0]);

    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < count; i++) {
        struct cpuid_regs r = cpuid(leaves[i & 3]);
        if (!same(&r, &want[i & 3]) && bad++ < MAX_REPORTS)
            test_fail("CPUID #%u leaf 0x%x: %x %x %x %x, expected %x %x %x %x", i,
                      leaves[i & 3], r.eax, r.ebx, r.ecx, r.edx, want[i & 3].eax,
                      want[i & 3].ebx, want[i & 3].ecx, want[i & 3].edx);
    }
    uint64_t cycles = rdtsc() - t0;
    printf("CPUID: %u exits, %u wrong, %lu TSC cycles per exit\n", count, bad,
           count ? cycles / count : 0);
    CHECK(bad == 0, "%u of %u CPUID results wrong", bad, count);
}

static void run_hypercalls(uint32_t count)
{
    long want = hyp_xen_version(XENVER_version, 0);
    uint32_t bad = 0;

    CHECK(want > 0 && (uint32_t)want == xen_cpuid.version,
          "XENVER_version 0x%lx, CPUID says 0x%x", want, xen_cpuid.version);
    uint64_t t0 = rdtsc();
    for (uint32_t i = 0; i < count; i++) {
        long v = hyp_xen_version(XENVER_version, 0);
        if (v != want && bad++ < MAX_REPORTS)
            test_fail("xen_version #%u returned 0x%lx, expected 0x%lx", i, v, want);
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
