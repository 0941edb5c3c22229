// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest kernel ELF loader (see keel/elf_loader.h): parsing and validating
 * ELF32/ELF64 x86 executables, reading their Xen ELF notes (from PT_NOTE
 * segments, or SHT_NOTE sections when the segments carry none, as Xen's
 * libelf does), and copying their PT_LOAD segments to guest-physical memory
 * through caller-provided callbacks.
 *
 * The image is hostile: every field read is bounds-checked with 64-bit
 * arithmetic that cannot wrap, headers are read by memcpy (the image need
 * not be aligned), and nothing outside [image, image+len) is ever touched.
 */
#include <keel/elf_loader.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <public/elfnote.h>

/* ---- ELF format constants and on-disk headers (the System V gABI) ------- */

#define EI_NIDENT       16
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define EM_386          3
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_NOTE         4
#define SHT_NOTE        7

struct elf32_ehdr {
    uint8_t  e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_ehdr {
    uint8_t  e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf32_phdr {
    uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf32_shdr {
    uint32_t sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size;
    uint32_t sh_link, sh_info, sh_addralign, sh_entsize;
};

struct elf64_shdr {
    uint32_t sh_name, sh_type;
    uint64_t sh_flags, sh_addr, sh_offset, sh_size;
    uint32_t sh_link, sh_info;
    uint64_t sh_addralign, sh_entsize;
};

BUILD_BUG_ON(sizeof(struct elf32_ehdr) != 52);
BUILD_BUG_ON(sizeof(struct elf64_ehdr) != 64);
BUILD_BUG_ON(sizeof(struct elf32_phdr) != 32);
BUILD_BUG_ON(sizeof(struct elf64_phdr) != 56);
BUILD_BUG_ON(sizeof(struct elf32_shdr) != 40);
BUILD_BUG_ON(sizeof(struct elf64_shdr) != 64);

/* A note header: the same 12 bytes in both classes. */
struct elf_nhdr {
    uint32_t n_namesz, n_descsz, n_type;
};

#define NOTE_ALIGN      4       /* Xen and Linux pad notes to 4 bytes */

/* ---- class-independent views --------------------------------------------- */

struct ehdr_view {
    uint8_t elf_class;
    uint16_t type, machine, ehsize;
    uint64_t entry;
    uint64_t phoff, shoff;
    uint16_t phentsize, phnum, shentsize, shnum;
};

struct phdr_view {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct shdr_view {
    uint32_t type;
    uint64_t offset, size;
};

/* The parser's working state. */
struct elf_ctx {
    struct elf_image *img;
    const uint8_t *bytes;
    uint64_t len;
    struct ehdr_view eh;
};

/* True if [off, off+size) lies within [0, len), without wrapping. */
static bool range_within(uint64_t off, uint64_t size, uint64_t len)
{
    return off <= len && size <= len - off;
}

static int read_ehdr_32(struct ehdr_view *eh, const uint8_t *bytes)
{
    struct elf32_ehdr h;

    memcpy(&h, bytes, sizeof(h));
    eh->type = h.e_type;
    eh->machine = h.e_machine;
    eh->ehsize = h.e_ehsize;
    eh->entry = h.e_entry;
    eh->phoff = h.e_phoff;
    eh->shoff = h.e_shoff;
    eh->phentsize = h.e_phentsize;
    eh->phnum = h.e_phnum;
    eh->shentsize = h.e_shentsize;
    eh->shnum = h.e_shnum;
    return h.e_version == EV_CURRENT ? 0 : -ENOEXEC;
}

static int read_ehdr_64(struct ehdr_view *eh, const uint8_t *bytes)
{
    struct elf64_ehdr h;

    memcpy(&h, bytes, sizeof(h));
    eh->type = h.e_type;
    eh->machine = h.e_machine;
    eh->ehsize = h.e_ehsize;
    eh->entry = h.e_entry;
    eh->phoff = h.e_phoff;
    eh->shoff = h.e_shoff;
    eh->phentsize = h.e_phentsize;
    eh->phnum = h.e_phnum;
    eh->shentsize = h.e_shentsize;
    eh->shnum = h.e_shnum;
    return h.e_version == EV_CURRENT ? 0 : -ENOEXEC;
}

static uint64_t phdr_size(uint8_t elf_class)
{
    return elf_class == 64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
}

static uint64_t shdr_size(uint8_t elf_class)
{
    return elf_class == 64 ? sizeof(struct elf64_shdr) : sizeof(struct elf32_shdr);
}

static uint64_t ehdr_size(uint8_t elf_class)
{
    return elf_class == 64 ? sizeof(struct elf64_ehdr) : sizeof(struct elf32_ehdr);
}

/* The identification bytes and the file header: class, type, machine. */
static int parse_ehdr(struct elf_ctx *cx)
{
    const uint8_t *id = cx->bytes;
    struct ehdr_view *eh = &cx->eh;
    int rc;

    if (cx->len < EI_NIDENT || memcmp(id, "\177ELF", 4) != 0) {
        pr_err("elf: not an ELF image (bad magic or too short: %llu bytes)\n",
               (unsigned long long)cx->len);
        return -ENOEXEC;
    }
    if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) {
        pr_err("elf: unknown ELF class %u\n", id[EI_CLASS]);
        return -ENOEXEC;
    }
    eh->elf_class = id[EI_CLASS] == ELFCLASS64 ? 64 : 32;
    if (id[EI_DATA] != ELFDATA2LSB || id[EI_VERSION] != EV_CURRENT) {
        pr_err("elf: not a little-endian ELF version 1 image\n");
        return -ENOEXEC;
    }
    if (cx->len < ehdr_size(eh->elf_class)) {
        pr_err("elf: image too short for an ELF%u header (%llu bytes)\n",
               eh->elf_class, (unsigned long long)cx->len);
        return -ENOEXEC;
    }
    rc = eh->elf_class == 64 ? read_ehdr_64(eh, cx->bytes) : read_ehdr_32(eh, cx->bytes);
    if (rc) {
        pr_err("elf: bad e_version\n");
        return rc;
    }
    if (eh->type != ET_EXEC) {
        pr_err("elf: not an executable (e_type %u, want ET_EXEC)\n", eh->type);
        return -ENOEXEC;
    }
    if (eh->machine != EM_X86_64 && eh->machine != EM_386) {
        pr_err("elf: not an x86 image (e_machine %u)\n", eh->machine);
        return -ENOEXEC;
    }
    if (eh->ehsize != ehdr_size(eh->elf_class)) {
        pr_err("elf: bad e_ehsize %u\n", eh->ehsize);
        return -EINVAL;
    }
    return 0;
}

/* ---- program headers ------------------------------------------------------ */

static int check_phdr_table(const struct elf_ctx *cx)
{
    const struct ehdr_view *eh = &cx->eh;

    if (eh->phnum == 0) {
        pr_err("elf: no program headers\n");
        return -ENOEXEC;
    }
    if (eh->phentsize != phdr_size(eh->elf_class)) {
        pr_err("elf: bad e_phentsize %u (want %llu)\n", eh->phentsize,
               (unsigned long long)phdr_size(eh->elf_class));
        return -EINVAL;
    }
    if (eh->phnum > ELF_MAX_PHDRS) {
        pr_err("elf: too many program headers (%u, at most %u)\n",
               eh->phnum, ELF_MAX_PHDRS);
        return -EINVAL;
    }
    if (!range_within(eh->phoff, (uint64_t)eh->phnum * eh->phentsize, cx->len)) {
        pr_err("elf: program headers at 0x%llx (%u of them) lie outside the image\n",
               (unsigned long long)eh->phoff, eh->phnum);
        return -EINVAL;
    }
    return 0;
}

/* Program header 'index'; the table was checked to lie within the image. */
static void read_phdr(const struct elf_ctx *cx, uint32_t index, struct phdr_view *ph)
{
    const uint8_t *at = cx->bytes + cx->eh.phoff + (uint64_t)index * cx->eh.phentsize;

    if (cx->eh.elf_class == 64) {
        struct elf64_phdr p;

        memcpy(&p, at, sizeof(p));
        *ph = (struct phdr_view){ p.p_type, p.p_flags, p.p_offset, p.p_vaddr,
                                  p.p_paddr, p.p_filesz, p.p_memsz };
    } else {
        struct elf32_phdr p;

        memcpy(&p, at, sizeof(p));
        *ph = (struct phdr_view){ p.p_type, p.p_flags, p.p_offset, p.p_vaddr,
                                  p.p_paddr, p.p_filesz, p.p_memsz };
    }
}

static int check_load_segment(const struct elf_ctx *cx, uint32_t index,
                              const struct phdr_view *ph,
                              uint64_t gpa_base, uint64_t gpa_limit)
{
    if (ph->memsz < ph->filesz) {
        pr_err("elf: segment %u: memsz 0x%llx < filesz 0x%llx\n", index,
               (unsigned long long)ph->memsz, (unsigned long long)ph->filesz);
        return -EINVAL;
    }
    if (!range_within(ph->offset, ph->filesz, cx->len)) {
        pr_err("elf: segment %u: file bytes 0x%llx+0x%llx lie outside the image (%llu bytes)\n",
               index, (unsigned long long)ph->offset, (unsigned long long)ph->filesz,
               (unsigned long long)cx->len);
        return -EINVAL;
    }
    if (ph->paddr < gpa_base || !range_within(ph->paddr, ph->memsz, gpa_limit)) {
        pr_err("elf: segment %u: paddr 0x%llx+0x%llx lies outside guest range [0x%llx, 0x%llx)\n",
               index, (unsigned long long)ph->paddr, (unsigned long long)ph->memsz,
               (unsigned long long)gpa_base, (unsigned long long)gpa_limit);
        return -EINVAL;
    }
    return 0;
}

/* Insert keeping segments sorted by paddr. */
static int add_segment(struct elf_image *img, const struct phdr_view *ph)
{
    uint32_t pos = img->nr_segments;

    if (img->nr_segments >= ELF_MAX_SEGMENTS) {
        pr_err("elf: too many PT_LOAD segments (at most %u)\n", ELF_MAX_SEGMENTS);
        return -EINVAL;
    }
    while (pos > 0 && img->segments[pos - 1].paddr > ph->paddr) {
        img->segments[pos] = img->segments[pos - 1];
        pos--;
    }
    img->segments[pos] = (struct elf_segment){
        .paddr = ph->paddr, .vaddr = ph->vaddr, .offset = ph->offset,
        .filesz = ph->filesz, .memsz = ph->memsz, .flags = ph->flags,
    };
    img->nr_segments++;
    return 0;
}

/* Segments are sorted by paddr: adjacent ones must not overlap. */
static int check_overlaps(struct elf_image *img)
{
    for (uint32_t i = 0; i + 1 < img->nr_segments; i++) {
        const struct elf_segment *a = &img->segments[i], *b = &img->segments[i + 1];

        if (a->paddr + a->memsz > b->paddr) {
            pr_err("elf: segments at paddr 0x%llx+0x%llx and 0x%llx+0x%llx overlap\n",
                   (unsigned long long)a->paddr, (unsigned long long)a->memsz,
                   (unsigned long long)b->paddr, (unsigned long long)b->memsz);
            return -EINVAL;
        }
    }
    if (img->nr_segments == 0) {
        pr_err("elf: no loadable (non-empty PT_LOAD) segments\n");
        return -ENOEXEC;
    }
    img->paddr_lo = img->segments[0].paddr;
    img->paddr_hi = img->segments[img->nr_segments - 1].paddr +
                    img->segments[img->nr_segments - 1].memsz;
    return 0;
}

static int parse_segments(struct elf_ctx *cx, uint64_t gpa_base, uint64_t gpa_limit)
{
    struct phdr_view ph;
    int rc;

    for (uint32_t i = 0; i < cx->eh.phnum; i++) {
        read_phdr(cx, i, &ph);
        if (ph.type != PT_LOAD || (ph.memsz == 0 && ph.filesz == 0))
            continue;
        rc = check_load_segment(cx, i, &ph, gpa_base, gpa_limit);
        if (!rc)
            rc = add_segment(cx->img, &ph);
        if (rc)
            return rc;
    }
    return check_overlaps(cx->img);
}

/* ---- Xen notes ------------------------------------------------------------ */

/* Copy a string note for logging: bounded, NUL-terminated, printable. */
static void copy_note_string(char *dst, size_t cap, const uint8_t *desc, uint64_t descsz)
{
    size_t n = 0;

    while (n + 1 < cap && n < descsz && desc[n] != 0) {
        uint8_t c = desc[n];

        dst[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    dst[n] = 0;
}

/* A little-endian number of 1, 2, 4 or 8 bytes, as Xen reads numeric notes. */
static bool read_note_number(const uint8_t *desc, uint64_t descsz, uint64_t *value)
{
    uint64_t v = 0;

    if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8)
        return false;
    for (uint64_t i = descsz; i > 0; i--)
        v = (v << 8) | desc[i - 1];
    *value = v;
    return true;
}

static int note_phys32_entry(struct elf_image *img, const uint8_t *desc, uint64_t descsz)
{
    uint64_t entry;

    if ((descsz != 4 && descsz != 8) || !read_note_number(desc, descsz, &entry)) {
        pr_err("elf: PHYS32_ENTRY note has %llu-byte value (want 4 or 8)\n",
               (unsigned long long)descsz);
        return -EINVAL;
    }
    if (entry > UINT32_MAX) {
        pr_err("elf: PHYS32_ENTRY 0x%llx is above 4 GiB\n", (unsigned long long)entry);
        return -EINVAL;
    }
    if (img->has_pvh_entry && img->phys32_entry != entry) {
        pr_err("elf: two PHYS32_ENTRY notes disagree (0x%x, 0x%llx)\n",
               img->phys32_entry, (unsigned long long)entry);
        return -EINVAL;
    }
    img->has_pvh_entry = true;
    img->phys32_entry = (uint32_t)entry;
    return 0;
}

/* The string-valued notes: where each is kept. */
static char *note_string_slot(struct elf_xen_notes *n, uint32_t type, size_t *cap)
{
    *cap = ELF_NOTE_STR_SHORT;
    switch (type) {
    case XEN_ELFNOTE_GUEST_OS:      return n->guest_os;
    case XEN_ELFNOTE_GUEST_VERSION: return n->guest_version;
    case XEN_ELFNOTE_XEN_VERSION:   return n->xen_version;
    case XEN_ELFNOTE_LOADER:        return n->loader;
    case XEN_ELFNOTE_PAE_MODE:      return n->pae_mode;
    case XEN_ELFNOTE_FEATURES:      *cap = ELF_NOTE_STR_LONG; return n->features;
    default:                        return NULL;
    }
}

/* The numeric notes: where each is kept. */
static uint64_t *note_number_slot(struct elf_xen_notes *n, uint32_t type)
{
    switch (type) {
    case XEN_ELFNOTE_ENTRY:          return &n->entry;
    case XEN_ELFNOTE_HYPERCALL_PAGE: return &n->hypercall_page;
    case XEN_ELFNOTE_VIRT_BASE:      return &n->virt_base;
    case XEN_ELFNOTE_PADDR_OFFSET:   return &n->paddr_offset;
    case XEN_ELFNOTE_HV_START_LOW:   return &n->hv_start_low;
    case XEN_ELFNOTE_INIT_P2M:       return &n->init_p2m;
    case XEN_ELFNOTE_SUSPEND_CANCEL: return &n->suspend_cancel;
    case XEN_ELFNOTE_MOD_START_PFN:  return &n->mod_start_pfn;
    default:                         return NULL;
    }
}

static void note_supported_features(struct elf_xen_notes *n, const uint8_t *desc,
                                    uint64_t descsz)
{
    if (descsz < 4 || descsz % 4) {
        pr_warn("elf: ignoring SUPPORTED_FEATURES note of %llu bytes\n",
                (unsigned long long)descsz);
        return;
    }
    n->supported_features = (uint32_t)desc[0] | (uint32_t)desc[1] << 8 |
                            (uint32_t)desc[2] << 16 | (uint32_t)desc[3] << 24;
}

/* One note named "Xen".  Only a bad PHYS32_ENTRY is fatal: the others are
 * kept for logging and a bad one is warned about and ignored. */
static int handle_xen_note(struct elf_image *img, uint32_t type,
                           const uint8_t *desc, uint64_t descsz)
{
    struct elf_xen_notes *n = &img->notes;
    uint64_t *number;
    size_t cap;
    char *str;

    if (type > XEN_ELFNOTE_MAX)
        return 0;
    n->seen |= 1u << type;
    if (type == XEN_ELFNOTE_PHYS32_ENTRY)
        return note_phys32_entry(img, desc, descsz);
    if (type == XEN_ELFNOTE_SUPPORTED_FEATURES) {
        note_supported_features(n, desc, descsz);
        return 0;
    }
    str = note_string_slot(n, type, &cap);
    if (str) {
        copy_note_string(str, cap, desc, descsz);
        return 0;
    }
    number = note_number_slot(n, type);
    if (number && !read_note_number(desc, descsz, number))
        pr_warn("elf: ignoring Xen note %u with %llu-byte value\n", type,
                (unsigned long long)descsz);
    return 0;
}

/* Walk the notes in file bytes [off, off+size), already checked to lie
 * within the image. */
static int parse_note_area(struct elf_ctx *cx, uint64_t off, uint64_t size)
{
    const uint8_t *area = cx->bytes + off;
    uint64_t pos = 0;
    int rc;

    if (off % NOTE_ALIGN) {
        pr_err("elf: note area at 0x%llx is not 4-byte aligned\n", (unsigned long long)off);
        return -EINVAL;
    }
    while (pos < size) {
        struct elf_nhdr nh;
        uint64_t name_at, desc_at;

        if (size - pos < sizeof(nh)) {
            pr_err("elf: note area at 0x%llx ends with %llu stray bytes\n",
                   (unsigned long long)off, (unsigned long long)(size - pos));
            return -EINVAL;
        }
        memcpy(&nh, area + pos, sizeof(nh));
        name_at = pos + sizeof(nh);
        desc_at = name_at + ALIGN_UP((uint64_t)nh.n_namesz, NOTE_ALIGN);
        if (desc_at > size || nh.n_descsz > size - desc_at) {
            pr_err("elf: note at 0x%llx (namesz %u, descsz %u) overruns its area\n",
                   (unsigned long long)(off + pos), nh.n_namesz, nh.n_descsz);
            return -EINVAL;
        }
        if (nh.n_namesz == 4 && memcmp(area + name_at, "Xen", 4) == 0) {
            rc = handle_xen_note(cx->img, nh.n_type, area + desc_at, nh.n_descsz);
            if (rc)
                return rc;
        }
        pos = MIN(size, ALIGN_UP(desc_at + nh.n_descsz, NOTE_ALIGN));
    }
    return 0;
}

static int parse_note_segments(struct elf_ctx *cx)
{
    struct phdr_view ph;
    int rc;

    for (uint32_t i = 0; i < cx->eh.phnum; i++) {
        read_phdr(cx, i, &ph);
        if (ph.type != PT_NOTE)
            continue;
        if (!range_within(ph.offset, ph.filesz, cx->len)) {
            pr_err("elf: PT_NOTE %u at 0x%llx+0x%llx lies outside the image\n", i,
                   (unsigned long long)ph.offset, (unsigned long long)ph.filesz);
            return -EINVAL;
        }
        rc = parse_note_area(cx, ph.offset, ph.filesz);
        if (rc)
            return rc;
    }
    return 0;
}

static void read_shdr(const struct elf_ctx *cx, uint32_t index, struct shdr_view *sh)
{
    const uint8_t *at = cx->bytes + cx->eh.shoff + (uint64_t)index * cx->eh.shentsize;

    if (cx->eh.elf_class == 64) {
        struct elf64_shdr s;

        memcpy(&s, at, sizeof(s));
        *sh = (struct shdr_view){ s.sh_type, s.sh_offset, s.sh_size };
    } else {
        struct elf32_shdr s;

        memcpy(&s, at, sizeof(s));
        *sh = (struct shdr_view){ s.sh_type, s.sh_offset, s.sh_size };
    }
}

static int check_shdr_table(const struct elf_ctx *cx)
{
    const struct ehdr_view *eh = &cx->eh;

    if (eh->shentsize != shdr_size(eh->elf_class)) {
        pr_err("elf: bad e_shentsize %u (want %llu)\n", eh->shentsize,
               (unsigned long long)shdr_size(eh->elf_class));
        return -EINVAL;
    }
    if (eh->shnum > ELF_MAX_SHDRS) {
        pr_err("elf: too many section headers (%u)\n", eh->shnum);
        return -EINVAL;
    }
    if (!range_within(eh->shoff, (uint64_t)eh->shnum * eh->shentsize, cx->len)) {
        pr_err("elf: section headers at 0x%llx (%u of them) lie outside the image\n",
               (unsigned long long)eh->shoff, eh->shnum);
        return -EINVAL;
    }
    return 0;
}

/* SHT_NOTE sections: only consulted when no PT_NOTE carried a Xen note. */
static int parse_note_sections(struct elf_ctx *cx)
{
    struct shdr_view sh;
    int rc;

    if (cx->eh.shoff == 0 || cx->eh.shnum == 0)
        return 0;
    rc = check_shdr_table(cx);
    if (rc)
        return rc;
    for (uint32_t i = 0; i < cx->eh.shnum; i++) {
        read_shdr(cx, i, &sh);
        if (sh.type != SHT_NOTE)
            continue;
        if (!range_within(sh.offset, sh.size, cx->len)) {
            pr_err("elf: SHT_NOTE section %u at 0x%llx+0x%llx lies outside the image\n",
                   i, (unsigned long long)sh.offset, (unsigned long long)sh.size);
            return -EINVAL;
        }
        rc = parse_note_area(cx, sh.offset, sh.size);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- entry points --------------------------------------------------------- */

static int parse_all(struct elf_ctx *cx, uint64_t gpa_base, uint64_t gpa_limit)
{
    int rc;

    rc = parse_ehdr(cx);
    if (!rc)
        rc = check_phdr_table(cx);
    if (rc)
        return rc;
    cx->img->elf_class = cx->eh.elf_class;
    cx->img->machine = cx->eh.machine;
    cx->img->e_entry = cx->eh.entry;
    rc = parse_segments(cx, gpa_base, gpa_limit);
    if (!rc)
        rc = parse_note_segments(cx);
    if (!rc && cx->img->notes.seen == 0)
        rc = parse_note_sections(cx);
    return rc;
}

int elf_parse(struct elf_image *img, const void *image, uint64_t len,
              uint64_t gpa_base, uint64_t gpa_limit)
{
    struct elf_ctx cx = { .img = img, .bytes = image, .len = len };
    int rc;

    memset(img, 0, sizeof(*img));
    if (!image) {
        pr_err("elf: no image\n");
        return -EINVAL;
    }
    rc = parse_all(&cx, gpa_base, gpa_limit);
    if (rc)
        memset(img, 0, sizeof(*img));
    return rc;
}

int elf_check_pvh(const struct elf_image *img)
{
    if (!img->has_pvh_entry) {
        pr_err("elf: no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel "
               "(Linux needs CONFIG_PVH=y)\n");
        return -ENOEXEC;
    }
    for (uint32_t i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];

        if (img->phys32_entry >= s->paddr && img->phys32_entry - s->paddr < s->filesz)
            return 0;
    }
    pr_err("elf: PVH entry 0x%x is not within any segment's loaded bytes\n",
           img->phys32_entry);
    return -ENOEXEC;
}

void elf_log_image(const struct elf_image *img)
{
    const struct elf_xen_notes *n = &img->notes;

    pr_info("elf: ELF%u %s, %u segments at paddr [0x%llx, 0x%llx)\n",
            img->elf_class, img->machine == EM_X86_64 ? "x86-64" : "i386",
            img->nr_segments, (unsigned long long)img->paddr_lo,
            (unsigned long long)img->paddr_hi);
    for (uint32_t i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];

        pr_info("elf:   paddr 0x%llx filesz 0x%llx memsz 0x%llx %c%c%c\n",
                (unsigned long long)s->paddr, (unsigned long long)s->filesz,
                (unsigned long long)s->memsz, s->flags & ELF_PF_R ? 'r' : '-',
                s->flags & ELF_PF_W ? 'w' : '-', s->flags & ELF_PF_X ? 'x' : '-');
    }
    if (img->has_pvh_entry)
        pr_info("elf: PVH entry 0x%x\n", img->phys32_entry);
    if (n->seen)
        pr_info("elf: Xen notes: guest '%s' '%s', xen '%s', loader '%s', pae '%s', "
                "features '%s', supported 0x%x, virt_base 0x%llx\n",
                n->guest_os, n->guest_version, n->xen_version, n->loader,
                n->pae_mode, n->features, n->supported_features,
                (unsigned long long)n->virt_base);
}

int elf_load(const struct elf_image *img, const void *image, uint64_t len,
             const struct gpa_write_ops *ops)
{
    const uint8_t *bytes = image;
    int rc;

    if (!image || !ops || !ops->copy_to_gpa || !ops->zero_gpa ||
        img->nr_segments > ELF_MAX_SEGMENTS)
        return -EINVAL;
    for (uint32_t i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];

        if (s->memsz < s->filesz || !range_within(s->offset, s->filesz, len) ||
            s->paddr + s->memsz < s->paddr) {
            pr_err("elf: segment %u does not fit the image given to elf_load\n", i);
            return -EINVAL;
        }
        if (s->filesz) {
            rc = ops->copy_to_gpa(ops->ctx, s->paddr, bytes + s->offset, s->filesz);
            if (rc)
                return rc;
        }
        if (s->memsz > s->filesz) {
            rc = ops->zero_gpa(ops->ctx, s->paddr + s->filesz, s->memsz - s->filesz);
            if (rc)
                return rc;
        }
    }
    return 0;
}
