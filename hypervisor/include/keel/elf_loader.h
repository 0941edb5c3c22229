/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel ELF loader: parses an ELF32/ELF64 x86 executable (a PVH
 * kernel such as Linux's vmlinux), validates it as hostile input, records its
 * loadable segments and its Xen ELF notes (XEN_ELFNOTE_PHYS32_ENTRY is the
 * PVH entry point), and copies it into guest-physical memory through
 * callbacks the caller provides (the hypervisor backs them with the domain's
 * p2m; host tests with a buffer).
 *
 *     struct elf_image img;
 *     rc = elf_parse(&img, bytes, len, gpa_base, gpa_limit);
 *     if (!rc) rc = elf_check_pvh(&img);
 *     if (!rc) rc = elf_load(&img, bytes, len, &ops);
 *     -> start the vCPU at img.phys32_entry in 32-bit protected mode.
 */
#ifndef KEEL_ELF_LOADER_H
#define KEEL_ELF_LOADER_H

#include <keel/types.h>

/* At most this many non-empty PT_LOAD segments (Linux's vmlinux has 4-5). */
#define ELF_MAX_SEGMENTS    16
/* At most this many program headers (of any type) are looked at. */
#define ELF_MAX_PHDRS       128
/* At most this many section headers are looked at (for SHT_NOTE). */
#define ELF_MAX_SHDRS       4096

/* p_flags bits */
#define ELF_PF_X    0x1
#define ELF_PF_W    0x2
#define ELF_PF_R    0x4

/* One PT_LOAD segment: file bytes [offset, offset+filesz) go to guest-physical
 * [paddr, paddr+filesz); [paddr+filesz, paddr+memsz) is zeroed. */
struct elf_segment {
    uint64_t paddr;
    uint64_t vaddr;
    uint64_t offset;
    uint64_t filesz;
    uint64_t memsz;
    uint32_t flags;             /* ELF_PF_* */
};

/* Bounded copies of the string notes, for logging (always NUL-terminated,
 * unprintable bytes replaced by '?'). */
#define ELF_NOTE_STR_SHORT  32
#define ELF_NOTE_STR_LONG   128

/* The Xen notes found; 'seen' has bit N set when a note of type N
 * (N <= XEN_ELFNOTE_MAX) was found.  Numeric notes hold their value. */
struct elf_xen_notes {
    uint32_t seen;
    char guest_os[ELF_NOTE_STR_SHORT];
    char guest_version[ELF_NOTE_STR_SHORT];
    char xen_version[ELF_NOTE_STR_SHORT];
    char loader[ELF_NOTE_STR_SHORT];
    char pae_mode[ELF_NOTE_STR_SHORT];
    char features[ELF_NOTE_STR_LONG];
    uint64_t entry;             /* PV entry (virtual); unused for PVH */
    uint64_t hypercall_page;    /* virtual address */
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t hv_start_low;
    uint64_t init_p2m;
    uint64_t suspend_cancel;
    uint64_t mod_start_pfn;
    uint32_t supported_features;    /* first 32-bit word of the bitmap */
};

struct elf_image {
    uint8_t elf_class;          /* 32 or 64 */
    uint16_t machine;           /* EM_386 (3) or EM_X86_64 (62) */
    uint64_t e_entry;           /* the ELF entry (virtual); unused for PVH */

    bool has_pvh_entry;         /* a PHYS32_ENTRY note was found */
    uint32_t phys32_entry;      /* the PVH entry, guest-physical */

    uint32_t nr_segments;
    struct elf_segment segments[ELF_MAX_SEGMENTS];  /* sorted by paddr */
    uint64_t paddr_lo;          /* lowest segment byte */
    uint64_t paddr_hi;          /* one past the highest segment byte */

    struct elf_xen_notes notes;
};

/*
 * Parse and validate 'len' bytes of ELF image.  Every PT_LOAD segment must
 * lie within guest-physical [gpa_base, gpa_limit) and not overlap another.
 * Returns 0, -ENOEXEC (not an x86 ELF executable) or -EINVAL (malformed),
 * with the reason logged.  On error *img is zeroed.
 */
int elf_parse(struct elf_image *img, const void *image, uint64_t len,
              uint64_t gpa_base, uint64_t gpa_limit);

/* 0 if the parsed image can be started as PVH (it has a PHYS32_ENTRY note),
 * else -ENOEXEC with the reason logged. */
int elf_check_pvh(const struct elf_image *img);

/* Log what the image says about itself (class, segments, Xen notes). */
void elf_log_image(const struct elf_image *img);

/* Writing guest-physical memory.  Each callback returns 0 or a negative
 * errno; the first failure aborts the operation and is returned as is. */
struct gpa_write_ops {
    void *ctx;
    int (*copy_to_gpa)(void *ctx, uint64_t gpa, const void *src, uint64_t len);
    int (*zero_gpa)(void *ctx, uint64_t gpa, uint64_t len);
};

/*
 * Copy each segment's file bytes to its paddr and zero the rest of its
 * memsz.  'image'/'len' must be what elf_parse() saw (the bounds are checked
 * again all the same).  Returns 0, -EINVAL, or a callback's error.
 */
int elf_load(const struct elf_image *img, const void *image, uint64_t len,
             const struct gpa_write_ops *ops);

#endif
