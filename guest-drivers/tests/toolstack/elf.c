// SPDX-License-Identifier: MIT
/*
 * A minimal, validating ELF64 reader for test-toolstack: the PT_LOAD
 * segments of a little-endian x86-64 executable (each within the file and
 * within the guest's RAM) and the 32-bit PVH entry point from the
 * XEN_ELFNOTE_PHYS32_ENTRY note of a PT_NOTE segment (inside a segment).
 * The image is hostile input as far as this reader goes: every offset and
 * size is checked before it is used.
 */
#include <elf.h>
#include <public/elfnote.h>
#include "guest.h"
#include "toolstack.h"

/* [off, off + len) lies inside a file of size bytes. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static bool check_header(const struct elf_image *img, const Elf64_Ehdr *eh)
{
    if (img->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
        test_fail("elf: not an ELF image (%lu bytes)", img->size);
        return false;
    }
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC) {
        test_fail("elf: not a little-endian x86-64 executable (class %u machine %u type %u)",
                  eh->e_ident[EI_CLASS], eh->e_machine, eh->e_type);
        return false;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        !in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), img->size)) {
        test_fail("elf: bad program headers (offset 0x%lx, %u of %u bytes)",
                  eh->e_phoff, eh->e_phnum, eh->e_phentsize);
        return false;
    }
    return true;
}

static bool add_load(struct elf_image *img, const Elf64_Phdr *ph, uint64_t min, uint64_t max)
{
    if (img->nr_segs == ELF_MAX_SEGS) {
        test_fail("elf: more than %u PT_LOAD segments", ELF_MAX_SEGS);
        return false;
    }
    if (!in_file(ph->p_offset, ph->p_filesz, img->size) || ph->p_filesz > ph->p_memsz ||
        ph->p_paddr < min || ph->p_paddr > max || ph->p_memsz > max - ph->p_paddr) {
        test_fail("elf: segment at 0x%lx (file 0x%lx+0x%lx, 0x%lx in memory) does not fit "
                  "0x%lx..0x%lx", ph->p_paddr, ph->p_offset, ph->p_filesz, ph->p_memsz,
                  min, max);
        return false;
    }
    struct elf_seg *s = &img->seg[img->nr_segs++];
    s->paddr = ph->p_paddr;
    s->offset = ph->p_offset;
    s->filesz = ph->p_filesz;
    s->memsz = ph->p_memsz;
    if (img->nr_segs == 1 || s->paddr < img->lo)
        img->lo = s->paddr;
    if (s->paddr + s->memsz > img->hi)
        img->hi = s->paddr + s->memsz;
    return true;
}

/* Look through one PT_NOTE segment for the Xen PHYS32_ENTRY note. */
static bool find_entry(struct elf_image *img, const Elf64_Phdr *ph)
{
    if (!in_file(ph->p_offset, ph->p_filesz, img->size)) {
        test_fail("elf: PT_NOTE 0x%lx+0x%lx outside the file", ph->p_offset, ph->p_filesz);
        return false;
    }
    const uint8_t *p = img->data + ph->p_offset;
    uint64_t left = ph->p_filesz;

    while (left >= sizeof(Elf64_Nhdr)) {
        const Elf64_Nhdr *nh = (const Elf64_Nhdr *)p;
        uint64_t name = ((uint64_t)nh->n_namesz + 3) & ~3ull;
        uint64_t desc = ((uint64_t)nh->n_descsz + 3) & ~3ull;
        if (name + desc > left - sizeof(*nh)) {
            test_fail("elf: a note runs past its PT_NOTE segment");
            return false;
        }
        const char *nname = (const char *)(nh + 1);
        if (nh->n_namesz == 4 && !memcmp(nname, "Xen", 4) &&
            nh->n_type == XEN_ELFNOTE_PHYS32_ENTRY) {
            if (nh->n_descsz < 4) {
                test_fail("elf: PHYS32_ENTRY note of %u bytes", nh->n_descsz);
                return false;
            }
            memcpy(&img->entry, nname + name, sizeof(img->entry));
            return true;
        }
        p += sizeof(*nh) + name + desc;
        left -= sizeof(*nh) + name + desc;
    }
    return true;
}

bool elf_read(struct elf_image *img, const void *data, uint64_t size,
              uint64_t min, uint64_t max)
{
    const Elf64_Ehdr *eh = data;

    memset(img, 0, sizeof(*img));
    img->data = data;
    img->size = size;
    if (!check_header(img, eh))
        return false;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(img->data + eh->e_phoff);
    for (unsigned int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz && !add_load(img, &ph[i], min, max))
            return false;
        if (ph[i].p_type == PT_NOTE && !img->entry && !find_entry(img, &ph[i]))
            return false;
    }
    if (!img->nr_segs) {
        test_fail("elf: no PT_LOAD segment");
        return false;
    }
    if (!img->entry || img->entry < img->lo || img->entry >= img->hi) {
        test_fail("elf: PVH entry 0x%x missing or outside the image 0x%lx..0x%lx",
                  img->entry, img->lo, img->hi);
        return false;
    }
    return true;
}
