/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 CPU primitives: CPUID, MSRs, control registers, TSC, halting. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <keel/types.h>

#define X86_CR0_WP          (1UL << 16)
#define X86_CR0_PG          (1UL << 31)
#define X86_CR4_PSE         (1UL << 4)
#define X86_CR4_PAE         (1UL << 5)
#define X86_CR4_PGE         (1UL << 7)
#define X86_CR4_OSFXSR      (1UL << 9)

#define MSR_EFER            0xc0000080
#define EFER_SCE            (1UL << 0)
#define EFER_LME            (1UL << 8)
#define EFER_NXE            (1UL << 11)
#define EFER_SVME           (1UL << 12)
#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
    return cpuid_count(leaf, 0);
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                          \
    static inline uint64_t read_cr##n(void)                             \
    {                                                                   \
        uint64_t v;                                                     \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));               \
        return v;                                                       \
    }                                                                   \
    static inline void write_cr##n(uint64_t v)                          \
    {                                                                   \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");      \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

/* Write back and invalidate the cache lines holding [p, p + len): clflush
 * each 64-byte line, then order the flushes before what follows. */
static inline void cache_flush_range(const void *p, uint32_t len)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)63, end = (uintptr_t)p + len;

    for (; a < end; a += 64)
        __asm__ volatile("clflush %0" :: "m"(*(const volatile uint8_t *)a));
    __asm__ volatile("mfence" ::: "memory");
}

static inline void local_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline void halt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}

static inline __noreturn void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt" ::: "memory");
}

static inline uint64_t read_rbp(void)
{
    uint64_t v;
    __asm__ volatile("mov %%rbp, %0" : "=r"(v));
    return v;
}

/* CPU features Keel cares about, read once at boot by cpu_features_init(). */
struct cpu_features {
    char vendor[13];
    char brand[49];
    uint32_t family, model, stepping;
    bool nx, pdpe1gb, rdtscp, svm, npt, nrips, decode_assists, x2apic, tsc_deadline,
         invariant_tsc, hypervisor;
    uint8_t phys_bits;      /* MAXPHYADDR: CPUID 0x80000008 EAX[7:0], else 36 */
};
extern struct cpu_features cpu_features;
void cpu_features_init(void);

#endif
