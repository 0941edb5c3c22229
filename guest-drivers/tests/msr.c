// SPDX-License-Identifier: MIT
/*
 * test-msr: the MSR policy a PVH guest sees.  MSRs nobody offered the guest
 * (unknown numbers, microcode, the hypervisor's own SVM MSRs) raise #GP or,
 * where Xen emulates them, at least never reach or reveal the host's; EFER
 * hides SVME and refuses it and reserved bits; PAT, TSC, MTRRs and the APIC
 * base behave architecturally; the MSRs a 64-bit kernel needs (segment
 * bases, SYSCALL/SYSENTER) round-trip.
 *
 * Options (kernel command line): "strict": the hypervisor-owned MSRs must
 * raise #GP, as Keel's policy says; without it Xen's emulation is accepted.
 * "lax-pat": only report, not fail, a PAT that does not start at the reset
 * value or takes invalid types.  For the reference run of Xen under QEMU
 * TCG: Xen leaves PAT to the CPU's guest PAT under nested paging, and TCG's
 * SVM has none, so the guest sees and writes the host's unchecked PAT.
 */
#include "guest.h"
#include "guest_opts.h"
#include "layout.h"

const char test_title[] = "msr";

#define MSR_TSC             0x00000010u
#define MSR_APIC_BASE       0x0000001bu
#define MSR_PATCHLEVEL      0x0000008bu
#define MSR_MTRR_CAP        0x000000feu
#define MSR_SYSENTER_CS     0x00000174u
#define MSR_SYSENTER_ESP    0x00000175u
#define MSR_SYSENTER_EIP    0x00000176u
#define MSR_MTRR_PHYSBASE0  0x00000200u
#define MSR_PAT             0x00000277u
#define MSR_MTRR_DEF_TYPE   0x000002ffu
#define MSR_X2APIC_ID       0x00000802u
#define MSR_STAR            0xc0000081u
#define MSR_LSTAR           0xc0000082u
#define MSR_CSTAR           0xc0000083u
#define MSR_SFMASK          0xc0000084u
#define MSR_FS_BASE         0xc0000100u
#define MSR_GS_BASE         0xc0000101u
#define MSR_KERNEL_GS_BASE  0xc0000102u
#define MSR_PATCH_LOADER    0xc0010020u
#define MSR_VM_CR           0xc0010114u
#define MSR_VM_HSAVE_PA     0xc0010117u

#define EFER_SCE            (1ull << 0)
#define EFER_LMA            (1ull << 10)
#define EFER_NXE            (1ull << 11)
#define EFER_SVME           (1ull << 12)
#define VM_CR_SVMDIS        (1ull << 4)
#define APIC_BASE_BSP       (1ull << 8)
#define APIC_BASE_EXTD      (1ull << 10)
#define APIC_BASE_EN        (1ull << 11)
#define PAT_RESET           UINT64_C(0x0007040600070406)
#define CPUID1_EDX_MTRR     (1u << 12)
#define CPUID1_EDX_PAT      (1u << 16)
#define EXT1_EDX_NX         (1u << 20)
/* Two TSC readings around one exit or two are this close, generously (TCG). */
#define TSC_SLACK           (1ull << 36)

#define PATTERN_LO          0x5a5a1234u
#define PATTERN_HI          0xa5a54321u

enum msr_outcome { MSR_DONE, MSR_GP, MSR_BAD_FAULT };

static bool strict, lax_pat;

/* Check the trap (if any) of an access at rip; registers eax/edx must be
 * untouched by a faulting access. */
static enum msr_outcome outcome(const char *op, uint32_t msr, uint64_t rip,
                                uint32_t lo, uint32_t hi, bool is_read)
{
    struct trap_record t;

    if (!trap_take(&t))
        return MSR_DONE;
    if (t.vector != X86_EXC_GP || t.error_code != 0 || t.rip != rip) {
        test_fail("%s 0x%x: %s error 0x%lx at 0x%lx (expected #GP(0) at 0x%lx)", op, msr,
                  trap_name(t.vector), t.error_code, t.rip, rip);
        return MSR_BAD_FAULT;
    }
    if (is_read && (lo != PATTERN_LO || hi != PATTERN_HI))
        test_fail("%s 0x%x: #GP but edx:eax changed to 0x%x:0x%x", op, msr, hi, lo);
    return MSR_GP;
}

static enum msr_outcome rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = PATTERN_LO, hi = PATTERN_HI;
    uint64_t rip;

    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "1: rdmsr\n"
                 "2:\n" EXTABLE(1b, 2b)
                 : [rip] "=&r"(rip), "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    *val = ((uint64_t)hi << 32) | lo;
    return outcome("rdmsr", msr, rip, lo, hi, true);
}

static enum msr_outcome wrmsr_safe(uint32_t msr, uint64_t val)
{
    uint64_t rip;

    asm volatile("leaq 1f(%%rip), %[rip]\n"
                 "1: wrmsr\n"
                 "2:\n" EXTABLE(1b, 2b)
                 : [rip] "=&r"(rip)
                 : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
    return outcome("wrmsr", msr, rip, 0, 0, false);
}

/* Read that must succeed; 0 (and a failure) if it does not. */
static uint64_t must_read(const char *name, uint32_t msr)
{
    uint64_t val;
    enum msr_outcome o = rdmsr_safe(msr, &val);
    if (o == MSR_GP)
        test_fail("rdmsr %s (0x%x): #GP", name, msr);
    return o == MSR_DONE ? val : 0;
}

static bool must_write(const char *name, uint32_t msr, uint64_t val)
{
    enum msr_outcome o = wrmsr_safe(msr, val);
    if (o == MSR_GP)
        test_fail("wrmsr %s (0x%x) <- 0x%lx: #GP", name, msr, val);
    return o == MSR_DONE;
}

static void must_gp_read(const char *name, uint32_t msr)
{
    uint64_t val;
    enum msr_outcome o = rdmsr_safe(msr, &val);
    printf("rdmsr %-22s 0x%08x: %s\n", name, msr, o == MSR_GP ? "#GP" : "read");
    CHECK(o != MSR_DONE, "rdmsr %s (0x%x) returned 0x%lx, expected #GP", name, msr, val);
}

static void must_gp_write(const char *name, uint32_t msr, uint64_t val)
{
    enum msr_outcome o = wrmsr_safe(msr, val);
    printf("wrmsr %-22s 0x%08x <- 0x%lx: %s\n", name, msr, val,
           o == MSR_GP ? "#GP" : "accepted");
    CHECK(o != MSR_DONE, "wrmsr %s (0x%x) <- 0x%lx accepted, expected #GP", name, msr, val);
}

static void test_unknown(void)
{
    must_gp_read("unknown", 0x12345678u);
    must_gp_write("unknown", 0x12345678u, 0);
    must_gp_read("unknown", 0x7fffffffu);
    must_gp_write("unknown", 0x7fffffffu, 1);
    must_gp_read("unknown", 0xc0001234u);
}

/* An MSR only the hypervisor may own: #GP, or (not strict) an emulation
 * that reads as allowed[0] and never reflects the host. */
static void owned_read(const char *name, uint32_t msr, bool any_value, uint64_t allowed)
{
    uint64_t val;
    enum msr_outcome o = rdmsr_safe(msr, &val);

    if (o == MSR_GP) {
        printf("rdmsr %-22s 0x%08x: #GP\n", name, msr);
        return;
    }
    if (o != MSR_DONE)
        return;
    printf("rdmsr %-22s 0x%08x: emulated, 0x%lx\n", name, msr, val);
    CHECK(!strict, "rdmsr %s (0x%x) returned 0x%lx, expected #GP (strict)", name, msr, val);
    CHECK(any_value || val == allowed, "rdmsr %s (0x%x) returned 0x%lx, expected #GP or 0x%lx",
          name, msr, val, allowed);
}

/* A write that must not reach the host: #GP, or (not strict) swallowed. */
static void owned_write(const char *name, uint32_t msr, uint64_t val)
{
    enum msr_outcome o = wrmsr_safe(msr, val);

    printf("wrmsr %-22s 0x%08x <- 0x%lx: %s\n", name, msr, val,
           o == MSR_GP ? "#GP" : "accepted (emulated)");
    CHECK(o != MSR_DONE || !strict, "wrmsr %s (0x%x) <- 0x%lx accepted, expected #GP (strict)",
          name, msr, val);
}

static void test_hypervisor_owned(void)
{
    uint64_t val;

    owned_read("VM_HSAVE_PA", MSR_VM_HSAVE_PA, false, 0);
    must_gp_write("VM_HSAVE_PA unaligned", MSR_VM_HSAVE_PA, 0x123);
    owned_write("VM_HSAVE_PA", MSR_VM_HSAVE_PA, 0x2000);
    if (rdmsr_safe(MSR_VM_HSAVE_PA, &val) == MSR_DONE) {
        CHECK(val == 0x2000 || val == 0, "VM_HSAVE_PA reads 0x%lx after writing 0x2000", val);
        wrmsr_safe(MSR_VM_HSAVE_PA, 0);
    }
    owned_read("VM_CR", MSR_VM_CR, false, 0);
    owned_write("VM_CR (SVMDIS)", MSR_VM_CR, VM_CR_SVMDIS);
    if (rdmsr_safe(MSR_VM_CR, &val) == MSR_DONE)
        CHECK(!(val & VM_CR_SVMDIS), "VM_CR reads 0x%lx after writing SVMDIS", val);
    /* Xen passes the host's patch level through: harmless, read-only. */
    owned_read("PATCH_LEVEL", MSR_PATCHLEVEL, true, 0);
    must_gp_write("PATCH_LEVEL", MSR_PATCHLEVEL, 0);
    must_gp_write("PATCH_LEVEL", MSR_PATCHLEVEL, 1);
    owned_write("PATCH_LOADER", MSR_PATCH_LOADER, 0);
}

static void test_efer(void)
{
    uint64_t efer = must_read("EFER", MSR_EFER);

    printf("EFER 0x%lx\n", efer);
    CHECK(!(efer & EFER_SVME), "EFER 0x%lx shows SVME", efer);
    CHECK((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
          "EFER 0x%lx lacks LME/LMA in long mode", efer);

    if (cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & EXT1_EDX_NX)) {
        uint64_t nx_on = 0, nx_off = 0;
        if (must_write("EFER+NXE", MSR_EFER, efer | EFER_NXE))
            nx_on = must_read("EFER", MSR_EFER);
        if (must_write("EFER-NXE", MSR_EFER, efer & ~EFER_NXE))
            nx_off = must_read("EFER", MSR_EFER);
        printf("EFER with NXE 0x%lx, without 0x%lx\n", nx_on, nx_off);
        CHECK(nx_on == (efer | EFER_NXE), "EFER reads 0x%lx after setting NXE", nx_on);
        CHECK(nx_off == (efer & ~EFER_NXE), "EFER reads 0x%lx after clearing NXE", nx_off);
    }
    uint64_t sce = 0;
    if (must_write("EFER^SCE", MSR_EFER, efer ^ EFER_SCE))
        sce = must_read("EFER", MSR_EFER);
    CHECK(sce == (efer ^ EFER_SCE), "EFER reads 0x%lx after toggling SCE", sce);
    must_write("EFER", MSR_EFER, efer);

    must_gp_write("EFER+SVME", MSR_EFER, efer | EFER_SVME);
    must_gp_write("EFER+bit 63", MSR_EFER, efer | (1ull << 63));
    uint64_t after = must_read("EFER", MSR_EFER);
    CHECK(after == efer, "EFER 0x%lx after refused writes, was 0x%lx", after, efer);
}

/* Last: a hypervisor that accepts this may leave the vCPU unrunnable. */
static void test_efer_lme_with_paging(void)
{
    uint64_t efer = must_read("EFER", MSR_EFER);
    must_gp_write("EFER-LME (paging on)", MSR_EFER, efer & ~EFER_LME);
    uint64_t after = must_read("EFER", MSR_EFER);
    if (after != efer) {
        test_fail("EFER-LME with paging on: EFER reads 0x%lx, was 0x%lx", after, efer);
        wrmsr_safe(MSR_EFER, efer);
    }
}

static void test_pat(void)
{
    if (!(cpuid(1).edx & CPUID1_EDX_PAT)) {
        printf("no PAT in CPUID: PAT must #GP\n");
        must_gp_read("PAT", MSR_PAT);
        return;
    }
    uint64_t pat = must_read("PAT", MSR_PAT);
    printf("PAT 0x%016lx\n", pat);
    if (pat != PAT_RESET && lax_pat)
        printf("lax-pat: PAT 0x%lx is not the reset value (host PAT?)\n", pat);
    else
        CHECK(pat == PAT_RESET, "PAT 0x%lx, expected the reset value 0x%lx", pat, PAT_RESET);

    const uint64_t wc = 0x0007010600070106ull;
    uint64_t back = 0;
    if (must_write("PAT", MSR_PAT, wc))
        back = must_read("PAT", MSR_PAT);
    CHECK(back == wc, "PAT reads 0x%lx after writing 0x%lx", back, wc);

    if (lax_pat) {
        printf("lax-pat: invalid PAT values not tried\n");
    } else {
        must_gp_write("PAT type 2", MSR_PAT, 0x0007040600070402ull);
        must_gp_write("PAT type 8", MSR_PAT, 0x0007040600070408ull);
        must_gp_write("PAT entry 7 = 0x10", MSR_PAT, 0x1007040600070406ull);
        back = must_read("PAT", MSR_PAT);
        CHECK(back == wc, "PAT 0x%lx after refused writes, expected 0x%lx", back, wc);
    }
    must_write("PAT", MSR_PAT, pat);
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Write the TSC and check RDTSC and the MSR continue from the new value. */
static void tsc_write_check(const char *what, uint64_t target)
{
    if (!must_write("TSC", MSR_TSC, target))
        return;
    uint64_t r = rdtsc();
    uint64_t m = must_read("TSC", MSR_TSC);
    printf("TSC %s: wrote 0x%lx, rdtsc 0x%lx (+%lu), msr +%lu\n", what, target, r,
           r - target, m - r);
    CHECK(r >= target && r - target < TSC_SLACK,
          "TSC %s: rdtsc 0x%lx after writing 0x%lx", what, r, target);
    CHECK(m >= r && m - r < TSC_SLACK, "TSC %s: MSR 0x%lx, rdtsc was 0x%lx", what, m, r);
}

static void test_tsc(void)
{
    uint64_t t0 = rdtsc();
    uint64_t m0 = must_read("TSC", MSR_TSC);
    CHECK(m0 >= t0 && m0 - t0 < TSC_SLACK, "TSC MSR 0x%lx vs rdtsc 0x%lx", m0, t0);

    tsc_write_check("forward", t0 + (1ull << 40));
    tsc_write_check("back", t0 + (1ull << 20));

    uint64_t prev = rdtsc();
    for (unsigned int i = 0; i < 10000; i++) {
        uint64_t now = rdtsc();
        if (now < prev) {
            test_fail("TSC went backwards: 0x%lx then 0x%lx", prev, now);
            break;
        }
        prev = now;
    }
    /* Leave it roughly where it would have been. */
    must_write("TSC", MSR_TSC, t0 + (rdtsc() - (t0 + (1ull << 20))));
}

static void test_mtrr(void)
{
    if (!(cpuid(1).edx & CPUID1_EDX_MTRR)) {
        printf("no MTRR in CPUID: MTRRs must #GP\n");
        must_gp_read("MTRRdefType", MSR_MTRR_DEF_TYPE);
        return;
    }
    uint64_t cap = must_read("MTRRcap", MSR_MTRR_CAP);
    uint64_t def = must_read("MTRRdefType", MSR_MTRR_DEF_TYPE);
    unsigned int vcnt = (unsigned int)(cap & 0xff);
    printf("MTRRcap 0x%lx (%u variable ranges), MTRRdefType 0x%lx\n", cap, vcnt, def);
    CHECK(!(def & ~0xcffull), "MTRRdefType 0x%lx has reserved bits set", def);

    if (vcnt)
        must_read("MTRRphysBase0", MSR_MTRR_PHYSBASE0);
    if (vcnt < 16)
        must_gp_read("MTRRphysBase[VCNT]", MSR_MTRR_PHYSBASE0 + 2 * vcnt);

    uint64_t back = ~0ull;
    if (must_write("MTRRdefType", MSR_MTRR_DEF_TYPE, def))
        back = must_read("MTRRdefType", MSR_MTRR_DEF_TYPE);
    CHECK(back == def, "MTRRdefType reads 0x%lx after writing back 0x%lx", back, def);
    must_gp_write("MTRRdefType reserved bit", MSR_MTRR_DEF_TYPE, def | (1ull << 20));
    must_gp_write("MTRRdefType type 2", MSR_MTRR_DEF_TYPE, (def & ~0xffull) | 2);
}

static void test_apic_base(void)
{
    uint64_t base = must_read("APIC_BASE", MSR_APIC_BASE);
    printf("APIC_BASE 0x%lx\n", base);
    CHECK(base & APIC_BASE_EN, "APIC_BASE 0x%lx: APIC disabled", base);
    CHECK(base & APIC_BASE_BSP, "APIC_BASE 0x%lx: BSP flag clear on vCPU 0", base);
    CHECK((base & ~0xfffull) == 0xfee00000ull, "APIC_BASE 0x%lx: not at 0xfee00000", base);
    if (!(base & APIC_BASE_EXTD))
        must_gp_read("x2APIC ID (xAPIC mode)", MSR_X2APIC_ID);
}

/* MSRs every 64-bit kernel writes: the value written reads back. */
static void round_trip(const char *name, uint32_t msr, uint64_t val)
{
    uint64_t old = 0, back = 0;
    enum msr_outcome o = rdmsr_safe(msr, &old);
    if (o == MSR_GP) {
        test_fail("rdmsr %s (0x%x): #GP; a 64-bit kernel needs it", name, msr);
        return;
    }
    if (o == MSR_DONE && must_write(name, msr, val))
        back = must_read(name, msr);
    printf("%-16s 0x%08x: was 0x%lx, wrote 0x%lx, read 0x%lx\n", name, msr, old, val, back);
    CHECK(back == val, "%s (0x%x) reads 0x%lx after writing 0x%lx", name, msr, back, val);
    wrmsr_safe(msr, old);
}

static uint64_t fs_probe = 0x1122334455667788ull;

static void test_guest_owned(void)
{
    round_trip("STAR", MSR_STAR, 0x0023001000000000ull);
    round_trip("LSTAR", MSR_LSTAR, 0xffffffff81000000ull);
    round_trip("CSTAR", MSR_CSTAR, 0xffffffff81000100ull);
    round_trip("SFMASK", MSR_SFMASK, 0x47700);
    round_trip("SYSENTER_CS", MSR_SYSENTER_CS, 0x10);
    round_trip("SYSENTER_ESP", MSR_SYSENTER_ESP, 0xffffffff81002000ull);
    round_trip("SYSENTER_EIP", MSR_SYSENTER_EIP, 0xffffffff81003000ull);
    round_trip("KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, 0xffff888000001000ull);
    round_trip("GS_BASE", MSR_GS_BASE, 0xffff888000002000ull);

    /* FS_BASE must take effect: %fs:0 then reads fs_probe. */
    uint64_t old = 0, seen = 0;
    if (rdmsr_safe(MSR_FS_BASE, &old) != MSR_DONE) {
        test_fail("rdmsr FS_BASE: #GP; a 64-bit kernel needs it");
        return;
    }
    if (!must_write("FS_BASE", MSR_FS_BASE, (uintptr_t)&fs_probe))
        return;
    asm volatile("movq %%fs:0, %0" : "=r"(seen) :: "memory");
    wrmsr_safe(MSR_FS_BASE, old);
    printf("FS_BASE -> %p: %%fs:0 reads 0x%lx\n", (void *)&fs_probe, seen);
    CHECK(seen == fs_probe, "%%fs:0 reads 0x%lx after FS_BASE = %p", seen, (void *)&fs_probe);
}

void test_main(void)
{
    strict = guest_opt_present("strict");
    lax_pat = guest_opt_present("lax-pat");
    printf("mode: %s\n", strict ? "strict (hypervisor MSRs must #GP)" : "Xen-compatible");
    test_unknown();
    test_hypervisor_owned();
    test_efer();
    test_pat();
    test_tsc();
    test_mtrr();
    test_apic_base();
    test_guest_owned();
    test_efer_lme_with_paging();
}
