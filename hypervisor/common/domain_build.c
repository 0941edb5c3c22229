// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot-time domains.  By default the first multiboot module is dom0's
 * kernel (an ELF or a Linux bzImage) and the second its ramdisk unless that
 * is itself a kernel (a second module whose command line starts with the
 * word "ramdisk" is the ramdisk whatever it holds, say a kernel dom0 is to
 * start itself; the word is not passed on); dom0 gets dom0_mem= of RAM and dom0_max_vcpus= vCPUs,
 * SIF_INITDOMAIN, and the module command line as its own.  Every further
 * module is a PVH kernel for an unprivileged boot domain beside dom0 (ids
 * 1, 2, ...).  With the dom0less option every multiboot module is such a
 * domain and there is no dom0.  A boot domain's module command line holds
 * Keel's settings for it, then "--", then the guest's command line:
 *     module2 /boot/guest mem=64M vcpus=2 name=web -- console=hvc0
 * Each domain gets RAM from guest-physical 0, its ELF segments loaded,
 * minimal ACPI tables (RSDP, XSDT, FADT, MADT of its vCPUs, a DSDT with
 * \_S5) at 0xE0000, a struct hvm_start_info (command line, memory map, RSDP)
 * placed after the kernel, and its first vCPU started at the PVH entry.
 */
#include <asm/hvm_vcpu.h>
#include <asm/page.h>
#include <keel/acpi_build.h>
#include <keel/bootinfo.h>
#include <keel/cmdline.h>
#include <keel/domain.h>
#include <keel/elf_loader.h>
#include <keel/kernel_image.h>
#include <keel/params.h>
#include <keel/smp.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/page_alloc.h>
#include <keel/pvh.h>
#include <keel/xmalloc.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/xen.h>

#define DEFAULT_MEM         MiB(64)
#define MIN_MEM             MiB(2)
#define MAX_BOOT_MEM        GiB(3)          /* below the 4 GiB hole */
#define START_INFO_AREA     (64 * 1024)
#define LEGACY_HOLE_START   0xa0000
#define LEGACY_HOLE_END     0x100000
#define ACPI_AREA           0xe0000         /* in the legacy hole, as firmware puts them */
#define ACPI_AREA_SIZE      0x10000

struct domain_config {
    uint64_t mem;
    uint64_t vcpus;
    char name[32];
    const char *guest_cmdline;
    bool privileged;                    /* dom0 */
    const struct boot_module *ramdisk;  /* dom0's, passed as its first module */
};

static int parse_one(struct domain_config *cfg, const char *opt, size_t len)
{
    char buf[64];

    if (len >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, opt, len);
    buf[len] = '\0';
    if (!strncmp(buf, "mem=", 4))
        return parse_size(buf + 4, &cfg->mem);
    if (!strncmp(buf, "vcpus=", 6))
        return parse_uint(buf + 6, &cfg->vcpus);
    if (!strncmp(buf, "name=", 5)) {
        strlcpy(cfg->name, buf + 5, sizeof(cfg->name));
        return 0;
    }
    return -EINVAL;
}

static int parse_config(const char *cmdline, struct domain_config *cfg)
{
    const char *p = cmdline;

    cfg->mem = DEFAULT_MEM;
    cfg->vcpus = 1;
    cfg->guest_cmdline = "";
    while (*p) {
        size_t len;
        while (*p == ' ')
            p++;
        if (!strncmp(p, "--", 2) && (p[2] == ' ' || p[2] == '\0')) {
            cfg->guest_cmdline = p[2] ? p + 3 : p + 2;
            break;
        }
        for (len = 0; p[len] && p[len] != ' '; len++)
            ;
        if (len && parse_one(cfg, p, len) < 0) {
            pr_err("domain: bad setting '%.*s' (use mem=SIZE vcpus=N name=NAME -- "
                   "guest options)\n", (int)len, p);
            return -EINVAL;
        }
        p += len;
    }
    if (cfg->mem < MIN_MEM || cfg->mem > MAX_BOOT_MEM || cfg->vcpus < 1 ||
        cfg->vcpus > MAX_VCPUS) {
        pr_err("domain: mem must be 2M..3G and vcpus 1..%u\n", MAX_VCPUS);
        return -EINVAL;
    }
    return 0;
}

static int ops_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    return copy_to_gpa(ctx, gpa, src, len);
}

static int ops_zero(void *ctx, uint64_t gpa, uint64_t len)
{
    return zero_gpa(ctx, gpa, len);
}

/* Copy the ramdisk to the top of the domain's RAM; 0 with *mod filled. */
static int load_ramdisk(struct domain *d, const struct domain_config *cfg,
                        uint64_t lowest, struct pvh_module *mod)
{
    uint64_t size = cfg->ramdisk->end - cfg->ramdisk->start;
    uint64_t gpa = ALIGN_DOWN(cfg->mem - size, PAGE_SIZE);

    if (size > cfg->mem || gpa < lowest) {
        pr_err("domain: the %lu KiB ramdisk does not fit above the kernel\n", size >> 10);
        return -ENOSPC;
    }
    mod->paddr = gpa;
    mod->size = size;
    mod->cmdline = cfg->ramdisk->cmdline;
    return copy_to_gpa(d, gpa, phys_to_virt(cfg->ramdisk->start), size);
}

static int load_kernel(struct domain *d, const struct boot_module *m,
                       const struct domain_config *cfg, uint32_t *entry, uint32_t *ebx)
{
    static struct elf_image img;        /* boot is single-threaded */
    struct kernel_image k;
    struct pvh_module ramdisk;
    uint64_t area, si_gpa;
    struct gpa_write_ops ops = { d, ops_copy, ops_zero };
    struct hvm_memmap_table_entry map[3] = {
        { .addr = 0, .size = LEGACY_HOLE_START, .type = XEN_HVM_MEMMAP_TYPE_RAM },
        { .addr = ACPI_AREA, .size = ACPI_AREA_SIZE, .type = XEN_HVM_MEMMAP_TYPE_ACPI },
        { .addr = LEGACY_HOLE_END, .size = cfg->mem - LEGACY_HOLE_END,
          .type = XEN_HVM_MEMMAP_TYPE_RAM },
    };
    struct acpi_build_params acpi = {
        .nr_vcpus = d->nr_vcpus, .lapic_address = 0xfee00000,
        .sleep_port = PVH_SLEEP_PORT, .reset_port = PVH_RESET_PORT,
        .reset_value = PVH_RESET_VALUE,
    };
    struct pvh_start_params params = {
        .cmdline = cfg->guest_cmdline, .memmap = map, .nr_memmap = 3,
        .flags = cfg->privileged ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0,
    };
    int rc;

    memcpy(d->memmap, map, sizeof(map));        /* for XENMEM_memory_map */
    d->nr_memmap = ARRAY_SIZE(map);
    if ((rc = kernel_image_open(phys_to_virt(m->start), m->end - m->start, &k)) < 0)
        return rc;
    rc = elf_parse(&img, k.elf, k.len, 0, cfg->mem);
    if (rc == 0)
        rc = elf_check_pvh(&img);
    if (rc == 0) {
        elf_log_image(&img);
        rc = elf_load(&img, k.elf, k.len, &ops);
    }
    kernel_image_close(&k);
    if (rc < 0)
        return rc;
    if (img.paddr_lo < LEGACY_HOLE_END) {
        pr_err("domain: the kernel overlaps the legacy hole below 1 MiB\n");
        return -EINVAL;
    }
    if ((rc = acpi_build_tables(&acpi, ACPI_AREA, ACPI_AREA_SIZE, &ops, &params.rsdp_paddr)) < 0)
        return rc;
    area = ALIGN_UP(img.paddr_hi, PAGE_SIZE);
    if (area + START_INFO_AREA > cfg->mem) {
        pr_err("domain: no room for the start info above the kernel\n");
        return -ENOSPC;
    }
    if (cfg->ramdisk) {
        if ((rc = load_ramdisk(d, cfg, area + START_INFO_AREA, &ramdisk)) < 0)
            return rc;
        params.modules = &ramdisk;
        params.nr_modules = 1;
    }
    rc = pvh_build_start_info(&params, area, START_INFO_AREA, &ops, &si_gpa);
    if (rc < 0)
        return rc;
    *entry = img.phys32_entry;
    *ebx = (uint32_t)si_gpa;
    return 0;
}

static int build_domain(uint16_t domid, const struct boot_module *m,
                        const struct domain_config *cfg)
{
    struct domain *d;
    uint32_t entry = 0, ebx = 0;
    int rc;

    d = domain_create(domid, cfg->name, (uint32_t)cfg->vcpus, cfg->mem >> PAGE_SHIFT,
                      cfg->privileged);
    if (!d)
        return -ENOMEM;
    /* dom0's boot memory is not scrubbed: it holds firmware and boot loader
     * leftovers only, no other domain's data, and dom0 will own the
     * machine's memory anyway (Xen does the same); a domU's is. */
    rc = domain_populate_ram(d, 0, cfg->mem >> PAGE_SHIFT,
                             cfg->privileged ? PAGE_ALLOC_NO_SCRUB : 0);
    if (rc == 0)
        rc = load_kernel(d, m, cfg, &entry, &ebx);
    if (rc < 0) {
        pr_err("domain: d%u (%s) not started: error %d\n", domid, cfg->name, rc);
        domain_destroy(d);          /* never ran: does not count as unclean */
        return rc;
    }
    hvm_vcpu_set_pvh_entry(d->vcpus[0], entry, ebx);
    pr_info("domain: d%u (%s): %lu MiB, %u vCPU%s, entry 0x%x, start info 0x%x\n", domid,
            d->name, cfg->mem >> 20, d->nr_vcpus, d->nr_vcpus > 1 ? "s" : "", entry, ebx);
    vcpu_wake(d->vcpus[0]);
    return 0;
}

static int build_boot_domain(uint16_t domid, const struct boot_module *m)
{
    struct domain_config cfg;
    int rc;

    memset(&cfg, 0, sizeof(cfg));
    snprintf(cfg.name, sizeof(cfg.name), "boot%u", domid);
    if ((rc = parse_config(m->cmdline, &cfg)) < 0)
        return rc;
    return build_domain(domid, m, &cfg);
}

/* Printed before the boot domains are built; domains_all_ended() prints the
 * same figures when they have all ended. */
static void print_accounts(void)
{
    pr_info("domain: %lu pages free before the boot domains; heap %zu pages, %zu bytes "
            "in use\n", page_alloc_free_pages(), xmalloc_heap_pages(), xmalloc_used_bytes());
}

/* dom0's RAM: dom0_mem=, else all that is free but the boot domains' RAM
 * (others) and a reserve for Keel and guests (1/16, at least 128 MiB),
 * within what a boot domain may have. */
static uint64_t dom0_memory(uint64_t others)
{
    uint64_t free = page_alloc_free_pages() << PAGE_SHIFT;
    uint64_t reserve = MAX(free / 16, MiB(128)) + others;

    if (opt_dom0_mem)
        return ALIGN_DOWN(opt_dom0_mem, MiB(2));
    return free > reserve ? MIN(ALIGN_DOWN(free - reserve, MiB(2)), MAX_BOOT_MEM) : 0;
}

/* Whether a module holds a kernel (an ELF or a bzImage), not a ramdisk. */
static bool module_is_kernel(const struct boot_module *m)
{
    const uint8_t *p = phys_to_virt(m->start);
    uint64_t len = m->end - m->start;

    if (len >= 4 && !memcmp(p, "\x7f" "ELF", 4))
        return true;
    return len >= 0x206 && !memcmp(p + 0x202, "HdrS", 4);     /* Linux's setup header */
}

/* The RAM the boot domains from module first on will ask for (64 MiB for
 * one whose settings are bad: it is not built, the estimate only errs low
 * for dom0). */
static uint64_t boot_domains_memory(const struct boot_info *bi, uint32_t first)
{
    struct domain_config cfg;
    uint64_t total = 0;

    for (uint32_t i = first; i < bi->nr_modules; i++) {
        memset(&cfg, 0, sizeof(cfg));
        total += parse_config(bi->modules[i].cmdline, &cfg) == 0 ? cfg.mem : DEFAULT_MEM;
    }
    return total;
}

/* The command line after a leading word "ramdisk", or NULL without it. */
static const char *ramdisk_marked(const char *cmdline)
{
    while (*cmdline == ' ')
        cmdline++;
    if (strncmp(cmdline, "ramdisk", 7) || (cmdline[7] && cmdline[7] != ' '))
        return NULL;
    cmdline += 7;
    while (*cmdline == ' ')
        cmdline++;
    return cmdline;
}

/* dom0 from the first module, its ramdisk from the second (unless that is a
 * kernel not marked "ramdisk"), then an unprivileged boot domain from each
 * further module. */
int build_dom0(const struct boot_info *bi)
{
    struct domain_config cfg;
    struct boot_module marked;
    uint32_t first_domu;
    int rc;

    print_accounts();
    memset(&cfg, 0, sizeof(cfg));
    strlcpy(cfg.name, "dom0", sizeof(cfg.name));
    cfg.privileged = true;
    cfg.vcpus = opt_dom0_max_vcpus ? opt_dom0_max_vcpus : nr_cpu_ids;
    cfg.guest_cmdline = bi->modules[0].cmdline;
    if (bi->nr_modules > 1 && ramdisk_marked(bi->modules[1].cmdline)) {
        marked = bi->modules[1];
        marked.cmdline = ramdisk_marked(marked.cmdline);
        cfg.ramdisk = &marked;
    } else if (bi->nr_modules > 1 && !module_is_kernel(&bi->modules[1])) {
        cfg.ramdisk = &bi->modules[1];
    }
    first_domu = cfg.ramdisk ? 2 : 1;
    cfg.mem = dom0_memory(boot_domains_memory(bi, first_domu));
    if (cfg.mem < MIN_MEM || cfg.mem > MAX_BOOT_MEM || cfg.vcpus > MAX_VCPUS) {
        pr_err("domain: dom0 cannot have %lu MiB and %lu vCPUs (dom0_mem 2M..3G, "
               "dom0_max_vcpus 1..%u)\n", cfg.mem >> 20, cfg.vcpus, MAX_VCPUS);
        return -EINVAL;
    }
    rc = build_domain(0, &bi->modules[0], &cfg);
    if (rc < 0)
        return rc;
    /* The same path as dom0less; one that fails is logged and left out. */
    for (uint32_t i = first_domu; i < bi->nr_modules; i++)
        build_boot_domain((uint16_t)(i - first_domu + 1), &bi->modules[i]);
    domains_boot_complete();
    return 0;
}

/* Build a domain from each module; the number started. */
uint32_t build_boot_domains(const struct boot_info *bi)
{
    uint32_t started = 0;

    print_accounts();
    for (uint32_t i = 0; i < bi->nr_modules; i++)
        if (build_boot_domain((uint16_t)(i + 1), &bi->modules[i]) == 0)
            started++;
    if (started)
        domains_boot_complete();
    return started;
}

/* dom0less: when the last boot domain has ended there is nothing left to
 * run; power off, with status 0 only if every domain powered itself off.
 * The free page count and the heap's figures are printed here and before
 * the boot domains are built: Keel keeps no page of a domain's and no
 * cache (xmalloc gives an empty page back at once), so all three must be
 * the same (tests/system/keel_system.py expect_pages_back). */
void domains_all_ended(bool all_clean)
{
    pr_info("domain: every domain has ended (%s); %lu pages free; heap %zu pages, %zu bytes "
            "in use\n", all_clean ? "all powered off" : "not all cleanly",
            page_alloc_free_pages(), xmalloc_heap_pages(), xmalloc_used_bytes());
    pr_info("domain: powering off\n");
    machine_poweroff(all_clean ? 0 : 1);
}
