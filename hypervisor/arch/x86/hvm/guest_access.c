// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory access: guest-virtual addresses are translated through the
 * guest's own page tables (whatever mode it is in: no paging, 32-bit,
 * PAE or 4-level long mode), every table read going through the p2m, and
 * the data is copied page by page.  Anything not backed by the domain's RAM
 * gives -EFAULT; nothing the guest controls can make Keel touch memory
 * outside what the p2m maps for it.
 */
#include <asm/hvm_vcpu.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/xmalloc.h>

#define CR0_PG      (1ULL << 31)
#define CR4_PSE     (1ULL << 4)
#define CR4_PAE     (1ULL << 5)
#define EFER_LMA    (1ULL << 10)
#define PTE_P       1ULL
#define PTE_PS      (1ULL << 7)
#define PTE_ADDR    0x000ffffffffff000ULL

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

/* 4-level (long mode) or 3-level (PAE) walk. */
static int walk_64(struct domain *d, uint64_t cr3, uint64_t gva, int levels, uint64_t *gpa)
{
    uint64_t table = levels == 4 ? (cr3 & PTE_ADDR) : (cr3 & 0xffffffe0ULL);

    for (int l = levels - 1; l >= 0; l--) {
        unsigned int shift = 12 + 9 * l;
        uint64_t index = levels == 3 && l == 2 ? (gva >> 30) & 3 : (gva >> shift) & 511;
        uint64_t e;

        if (read_gpa_u64(d, table + index * 8, &e) < 0 || !(e & PTE_P))
            return -EFAULT;
        if (l == 0 || (l <= 2 && (e & PTE_PS) && !(levels == 3 && l == 2))) {
            uint64_t mask = (1ULL << shift) - 1;
            *gpa = ((e & PTE_ADDR) & ~mask) | (gva & mask);
            return 0;
        }
        table = e & PTE_ADDR;
    }
    return -EFAULT;
}

static int walk_32(struct domain *d, uint64_t cr3, uint64_t cr4, uint32_t gva, uint64_t *gpa)
{
    uint32_t pde, pte;

    if (read_gpa_u32(d, (cr3 & 0xfffff000) + (gva >> 22) * 4, &pde) < 0 || !(pde & PTE_P))
        return -EFAULT;
    if ((pde & PTE_PS) && (cr4 & CR4_PSE)) {
        *gpa = (pde & 0xffc00000u) | (gva & 0x3fffff);
        return 0;
    }
    if (read_gpa_u32(d, (pde & 0xfffff000u) + ((gva >> 12) & 1023) * 4, &pte) < 0 ||
        !(pte & PTE_P))
        return -EFAULT;
    *gpa = (pte & 0xfffff000u) | (gva & 0xfff);
    return 0;
}

int guest_virt_to_phys(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
    const struct vmcb_save *s = &v->hvm.vmcb->save;

    if (!(s->cr0 & CR0_PG)) {
        *gpa = s->efer & EFER_LMA ? gva : (uint32_t)gva;
        return 0;
    }
    if (s->efer & EFER_LMA)
        return walk_64(v->domain, s->cr3, gva, 4, gpa);
    if (s->cr4 & CR4_PAE)
        return walk_64(v->domain, s->cr3, (uint32_t)gva, 3, gpa);
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
