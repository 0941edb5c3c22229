// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for the guest kernel ELF loader (hypervisor/common/elf_loader.c).
 *
 * Images come from two independent places: pvh64.elf/pvh32.elf, built by
 * the GNU toolchain from tests/unit/fixtures/elf/mini.S (see gen.sh) and
 * embedded with .incbin; and a builder here that writes ELF64/ELF32 images
 * shaped like Linux's vmlinux (several PT_LOADs, a bss, a PT_NOTE holding a
 * foreign note and the Xen notes).  Valid images are parsed and loaded into
 * a host buffer standing for guest memory; hostile ones (truncations, bad
 * header fields, wrapping offsets, overlapping segments, broken notes,
 * seeded random byte flips) must give a clean error or a consistent result.
 * Every parse reads a heap copy of exactly 'len' bytes so ASan catches any
 * read past the end.
 */
#include "ktest.h"

#include <keel/elf_loader.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <public/elfnote.h>

#include <fcntl.h>
#include <unistd.h>

/* ---- the toolchain-built fixtures ---------------------------------------- */

extern const uint8_t fixture_pvh64[], fixture_pvh64_end[];
extern const uint8_t fixture_pvh32[], fixture_pvh32_end[];
extern const uint8_t fixture_vmlinux_skel[], fixture_vmlinux_skel_end[];
__asm__(".section .rodata\n"
        ".balign 16\n"
        "fixture_pvh64: .incbin \"tests/unit/fixtures/elf/pvh64.elf\"\n"
        "fixture_pvh64_end:\n"
        ".balign 16\n"
        "fixture_pvh32: .incbin \"tests/unit/fixtures/elf/pvh32.elf\"\n"
        "fixture_pvh32_end:\n"
        ".balign 16\n"
        "fixture_vmlinux_skel: .incbin \"tests/unit/fixtures/elf/debian-6.1.0-56.skel\"\n"
        "fixture_vmlinux_skel_end:\n"
        ".previous\n");

#define FIX64_LEN ((size_t)(fixture_pvh64_end - fixture_pvh64))
#define FIX32_LEN ((size_t)(fixture_pvh32_end - fixture_pvh32))

/* Guest-physical range every test image must fit in. */
#define GPA_BASE    0x1000000ULL
#define GPA_LIMIT   0x1400000ULL

/* ---- little-endian field access ------------------------------------------- */

static void put_le(uint8_t *at, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        at[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *at, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | at[i];
    return v;
}

/* Header field offsets and widths, per class (the gABI layout). */
enum ehdr_field { E_TYPE, E_MACHINE, E_PHOFF, E_SHOFF, E_EHSIZE, E_PHENTSIZE,
                  E_PHNUM, E_SHENTSIZE, E_SHNUM };
enum phdr_field { P_TYPE, P_FLAGS, P_OFFSET, P_VADDR, P_PADDR, P_FILESZ, P_MEMSZ, P_ALIGN };

static void ehdr_loc(int cls, enum ehdr_field f, size_t *off, int *w)
{
    static const uint8_t off64[] = { 16, 18, 32, 40, 52, 54, 56, 58, 60 };
    static const uint8_t off32[] = { 16, 18, 28, 32, 40, 42, 44, 46, 48 };
    static const uint8_t w64[] = { 2, 2, 8, 8, 2, 2, 2, 2, 2 };
    static const uint8_t w32[] = { 2, 2, 4, 4, 2, 2, 2, 2, 2 };

    *off = cls == 64 ? off64[f] : off32[f];
    *w = cls == 64 ? w64[f] : w32[f];
}

static void phdr_loc(int cls, enum phdr_field f, size_t *off, int *w)
{
    static const uint8_t off64[] = { 0, 4, 8, 16, 24, 32, 40, 48 };
    static const uint8_t off32[] = { 0, 24, 4, 8, 12, 16, 20, 28 };

    *off = cls == 64 ? off64[f] : off32[f];
    *w = cls == 64 ? (f <= P_FLAGS ? 4 : 8) : 4;
}

static int img_class(const uint8_t *img)
{
    return img[4] == 2 ? 64 : 32;
}

static void set_ehdr(uint8_t *img, enum ehdr_field f, uint64_t v)
{
    size_t off;
    int w;

    ehdr_loc(img_class(img), f, &off, &w);
    put_le(img + off, v, w);
}

static uint64_t get_ehdr(const uint8_t *img, enum ehdr_field f)
{
    size_t off;
    int w;

    ehdr_loc(img_class(img), f, &off, &w);
    return get_le(img + off, w);
}

static size_t phdr_at(const uint8_t *img, int index)
{
    return get_ehdr(img, E_PHOFF) + (size_t)index * get_ehdr(img, E_PHENTSIZE);
}

static void set_phdr(uint8_t *img, int index, enum phdr_field f, uint64_t v)
{
    size_t off;
    int w;

    phdr_loc(img_class(img), f, &off, &w);
    put_le(img + phdr_at(img, index) + off, v, w);
}

static uint64_t get_phdr(const uint8_t *img, int index, enum phdr_field f)
{
    size_t off;
    int w;

    phdr_loc(img_class(img), f, &off, &w);
    return get_le(img + phdr_at(img, index) + off, w);
}

/* ---- the image builder ---------------------------------------------------- */

#define IMG_CAP     65536
#define MAX_SPECS   24

struct seg_spec {
    uint64_t paddr, vaddr, filesz, memsz;
    uint32_t flags;
};

struct note_spec {
    const char *name;           /* NUL included in namesz */
    uint32_t type;
    const void *desc;
    uint32_t descsz;
};

struct img_spec {
    int cls;                    /* 32 or 64 */
    int nsegs, nnotes;
    struct seg_spec segs[MAX_SPECS];
    struct note_spec notes[MAX_SPECS];
    bool notes_in_section;      /* an SHT_NOTE section instead of a PT_NOTE */
};

struct built {
    uint8_t *buf;               /* IMG_CAP bytes */
    size_t len;
    size_t note_off, note_size; /* the note area */
    size_t seg_off[MAX_SPECS];  /* file offset of each segment's bytes */
    int note_phdr;              /* index of the PT_NOTE header, -1 if none */
};

static uint8_t seg_byte(int seg, uint64_t i)
{
    return (uint8_t)(0x11 * (seg + 1) + i * 7 + (i >> 8));
}

static void write_notes(const struct img_spec *s, struct built *b, size_t *at)
{
    b->note_off = *at;
    for (int i = 0; i < s->nnotes; i++) {
        const struct note_spec *n = &s->notes[i];
        uint32_t namesz = (uint32_t)strlen(n->name) + 1;

        put_le(b->buf + *at, namesz, 4);
        put_le(b->buf + *at + 4, n->descsz, 4);
        put_le(b->buf + *at + 8, n->type, 4);
        *at += 12;
        memcpy(b->buf + *at, n->name, namesz);
        *at += ALIGN_UP(namesz, 4);
        if (n->descsz)
            memcpy(b->buf + *at, n->desc, n->descsz);
        *at += ALIGN_UP(n->descsz, 4);
    }
    b->note_size = *at - b->note_off;
}

static void write_phdr(struct built *b, int cls, size_t at, const uint64_t f[8])
{
    for (int i = 0; i < 8; i++) {
        size_t off;
        int w;

        phdr_loc(cls, (enum phdr_field)i, &off, &w);
        put_le(b->buf + at + off, f[i], w);
    }
}

/* Section headers: a null one and the SHT_NOTE one. */
static void write_note_section(const struct img_spec *s, struct built *b, size_t *at)
{
    size_t shsz = s->cls == 64 ? 64 : 40;

    *at = ALIGN_UP(*at, 8);
    set_ehdr(b->buf, E_SHOFF, *at);
    set_ehdr(b->buf, E_SHENTSIZE, shsz);
    set_ehdr(b->buf, E_SHNUM, 2);
    memset(b->buf + *at, 0, 2 * shsz);
    put_le(b->buf + *at + shsz + 4, 7, 4);                      /* sh_type */
    if (s->cls == 64) {
        put_le(b->buf + *at + shsz + 24, b->note_off, 8);
        put_le(b->buf + *at + shsz + 32, b->note_size, 8);
        put_le(b->buf + *at + shsz + 48, 4, 8);
    } else {
        put_le(b->buf + *at + shsz + 16, b->note_off, 4);
        put_le(b->buf + *at + shsz + 20, b->note_size, 4);
        put_le(b->buf + *at + shsz + 32, 4, 4);
    }
    *at += 2 * shsz;
}

static void build(const struct img_spec *s, struct built *b)
{
    size_t ehsz = s->cls == 64 ? 64 : 52, phsz = s->cls == 64 ? 56 : 32;
    int nph = s->nsegs + (s->notes_in_section ? 0 : 1);
    size_t at = ehsz + nph * phsz;

    if (!b->buf)
        b->buf = malloc(IMG_CAP);
    memset(b->buf, 0, IMG_CAP);
    memcpy(b->buf, "\177ELF", 4);
    b->buf[4] = s->cls == 64 ? 2 : 1;
    b->buf[5] = 1;
    b->buf[6] = 1;
    set_ehdr(b->buf, E_TYPE, 2);
    set_ehdr(b->buf, E_MACHINE, s->cls == 64 ? 62 : 3);
    put_le(b->buf + 20, 1, 4);                                  /* e_version */
    set_ehdr(b->buf, E_EHSIZE, ehsz);
    set_ehdr(b->buf, E_PHOFF, ehsz);
    set_ehdr(b->buf, E_PHENTSIZE, phsz);
    set_ehdr(b->buf, E_PHNUM, nph);

    at = ALIGN_UP(at, 4);
    write_notes(s, b, &at);
    for (int i = 0; i < s->nsegs; i++) {
        const struct seg_spec *g = &s->segs[i];
        uint64_t f[8] = { 1, g->flags, 0, g->vaddr, g->paddr, g->filesz, g->memsz, 16 };

        at = ALIGN_UP(at, 16);
        b->seg_off[i] = at;
        f[P_OFFSET] = at;
        for (uint64_t k = 0; k < g->filesz; k++)
            b->buf[at + k] = seg_byte(i, k);
        at += g->filesz;
        write_phdr(b, s->cls, ehsz + i * phsz, f);
    }
    b->note_phdr = -1;
    if (!s->notes_in_section) {
        uint64_t f[8] = { 4, 4, b->note_off, 0, 0, b->note_size, b->note_size, 4 };

        b->note_phdr = s->nsegs;
        write_phdr(b, s->cls, ehsz + s->nsegs * phsz, f);
    } else {
        write_note_section(s, b, &at);
    }
    CHECK(at <= IMG_CAP);
    b->len = at;
}

/* Notes like Linux's: a foreign note first, then Xen's. */
static const uint8_t build_id[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const uint64_t virt_base = 0xffffffff80000000ULL;
static const uint64_t pv_entry = 0xffffffff830791c0ULL;
static const uint32_t supported = 0x8801;
static const uint64_t entry64 = 0x1000850;
static const uint32_t entry32 = 0x1000850;
static const char features[] = "!writable_page_tables|pae_pgdir_above_4gb";

/* A vmlinux-like layout, scaled down to fit [GPA_BASE, GPA_LIMIT). */
static void linux_like(struct img_spec *s, int cls)
{
    memset(s, 0, sizeof(*s));
    s->cls = cls;
    s->nsegs = 4;
    s->segs[0] = (struct seg_spec){ 0x1000000, 0xffffffff81000000ULL, 0x1800, 0x1800, 5 };
    s->segs[1] = (struct seg_spec){ 0x12a0000, 0xffffffff812a0000ULL, 0x600, 0x600, 6 };
    s->segs[2] = (struct seg_spec){ 0x1304400, 0, 0x300, 0x300, 6 };
    s->segs[3] = (struct seg_spec){ 0x1307900, 0xffffffff81307900ULL, 0x400, 0x2000, 7 };
    s->nnotes = 0;
    s->notes[s->nnotes++] = (struct note_spec){ "GNU", 3, build_id, sizeof(build_id) };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 6 };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_GUEST_VERSION, "2.6", 4 };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8 };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_VIRT_BASE, &virt_base, 8 };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_ENTRY, &pv_entry, 8 };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_FEATURES, features,
                                                sizeof(features) };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_SUPPORTED_FEATURES,
                                                &supported, 4 };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_LOADER, "generic", 8 };
    s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_PAE_MODE, "yes", 4 };
    if (cls == 64)
        s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_PHYS32_ENTRY,
                                                    &entry64, 8 };
    else
        s->notes[s->nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_PHYS32_ENTRY,
                                                    &entry32, 4 };
}

/* ---- parsing from an exact-size heap copy ---------------------------------- */

static int parse_copy(struct elf_image *img, const uint8_t *bytes, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    memcpy(copy, bytes, len);
    rc = elf_parse(img, copy, len, GPA_BASE, GPA_LIMIT);
    free(copy);
    return rc;
}

/* ---- guest memory ---------------------------------------------------------- */

struct guest_mem {
    uint8_t *mem;               /* GPA_BASE .. GPA_LIMIT */
    int copies, zeroes;
    int fail_copy_at, fail_zero_at;     /* 1-based call to fail, 0: never */
};

static bool gpa_ok(uint64_t gpa, uint64_t len)
{
    return gpa >= GPA_BASE && gpa <= GPA_LIMIT && len <= GPA_LIMIT - gpa;
}

static int mem_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    struct guest_mem *g = ctx;

    CHECK(gpa_ok(gpa, len));
    if (!gpa_ok(gpa, len))
        return -EFAULT;
    if (++g->copies == g->fail_copy_at)
        return -EIO;
    memcpy(g->mem + (gpa - GPA_BASE), src, len);
    return 0;
}

static int mem_zero(void *ctx, uint64_t gpa, uint64_t len)
{
    struct guest_mem *g = ctx;

    CHECK(gpa_ok(gpa, len));
    if (!gpa_ok(gpa, len))
        return -EFAULT;
    if (++g->zeroes == g->fail_zero_at)
        return -ENOMEM;
    memset(g->mem + (gpa - GPA_BASE), 0, len);
    return 0;
}

static struct guest_mem *guest_new(void)
{
    struct guest_mem *g = calloc(1, sizeof(*g));

    g->mem = malloc(GPA_LIMIT - GPA_BASE);
    memset(g->mem, 0xaa, GPA_LIMIT - GPA_BASE);
    return g;
}

static void guest_free(struct guest_mem *g)
{
    free(g->mem);
    free(g);
}

static struct gpa_write_ops guest_ops(struct guest_mem *g)
{
    return (struct gpa_write_ops){ .ctx = g, .copy_to_gpa = mem_copy, .zero_gpa = mem_zero };
}

static uint8_t *gmem(struct guest_mem *g, uint64_t gpa)
{
    return g->mem + (gpa - GPA_BASE);
}

static bool all_bytes(const uint8_t *p, uint64_t n, uint8_t v)
{
    for (uint64_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* Guest memory holds what the image says: each segment's file bytes, then
 * zeroes to memsz, and untouched bytes (0xaa) between segments -- all of
 * them when 'full', else up to a page on either side of each segment. */
static bool guest_matches(struct guest_mem *g, const struct elf_image *img,
                          const uint8_t *bytes, bool full)
{
    uint64_t gpa = GPA_BASE;

    for (uint32_t i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];
        uint64_t gap_from = full ? gpa : MAX(gpa, s->paddr - MIN(s->paddr, 4096));

        if (!all_bytes(gmem(g, gap_from), s->paddr - gap_from, 0xaa) ||
            memcmp(gmem(g, s->paddr), bytes + s->offset, s->filesz) != 0 ||
            !all_bytes(gmem(g, s->paddr + s->filesz), s->memsz - s->filesz, 0))
            return false;
        gpa = s->paddr + s->memsz;
        if (!full && i + 1 < img->nr_segments)
            continue;
        if (!full)
            return all_bytes(gmem(g, gpa), MIN(GPA_LIMIT - gpa, 4096), 0xaa);
    }
    return all_bytes(gmem(g, gpa), GPA_LIMIT - gpa, 0xaa);
}

/* Put back the 0xaa the last load overwrote. */
static void guest_reset(struct guest_mem *g, const struct elf_image *img)
{
    for (uint32_t i = 0; i < img->nr_segments; i++)
        memset(gmem(g, img->segments[i].paddr), 0xaa, img->segments[i].memsz);
}

/* What any successful parse must guarantee. */
static void check_consistent(const struct elf_image *img, size_t len)
{
    CHECK(img->nr_segments >= 1 && img->nr_segments <= ELF_MAX_SEGMENTS);
    for (uint32_t i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->segments[i];

        CHECK(s->filesz <= s->memsz && s->memsz > 0);
        CHECK(s->offset <= len && s->filesz <= len - s->offset);
        CHECK(gpa_ok(s->paddr, s->memsz));
        if (i + 1 < img->nr_segments)
            CHECK(s->paddr + s->memsz <= img->segments[i + 1].paddr);
    }
    CHECK(img->paddr_lo == img->segments[0].paddr);
    CHECK(img->paddr_hi == img->segments[img->nr_segments - 1].paddr +
                           img->segments[img->nr_segments - 1].memsz);
    CHECK(img->elf_class == 32 || img->elf_class == 64);
    CHECK(strnlen(img->notes.features, ELF_NOTE_STR_LONG) < ELF_NOTE_STR_LONG);
    CHECK(strnlen(img->notes.guest_os, ELF_NOTE_STR_SHORT) < ELF_NOTE_STR_SHORT);
}

/* stderr off while thousands of expected errors are logged. */
static int quiet_begin(void)
{
    int saved = dup(2), null_fd = open("/dev/null", O_WRONLY);

    dup2(null_fd, 2);
    close(null_fd);
    return saved;
}

static void quiet_end(int saved)
{
    dup2(saved, 2);
    close(saved);
}

/* Parse a heap copy of exactly 'len' bytes and, when that succeeds, check
 * the result, load it into 'g' and compare.  'g' is left all 0xaa. */
static int parse_and_load(const uint8_t *bytes, size_t len, struct guest_mem *g)
{
    struct elf_image img;
    struct gpa_write_ops ops = guest_ops(g);
    uint8_t *copy = malloc(len ? len : 1);
    int rc, quiet;

    memcpy(copy, bytes, len);
    quiet = quiet_begin();
    rc = elf_parse(&img, copy, len, GPA_BASE, GPA_LIMIT);
    if (rc == 0) {
        elf_check_pvh(&img);
        elf_log_image(&img);
    }
    quiet_end(quiet);
    ktest_log_clear();
    if (rc == 0) {
        check_consistent(&img, len);
        CHECK_EQ(elf_load(&img, copy, len, &ops), 0);
        CHECK(guest_matches(g, &img, copy, false));
        guest_reset(g, &img);
    } else {
        CHECK(rc == -EINVAL || rc == -ENOEXEC);
        CHECK(img.nr_segments == 0 && !img.has_pvh_entry);
    }
    free(copy);
    return rc;
}

/* ---- the toolchain-built fixtures ---------------------------------------- */

static void check_fixture(const uint8_t *bytes, size_t len, int cls)
{
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct elf_image img;
    const struct elf_xen_notes *n = &img.notes;

    CHECK_EQ(parse_copy(&img, bytes, len), 0);
    CHECK_EQ(img.elf_class, cls);
    CHECK_EQ(img.machine, cls == 64 ? 62 : 3);
    CHECK_EQ(img.nr_segments, 2);
    CHECK_EQ(img.segments[0].paddr, 0x1000000);
    CHECK_EQ(img.segments[0].flags, ELF_PF_R | ELF_PF_X);
    CHECK_EQ(img.segments[1].paddr, 0x1200000);
    CHECK_EQ(img.segments[1].filesz, 13);
    CHECK_EQ(img.segments[1].memsz, 0x4000);
    CHECK_EQ(img.paddr_lo, 0x1000000);
    CHECK_EQ(img.paddr_hi, 0x1204000);
    CHECK(img.has_pvh_entry);
    CHECK_EQ(img.phys32_entry, 0x1000850);
    CHECK_EQ(img.phys32_entry, img.e_entry);
    CHECK(strcmp(n->guest_os, "linux") == 0);
    CHECK(strcmp(n->guest_version, "2.6") == 0);
    CHECK(strcmp(n->xen_version, "xen-3.0") == 0);
    CHECK(strcmp(n->loader, "generic") == 0);
    CHECK(strcmp(n->pae_mode, "yes") == 0);
    CHECK(strcmp(n->features, features) == 0);
    CHECK_EQ(n->virt_base, virt_base);
    CHECK_EQ(n->entry, pv_entry);
    CHECK_EQ(n->supported_features, 0x8801);
    CHECK_EQ(n->suspend_cancel, 1);
    CHECK(n->seen & (1u << XEN_ELFNOTE_PHYS32_ENTRY));
    CHECK(!(n->seen & (1u << XEN_ELFNOTE_HYPERCALL_PAGE)));
    CHECK_EQ(elf_check_pvh(&img), 0);

    CHECK_EQ(elf_load(&img, bytes, len, &ops), 0);
    CHECK(guest_matches(g, &img, bytes, true));
    /* The entry's bytes: movl $0x1234, %eax. */
    CHECK(memcmp(gmem(g, 0x1000850), "\xb8\x34\x12\x00\x00", 5) == 0);
    CHECK(memcmp(gmem(g, 0x1200000), "KEEL-DATA", 9) == 0);
    CHECK(all_bytes(gmem(g, 0x120000d), 0x4000 - 13, 0));
    CHECK_EQ(g->copies, 2);
    CHECK_EQ(g->zeroes, 1);

    elf_log_image(&img);
    CHECK(ktest_log_contains("PVH entry 0x1000850"));
    guest_free(g);
}

TEST(fixture_elf64_parses_and_loads)
{
    check_fixture(fixture_pvh64, FIX64_LEN, 64);
}

TEST(fixture_elf32_parses_and_loads)
{
    check_fixture(fixture_pvh32, FIX32_LEN, 32);
}

/* With the PT_NOTE header turned into PT_NULL, the notes are found through
 * the SHT_NOTE section instead. */
TEST(fixture_notes_from_section_headers)
{
    for (int cls = 32; cls <= 64; cls += 32) {
        size_t len = cls == 64 ? FIX64_LEN : FIX32_LEN;
        uint8_t *copy = malloc(len);
        struct elf_image img;
        int notes = -1;

        memcpy(copy, cls == 64 ? fixture_pvh64 : fixture_pvh32, len);
        for (int i = 0; i < (int)get_ehdr(copy, E_PHNUM); i++)
            if (get_phdr(copy, i, P_TYPE) == 4)
                notes = i;
        CHECK(notes >= 0);
        set_phdr(copy, notes, P_TYPE, 0);
        CHECK_EQ(parse_copy(&img, copy, len), 0);
        CHECK(img.has_pvh_entry);
        CHECK_EQ(img.phys32_entry, 0x1000850);
        CHECK(strcmp(img.notes.guest_os, "linux") == 0);

        /* And with no section headers either, there is no PVH entry. */
        set_ehdr(copy, E_SHOFF, 0);
        set_ehdr(copy, E_SHNUM, 0);
        CHECK_EQ(parse_copy(&img, copy, len), 0);
        CHECK(!img.has_pvh_entry);
        CHECK_EQ(img.notes.seen, 0);
        CHECK_EQ(elf_check_pvh(&img), -ENOEXEC);
        free(copy);
    }
}

/* Debian's real 6.1 vmlinux, rebuilt from its skeleton (see
 * fixtures/elf/vmlinux-skeleton.py): zeroes except its headers and notes. */
static uint8_t *vmlinux_from_skeleton(uint64_t *len)
{
    const uint8_t *at = fixture_vmlinux_skel + 16, *end = fixture_vmlinux_skel_end;
    uint8_t *image;

    CHECK(memcmp(fixture_vmlinux_skel, "KELFSKL1", 8) == 0);
    *len = get_le(fixture_vmlinux_skel + 8, 8);
    image = calloc(1, *len);
    while (at + 16 <= end) {
        uint64_t off = get_le(at, 8), n = get_le(at + 8, 8);

        CHECK(off + n <= *len && at + 16 + n <= end);
        memcpy(image + off, at + 16, n);
        at += 16 + n;
    }
    return image;
}

struct load_log {
    const uint8_t *image;
    uint64_t next_gpa, copied, zeroed;
    bool in_order;
};

static int log_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    struct load_log *l = ctx;

    l->in_order &= gpa >= l->next_gpa;
    l->next_gpa = gpa + len;
    l->copied += len;
    CHECK((const uint8_t *)src >= l->image);
    return 0;
}

static int log_zero(void *ctx, uint64_t gpa, uint64_t len)
{
    struct load_log *l = ctx;

    l->in_order &= gpa >= l->next_gpa;
    l->next_gpa = gpa + len;
    l->zeroed += len;
    return 0;
}

TEST(debian_vmlinux_6_1_skeleton)
{
    static const uint64_t paddr[4] = { 0x1000000, 0x2a00000, 0x3044000, 0x3079000 };
    static const uint64_t size[4] = { 0x18ea9f0, 0x644000, 0x35000, 0x1987000 };
    uint64_t len;
    uint8_t *image = vmlinux_from_skeleton(&len);
    struct elf_image img;
    struct load_log log = { .image = image, .in_order = true };
    struct gpa_write_ops ops = { .ctx = &log, .copy_to_gpa = log_copy, .zero_gpa = log_zero };
    uint64_t total = 0;

    CHECK_EQ(len, 65906612);
    CHECK_EQ(elf_parse(&img, image, len, 0x100000, 1ULL << 32), 0);
    CHECK_EQ(img.elf_class, 64);
    CHECK_EQ(img.nr_segments, 4);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(img.segments[i].paddr, paddr[i]);
        CHECK_EQ(img.segments[i].filesz, size[i]);
        CHECK_EQ(img.segments[i].memsz, size[i]);
        total += size[i];
    }
    CHECK_EQ(img.segments[2].vaddr, 0);                 /* the per-cpu segment */
    CHECK_EQ(img.paddr_hi, 0x4a00000);
    CHECK(img.has_pvh_entry);
    CHECK_EQ(img.phys32_entry, 0x1000850);
    CHECK_EQ(elf_check_pvh(&img), 0);
    CHECK(strcmp(img.notes.guest_os, "linux") == 0);
    CHECK(strcmp(img.notes.xen_version, "xen-3.0") == 0);
    CHECK(strcmp(img.notes.features, features) == 0);
    CHECK_EQ(img.notes.supported_features, 0x8801);
    CHECK_EQ(img.notes.virt_base, virt_base);
    CHECK_EQ(img.notes.init_p2m, 0x8000000000ULL);
    CHECK_EQ(img.notes.entry, pv_entry);
    CHECK(!(img.notes.seen & (1u << XEN_ELFNOTE_HYPERCALL_PAGE)));
    CHECK_EQ(elf_load(&img, image, len, &ops), 0);
    CHECK_EQ(log.copied, total);
    CHECK_EQ(log.zeroed, 0);
    CHECK(log.in_order);
    /* The same kernel does not fit a 64 MiB guest. */
    CHECK_EQ(elf_parse(&img, image, len, 0x100000, MiB(64)), -EINVAL);
    free(image);
}

/* ---- builder images -------------------------------------------------------- */

static void check_linux_like(int cls)
{
    struct img_spec s;
    struct built b = { 0 };
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct elf_image img;

    linux_like(&s, cls);
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK_EQ(img.elf_class, cls);
    CHECK_EQ(img.nr_segments, 4);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(img.segments[i].paddr, s.segs[i].paddr);
        CHECK_EQ(img.segments[i].filesz, s.segs[i].filesz);
        CHECK_EQ(img.segments[i].memsz, s.segs[i].memsz);
        CHECK_EQ(img.segments[i].offset, b.seg_off[i]);
        CHECK_EQ(img.segments[i].flags, s.segs[i].flags);
    }
    CHECK_EQ(img.segments[2].vaddr, 0);
    CHECK_EQ(img.paddr_lo, 0x1000000);
    CHECK_EQ(img.paddr_hi, 0x1307900 + 0x2000);
    CHECK(img.has_pvh_entry);
    CHECK_EQ(img.phys32_entry, 0x1000850);
    CHECK(strcmp(img.notes.features, features) == 0);
    CHECK_EQ(img.notes.supported_features, supported);
    CHECK_EQ(elf_check_pvh(&img), 0);
    CHECK_EQ(elf_load(&img, b.buf, b.len, &ops), 0);
    CHECK(guest_matches(g, &img, b.buf, true));
    for (int i = 0; i < 4; i++)
        CHECK_EQ(*gmem(g, s.segs[i].paddr + 5), seg_byte(i, 5));
    CHECK(all_bytes(gmem(g, 0x1307900 + 0x400), 0x1c00, 0));
    CHECK_EQ(*gmem(g, 0x1307900 + 0x2000), 0xaa);
    free(b.buf);
    guest_free(g);
}

TEST(linux_like_elf64)
{
    check_linux_like(64);
}

TEST(linux_like_elf32)
{
    check_linux_like(32);
}

/* Segments given out of paddr order come back sorted. */
TEST(segments_sorted_by_paddr)
{
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;

    linux_like(&s, 64);
    struct seg_spec t = s.segs[0];
    s.segs[0] = s.segs[3];
    s.segs[3] = t;
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    for (uint32_t i = 0; i + 1 < img.nr_segments; i++)
        CHECK(img.segments[i].paddr < img.segments[i + 1].paddr);
    CHECK_EQ(img.segments[0].offset, b.seg_off[3]);
    free(b.buf);
}

TEST(notes_in_section_only)
{
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;

    linux_like(&s, 32);
    s.notes_in_section = true;
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK(img.has_pvh_entry);
    CHECK(strcmp(img.notes.loader, "generic") == 0);
    /* A bad section header table is refused when it is needed. */
    set_ehdr(b.buf, E_SHENTSIZE, 63);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), -EINVAL);
    CHECK(ktest_log_contains("e_shentsize"));
    set_ehdr(b.buf, E_SHENTSIZE, 40);
    set_ehdr(b.buf, E_SHOFF, b.len - 40);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), -EINVAL);
    free(b.buf);
}

TEST(no_phys32_entry_refused_for_pvh)
{
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;

    linux_like(&s, 64);
    s.nnotes--;                         /* drop PHYS32_ENTRY */
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK(!img.has_pvh_entry);
    CHECK(strcmp(img.notes.guest_os, "linux") == 0);
    ktest_log_clear();
    CHECK_EQ(elf_check_pvh(&img), -ENOEXEC);
    CHECK(ktest_log_contains("PHYS32_ENTRY"));
    free(b.buf);
}

TEST(phys32_entry_outside_segments_refused)
{
    static const uint32_t in_bss = 0x1307900 + 0x800, outside = 0x1100000;
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;

    linux_like(&s, 32);
    s.notes[s.nnotes - 1].desc = &outside;
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK_EQ(elf_check_pvh(&img), -ENOEXEC);
    CHECK(ktest_log_contains("not within any segment"));
    s.notes[s.nnotes - 1].desc = &in_bss;
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK_EQ(elf_check_pvh(&img), -ENOEXEC);
    free(b.buf);
}

TEST(phys32_entry_bad_sizes_and_values)
{
    static const uint64_t above_4g = 0x100001000ULL;
    static const uint32_t other = 0x1000900;
    static const uint8_t sixteen[16] = { 0x50, 0x08, 0x00, 0x01 };
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;
    int last;

    for (uint32_t size = 0; size <= 16; size++) {
        linux_like(&s, 64);
        last = s.nnotes - 1;
        s.notes[last].desc = sixteen;
        s.notes[last].descsz = size;
        build(&s, &b);
        ktest_log_clear();
        int rc = parse_copy(&img, b.buf, b.len);
        if (size == 4 || size == 8) {
            CHECK_EQ(rc, 0);
            CHECK_EQ(img.phys32_entry, 0x1000850);
        } else {
            CHECK_EQ(rc, -EINVAL);
            CHECK(ktest_log_contains("PHYS32_ENTRY note has"));
        }
    }
    linux_like(&s, 64);
    s.notes[s.nnotes - 1].desc = &above_4g;
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), -EINVAL);
    CHECK(ktest_log_contains("above 4 GiB"));

    /* Two PHYS32_ENTRY notes: the same value is fine, different ones not. */
    linux_like(&s, 64);
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry32, 4 };
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    s.notes[s.nnotes - 1].desc = &other;
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), -EINVAL);
    CHECK(ktest_log_contains("disagree"));
    free(b.buf);
}

/* Notes of other owners, or named "Xen" without the NUL, are not Xen's. */
TEST(foreign_notes_ignored)
{
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;

    linux_like(&s, 64);
    s.notes[s.nnotes - 1].name = "Xen2";
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK(!img.has_pvh_entry);
    free(b.buf);
}

/* Odd-sized informational notes are warned about, not fatal. */
TEST(odd_informational_notes_tolerated)
{
    static const uint8_t three[3] = { 1, 2, 3 };
    static const char unterminated[4] = { 'a', 'b', '\n', 'c' };
    char longstr[300];
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;

    memset(longstr, 'x', sizeof(longstr) - 1);
    longstr[sizeof(longstr) - 1] = 0;
    linux_like(&s, 64);
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_VIRT_BASE, three, 3 };
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_SUPPORTED_FEATURES, three, 3 };
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_GUEST_OS, unterminated, 4 };
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_FEATURES, longstr,
                                              sizeof(longstr) };
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", 99, three, 3 };
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_L1_MFN_VALID, NULL, 0 };
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK(ktest_log_contains("ignoring Xen note 3"));
    CHECK(ktest_log_contains("ignoring SUPPORTED_FEATURES"));
    CHECK_EQ(img.notes.virt_base, virt_base);
    CHECK(strcmp(img.notes.guest_os, "ab?c") == 0);
    CHECK_EQ(strlen(img.notes.features), ELF_NOTE_STR_LONG - 1);
    CHECK(img.notes.seen & (1u << XEN_ELFNOTE_L1_MFN_VALID));
    CHECK(img.has_pvh_entry);
    free(b.buf);
}

/* ---- hostile headers ------------------------------------------------------- */

static int parse_built(struct built *b)
{
    struct elf_image img;

    return parse_copy(&img, b->buf, b->len);
}

TEST(bad_identification_refused)
{
    struct img_spec s;
    struct built b = { 0 };

    linux_like(&s, 64);
    build(&s, &b);
    CHECK_EQ(parse_built(&b), 0);
    struct { size_t at; uint8_t v; } bad[] = {
        { 0, 0x7e }, { 3, 'f' }, { 4, 0 }, { 4, 3 }, { 5, 2 }, { 6, 0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        uint8_t old = b.buf[bad[i].at];

        b.buf[bad[i].at] = bad[i].v;
        CHECK_EQ(parse_built(&b), -ENOEXEC);
        b.buf[bad[i].at] = old;
    }
    set_ehdr(b.buf, E_TYPE, 3);                 /* ET_DYN */
    CHECK_EQ(parse_built(&b), -ENOEXEC);
    CHECK(ktest_log_contains("ET_EXEC"));
    set_ehdr(b.buf, E_TYPE, 2);
    set_ehdr(b.buf, E_MACHINE, 183);            /* aarch64 */
    CHECK_EQ(parse_built(&b), -ENOEXEC);
    set_ehdr(b.buf, E_MACHINE, 62);
    put_le(b.buf + 20, 2, 4);                   /* e_version */
    CHECK_EQ(parse_built(&b), -ENOEXEC);
    put_le(b.buf + 20, 1, 4);
    set_ehdr(b.buf, E_EHSIZE, 52);
    CHECK_EQ(parse_built(&b), -EINVAL);
    set_ehdr(b.buf, E_EHSIZE, 64);
    CHECK_EQ(parse_built(&b), 0);
    CHECK_EQ(elf_parse(&(struct elf_image){ 0 }, NULL, 0, 0, ~0ULL), -EINVAL);
    free(b.buf);
}

TEST(program_header_table_hostile)
{
    struct img_spec s;
    struct built b = { 0 };

    for (int cls = 32; cls <= 64; cls += 32) {
        uint64_t wrap = cls == 64 ? 0xffffffffffffffc0ULL : 0xffffffe0ULL;

        linux_like(&s, cls);
        build(&s, &b);
        uint64_t phentsize = get_ehdr(b.buf, E_PHENTSIZE);

        set_ehdr(b.buf, E_PHOFF, wrap);
        CHECK_EQ(parse_built(&b), -EINVAL);
        set_ehdr(b.buf, E_PHOFF, b.len - phentsize);
        CHECK_EQ(parse_built(&b), -EINVAL);
        set_ehdr(b.buf, E_PHOFF, cls == 64 ? 64 : 52);
        set_ehdr(b.buf, E_PHNUM, 0xffff);
        CHECK_EQ(parse_built(&b), -EINVAL);
        CHECK(ktest_log_contains("too many program headers"));
        set_ehdr(b.buf, E_PHNUM, ELF_MAX_PHDRS);
        CHECK_EQ(parse_built(&b), -EINVAL);     /* runs past the image */
        set_ehdr(b.buf, E_PHNUM, 0);
        CHECK_EQ(parse_built(&b), -ENOEXEC);
        set_ehdr(b.buf, E_PHNUM, s.nsegs + 1);
        for (uint64_t sz = 0; sz < 80; sz++) {
            set_ehdr(b.buf, E_PHENTSIZE, sz);
            CHECK_EQ(parse_built(&b), sz == phentsize ? 0 : -EINVAL);
        }
    }
    free(b.buf);
}

TEST(segment_file_range_hostile)
{
    struct img_spec s;
    struct built b = { 0 };

    for (int cls = 32; cls <= 64; cls += 32) {
        uint64_t top = cls == 64 ? ~0ULL : 0xffffffffULL;

        linux_like(&s, cls);
        build(&s, &b);
        set_phdr(b.buf, 1, P_OFFSET, b.len - s.segs[1].filesz + 1);
        CHECK_EQ(parse_built(&b), -EINVAL);
        CHECK(ktest_log_contains("lie outside the image"));
        set_phdr(b.buf, 1, P_OFFSET, top - 0x10);   /* offset + filesz wraps */
        CHECK_EQ(parse_built(&b), -EINVAL);
        set_phdr(b.buf, 1, P_OFFSET, b.seg_off[1]);
        set_phdr(b.buf, 1, P_FILESZ, top);
        set_phdr(b.buf, 1, P_MEMSZ, top);
        CHECK_EQ(parse_built(&b), -EINVAL);
        set_phdr(b.buf, 1, P_FILESZ, s.segs[1].filesz);
        set_phdr(b.buf, 1, P_MEMSZ, s.segs[1].filesz - 1);
        CHECK_EQ(parse_built(&b), -EINVAL);
        CHECK(ktest_log_contains("memsz"));
        set_phdr(b.buf, 1, P_MEMSZ, 0);             /* filesz without memsz */
        CHECK_EQ(parse_built(&b), -EINVAL);
        set_phdr(b.buf, 1, P_MEMSZ, s.segs[1].memsz);
        CHECK_EQ(parse_built(&b), 0);
        /* A segment ending exactly at the end of the image is fine. */
        set_phdr(b.buf, 1, P_OFFSET, b.len - s.segs[1].filesz);
        CHECK_EQ(parse_built(&b), 0);
    }
    free(b.buf);
}

TEST(segment_guest_range_hostile)
{
    struct img_spec s;
    struct built b = { 0 };

    for (int cls = 32; cls <= 64; cls += 32) {
        uint64_t top = cls == 64 ? ~0ULL : 0xffffffffULL;

        linux_like(&s, cls);
        build(&s, &b);
        set_phdr(b.buf, 3, P_PADDR, GPA_LIMIT - 0x1000);    /* memsz 0x2000 */
        CHECK_EQ(parse_built(&b), -EINVAL);
        CHECK(ktest_log_contains("outside guest range"));
        set_phdr(b.buf, 3, P_PADDR, GPA_LIMIT - 0x2000);    /* ends at the limit */
        CHECK_EQ(parse_built(&b), 0);
        set_phdr(b.buf, 3, P_PADDR, top - 0x100);           /* paddr + memsz wraps */
        CHECK_EQ(parse_built(&b), -EINVAL);
        set_phdr(b.buf, 3, P_PADDR, GPA_BASE - 0x1000);     /* below the base */
        CHECK_EQ(parse_built(&b), -EINVAL);
        set_phdr(b.buf, 3, P_PADDR, 0x1307900);
        set_phdr(b.buf, 3, P_MEMSZ, top);
        CHECK_EQ(parse_built(&b), -EINVAL);
    }
    free(b.buf);
}

TEST(overlapping_segments_refused)
{
    struct img_spec s;
    struct built b = { 0 };

    linux_like(&s, 64);
    build(&s, &b);
    /* Segment 2 (0x1304400+0x300) slid onto the end of segment 1. */
    set_phdr(b.buf, 2, P_PADDR, 0x12a0000 + 0x5ff);
    CHECK_EQ(parse_built(&b), -EINVAL);
    CHECK(ktest_log_contains("overlap"));
    set_phdr(b.buf, 2, P_PADDR, 0x12a0000 + 0x600);       /* adjacent: fine */
    CHECK_EQ(parse_built(&b), 0);
    /* Overlap through the zero-filled part (bss) counts too. */
    set_phdr(b.buf, 2, P_PADDR, 0x1307900 + 0x1ff0);
    CHECK_EQ(parse_built(&b), -EINVAL);
    /* One segment inside another, and two at the same address. */
    set_phdr(b.buf, 2, P_PADDR, 0x1000100);
    CHECK_EQ(parse_built(&b), -EINVAL);
    set_phdr(b.buf, 2, P_PADDR, 0x1000000);
    CHECK_EQ(parse_built(&b), -EINVAL);
    free(b.buf);
}

TEST(segment_count_bounded)
{
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;

    memset(&s, 0, sizeof(s));
    s.cls = 64;
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry32, 4 };
    for (int n = 1; n <= ELF_MAX_SEGMENTS + 1; n++) {
        s.nsegs = n;
        for (int i = 0; i < n; i++)
            s.segs[i] = (struct seg_spec){ 0x1000000 + i * 0x10000, 0, 0x900, 0x1000, 5 };
        build(&s, &b);
        int rc = parse_copy(&img, b.buf, b.len);
        CHECK_EQ(rc, n <= ELF_MAX_SEGMENTS ? 0 : -EINVAL);
        if (rc == 0)
            CHECK_EQ(img.nr_segments, n);
    }
    CHECK(ktest_log_contains("too many PT_LOAD"));
    /* Empty PT_LOADs are skipped and do not count. */
    s.nsegs = 3;
    s.segs[1].filesz = s.segs[1].memsz = 0;
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK_EQ(img.nr_segments, 2);
    /* Only empty ones: nothing to load. */
    s.nsegs = 1;
    s.segs[0] = s.segs[1];
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), -ENOEXEC);
    CHECK(ktest_log_contains("no loadable"));
    free(b.buf);
}

/* ---- hostile notes --------------------------------------------------------- */

TEST(note_sizes_hostile)
{
    struct img_spec s;
    struct built b = { 0 };

    for (int cls = 32; cls <= 64; cls += 32) {
        linux_like(&s, cls);
        build(&s, &b);
        size_t first = b.note_off;                  /* the GNU note */
        static const uint32_t bad[] = { 0xffffffff, 0xfffffffc, 0x80000000, 0x10000 };

        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
            put_le(b.buf + first, bad[i], 4);       /* namesz */
            CHECK_EQ(parse_built(&b), -EINVAL);
            put_le(b.buf + first, 4, 4);
            put_le(b.buf + first + 4, bad[i], 4);   /* descsz */
            CHECK_EQ(parse_built(&b), -EINVAL);
            CHECK(ktest_log_contains("overruns its area"));
            put_le(b.buf + first + 4, 20, 4);
        }
        CHECK_EQ(parse_built(&b), 0);
        /* descsz one too big for the area's last note. */
        set_phdr(b.buf, b.note_phdr, P_FILESZ, b.note_size - 1);
        CHECK_EQ(parse_built(&b), -EINVAL);
        /* Stray bytes after the last note. */
        set_phdr(b.buf, b.note_phdr, P_FILESZ, b.note_size + 4);
        CHECK_EQ(parse_built(&b), -EINVAL);
        CHECK(ktest_log_contains("stray bytes"));
        /* Misaligned note area. */
        set_phdr(b.buf, b.note_phdr, P_FILESZ, b.note_size);
        set_phdr(b.buf, b.note_phdr, P_OFFSET, b.note_off + 2);
        CHECK_EQ(parse_built(&b), -EINVAL);
        CHECK(ktest_log_contains("not 4-byte aligned"));
        /* Note area outside the image, or wrapping. */
        set_phdr(b.buf, b.note_phdr, P_OFFSET, b.len - 8);
        CHECK_EQ(parse_built(&b), -EINVAL);
        set_phdr(b.buf, b.note_phdr, P_OFFSET, cls == 64 ? ~0ULL - 3 : 0xfffffffcULL);
        CHECK_EQ(parse_built(&b), -EINVAL);
        /* An empty note area is fine (no notes). */
        set_phdr(b.buf, b.note_phdr, P_OFFSET, b.note_off);
        set_phdr(b.buf, b.note_phdr, P_FILESZ, 0);
        CHECK_EQ(parse_built(&b), 0);
    }
    free(b.buf);
}

/* A note whose last descriptor is not padded out to 4 (the area ends first). */
TEST(unpadded_last_note_accepted)
{
    static const char two[2] = "a";
    struct img_spec s;
    struct built b = { 0 };
    struct elf_image img;

    linux_like(&s, 64);
    s.notes[s.nnotes++] = (struct note_spec){ "Xen", XEN_ELFNOTE_LOADER, two, 2 };
    build(&s, &b);
    set_phdr(b.buf, b.note_phdr, P_FILESZ, b.note_size - 2);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    CHECK(strcmp(img.notes.loader, "a") == 0);
    free(b.buf);
}

/* ---- loading --------------------------------------------------------------- */

TEST(load_callback_errors_abort)
{
    struct img_spec s;
    struct built b = { 0 };
    struct guest_mem *g = guest_new();
    struct gpa_write_ops ops = guest_ops(g);
    struct elf_image img;

    linux_like(&s, 64);
    build(&s, &b);
    CHECK_EQ(parse_copy(&img, b.buf, b.len), 0);
    g->fail_copy_at = 2;
    CHECK_EQ(elf_load(&img, b.buf, b.len, &ops), -EIO);
    CHECK_EQ(g->copies, 2);
    CHECK_EQ(g->zeroes, 0);
    CHECK_EQ(*gmem(g, s.segs[2].paddr), 0xaa);      /* nothing after the failure */

    g->copies = g->zeroes = 0;
    g->fail_copy_at = 0;
    g->fail_zero_at = 1;                            /* the bss of segment 3 */
    CHECK_EQ(elf_load(&img, b.buf, b.len, &ops), -ENOMEM);
    CHECK_EQ(g->copies, 4);

    /* elf_load checks the image it is given again. */
    g->fail_zero_at = 0;
    CHECK_EQ(elf_load(&img, b.buf, b.seg_off[3] + 1, &ops), -EINVAL);
    CHECK_EQ(elf_load(&img, NULL, b.len, &ops), -EINVAL);
    ops.zero_gpa = NULL;
    CHECK_EQ(elf_load(&img, b.buf, b.len, &ops), -EINVAL);
    free(b.buf);
    guest_free(g);
}

/* ---- truncations and random corruption ------------------------------------- */

static void every_truncation(const uint8_t *bytes, size_t len)
{
    struct guest_mem *g = guest_new();
    int ok = 0;

    for (size_t n = 0; n <= len; n++) {
        if (parse_and_load(bytes, n, g) == 0)
            ok++;
    }
    CHECK(ok >= 1);     /* at least the whole image */
    guest_free(g);
}

TEST(every_truncation_fixture64)
{
    every_truncation(fixture_pvh64, FIX64_LEN);
}

TEST(every_truncation_fixture32)
{
    every_truncation(fixture_pvh32, FIX32_LEN);
}

TEST(every_truncation_built)
{
    struct img_spec s;
    struct built b = { 0 };

    for (int cls = 32; cls <= 64; cls += 32) {
        linux_like(&s, cls);
        s.notes_in_section = cls == 32;
        build(&s, &b);
        every_truncation(b.buf, b.len);
    }
    free(b.buf);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct byte_range {
    size_t start, len;
};

/* Flip 1..8 random bytes, three in four within the 'hot' ranges (headers,
 * notes), and check the result is a clean error or an image that loads
 * consistently. */
static void random_flips(const uint8_t *bytes, size_t len, const struct byte_range *hot,
                         int nhot, int rounds, uint64_t seed)
{
    struct guest_mem *g = guest_new();
    uint8_t *work = malloc(len);
    int ok = 0, failed = 0;

    rng_state = seed;
    for (int r = 0; r < rounds; r++) {
        memcpy(work, bytes, len);
        int flips = 1 + (int)(rng() % 8);
        for (int f = 0; f < flips; f++) {
            const struct byte_range *h = &hot[rng() % nhot];
            size_t at = (rng() % 4) ? h->start + rng() % h->len : rng() % len;

            work[at] = (rng() % 3) ? (uint8_t)rng() : work[at] ^ (uint8_t)(1u << (rng() % 8));
        }
        if (parse_and_load(work, len, g) == 0)
            ok++;
        else
            failed++;
    }
    /* Both outcomes must occur, or the flips test nothing. */
    CHECK(ok > 0 && failed > 0);
    free(work);
    guest_free(g);
}

/* The fixture's ELF header and program headers, and its note area. */
static void fixture_hot(const uint8_t *bytes, struct byte_range hot[2])
{
    int notes = 0;

    for (int i = 0; i < (int)get_ehdr(bytes, E_PHNUM); i++)
        if (get_phdr(bytes, i, P_TYPE) == 4)
            notes = i;
    hot[0] = (struct byte_range){ 0, phdr_at(bytes, (int)get_ehdr(bytes, E_PHNUM)) };
    hot[1] = (struct byte_range){ get_phdr(bytes, notes, P_OFFSET),
                                  get_phdr(bytes, notes, P_FILESZ) };
}

TEST(random_flips_fixture64)
{
    struct byte_range hot[2];

    fixture_hot(fixture_pvh64, hot);
    random_flips(fixture_pvh64, FIX64_LEN, hot, 2, 10000, 0x6b65656c);
}

TEST(random_flips_fixture32)
{
    struct byte_range hot[2];

    fixture_hot(fixture_pvh32, hot);
    random_flips(fixture_pvh32, FIX32_LEN, hot, 2, 10000, 0xfeedf00d);
}

TEST(random_flips_built)
{
    struct img_spec s;
    struct built b = { 0 };

    for (int cls = 32; cls <= 64; cls += 32) {
        linux_like(&s, cls);
        build(&s, &b);
        struct byte_range hot[2] = {
            { 0, b.note_off }, { b.note_off, b.note_size },
        };
        random_flips(b.buf, b.len, hot, 2, 5000, 0xc0ffee + cls);
    }
    linux_like(&s, 64);
    s.notes_in_section = true;
    build(&s, &b);
    struct byte_range hot[2] = { { 0, b.note_off + b.note_size }, { b.len - 128, 128 } };
    random_flips(b.buf, b.len, hot, 2, 3000, 0xabcdef);
    free(b.buf);
}
