/* SPDX-License-Identifier: MIT */
/*
 * test-toolstack: a dom0 test kernel that is a minimal toolstack.  This
 * header is what its files share: the control hypercalls (ctl.c), the
 * ELF64 reader of the domU image (elf.c) and the domain builder (build.c).
 */
#ifndef TOOLSTACK_H
#define TOOLSTACK_H

#include <stdint.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/memory.h>
#include <public/hvm/save.h>

/* ---- ctl.c: hypercalls with the interface version filled in ---------- */
long do_domctl(struct xen_domctl *op);          /* op->cmd, domain, u set */
long do_sysctl(struct xen_sysctl *op);
long memory_op(unsigned int cmd, void *arg);
/* XEN_SYSCTL_physinfo's free_pages; false (after a FAIL line) on error. */
bool free_pages(uint64_t *pages);
/* XEN_DOMCTL_getdomaininfo of domid: the hypercall's result. */
long domain_info(uint16_t domid, struct xen_domctl_getdomaininfo *info);

/* ---- elf.c: the PT_LOAD segments and PVH entry of an ELF64 image ------ */
#define ELF_MAX_SEGS 8

struct elf_seg {
    uint64_t paddr;         /* where it goes in the guest */
    uint64_t offset;        /* in the file */
    uint64_t filesz;
    uint64_t memsz;         /* filesz..memsz is zero */
};

struct elf_image {
    const uint8_t *data;
    uint64_t size;
    struct elf_seg seg[ELF_MAX_SEGS];
    unsigned int nr_segs;
    uint64_t lo, hi;        /* lowest and end of the highest segment */
    uint32_t entry;         /* XEN_ELFNOTE_PHYS32_ENTRY */
};

/* Check the image and fill *img; segments must fit in [min, max).
 * false with a FAIL line if the image is not one we can load. */
bool elf_read(struct elf_image *img, const void *data, uint64_t size,
              uint64_t min, uint64_t max);

/* ---- build.c: a PVH domain from an image, ready to unpause ------------- */
struct build_params {
    const struct elf_image *img;
    const char *cmdline;
    uint64_t mem;           /* bytes of RAM from gpa 0, multiple of 2 MiB */
    uint64_t scratch_gfn;   /* free gfns of dom0's own to map the domU's pages at */
};

/* Create the domain; its id in *domid.  false (with FAIL lines) on error,
 * the domain then destroyed again if it was created. */
bool build_domain(const struct build_params *p, uint16_t *domid);

#endif
