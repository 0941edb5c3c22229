// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of guest memory access (hypervisor/arch/x86/hvm/guest_access.c):
 * the guest page-table walk in every paging mode (none, 32-bit with 4 KiB
 * and 4 MiB pages, PAE with 4 KiB and 2 MiB pages, 4-level long mode with
 * 4 KiB, 2 MiB and 1 GiB pages), entries not present at each level, copies
 * across pages, and hostile tables (pointing outside guest memory, at MMIO,
 * at themselves).
 *
 * Every page table is written here by hand, entry by entry, at addresses
 * worked out by hand from the paging formats (Intel SDM vol. 3 ch. 4, AMD
 * APM vol. 2 ch. 5); each expected guest-physical address is a literal.
 *
 * The test plays the p2m: a sparse set of guest frames, each backed by a
 * host frame of an arena in allocation order (so never gfn == mfn), with a
 * p2m type, behind p2m_get_entry() and pfn_to_virt(); pfn_to_virt() aborts
 * on a frame outside the arena.
 */
#include "ktest.h"

#include <string.h>

#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/p2m.h>

/* ---- The fake p2m ------------------------------------------------------- */

#define FRAMES 64

static uint8_t arena[FRAMES][PAGE_SIZE] __aligned(PAGE_SIZE);
static uint64_t frame_gfn[FRAMES];
static enum p2m_type frame_type[FRAMES];
static unsigned int nr_frames;

int p2m_get_entry(struct p2m *p2m, gfn_t gfn, mfn_t *mfn, enum p2m_type *type,
                  unsigned int *order)
{
    (void)p2m;
    if (order)
        *order = 0;
    for (unsigned int i = 0; i < nr_frames; i++) {
        if (frame_gfn[i] == gfn) {
            if (mfn)
                *mfn = i;
            if (type)
                *type = frame_type[i];
            return 0;
        }
    }
    if (mfn)
        *mfn = MFN_INVALID;
    if (type)
        *type = p2m_invalid;
    return gfn >> 40 ? -EINVAL : -ENOENT;     /* a 52-bit guest-physical space */
}

void *pfn_to_virt(pfn_t pfn)
{
    if (pfn >= nr_frames) {
        fprintf(stderr, "pfn_to_virt(%#llx): not a frame of the arena\n",
                (unsigned long long)pfn);
        abort();
    }
    return arena[pfn];
}

/* The host copy of the guest frame holding gpa, made RAM on first use. */
static uint8_t *frame_of(uint64_t gpa)
{
    for (unsigned int i = 0; i < nr_frames; i++)
        if (frame_gfn[i] == gpa >> PAGE_SHIFT)
            return arena[i];
    if (nr_frames == FRAMES)
        abort();
    frame_gfn[nr_frames] = gpa >> PAGE_SHIFT;
    frame_type[nr_frames] = p2m_ram_rw;
    return arena[nr_frames++];
}

static void set_type(uint64_t gpa, enum p2m_type t)
{
    frame_of(gpa);
    for (unsigned int i = 0; i < nr_frames; i++)
        if (frame_gfn[i] == gpa >> PAGE_SHIFT)
            frame_type[i] = t;
}

static uint8_t *host(uint64_t gpa)
{
    return frame_of(gpa) + (gpa & (PAGE_SIZE - 1));
}

static void put64(uint64_t gpa, uint64_t e)
{
    memcpy(host(gpa), &e, 8);
}

static void put32(uint64_t gpa, uint32_t e)
{
    memcpy(host(gpa), &e, 4);
}

/* ---- The fake vCPU ------------------------------------------------------ */

#define T_CR0_PE      0x1ULL
#define T_CR0_PG      0x80000000ULL
#define T_CR4_PSE     0x10ULL
#define T_CR4_PAE     0x20ULL
#define T_CR4_LA57    0x1000ULL
#define T_EFER_LME    0x100ULL
#define T_EFER_LMA    0x400ULL
#define T_EFER_NXE    0x800ULL
#define T_SEG_L       0x200u      /* the L bit of a VMCB segment's attributes */

/* What the guest's CPUID says (the host's, passed through): MAXPHYADDR and
 * 1 GiB pages.  mode() resets them to 48 bits and present. */
struct cpu_features cpu_features;

static struct vmcb vmcb;
static struct domain dom;
static struct vcpu vcpu = { .domain = &dom, .hvm = { .vmcb = &vmcb } };

static void mode(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
    vmcb.save.cr0 = cr0;
    vmcb.save.cr3 = cr3;
    vmcb.save.cr4 = cr4;
    vmcb.save.efer = efer;
    vmcb.save.cs.attr = efer & T_EFER_LMA ? T_SEG_L : 0;
    cpu_features.phys_bits = 48;
    cpu_features.pdpe1gb = true;
}

static void long_mode(uint64_t cr3)
{
    mode(T_CR0_PE | T_CR0_PG, cr3, T_CR4_PAE, T_EFER_LME | T_EFER_LMA);
}

static void pae_mode(uint64_t cr3)
{
    mode(T_CR0_PE | T_CR0_PG, cr3, T_CR4_PAE, 0);
}

static void legacy_mode(uint64_t cr3, bool pse)
{
    mode(T_CR0_PE | T_CR0_PG, cr3, pse ? T_CR4_PSE : 0, 0);
}

/* The translation of gva, or ~0 when guest_virt_to_phys() fails. */
static uint64_t walk(uint64_t gva)
{
    uint64_t gpa = 0x5a5a5a5a5a5a5a5aULL;

    if (guest_virt_to_phys(&vcpu, gva, &gpa) < 0)
        return ~0ULL;
    return gpa;
}
#define FAULT (~0ULL)

/* ---- No paging ---------------------------------------------------------- */

TEST(no_paging_is_identity_within_32_bits)
{
    mode(T_CR0_PE, 0, 0, 0);
    CHECK_EQ(walk(0x12345678), 0x12345678);
    CHECK_EQ(walk(0xffffffff), 0xffffffff);
    CHECK_EQ(walk(0x100000010ULL), 0x10);           /* linear addresses are 32-bit */
    mode(0, 0, 0, 0);                                /* real mode */
    CHECK_EQ(walk(0xb8000), 0xb8000);
}

/* ---- 4-level long mode --------------------------------------------------
 * va 0x00007f8040403abc: PML4 index 255, PDPT 1, PD 2, PT 3, offset 0xabc.
 * PML4 at 0x10000 (entry 255 at 0x107f8), PDPT at 0x11000 (entry 1 at
 * 0x11008), PD at 0x12000 (entry 2 at 0x12010), PT at 0x13000 (entry 3 at
 * 0x13018).  0x003: present, writable. */
#define VA4         0x00007f8040403abcULL

static void long_tables(void)
{
    long_mode(0x10000);
    put64(0x107f8, 0x11003);
    put64(0x11008, 0x12003);
    put64(0x12010, 0x13003);
    put64(0x13018, 0x7654003);
}

TEST(long_mode_4k_page)
{
    long_tables();
    CHECK_EQ(walk(VA4), 0x7654abc);
    CHECK_EQ(walk(0x00007f8040403000ULL), 0x7654000);
    CHECK_EQ(walk(0x00007f8040403fffULL), 0x7654fff);
    CHECK_EQ(walk(0x00007f8040404abcULL), FAULT);    /* PT entry 4: zero */
    /* CR3's low 12 bits (PWT, PCD, or a PCID) are not part of the address. */
    vmcb.save.cr3 = 0x10000 | 0x018;
    CHECK_EQ(walk(VA4), 0x7654abc);
    vmcb.save.cr3 = 0x10000 | 0xfff;
    CHECK_EQ(walk(VA4), 0x7654abc);
    /* Accessed, dirty, user, PWT/PCD, global, PAT and the available bits
     * 11:9 and 62:52 change nothing. */
    put64(0x13018, 0x7ff0000007654fffULL);
    CHECK_EQ(walk(VA4), 0x7654abc);
}

TEST(long_mode_kernel_half)
{
    /* 0xffffffff80403abc: PML4 511, PDPT 510, PD 2, PT 3, offset 0xabc. */
    long_mode(0x10000);
    put64(0x10ff8, 0x14003);
    put64(0x14ff0, 0x15003);
    put64(0x15010, 0x16003);
    put64(0x16018, 0x89ab003);
    CHECK_EQ(walk(0xffffffff80403abcULL), 0x89ababc);
    /* 0xffff800000000000: PML4 256, everything else 0. */
    put64(0x10800, 0x17003);
    put64(0x17000, 0x18003);
    put64(0x18000, 0x19003);
    put64(0x19000, 0x2468003);
    CHECK_EQ(walk(0xffff800000000123ULL), 0x2468123);
}

TEST(long_mode_2m_page)
{
    /* va 0x00007f80405abcde: PML4 255, PDPT 1, PD 2, offset 0x1abcde. */
    long_tables();
    put64(0x12010, 0x3fe00083);                      /* 0x080: PS */
    CHECK_EQ(walk(0x00007f80405abcdeULL), 0x3ffabcde);
    CHECK_EQ(walk(VA4), 0x3fe03abc);
    put64(0x12010, 0x3fe01083);                      /* bit 12 is PAT, not address */
    CHECK_EQ(walk(0x00007f80405abcdeULL), 0x3ffabcde);
}

TEST(long_mode_1g_page)
{
    /* va 0x00007f806abcdef0: PML4 255, PDPT 1, offset 0x2abcdef0. */
    long_tables();
    put64(0x11008, 0x80000083);
    CHECK_EQ(walk(0x00007f806abcdef0ULL), 0xaabcdef0);
    put64(0x11008, 0x180001083ULL);                  /* PAT bit again */
    CHECK_EQ(walk(0x00007f806abcdef0ULL), 0x1aabcdef0ULL);
}

TEST(long_mode_not_present_at_each_level)
{
    static const uint64_t entry_at[] = { 0x107f8, 0x11008, 0x12010, 0x13018 };

    for (unsigned int i = 0; i < ARRAY_SIZE(entry_at); i++) {
        long_tables();
        CHECK_EQ(walk(VA4), 0x7654abc);
        uint64_t e;
        memcpy(&e, host(entry_at[i]), 8);
        put64(entry_at[i], e & ~1ULL);               /* everything but P */
        CHECK_EQ(walk(VA4), FAULT);
    }
    long_tables();
    put64(0x12010, 0x3fe00082);                      /* a 2 MiB entry, not present */
    CHECK_EQ(walk(VA4), FAULT);
    long_tables();
    put64(0x11008, 0x80000082);                      /* a 1 GiB entry, not present */
    CHECK_EQ(walk(VA4), FAULT);
}

/* ---- PAE -----------------------------------------------------------------
 * va 0xc0765432: PDPT index 3, PD 3, PT 0x165, offset 0x432.  CR3 0x3020
 * (PDPT 32-byte aligned: entry 3 at 0x3038), PD at 0x4000 (entry 3 at
 * 0x4018), PT at 0x5000 (entry 0x165 at 0x5b28).  PDPT entries have no R/W
 * or U/S bit: 0x001. */
#define VA32        0xc0765432u

static void pae_tables(void)
{
    pae_mode(0x3020);
    put64(0x3038, 0x4001);
    put64(0x4018, 0x5003);
    put64(0x5b28, 0x1234d003);
}

TEST(pae_4k_page)
{
    pae_tables();
    CHECK_EQ(walk(VA32), 0x1234d432);
    CHECK_EQ(walk(0xc0766432u), FAULT);              /* PT entry 0x166: zero */
    CHECK_EQ(walk(0x00765432u), FAULT);              /* PDPT entry 0: zero */
    /* CR3 bits 4:0 (PWT, PCD) are not part of the address. */
    vmcb.save.cr3 = 0x3020 | 0x18;
    CHECK_EQ(walk(VA32), 0x1234d432);
    /* Linear addresses are 32-bit. */
    CHECK_EQ(walk(0x1c0765432ULL), 0x1234d432);
    CHECK_EQ(walk(0xffffffffc0765432ULL), 0x1234d432);
    /* Above 4 GiB physical. */
    put64(0x5b28, 0x91234d003ULL);
    CHECK_EQ(walk(VA32), 0x91234d432ULL);
}

TEST(pae_2m_page)
{
    pae_tables();
    put64(0x4018, 0x7e00083);
    CHECK_EQ(walk(VA32), 0x7f65432);
    put64(0x4018, 0x7e01083);                        /* PAT */
    CHECK_EQ(walk(VA32), 0x7f65432);
}

TEST(pae_not_present_at_each_level)
{
    static const uint64_t entry_at[] = { 0x3038, 0x4018, 0x5b28 };

    for (unsigned int i = 0; i < ARRAY_SIZE(entry_at); i++) {
        pae_tables();
        uint64_t e;
        memcpy(&e, host(entry_at[i]), 8);
        put64(entry_at[i], e & ~1ULL);
        CHECK_EQ(walk(VA32), FAULT);
    }
}

/* ---- 32-bit paging ------------------------------------------------------
 * va 0xc0765432: PD index 0x301, PT 0x365, offset 0x432.  PD at 0x6000
 * (entry at 0x6c04), PT at 0x7000 (entry at 0x7d94). */
static void legacy_tables(bool pse)
{
    legacy_mode(0x6000, pse);
    put32(0x6c04, 0x7003);
    put32(0x7d94, 0x1234d003);
}

TEST(legacy_4k_page)
{
    legacy_tables(false);
    CHECK_EQ(walk(VA32), 0x1234d432);
    CHECK_EQ(walk(0xc0766432u), FAULT);              /* PT entry 0x366: zero */
    CHECK_EQ(walk(0x1c0765432ULL), 0x1234d432);      /* 32-bit linear */
    vmcb.save.cr3 = 0x6000 | 0x18;
    CHECK_EQ(walk(VA32), 0x1234d432);
    put32(0x7d94, 0xfffff003u);                      /* the top 4 KiB */
    CHECK_EQ(walk(VA32), 0xfffff432u);
}

TEST(legacy_4m_page_with_pse)
{
    legacy_tables(true);
    put32(0x6c04, 0x12c00083);
    CHECK_EQ(walk(VA32), 0x12f65432);
    put32(0x6c04, 0x12c01083);                       /* PAT */
    CHECK_EQ(walk(VA32), 0x12f65432);
}

TEST(legacy_ps_bit_ignored_without_pse)
{
    legacy_tables(false);
    put32(0x6c04, 0x7083);                           /* PS, but CR4.PSE is clear */
    CHECK_EQ(walk(VA32), 0x1234d432);
}

TEST(legacy_not_present_at_each_level)
{
    legacy_tables(true);
    put32(0x6c04, 0x7002);
    CHECK_EQ(walk(VA32), FAULT);
    legacy_tables(true);
    put32(0x6c04, 0x12c00082);
    CHECK_EQ(walk(VA32), FAULT);
    legacy_tables(true);
    put32(0x7d94, 0x1234d002);
    CHECK_EQ(walk(VA32), FAULT);
}

/* ---- Copies ------------------------------------------------------------- */

TEST(copies_cross_pages)
{
    /* va 0x00007f8040403000.. 0x00007f8040405fff: PT entries 3, 4, 5 map
     * scattered frames 0x7654000, 0x1000, 0x9abc000. */
    long_tables();
    put64(0x13020, 0x1003);
    put64(0x13028, 0x9abc003);
    frame_of(0x7654000);
    frame_of(0x1000);
    frame_of(0x9abc000);
    uint8_t out[3 * PAGE_SIZE], in[3 * PAGE_SIZE];
    for (unsigned int i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 7 + 1);
    CHECK_EQ(copy_to_guest(&vcpu, 0x00007f8040403010ULL, out, 0x2ff0 - 0x10), 0);
    CHECK(memcmp(host(0x7654010), out, 0xff0) == 0);
    CHECK(memcmp(host(0x1000), out + 0xff0, 0x1000) == 0);
    CHECK(memcmp(host(0x9abc000), out + 0x1ff0, 0xff0) == 0);
    CHECK_EQ(host(0x9abcff0)[0], 0);                 /* nothing past the end */
    CHECK_EQ(host(0x7654000)[15], 0);                /* nor before the start */
    memset(in, 0, sizeof(in));
    CHECK_EQ(copy_from_guest(&vcpu, in, 0x00007f8040403ff8ULL, 16), 0);
    CHECK(memcmp(in, out + 0xfe8, 16) == 0);
    /* Into the unmapped fourth page: refused. */
    CHECK_EQ(copy_from_guest(&vcpu, in, 0x00007f8040405ff8ULL, 16), -EFAULT);
    CHECK_EQ(copy_to_guest(&vcpu, 0x00007f8040405ff8ULL, out, 16), -EFAULT);
    CHECK_EQ(copy_from_guest(&vcpu, in, 0x00007f8040403000ULL, 1ULL << 40), -EFAULT);
    /* Zero length touches nothing, even at an unmapped address. */
    CHECK_EQ(copy_from_guest(&vcpu, in, 0x1234, 0), 0);
}

TEST(legacy_copy_wraps_at_4g)
{
    /* va 0xfffffffc..0x3: PD entry 0x3ff (0x6ffc) -> PT 0x8000, entry 0x3ff
     * (0x8ffc) -> 0x44000; PD entry 0 (0x6000) -> PT 0x9000, entry 0 -> 0x55000. */
    legacy_mode(0x6000, false);
    put32(0x6ffc, 0x8003);
    put32(0x8ffc, 0x44003);
    put32(0x6000, 0x9003);
    put32(0x9000, 0x55003);
    memcpy(host(0x44ffc), "abcd", 4);
    memcpy(host(0x55000), "efgh", 4);
    char buf[9] = { 0 };
    CHECK_EQ(copy_from_guest(&vcpu, buf, 0xfffffffcu, 8), 0);
    CHECK(strcmp(buf, "abcdefgh") == 0);
}

TEST(read_only_ram_is_read_only)
{
    long_tables();
    set_type(0x7654000, p2m_ram_ro);
    memcpy(host(0x7654abc), "ro", 2);
    char buf[2];
    CHECK_EQ(copy_from_guest(&vcpu, buf, VA4, 2), 0);
    CHECK(memcmp(buf, "ro", 2) == 0);
    CHECK_EQ(copy_to_guest(&vcpu, VA4, "rw", 2), -EFAULT);
    CHECK(memcmp(host(0x7654abc), "ro", 2) == 0);
    /* Page tables in read-only RAM still walk. */
    set_type(0x12000, p2m_ram_ro);
    CHECK_EQ(walk(VA4), 0x7654abc);
}

TEST(guest_physical_copies)
{
    uint8_t buf[PAGE_SIZE + 16];

    memset(buf, 0x5c, sizeof(buf));
    frame_of(0x20000);
    frame_of(0x21000);
    CHECK_EQ(copy_to_gpa(&dom, 0x20ff8, buf, 16), 0);
    CHECK_EQ(host(0x20ff8)[0], 0x5c);
    CHECK_EQ(host(0x21007)[0], 0x5c);
    CHECK_EQ(host(0x21008)[0], 0);
    CHECK_EQ(zero_gpa(&dom, 0x20ffc, 8), 0);
    CHECK_EQ(host(0x20ffb)[0], 0x5c);
    CHECK_EQ(host(0x20ffc)[0], 0);
    CHECK_EQ(host(0x21003)[0], 0);
    CHECK_EQ(host(0x21004)[0], 0x5c);
    CHECK_EQ(copy_from_gpa(&dom, buf, 0x21000, 8), 0);
    CHECK_EQ(buf[3], 0);
    CHECK_EQ(buf[4], 0x5c);
    /* 0x22000 is not RAM, nor is anything at the top of the space. */
    CHECK_EQ(copy_from_gpa(&dom, buf, 0x21ff8, 16), -EFAULT);
    CHECK_EQ(copy_to_gpa(&dom, 0x21ff8, buf, 16), -EFAULT);
    CHECK_EQ(zero_gpa(&dom, 0x21ff8, 16), -EFAULT);
    CHECK_EQ(copy_from_gpa(&dom, buf, 0xfffffffffffff000ULL, 16), -EFAULT);
    set_type(0x30000, p2m_ram_ro);
    CHECK_EQ(copy_from_gpa(&dom, buf, 0x30000, 16), 0);
    CHECK_EQ(copy_to_gpa(&dom, 0x30000, buf, 16), -EFAULT);
    CHECK_EQ(zero_gpa(&dom, 0x30000, 16), -EFAULT);
}

/* ---- Hostile tables ----------------------------------------------------- */

TEST(tables_outside_guest_memory)
{
    long_tables();
    vmcb.save.cr3 = 0x7fff0000;                      /* no RAM there */
    CHECK_EQ(walk(VA4), FAULT);
    vmcb.save.cr3 = 0x000ffffffffff000ULL;           /* the top of the 52-bit space */
    cpu_features.phys_bits = 52;
    CHECK_EQ(walk(VA4), FAULT);
    long_tables();
    cpu_features.phys_bits = 52;
    put64(0x11008, 0x000ffffffffff003ULL);           /* PD beyond any memory */
    CHECK_EQ(walk(VA4), FAULT);
    long_tables();
    put64(0x12010, 0x66666003);                      /* PT where there is no RAM */
    CHECK_EQ(walk(VA4), FAULT);
    /* The leaf may name any frame; the copy through it fails. */
    long_tables();
    put64(0x13018, 0x66666003);
    CHECK_EQ(walk(VA4), 0x66666abc);
    char c;
    CHECK_EQ(copy_from_guest(&vcpu, &c, VA4, 1), -EFAULT);
    CHECK_EQ(copy_to_guest(&vcpu, VA4, "x", 1), -EFAULT);
    /* PAE and 32-bit tables outside memory. */
    pae_tables();
    put64(0x3038, 0x66666001);
    CHECK_EQ(walk(VA32), FAULT);
    legacy_tables(false);
    put32(0x6c04, 0x66666003);
    CHECK_EQ(walk(VA32), FAULT);
    vmcb.save.cr3 = 0x66666000;
    CHECK_EQ(walk(VA32), FAULT);
}

TEST(tables_in_mmio_or_grants_are_not_walked)
{
    static const enum p2m_type types[] = { p2m_mmio_direct, p2m_grant_map_rw,
                                           p2m_grant_map_ro, p2m_foreign };

    for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
        long_tables();
        set_type(0x12000, types[i]);
        CHECK_EQ(walk(VA4), FAULT);
        set_type(0x12000, p2m_ram_rw);
        set_type(0x7654000, types[i]);
        char c;
        CHECK_EQ(copy_from_guest(&vcpu, &c, VA4, 1), -EFAULT);
        set_type(0x7654000, p2m_ram_rw);
    }
}

TEST(self_referencing_tables)
{
    /* PML4 entry 0 points at the PML4 itself: va 0 walks PML4 -> PML4 ->
     * PML4 -> PML4 and lands on the PML4's own frame, as on hardware. */
    long_mode(0x10000);
    put64(0x10000, 0x10003);
    CHECK_EQ(walk(0x123), 0x10123);
    /* Every entry of a PAE PD pointing at the PD. */
    pae_mode(0x3000);
    put64(0x3000, 0x4001);
    for (unsigned int i = 0; i < 512; i++)
        put64(0x4000 + i * 8, 0x4003);
    CHECK_EQ(walk(0x3fe00abc), 0x4abc);
    /* A 32-bit PD whose entries all point at itself. */
    legacy_mode(0x6000, false);
    for (unsigned int i = 0; i < 1024; i++)
        put32(0x6000 + i * 4, 0x6003);
    CHECK_EQ(walk(0xdeadbeef), 0x6eef);
}

/* ---- Canonical addresses and 5-level paging ------------------------------ */

/* va 0 and va 0xffff800000000000 (PML4 entries 0 and 256) both lead through
 * PDPT 0x11000, PD 0x12000, PT 0x13000 (entries 0) to frame 0x5000. */
static void low_tables(void)
{
    long_mode(0x10000);
    put64(0x10000, 0x11003);
    put64(0x10800, 0x11003);
    put64(0x11000, 0x12003);
    put64(0x12000, 0x13003);
    put64(0x13000, 0x5003);
    frame_of(0x5000);
}

TEST(non_canonical_addresses_fault)
{
    low_tables();
    CHECK_EQ(walk(0x123), 0x5123);
    CHECK_EQ(walk(0xffff800000000123ULL), 0x5123);
    /* Bits 63:47 not all equal: their low 48 bits would walk to 0x5123. */
    CHECK_EQ(walk(0x8000000000000123ULL), FAULT);
    CHECK_EQ(walk(0x0000800000000123ULL), FAULT);
    CHECK_EQ(walk(0xffff000000000123ULL), FAULT);
    CHECK_EQ(walk(0x7fff800000000123ULL), FAULT);
    CHECK_EQ(walk(0x0001000000000123ULL), FAULT);    /* canonical only with LA57 */
    CHECK_EQ(copy_to_guest(&vcpu, 0x8000000000000000ULL, "x", 1), -EFAULT);
    char c;
    CHECK_EQ(copy_from_guest(&vcpu, &c, 0x8000000000000000ULL, 1), -EFAULT);
    CHECK_EQ(host(0x5000)[0], 0);
}

TEST(copy_running_off_the_lower_half_faults)
{
    /* va 0x00007ffffffff000: PML4 255 (0x107f8) -> 0x14000, entry 511
     * (0x14ff8) -> 0x15000, entry 511 (0x15ff8) -> 0x16000, entry 511
     * (0x16ff8) -> frame 0x6000.  The next page, 0x0000800000000000, is not
     * canonical (its low 48 bits are PML4 entry 256's). */
    low_tables();
    put64(0x107f8, 0x14003);
    put64(0x14ff8, 0x15003);
    put64(0x15ff8, 0x16003);
    put64(0x16ff8, 0x6003);
    memcpy(host(0x6ff8), "01234567", 8);
    char buf[16];
    CHECK_EQ(copy_from_guest(&vcpu, buf, 0x00007ffffffffff8ULL, 8), 0);
    CHECK(memcmp(buf, "01234567", 8) == 0);
    CHECK_EQ(copy_from_guest(&vcpu, buf, 0x00007ffffffffff8ULL, 16), -EFAULT);
    CHECK_EQ(copy_to_guest(&vcpu, 0x00007ffffffffff8ULL, "0123456789abcdef", 16), -EFAULT);
    CHECK_EQ(host(0x5000)[0], 0);
}

TEST(five_level_paging)
{
    /* CR4.LA57: PML5 at 0x20000; va 0x00017f8040403abc has PML5 index 1
     * (entry at 0x20008), then VA4's PML4 255, PDPT 1, PD 2, PT 3. */
    long_tables();
    vmcb.save.cr4 |= T_CR4_LA57;
    vmcb.save.cr3 = 0x20000;
    put64(0x20008, 0x10003);
    CHECK_EQ(walk(0x00017f8040403abcULL), 0x7654abc);
    CHECK_EQ(walk(VA4), FAULT);                      /* PML5 entry 0: zero */
    /* 0xff007f8040403abc: bits 63:56 all ones, PML5 index 256 (0x20800). */
    put64(0x20800, 0x10003);
    CHECK_EQ(walk(0xff007f8040403abcULL), 0x7654abc);
    CHECK_EQ(walk(0xfe007f8040403abcULL), FAULT);    /* bits 63:56 differ */
    CHECK_EQ(walk(0x01007f8040403abcULL), FAULT);
    CHECK_EQ(walk(0x8000000000000abcULL), FAULT);
    put64(0x20008, 0x10083);                         /* PS in a PML5 entry */
    CHECK_EQ(walk(0x00017f8040403abcULL), FAULT);
    /* The same tables with 4 levels: that address is not canonical. */
    vmcb.save.cr4 &= ~T_CR4_LA57;
    vmcb.save.cr3 = 0x10000;
    CHECK_EQ(walk(VA4), 0x7654abc);
    CHECK_EQ(walk(0x00017f8040403abcULL), FAULT);
}

/* ---- Reserved bits ------------------------------------------------------- */

/* Entry e at gpa with bit b also set: the walk of va gives want. */
static void with_bit(uint64_t gpa, unsigned int b, uint64_t va, uint64_t want)
{
    uint64_t e;

    memcpy(&e, host(gpa), 8);
    put64(gpa, e | 1ULL << b);
    CHECK_EQ(walk(va), want);
    put64(gpa, e);
}

TEST(long_mode_reserved_bits)
{
    static const uint64_t entry_at[] = { 0x107f8, 0x11008, 0x12010, 0x13018 };

    long_tables();
    cpu_features.phys_bits = 40;
    for (unsigned int i = 0; i < ARRAY_SIZE(entry_at); i++) {
        with_bit(entry_at[i], 40, VA4, FAULT);       /* at or above MAXPHYADDR */
        with_bit(entry_at[i], 51, VA4, FAULT);
        with_bit(entry_at[i], 52, VA4, 0x7654abc);   /* 62:52 are software's */
        with_bit(entry_at[i], 62, VA4, 0x7654abc);
        with_bit(entry_at[i], 63, VA4, FAULT);       /* NX without EFER.NXE */
    }
    with_bit(0x13018, 39, VA4, 0x8007654abcULL);     /* below MAXPHYADDR: an address */
    cpu_features.phys_bits = 52;
    with_bit(0x13018, 51, VA4, 0x8000007654abcULL);
    cpu_features.phys_bits = 36;
    with_bit(0x13018, 36, VA4, FAULT);
    with_bit(0x13018, 35, VA4, 0x807654abcULL);
    vmcb.save.efer |= T_EFER_NXE;
    for (unsigned int i = 0; i < ARRAY_SIZE(entry_at); i++)
        with_bit(entry_at[i], 63, VA4, 0x7654abc);
    with_bit(0x107f8, 7, VA4, FAULT);                /* PS in a PML4 entry */
}

TEST(long_mode_large_page_reserved_bits)
{
    long_tables();
    put64(0x12010, 0x3fe00083);                      /* 2 MiB: bits 20:13 reserved */
    with_bit(0x12010, 13, VA4, FAULT);
    with_bit(0x12010, 20, VA4, FAULT);
    with_bit(0x12010, 12, VA4, 0x3fe03abc);
    long_tables();
    put64(0x11008, 0x80000083);                      /* 1 GiB: bits 29:13 reserved */
    with_bit(0x11008, 13, VA4, FAULT);
    with_bit(0x11008, 29, VA4, FAULT);
    with_bit(0x11008, 30, VA4, 0xc0403abc);
    cpu_features.pdpe1gb = false;                    /* no 1 GiB pages: PS reserved */
    CHECK_EQ(walk(VA4), FAULT);
}

TEST(pae_reserved_bits)
{
    static const unsigned int pdpte_rsvd[] = { 1, 2, 5, 6, 7, 8, 40, 52, 62, 63 };

    pae_tables();
    cpu_features.phys_bits = 40;
    vmcb.save.efer |= T_EFER_NXE;                    /* NX is still reserved in a PDPTE */
    for (unsigned int i = 0; i < ARRAY_SIZE(pdpte_rsvd); i++)
        with_bit(0x3038, pdpte_rsvd[i], VA32, FAULT);
    with_bit(0x3038, 3, VA32, 0x1234d432);           /* PWT, PCD, available */
    with_bit(0x3038, 4, VA32, 0x1234d432);
    with_bit(0x3038, 9, VA32, 0x1234d432);
    /* PD and PT entries: 62:52 reserved in PAE (not in long mode). */
    static const uint64_t entry_at[] = { 0x4018, 0x5b28 };
    for (unsigned int i = 0; i < ARRAY_SIZE(entry_at); i++) {
        with_bit(entry_at[i], 40, VA32, FAULT);
        with_bit(entry_at[i], 52, VA32, FAULT);
        with_bit(entry_at[i], 62, VA32, FAULT);
        with_bit(entry_at[i], 63, VA32, 0x1234d432);
    }
    vmcb.save.efer &= ~T_EFER_NXE;
    for (unsigned int i = 0; i < ARRAY_SIZE(entry_at); i++)
        with_bit(entry_at[i], 63, VA32, FAULT);
    with_bit(0x5b28, 39, VA32, 0x801234d432ULL);
    put64(0x4018, 0x7e00083);                        /* 2 MiB: bits 20:13 reserved */
    with_bit(0x4018, 13, VA32, FAULT);
    with_bit(0x4018, 20, VA32, FAULT);
}

TEST(legacy_4m_page_above_4g)
{
    /* PSE-36: PDE bits 20:13 are address bits 39:32, bit 21 is reserved. */
    legacy_tables(true);
    cpu_features.phys_bits = 40;
    put32(0x6c04, 0x12c00083 | 0x05 << 13);
    CHECK_EQ(walk(VA32), 0x512f65432ULL);
    put32(0x6c04, 0x12c00083 | 0xffu << 13);
    CHECK_EQ(walk(VA32), 0xff12f65432ULL);
    put32(0x6c04, 0x12c00083 | 1u << 21);
    CHECK_EQ(walk(VA32), FAULT);
    cpu_features.phys_bits = 36;                     /* bits 39:36 reserved now */
    put32(0x6c04, 0x12c00083 | 0x0f << 13);
    CHECK_EQ(walk(VA32), 0xf12f65432ULL);
    put32(0x6c04, 0x12c00083 | 0x10 << 13);
    CHECK_EQ(walk(VA32), FAULT);
}
