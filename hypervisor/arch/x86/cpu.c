// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot CPU's identity and the features Keel depends on, read once from
 * CPUID and printed in the boot summary.
 */
#include <asm/processor.h>
#include <keel/lib.h>

struct cpu_features cpu_features;

static void read_brand(char *brand)
{
    if (cpuid(0x80000000).eax < 0x80000004) {
        strlcpy(brand, "unknown", 49);
        return;
    }
    for (uint32_t i = 0; i < 3; i++) {
        struct cpuid_regs r = cpuid(0x80000002 + i);
        memcpy(brand + i * 16, &r, 16);
    }
    brand[48] = '\0';
}

void cpu_features_init(void)
{
    struct cpu_features *f = &cpu_features;
    struct cpuid_regs r = cpuid(0);
    uint32_t max_ext = cpuid(0x80000000).eax;

    memcpy(f->vendor, &r.ebx, 4);
    memcpy(f->vendor + 4, &r.edx, 4);
    memcpy(f->vendor + 8, &r.ecx, 4);
    f->vendor[12] = '\0';
    read_brand(f->brand);

    r = cpuid(1);
    f->family = (r.eax >> 8) & 0xf;
    if (f->family == 0xf)
        f->family += (r.eax >> 20) & 0xff;
    f->model = ((r.eax >> 4) & 0xf) | (((r.eax >> 16) & 0xf) << 4);
    f->stepping = r.eax & 0xf;
    f->x2apic = r.ecx & (1u << 21);
    f->tsc_deadline = r.ecx & (1u << 24);
    f->hypervisor = r.ecx & (1u << 31);

    r = cpuid(0x80000001);
    f->nx = r.edx & (1u << 20);
    f->pdpe1gb = r.edx & (1u << 26);
    f->rdtscp = r.edx & (1u << 27);
    f->svm = r.ecx & (1u << 2);
    if (max_ext >= 0x80000007)
        f->invariant_tsc = cpuid(0x80000007).edx & (1u << 8);
    f->phys_bits = max_ext >= 0x80000008 ? (uint8_t)cpuid(0x80000008).eax : 36;
    if (f->svm && max_ext >= 0x8000000a) {
        r = cpuid(0x8000000a);
        f->npt = r.edx & (1u << 0);
        f->nrips = r.edx & (1u << 3);
        f->decode_assists = r.edx & (1u << 7);
    }
}
