// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building the PVH start info (see keel/pvh.h): validating what the caller
 * asks for, laying it out compactly in the caller's guest-physical area
 *
 *     start_info (56 bytes, 8-aligned) | modlist[] | memmap[] | strings
 *
 * (tables 8-byte aligned, strings packed after them: the kernel command
 * line first, then each module's in order) and writing it through the
 * caller's copy callback.
 */
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/pvh.h>

BUILD_BUG_ON(sizeof(struct hvm_start_info) != 56);
BUILD_BUG_ON(sizeof(struct hvm_modlist_entry) != 32);
BUILD_BUG_ON(sizeof(struct hvm_memmap_table_entry) != 24);

/* Where each part goes; addresses of empty parts are 0. */
struct pvh_layout {
    uint64_t start_info;
    uint64_t modlist;
    uint64_t memmap;
    uint64_t strings;
    uint64_t end;               /* one past the last byte used */
};

/* The length of a string with its NUL, or 0 if it is too long. */
static uint64_t string_bytes(const char *s)
{
    size_t n = strnlen(s, PVH_CMDLINE_MAX);

    return n < PVH_CMDLINE_MAX ? n + 1 : 0;
}

static int check_counts(const struct pvh_start_params *p)
{
    if (p->nr_modules > PVH_MAX_MODULES) {
        pr_err("pvh: %u modules (at most %u)\n", p->nr_modules, PVH_MAX_MODULES);
        return -E2BIG;
    }
    if (p->nr_memmap > PVH_MAX_MEMMAP) {
        pr_err("pvh: %u memory map entries (at most %u)\n", p->nr_memmap, PVH_MAX_MEMMAP);
        return -E2BIG;
    }
    if ((p->nr_modules && !p->modules) || (p->nr_memmap && !p->memmap)) {
        pr_err("pvh: module list or memory map missing\n");
        return -EINVAL;
    }
    return 0;
}

static int check_memmap(const struct pvh_start_params *p)
{
    for (uint32_t i = 0; i < p->nr_memmap; i++) {
        const struct hvm_memmap_table_entry *e = &p->memmap[i];

        if (e->addr + e->size < e->addr) {
            pr_err("pvh: memory map entry %u (0x%llx+0x%llx) wraps\n", i,
                   (unsigned long long)e->addr, (unsigned long long)e->size);
            return -EINVAL;
        }
    }
    return 0;
}

/* Total string bytes (NULs included) into *total; refuses long strings. */
static int measure_strings(const struct pvh_start_params *p, uint64_t *total)
{
    uint64_t n;

    *total = 0;
    if (p->cmdline) {
        n = string_bytes(p->cmdline);
        if (!n) {
            pr_err("pvh: command line longer than %u bytes\n", PVH_CMDLINE_MAX - 1);
            return -E2BIG;
        }
        *total += n;
    }
    for (uint32_t i = 0; i < p->nr_modules; i++) {
        if (!p->modules[i].cmdline)
            continue;
        n = string_bytes(p->modules[i].cmdline);
        if (!n) {
            pr_err("pvh: module %u command line longer than %u bytes\n", i,
                   PVH_CMDLINE_MAX - 1);
            return -E2BIG;
        }
        *total += n;
    }
    return 0;
}

static int compute_layout(const struct pvh_start_params *p, uint64_t area_gpa,
                          struct pvh_layout *lay)
{
    uint64_t strings_len, at;
    int rc;

    if (!p)
        return -EINVAL;
    rc = check_counts(p);
    if (!rc)
        rc = check_memmap(p);
    if (!rc)
        rc = measure_strings(p, &strings_len);
    if (rc)
        return rc;
    if (area_gpa >= PVH_AREA_LIMIT) {
        pr_err("pvh: start info area 0x%llx is above 4 GiB\n", (unsigned long long)area_gpa);
        return -EINVAL;
    }
    /* Counts and strings are bounded: nothing below can wrap. */
    at = ALIGN_UP(area_gpa, 8);
    lay->start_info = at;
    at += sizeof(struct hvm_start_info);
    lay->modlist = p->nr_modules ? at : 0;
    at += (uint64_t)p->nr_modules * sizeof(struct hvm_modlist_entry);
    lay->memmap = p->nr_memmap ? at : 0;
    at += (uint64_t)p->nr_memmap * sizeof(struct hvm_memmap_table_entry);
    lay->strings = at;
    lay->end = at + strings_len;
    if (lay->end > PVH_AREA_LIMIT) {
        pr_err("pvh: start info would end at 0x%llx, above 4 GiB\n",
               (unsigned long long)lay->end);
        return -EINVAL;
    }
    return 0;
}

int pvh_start_info_size(const struct pvh_start_params *params, uint64_t area_gpa,
                        uint64_t *size)
{
    struct pvh_layout lay;
    int rc = compute_layout(params, area_gpa, &lay);

    if (!rc)
        *size = lay.end - area_gpa;
    return rc;
}

/* Modules must lie in the guest already and not where the start info goes. */
static int check_modules(const struct pvh_start_params *p, uint64_t area_gpa,
                         const struct pvh_layout *lay)
{
    for (uint32_t i = 0; i < p->nr_modules; i++) {
        const struct pvh_module *m = &p->modules[i];

        if (m->paddr + m->size < m->paddr) {
            pr_err("pvh: module %u (0x%llx+0x%llx) wraps\n", i,
                   (unsigned long long)m->paddr, (unsigned long long)m->size);
            return -EINVAL;
        }
        if (m->size && m->paddr < lay->end && area_gpa < m->paddr + m->size) {
            pr_err("pvh: module %u (0x%llx+0x%llx) overlaps the start info area\n", i,
                   (unsigned long long)m->paddr, (unsigned long long)m->size);
            return -EINVAL;
        }
    }
    return 0;
}

/* Copy one NUL-terminated string to *cursor; returns its address or 0. */
static int write_string(const struct gpa_write_ops *ops, const char *s,
                        uint64_t *cursor, uint64_t *gpa)
{
    uint64_t n;
    int rc;

    *gpa = 0;
    if (!s)
        return 0;
    n = string_bytes(s);            /* measured before: 1..PVH_CMDLINE_MAX */
    rc = ops->copy_to_gpa(ops->ctx, *cursor, s, n);
    if (rc)
        return rc;
    *gpa = *cursor;
    *cursor += n;
    return 0;
}

static int write_modules(const struct pvh_start_params *p, const struct pvh_layout *lay,
                         const struct gpa_write_ops *ops, uint64_t *cursor)
{
    for (uint32_t i = 0; i < p->nr_modules; i++) {
        struct hvm_modlist_entry e = {
            .paddr = p->modules[i].paddr, .size = p->modules[i].size,
        };
        int rc = write_string(ops, p->modules[i].cmdline, cursor, &e.cmdline_paddr);

        if (!rc)
            rc = ops->copy_to_gpa(ops->ctx, lay->modlist + (uint64_t)i * sizeof(e),
                                  &e, sizeof(e));
        if (rc)
            return rc;
    }
    return 0;
}

static int write_memmap(const struct pvh_start_params *p, const struct pvh_layout *lay,
                        const struct gpa_write_ops *ops)
{
    for (uint32_t i = 0; i < p->nr_memmap; i++) {
        struct hvm_memmap_table_entry e = {
            .addr = p->memmap[i].addr, .size = p->memmap[i].size,
            .type = p->memmap[i].type,
        };
        int rc = ops->copy_to_gpa(ops->ctx, lay->memmap + (uint64_t)i * sizeof(e),
                                  &e, sizeof(e));

        if (rc)
            return rc;
    }
    return 0;
}

static int write_start_info(const struct pvh_start_params *p, const struct pvh_layout *lay,
                            const struct gpa_write_ops *ops)
{
    struct hvm_start_info si = {
        .magic = XEN_HVM_START_MAGIC_VALUE,
        .version = PVH_START_INFO_VERSION,
        .flags = p->flags,
        .nr_modules = p->nr_modules,
        .modlist_paddr = lay->modlist,
        .rsdp_paddr = p->rsdp_paddr,
        .memmap_paddr = lay->memmap,
        .memmap_entries = p->nr_memmap,
    };
    uint64_t cursor = lay->strings;
    int rc;

    rc = write_string(ops, p->cmdline, &cursor, &si.cmdline_paddr);
    if (!rc)
        rc = write_modules(p, lay, ops, &cursor);
    if (!rc)
        rc = write_memmap(p, lay, ops);
    if (!rc)
        rc = ops->copy_to_gpa(ops->ctx, lay->start_info, &si, sizeof(si));
    return rc;
}

int pvh_build_start_info(const struct pvh_start_params *params, uint64_t area_gpa,
                         uint64_t area_size, const struct gpa_write_ops *ops,
                         uint64_t *start_info_gpa)
{
    struct pvh_layout lay;
    int rc;

    if (!ops || !ops->copy_to_gpa || !start_info_gpa)
        return -EINVAL;
    if (area_gpa + area_size < area_gpa) {
        pr_err("pvh: start info area 0x%llx+0x%llx wraps\n",
               (unsigned long long)area_gpa, (unsigned long long)area_size);
        return -EINVAL;
    }
    rc = compute_layout(params, area_gpa, &lay);
    if (!rc)
        rc = check_modules(params, area_gpa, &lay);
    if (rc)
        return rc;
    if (lay.end - area_gpa > area_size) {
        pr_err("pvh: start info needs 0x%llx bytes, area has 0x%llx\n",
               (unsigned long long)(lay.end - area_gpa), (unsigned long long)area_size);
        return -ENOSPC;
    }
    rc = write_start_info(params, &lay, ops);
    if (rc)
        return rc;
    *start_info_gpa = lay.start_info;
    return 0;
}
