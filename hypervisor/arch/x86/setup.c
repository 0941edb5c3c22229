// SPDX-License-Identifier: GPL-2.0-only
/*
 * start_keel(): the boot CPU's path from head.S to a running hypervisor.
 * Per-CPU area, console, CPU identity, exceptions, the boot information and
 * command line, memory, ACPI, interrupt controllers, time, the other CPUs;
 * then a summary of what was found, and either the self tests or the dom0
 * kernel (none yet: Keel says so and halts).
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/hvm_vcpu.h>
#include <asm/ioapic.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/smpboot.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <keel/bootinfo.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/memmap.h>
#include <keel/page_alloc.h>
#include <keel/panic.h>
#include <keel/params.h>
#include <keel/selftest.h>
#include <keel/timer.h>
#include <keel/version.h>

#define MBI_MAX_SIZE    MiB(1)

void start_keel(uint32_t magic, uint32_t mbi_phys);

struct acpi_info acpi_boot_info;
static struct boot_info boot_info;
static struct memmap memory_map;

/* GRUB may pass the image's own path as the first word: skip it. */
static const char *hypervisor_options(const char *cmdline)
{
    while (*cmdline == ' ')
        cmdline++;
    if (*cmdline == '/' || *cmdline == '(') {
        while (*cmdline && *cmdline != ' ')
            cmdline++;
    }
    return cmdline;
}

static void parse_boot_info(uint32_t mbi_phys)
{
    uint32_t total = *(volatile const uint32_t *)(uintptr_t)mbi_phys;

    if (mb2_parse((const void *)(uintptr_t)mbi_phys, MIN(total, MBI_MAX_SIZE), &boot_info) < 0)
        panic("the boot loader's multiboot2 information is malformed (see above)");
    if (!boot_info.have_mmap)
        panic("the boot loader gave no memory map");
}

static void print_boot_info(void)
{
    const struct boot_info *bi = &boot_info;

    pr_info("boot: loader \"%s\" cmdline \"%s\"\n", bi->loader_name, bi->cmdline);
    for (uint32_t i = 0; i < bi->nr_modules; i++)
        pr_info("boot: module %u: 0x%lx-0x%lx (%lu KiB) \"%s\"\n", i, bi->modules[i].start,
                bi->modules[i].end, (bi->modules[i].end - bi->modules[i].start) >> 10,
                bi->modules[i].cmdline);
    for (uint32_t i = 0; i < bi->raw_map.nr; i++) {
        const struct mem_region *r = &bi->raw_map.r[i];
        pr_info("e820: 0x%016lx-0x%016lx %s\n", r->start, r->end, memmap_type_name(r->type));
    }
}

static void print_cpu_summary(void)
{
    const struct cpu_features *f = &cpu_features;

    pr_info("cpu: %s family %u model %u stepping %u: %s\n", f->vendor, f->family,
            f->model, f->stepping, f->brand);
    pr_info("cpu: svm %s, npt %s, nrips %s, decode-assists %s, x2apic %s, 1G pages %s\n",
            f->svm ? "yes" : "NO", f->npt ? "yes" : "NO", f->nrips ? "yes" : "no",
            f->decode_assists ? "yes" : "no", f->x2apic ? "yes" : "no",
            f->pdpe1gb ? "yes" : "no");
    if (!f->svm || !f->npt)
        pr_err("cpu: Keel needs AMD SVM with nested paging to run guests; this CPU lacks "
               "%s (Intel VMX is not supported yet)\n", !f->svm ? "SVM" : "NPT");
}

static void interrupts_and_time_init(void)
{
    if (acpi_init(boot_info.rsdp, boot_info.rsdp_len, &acpi_boot_info) < 0)
        pr_warn("acpi: no usable ACPI tables: one CPU, no HPET, no S5 poweroff\n");
    pic_disable();
    apic_init_bsp(acpi_boot_info.lapic_address);
    apic_init_cpu();
    smp_init_ipis();
    time_init(&acpi_boot_info);
    if (timer_init() < 0)
        panic("no memory for the timer queues");
    time_init_timer_interrupt();
    local_irq_enable();
    ioapic_init(&acpi_boot_info);
}

/* One screen: CPUs and APIC IDs, APIC and timer modes, TSC, RAM. */
static void print_summary(void)
{
    char ids[256];
    size_t len = 0;
    unsigned int cpu;

    ids[0] = '\0';
    for_each_cpu(cpu, &cpu_online_map)
        if (len < sizeof(ids))
            len += (size_t)snprintf(ids + len, sizeof(ids) - len, "%s%u", len ? " " : "",
                                    cpu_info_of[cpu]->apic_id);
    pr_info("summary: %u CPUs online, APIC IDs %s\n", nr_cpu_ids, ids);
    pr_info("summary: %s, timer %s, TSC %lu.%03lu MHz from the %s (%sinvariant)\n",
            apic_mode_name(), apic_timer_mode_name(), tsc_khz() / 1000, tsc_khz() % 1000,
            time_tsc_source(), cpu_features.invariant_tsc ? "" : "not ");
    pr_info("summary: RAM %lu MiB, %lu MiB free\n",
            (memmap_total(&memory_map, MEM_RAM) + memmap_total(&memory_map, MEM_KEEL) +
             memmap_total(&memory_map, MEM_MODULE)) >> 20,
            page_alloc_free_pages() >> (20 - PAGE_SHIFT));
}

static void print_memory_summary(void)
{
    const struct memmap *map = &memory_map;
    uint64_t ram = memmap_total(map, MEM_RAM) + memmap_total(map, MEM_KEEL) +
                   memmap_total(map, MEM_MODULE);
    uint64_t free = page_alloc_free_pages() << PAGE_SHIFT;

    for (uint32_t i = 0; i < map->nr; i++)
        pr_info("mem: 0x%016lx-0x%016lx %s\n", map->r[i].start, map->r[i].end,
                memmap_type_name(map->r[i].type));
    pr_info("mem: ram %lu KiB, kept %lu KiB, free %lu KiB (%lu pages)\n", ram >> 10,
            (ram - free) >> 10, free >> 10, free >> PAGE_SHIFT);
}

static void start_domains(void)
{
    if (boot_info.nr_modules == 0) {
        pr_err("no dom0 kernel given: add a module2 line with a kernel to the boot entry\n");
        machine_halt();
    }
    if (!hvm_available()) {
        pr_err("cannot run guests: this CPU lacks AMD SVM with nested paging\n");
        machine_halt();
    }
    if (!opt_dom0less) {
        if (build_dom0(&boot_info) < 0) {
            pr_err("dom0 could not be started (see above)\n");
            machine_poweroff(1);
        }
        console_input_start();
        return;
    }
    if (build_boot_domains(&boot_info) == 0) {
        pr_err("no boot domain could be started\n");
        machine_poweroff(1);
    }
    console_input_start();          /* the debug keys */
}

void start_keel(uint32_t magic, uint32_t mbi_phys)
{
    smp_prepare_boot_cpu();
    console_init();
    print_banner();
    cpu_features_init();
    traps_init_cpu(this_cpu());
    if (magic != MB2_BOOTLOADER_MAGIC)
        panic("bad boot loader magic 0x%x", magic);

    parse_boot_info(mbi_phys);
    params_parse(hypervisor_options(boot_info.cmdline));
    console_setup();
    print_boot_info();

    memory_init(&boot_info, &memory_map);
    print_memory_summary();
    print_cpu_summary();
    interrupts_and_time_init();
    scheduler_init();
    hvm_cpu_init();
    smp_boot_cpus(&acpi_boot_info, (uint32_t)MIN(opt_maxcpus, NR_CPUS));
    print_summary();

    if (opt_selftest[0])
        selftest_run(opt_selftest);
    start_domains();
    idle_loop();
}
