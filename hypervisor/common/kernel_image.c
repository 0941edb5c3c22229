// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finding the ELF kernel in a boot module.  A Linux bzImage (the "HdrS"
 * setup header, boot protocol 2.08+) carries its vmlinux compressed: the
 * payload's offset and length are in the setup header, and its last four
 * bytes give the uncompressed size.  The payload is unpacked (XZ or gzip)
 * into pages of Keel's own that are freed once the kernel is loaded.
 */
#include <keel/decompress.h>
#include <keel/errno.h>
#include <keel/kernel_image.h>
#include <keel/lib.h>
#include <keel/page_alloc.h>
#include <keel/xmalloc.h>

#define SETUP_SECTS         0x1f1
#define HEADER_MAGIC        0x202       /* "HdrS" */
#define BOOT_PROTOCOL       0x206
#define PAYLOAD_OFFSET      0x248
#define PAYLOAD_LENGTH      0x24c
#define SETUP_HEADER_END    0x250
#define MAX_VMLINUX         MiB(512)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool is_bzimage(const uint8_t *raw, uint64_t len)
{
    return len >= SETUP_HEADER_END && !memcmp(raw + HEADER_MAGIC, "HdrS", 4);
}

static int unpack_bzimage(const uint8_t *raw, uint64_t len, struct kernel_image *k)
{
    uint32_t setup_sects = raw[SETUP_SECTS] ? raw[SETUP_SECTS] : 4;
    uint64_t pm_start = (uint64_t)(setup_sects + 1) * 512;
    uint64_t off = pm_start + le32(raw + PAYLOAD_OFFSET), plen = le32(raw + PAYLOAD_LENGTH);
    uint16_t protocol = (uint16_t)(raw[BOOT_PROTOCOL] | raw[BOOT_PROTOCOL + 1] << 8);
    size_t out_len = 0, used = 0;
    uint64_t size;
    int rc;

    if (protocol < 0x208 || plen < 8 || off > len || plen > len - off) {
        pr_err("kernel: bzImage boot protocol %x, payload %lu bytes at %lu of %lu: unusable\n",
               protocol, plen, off, len);
        return -ENOEXEC;
    }
    size = le32(raw + off + plen - 4);
    if (size == 0 || size > MAX_VMLINUX) {
        pr_err("kernel: bzImage says its vmlinux is %lu bytes\n", size);
        return -ENOEXEC;
    }
    while ((PAGE_SIZE << k->order) < size)
        k->order++;
    k->buf = page_alloc_flags(k->order, PAGE_ALLOC_NO_SCRUB);  /* only out_len bytes are used */
    if (k->buf == PFN_INVALID) {
        pr_err("kernel: no %lu MiB of contiguous memory to unpack the kernel into\n",
               (PAGE_SIZE << k->order) >> 20);
        return -ENOMEM;
    }
    k->unpacked = true;
    pr_info("kernel: unpacking a %s bzImage payload (%lu KiB) into %lu KiB\n",
            decompress_format_name(decompress_detect(raw + off, plen)), plen >> 10, size >> 10);
    rc = decompress(raw + off, plen - 4, pfn_to_virt(k->buf), PAGE_SIZE << k->order,
                    &out_len, &used);
    if (rc < 0 || out_len != size) {
        pr_err("kernel: unpacking failed (error %d, %zu of %lu bytes)\n", rc, out_len, size);
        kernel_image_close(k);
        return rc < 0 ? rc : -EBADMSG;
    }
    k->elf = pfn_to_virt(k->buf);
    k->len = out_len;
    return 0;
}

int kernel_image_open(const uint8_t *raw, uint64_t len, struct kernel_image *k)
{
    memset(k, 0, sizeof(*k));
    if (is_bzimage(raw, len))
        return unpack_bzimage(raw, len, k);
    k->elf = raw;
    k->len = len;
    return 0;
}

void kernel_image_close(struct kernel_image *k)
{
    if (k->unpacked)
        page_free(k->buf, k->order);
    k->unpacked = false;
    k->elf = NULL;
}
