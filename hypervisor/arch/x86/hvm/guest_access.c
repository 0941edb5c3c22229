// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory access: guest-virtual addresses are translated through the
 * guest's own page tables (whatever mode it is in: no paging, 32-bit,
 * PAE, or 4- or 5-level long mode), every table read going through the
 * p2m, and the data is copied page by page.  Anything not backed by the
 * domain's RAM gives -EFAULT; nothing the guest controls can make Keel touch
 * memory outside what the p2m maps for it.
 *
 * The walk refuses what would make the CPU fault: an entry not present, an
 * entry with reserved bits set (address bits at or above the guest's
 * MAXPHYADDR, which is the host's: CPUID 0x80000008 is passed through; NX
 * without EFER.NXE; PS where there is no large page; the low bits of a large
 * page's address; a 1 GiB page without CPUID's Page1GB), and in long mode a
 * linear address that is not canonical (48-bit, or 57-bit under CR4.LA57),
 * as Xen does.  Outside long mode linear addresses are 32-bit and wrap.
 * It does not check R/W, U/S or NX permissions nor set accessed/dirty bits.
 */
#include <asm/hvm_vcpu.h>
#include <asm/processor.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/xmalloc.h>

#define CR0_PG      (1ULL << 31)
#define CR4_PSE     (1ULL << 4)
#define CR4_PAE     (1ULL << 5)
#define CR4_LA57    (1ULL << 12)
#define EFER_LMA    (1ULL << 10)
#define PTE_P       (1ULL << 0)
#define PTE_PS      (1ULL << 7)
#define PTE_NX      (1ULL << 63)

/* Bits hi..lo of a 64-bit value. */
static inline uint64_t bits(unsigned int hi, unsigned int lo)
{
    return (~0ULL >> (63 - hi)) & ~((1ULL << lo) - 1);
}

/* The guest's MAXPHYADDR, within what the paging formats allow. */
static unsigned int guest_phys_bits(void)
{
    return MIN(MAX(cpu_features.phys_bits, 32u), 52u);
}

/* The host address of guest-physical gpa, for up to the end of its page;
 * NULL unless it is RAM of d. */
static void *gpa_to_host(struct domain *d, uint64_t gpa, bool write)
{
    mfn_t mfn;
    enum p2m_type t;
    unsigned int order;

    if (p2m_get_entry(&d->p2m, gpa >> PAGE_SHIFT, &mfn, &t, &order) < 0)
        return NULL;
    if (t != p2m_ram_rw && !(t == p2m_ram_ro && !write))
        return NULL;
    return (uint8_t *)pfn_to_virt(mfn) + (gpa & (PAGE_SIZE - 1));
}

static int read_gpa_u64(struct domain *d, uint64_t gpa, uint64_t *val)
{
    const uint64_t *p = gpa_to_host(d, gpa, false);

    if (!p || (gpa & 7))
        return -EFAULT;
    *val = *(const volatile uint64_t *)p;
    return 0;
}

static int read_gpa_u32(struct domain *d, uint64_t gpa, uint32_t *val)
{
    const uint32_t *p = gpa_to_host(d, gpa, false);

    if (!p || (gpa & 3))
        return -EFAULT;
    *val = *(const volatile uint32_t *)p;
    return 0;
}

/* 5- or 4-level (long mode) or 3-level (PAE) walk; level 1 maps 4 KiB. */
static int walk_64(struct domain *d, const struct vmcb_save *s, uint64_t gva,
                   unsigned int levels, uint64_t *gpa)
{
    unsigned int m = guest_phys_bits();
    bool pae = levels == 3;
    /* PAE entries reserve bits 62:52 too; long mode leaves them to software. */
    uint64_t rsvd = bits(pae ? 62 : 51, m) | (s->efer & EFER_NXE ? 0 : PTE_NX);
    uint64_t table = pae ? (s->cr3 & bits(31, 5)) : (s->cr3 & bits(51, 12));

    for (unsigned int l = levels; l >= 1; l--) {
        unsigned int shift = 12 + 9 * (l - 1);
        uint64_t index = (gva >> shift) & (pae && l == 3 ? 3 : 511);
        uint64_t e, e_rsvd = rsvd;
        bool leaf = l == 1;

        if (read_gpa_u64(d, table + index * 8, &e) < 0 || !(e & PTE_P))
            return -EFAULT;
        if (pae && l == 3)              /* PDPTE: no R/W, U/S, PS or NX */
            e_rsvd = bits(63, m) | bits(8, 5) | bits(2, 1);
        else if (l >= 4)                /* PML5E, PML4E */
            e_rsvd |= PTE_PS;
        else if (l == 3 && (e & PTE_PS))
            e_rsvd |= cpu_features.pdpe1gb ? bits(29, 13) : PTE_PS;
        else if (l == 2 && (e & PTE_PS))
            e_rsvd |= bits(20, 13);
        if (e & e_rsvd)
            return -EFAULT;
        if (leaf || (l <= 3 && (e & PTE_PS))) {
            uint64_t mask = (1ULL << shift) - 1;
            *gpa = (e & bits(51, 12) & ~mask) | (gva & mask);
            return 0;
        }
        table = e & bits(51, 12);
    }
    return -EFAULT;
}

static int walk_32(struct domain *d, uint64_t cr3, uint64_t cr4, uint32_t gva, uint64_t *gpa)
{
    uint32_t pde, pte;

    if (read_gpa_u32(d, (cr3 & 0xfffff000) + (gva >> 22) * 4, &pde) < 0 || !(pde & PTE_P))
        return -EFAULT;
    if ((pde & PTE_PS) && (cr4 & CR4_PSE)) {
        /* 4 MiB page: bits 31:22 are address bits 31:22, bits 20:13 address
         * bits 39:32 (PSE-36, 40 bits on AMD64), bit 21 is reserved. */
        uint64_t pa = (pde & 0xffc00000u) | ((uint64_t)((pde >> 13) & 0xff) << 32);

        if ((pde & (1u << 21)) || (pa >> guest_phys_bits()))
            return -EFAULT;
        *gpa = pa | (gva & 0x3fffff);
        return 0;
    }
    if (read_gpa_u32(d, (pde & 0xfffff000u) + ((gva >> 12) & 1023) * 4, &pte) < 0 ||
        !(pte & PTE_P))
        return -EFAULT;
    *gpa = (pte & 0xfffff000u) | (gva & 0xfff);
    return 0;
}

/* A long-mode linear address must be the sign extension of its low 'width'
 * bits. */
static bool canonical(uint64_t gva, unsigned int width)
{
    uint64_t top = gva >> (width - 1);

    return top == 0 || top == (~0ULL >> (width - 1));
}

int guest_virt_to_phys(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
    const struct vmcb_save *s = &v->hvm.vmcb->save;

    if (!(s->cr0 & CR0_PG)) {
        *gpa = (uint32_t)gva;
        return 0;
    }
    if (s->efer & EFER_LMA) {
        /* Compatibility-mode callers pass 32-bit addresses already (the
         * hypercall arguments); a runstate area registered in 64-bit mode
         * must not be cut to 32 bits when the vCPU is preempted in a
         * 32-bit process, so CS.L is not looked at here. */
        unsigned int levels = s->cr4 & CR4_LA57 ? 5 : 4;

        if (!canonical(gva, levels == 5 ? 57 : 48))
            return -EFAULT;
        return walk_64(v->domain, s, gva, levels, gpa);
    }
    if (s->cr4 & CR4_PAE)
        return walk_64(v->domain, s, (uint32_t)gva, 3, gpa);
    return walk_32(v->domain, s->cr3, s->cr4, (uint32_t)gva, gpa);
}

static int copy_guest(struct vcpu *v, uint64_t gva, void *buf, uint64_t len, bool to_guest)
{
    uint8_t *p = buf;

    while (len) {
        uint64_t gpa, chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
        uint8_t *host;

        if (guest_virt_to_phys(v, gva, &gpa) < 0 || !(host = gpa_to_host(v->domain, gpa, to_guest)))
            return -EFAULT;
        if (to_guest)
            memcpy(host, p, chunk);
        else
            memcpy(p, host, chunk);
        gva += chunk;
        p += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
    return copy_guest(v, gva, dst, len, false);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, uint64_t len)
{
    return copy_guest(v, gva, (void *)src, len, true);
}

static int copy_gpa(struct domain *d, uint64_t gpa, void *buf, uint64_t len, int mode)
{
    uint8_t *p = buf;

    while (len) {
        uint64_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        uint8_t *host = gpa_to_host(d, gpa, mode != 0);

        if (!host)
            return -EFAULT;
        if (mode == 0)
            memcpy(p, host, chunk);
        else if (mode == 1)
            memcpy(host, p, chunk);
        else
            memset(host, 0, chunk);
        gpa += chunk;
        if (p)
            p += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, uint64_t len)
{
    return copy_gpa(d, gpa, dst, len, 0);
}

int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
    return copy_gpa(d, gpa, (void *)src, len, 1);
}

int zero_gpa(struct domain *d, uint64_t gpa, uint64_t len)
{
    return copy_gpa(d, gpa, NULL, len, 2);
}
