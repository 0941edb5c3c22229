/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest kernel as given in a boot module: an ELF image as it is, or a
 * Linux bzImage whose compressed payload (XZ or gzip) is unpacked into a
 * temporary buffer to get the ELF vmlinux inside.
 */
#ifndef KEEL_KERNEL_IMAGE_H
#define KEEL_KERNEL_IMAGE_H

#include <keel/types.h>

struct kernel_image {
    const uint8_t *elf;     /* the ELF image */
    uint64_t len;
    bool unpacked;          /* elf points into a buffer of our own */
    pfn_t buf;
    unsigned int order;
};

/* 0, or a negative errno with the reason logged. */
int kernel_image_open(const uint8_t *raw, uint64_t len, struct kernel_image *k);
void kernel_image_close(struct kernel_image *k);

#endif
