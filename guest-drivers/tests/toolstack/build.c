// SPDX-License-Identifier: MIT
/*
 * The domain builder of test-toolstack: what a toolstack does to start a
 * PVH guest, with domctl, memory_op and the HVM context only.
 *   createdomain (HVM + HAP, one vCPU, an emulated local APIC), max_mem;
 *   populate_physmap of its RAM (4 KiB extents below 2 MiB, 2 MiB above);
 *   add_to_physmap_batch(gmfn_foreign) of the pages the kernel and the
 *   start info need at scratch gfns of our own, the ELF segments and
 *   struct hvm_start_info (command line, memory map) written there,
 *   remove_from_physmap of every scratch gfn;
 *   set_memory_map (its e820);
 *   gethvmcontext, vCPU 0's CPU record rewritten for the PVH entry (flat
 *   32-bit protected mode, rbx = start info), sethvmcontext with HEADER,
 *   CPU, MTRR (if the hypervisor has one) and END.
 * The caller unpauses, watches and destroys the domain.
 */
#include <public/arch-x86/hvm/start_info.h>
#include "guest.h"
#include "toolstack.h"

#define PAGE_SIZE       0x1000ull
#define PAGE_SHIFT      12
#define SUPERPAGE       0x200000ull
#define LEGACY_HOLE     0xa0000ull          /* RAM below, the VGA/BIOS hole above */
#define HIGH_RAM        0x100000ull
#define MAP_BATCH       256
#define CTX_MAX         0x4000
#define MTRR_WB         6
#define MTRR_DEF_ENABLE (1u << 11)

/* One e820 entry as set_memory_map takes it: 20 bytes, packed. */
struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));
#define E820_RAM        1

static uint8_t ctx_in[CTX_MAX] __attribute__((aligned(16)));
static uint8_t ctx_out[CTX_MAX] __attribute__((aligned(16)));
static xen_pfn_t extents[512];

static long create(uint16_t *domid)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_createdomain;
    op.domain = 0;                              /* any free id */
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = 4;
    op.u.createdomain.max_maptrack_frames = 16;
    op.u.createdomain.grant_opts = 1;           /* grant table version 1 */
    op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    long rc = do_domctl(&op);
    if (rc == 0)
        *domid = op.domain;
    return rc;
}

static long set_max_mem(uint16_t domid, uint64_t bytes)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_mem;
    op.domain = domid;
    op.u.max_mem.max_memkb = bytes >> 10;
    return do_domctl(&op);
}

/* populate_physmap of n extents of 2^order pages from gfn; extents done. */
static long populate(uint16_t domid, uint64_t gfn, unsigned int n, unsigned int order)
{
    struct xen_memory_reservation r = {
        .nr_extents = n, .extent_order = order, .domid = domid,
    };

    for (unsigned int i = 0; i < n; i++)
        extents[i] = gfn + ((uint64_t)i << order);
    set_xen_guest_handle(r.extent_start, extents);
    return memory_op(XENMEM_populate_physmap, &r);
}

static bool populate_ram(uint16_t domid, uint64_t mem)
{
    unsigned int small = SUPERPAGE >> PAGE_SHIFT, big = (mem - SUPERPAGE) / SUPERPAGE;
    long rc = populate(domid, 0, small, 0);

    if (rc != small) {
        test_fail("d%u: populate_physmap of %u 4 KiB pages: %ld", domid, small, rc);
        return false;
    }
    rc = populate(domid, SUPERPAGE >> PAGE_SHIFT, big, 9);
    if (rc != big) {
        test_fail("d%u: populate_physmap of %u 2 MiB extents: %ld", domid, big, rc);
        return false;
    }
    return true;
}

/* Map n of the domU's frames from gfn on at our scratch..scratch+n. */
static bool map_foreign(uint16_t domid, uint64_t gfn, uint64_t scratch, unsigned int n)
{
    static xen_ulong_t idxs[MAP_BATCH];
    static xen_pfn_t gpfns[MAP_BATCH];
    static int errs[MAP_BATCH];

    for (unsigned int done = 0; done < n;) {
        unsigned int k = n - done < MAP_BATCH ? n - done : MAP_BATCH;
        struct xen_add_to_physmap_batch b = {
            .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = (uint16_t)k,
            .u.foreign_domid = domid,
        };
        for (unsigned int i = 0; i < k; i++) {
            idxs[i] = gfn + done + i;
            gpfns[i] = scratch + done + i;
            errs[i] = -1;
        }
        set_xen_guest_handle(b.idxs, idxs);
        set_xen_guest_handle(b.gpfns, gpfns);
        set_xen_guest_handle(b.errs, errs);
        long rc = memory_op(XENMEM_add_to_physmap_batch, &b);
        if (rc) {
            test_fail("d%u: add_to_physmap_batch(gmfn_foreign, %u frames): %ld", domid, k, rc);
            return false;
        }
        for (unsigned int i = 0; i < k; i++)
            if (errs[i]) {
                test_fail("d%u: foreign map of gfn 0x%lx at 0x%lx: %d", domid, idxs[i],
                          gpfns[i], errs[i]);
                return false;
            }
        done += k;
    }
    return true;
}

/* Unmap every scratch gfn; true if all went. */
static bool unmap_foreign(uint16_t domid, uint64_t scratch, unsigned int n)
{
    bool ok = true;

    for (unsigned int i = 0; i < n; i++) {
        struct xen_remove_from_physmap r = { .domid = DOMID_SELF, .gpfn = scratch + i };
        long rc = memory_op(XENMEM_remove_from_physmap, &r);
        if (rc) {
            test_fail("d%u: remove_from_physmap(0x%lx): %ld", domid, scratch + i, rc);
            ok = false;
        }
    }
    return ok;
}

/* The kernel and the start info, written through the mapping at base
 * (which shows the domU's gpa first_gpa).  The start info page follows
 * the image; its gpa in *si_gpa. */
static void load(const struct build_params *p, uint8_t *base, uint64_t first_gpa,
                 uint64_t si_gpa)
{
    const struct elf_image *img = p->img;

    for (unsigned int i = 0; i < img->nr_segs; i++) {
        const struct elf_seg *s = &img->seg[i];
        uint8_t *dst = base + (s->paddr - first_gpa);
        memcpy(dst, img->data + s->offset, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
    }

    uint8_t *page = base + (si_gpa - first_gpa);
    struct hvm_start_info *si = (struct hvm_start_info *)page;
    struct hvm_memmap_table_entry *map = (struct hvm_memmap_table_entry *)(si + 1);
    char *cmdline = (char *)(map + 2);
    size_t room = PAGE_SIZE - (size_t)((uint8_t *)cmdline - page);

    memset(page, 0, PAGE_SIZE);
    map[0] = (struct hvm_memmap_table_entry){ 0, LEGACY_HOLE, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    map[1] = (struct hvm_memmap_table_entry){ HIGH_RAM, p->mem - HIGH_RAM,
                                              XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    snprintf(cmdline, room, "%s", p->cmdline);
    si->magic = XEN_HVM_START_MAGIC_VALUE;
    si->version = 1;
    si->cmdline_paddr = si_gpa + (uint64_t)((uint8_t *)cmdline - page);
    si->memmap_paddr = si_gpa + (uint64_t)((uint8_t *)map - page);
    si->memmap_entries = 2;
}

static bool load_image(const struct build_params *p, uint16_t domid, uint64_t *si_gpa)
{
    uint64_t first = p->img->lo & ~(PAGE_SIZE - 1);
    uint64_t si = (p->img->hi + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    unsigned int n = (unsigned int)((si + PAGE_SIZE - first) >> PAGE_SHIFT);

    if (si + PAGE_SIZE > p->mem) {
        test_fail("d%u: no room for the start info at 0x%lx", domid, si);
        return false;
    }
    if (!map_foreign(domid, first >> PAGE_SHIFT, p->scratch_gfn, n)) {
        unmap_foreign(domid, p->scratch_gfn, n);
        return false;
    }
    load(p, (uint8_t *)(uintptr_t)(p->scratch_gfn << PAGE_SHIFT), first, si);
    *si_gpa = si;
    return unmap_foreign(domid, p->scratch_gfn, n);
}

static long set_e820(uint16_t domid, uint64_t mem)
{
    static struct e820_entry e820[2];
    struct xen_foreign_memory_map fmap = { .domid = domid };

    e820[0] = (struct e820_entry){ 0, LEGACY_HOLE, E820_RAM };
    e820[1] = (struct e820_entry){ HIGH_RAM, mem - HIGH_RAM, E820_RAM };
    fmap.map.nr_entries = 2;
    set_xen_guest_handle(fmap.map.buffer, e820);
    return memory_op(XENMEM_set_memory_map, &fmap);
}

static long hvmcontext(uint16_t domid, unsigned int cmd, void *buf, uint32_t *size)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = domid;
    op.u.hvmcontext.size = *size;
    set_xen_guest_handle(op.u.hvmcontext.buffer, buf);
    long rc = do_domctl(&op);
    *size = op.u.hvmcontext.size;
    return rc;
}

/* Flat 32-bit protected mode at the PVH entry, as the PVH ABI says. */
static void pvh_cpu(struct hvm_hw_cpu *c, uint32_t entry, uint64_t si_gpa)
{
    uint8_t fpu[512];

    memcpy(fpu, c->fpu_regs, sizeof(fpu));
    uint32_t flags = c->flags;
    uint64_t tsc = c->tsc;
    memset(c, 0, sizeof(*c));
    memcpy(c->fpu_regs, fpu, sizeof(fpu));
    c->flags = flags;
    c->tsc = tsc;
    c->rip = entry;
    c->rbx = si_gpa;
    c->rflags = 0x2;
    c->cr0 = 0x11;                              /* PE | ET */
    c->dr6 = 0xffff0ff0;
    c->dr7 = 0x400;
    c->cs_sel = 0x08;
    c->ds_sel = c->es_sel = c->ss_sel = 0x10;
    c->cs_limit = c->ds_limit = c->es_limit = c->ss_limit = 0xffffffff;
    c->fs_limit = c->gs_limit = 0xffffffff;
    c->cs_arbytes = 0xc9b;                      /* code, read, accessed, 32-bit, 4 KiB */
    c->ds_arbytes = c->es_arbytes = c->ss_arbytes = 0xc93;
    c->fs_arbytes = c->gs_arbytes = 0xc93;
    c->tr_limit = 0x67;
    c->tr_arbytes = 0x8b;                       /* busy 32-bit TSS */
    c->ldtr_arbytes = 0x82;
}

/* Append a record; false if it does not fit. */
static bool put_record(uint32_t *at, uint16_t code, uint16_t instance, const void *body,
                       uint32_t len)
{
    struct hvm_save_descriptor d = { code, instance, len };

    if (*at + sizeof(d) + len > sizeof(ctx_out))
        return false;
    memcpy(ctx_out + *at, &d, sizeof(d));
    memcpy(ctx_out + *at + sizeof(d), body, len);
    *at += sizeof(d) + len;
    return true;
}

static bool set_entry(uint16_t domid, uint32_t entry, uint64_t si_gpa)
{
    uint32_t size = 0, out = 0;
    long rc = hvmcontext(domid, XEN_DOMCTL_gethvmcontext, NULL, &size);
    bool header = false, cpu = false, have_mtrr = false, ok = true;
    struct hvm_hw_mtrr mtrr;
    static struct hvm_hw_cpu c;

    if (rc || size < sizeof(struct hvm_save_descriptor) || size > sizeof(ctx_in)) {
        test_fail("d%u: gethvmcontext size query: %ld, %u bytes", domid, rc, size);
        return false;
    }
    if ((rc = hvmcontext(domid, XEN_DOMCTL_gethvmcontext, ctx_in, &size))) {
        test_fail("d%u: gethvmcontext of %u bytes: %ld", domid, size, rc);
        return false;
    }
    for (uint32_t at = 0; at + sizeof(struct hvm_save_descriptor) <= size;) {
        struct hvm_save_descriptor d;
        memcpy(&d, ctx_in + at, sizeof(d));
        uint8_t *body = ctx_in + at + sizeof(d);
        if (d.length > size - at - sizeof(d)) {
            test_fail("d%u: HVM context record %u runs past the buffer", domid, d.typecode);
            return false;
        }
        if (d.typecode == HVM_SAVE_CODE_HEADER && d.length == sizeof(struct hvm_save_header)) {
            ok &= put_record(&out, d.typecode, 0, body, d.length);
            header = true;
        }
        if (d.typecode == HVM_SAVE_CODE_CPU)    /* Xen saves none for a vCPU that is down */
            cpu = true;
        if (d.typecode == HVM_SAVE_CODE_MTRR && d.instance == 0 &&
            d.length == sizeof(struct hvm_hw_mtrr)) {
            memcpy(&mtrr, body, sizeof(mtrr));
            mtrr.msr_mtrr_def_type = MTRR_WB | MTRR_DEF_ENABLE;
            have_mtrr = true;
        }
        if (d.typecode == HVM_SAVE_CODE_END)
            break;
        at += sizeof(d) + d.length;
    }
    if (!header || cpu || !have_mtrr) {
        test_fail("d%u: gethvmcontext of a new domain: HEADER %d, a CPU record %d (none "
                  "expected: its vCPUs are down), MTRR %d", domid, header, cpu, have_mtrr);
        return false;
    }
    /* As libxenguest: vCPU 0's CPU record from scratch, then the MTRRs. */
    memset(&c, 0, sizeof(c));
    pvh_cpu(&c, entry, si_gpa);
    ok &= put_record(&out, HVM_SAVE_CODE_CPU, 0, &c, sizeof(c));
    ok &= put_record(&out, HVM_SAVE_CODE_MTRR, 0, &mtrr, sizeof(mtrr));
    if (!ok || !put_record(&out, HVM_SAVE_CODE_END, 0, NULL, 0)) {
        test_fail("d%u: the HVM context does not fit %u bytes", domid, (uint32_t)sizeof(ctx_out));
        return false;
    }
    if ((rc = hvmcontext(domid, XEN_DOMCTL_sethvmcontext, ctx_out, &out))) {
        test_fail("d%u: sethvmcontext of %u bytes: %ld", domid, out, rc);
        return false;
    }
    return true;
}

bool build_domain(const struct build_params *p, uint16_t *domid)
{
    uint64_t si_gpa = 0;
    long rc;

    *domid = DOMID_INVALID;
    if ((rc = create(domid))) {
        test_fail("createdomain: %ld", rc);
        return false;
    }
    if ((rc = set_max_mem(*domid, p->mem + (1u << 20)))) {
        test_fail("d%u: max_mem: %ld", *domid, rc);
        return false;
    }
    if (!populate_ram(*domid, p->mem) || !load_image(p, *domid, &si_gpa))
        return false;
    if ((rc = set_e820(*domid, p->mem))) {
        test_fail("d%u: set_memory_map: %ld", *domid, rc);
        return false;
    }
    return set_entry(*domid, p->img->entry, si_gpa);
}
