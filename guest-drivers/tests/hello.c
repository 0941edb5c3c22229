// SPDX-License-Identifier: MIT
/*
 * test-hello: the first guest.  Prints the PVH start info (flags, command
 * line, modules, memory map) and the hypervisor version from
 * XENVER_version/XENVER_extraversion, and succeeds if those look sane.
 */
#include <public/version.h>
#include "guest.h"

const char test_title[] = "hello";

static const char *memmap_type(uint32_t type)
{
    switch (type) {
    case XEN_HVM_MEMMAP_TYPE_RAM:      return "RAM";
    case XEN_HVM_MEMMAP_TYPE_RESERVED: return "reserved";
    case XEN_HVM_MEMMAP_TYPE_ACPI:     return "ACPI";
    case XEN_HVM_MEMMAP_TYPE_NVS:      return "NVS";
    case XEN_HVM_MEMMAP_TYPE_UNUSABLE: return "unusable";
    case XEN_HVM_MEMMAP_TYPE_DISABLED: return "disabled";
    case XEN_HVM_MEMMAP_TYPE_PMEM:     return "PMEM";
    default:                           return "unknown";
    }
}

static void print_start_info(void)
{
    const struct hvm_start_info *si = start_info;

    printf("start_info at %p: magic 0x%x version %u flags 0x%x\n",
           si, si->magic, si->version, si->flags);
    printf("  cmdline_paddr 0x%lx: \"%s\"\n", si->cmdline_paddr,
           si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : "");
    printf("  rsdp_paddr 0x%lx\n", si->rsdp_paddr);
    printf("  nr_modules %u modlist_paddr 0x%lx\n", si->nr_modules, si->modlist_paddr);

    const struct hvm_modlist_entry *mods = (const void *)(uintptr_t)si->modlist_paddr;
    for (uint32_t i = 0; si->modlist_paddr && i < si->nr_modules; i++)
        printf("    module %u: paddr 0x%lx size 0x%lx cmdline_paddr 0x%lx\n",
               i, mods[i].paddr, mods[i].size, mods[i].cmdline_paddr);

    if (si->version < 1) {
        printf("  (version 0: no memory map)\n");
        return;
    }
    printf("  memmap_paddr 0x%lx memmap_entries %u\n", si->memmap_paddr, si->memmap_entries);
    const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)si->memmap_paddr;
    for (uint32_t i = 0; si->memmap_paddr && i < si->memmap_entries; i++)
        printf("    %016lx-%016lx %s\n", map[i].addr, map[i].addr + map[i].size - 1,
               memmap_type(map[i].type));
}

void test_main(void)
{
    print_start_info();

    CHECK((uintptr_t)start_info < 0x100000000ull, "start_info above 4 GiB");
    if (start_info->version >= 1 && start_info->memmap_entries) {
        const struct hvm_memmap_table_entry *map =
            (const void *)(uintptr_t)start_info->memmap_paddr;
        bool ram = false;
        for (uint32_t i = 0; i < start_info->memmap_entries; i++)
            ram |= map[i].type == XEN_HVM_MEMMAP_TYPE_RAM && map[i].size;
        CHECK(ram, "memory map has no RAM entry");
    }

    if (hypercall_get_mode() == HYPERCALL_NONE)
        test_abort("no Xen CPUID leaves: cannot make hypercalls");

    long version = hyp_xen_version(XENVER_version, 0);
    CHECK(version > 0, "XENVER_version returned %ld", version);

    xen_extraversion_t extra;
    memset(extra, 0, sizeof(extra));
    long rc = hyp_xen_version(XENVER_extraversion, extra);
    CHECK(rc == 0, "XENVER_extraversion returned %ld", rc);
    extra[sizeof(extra) - 1] = '\0';

    printf("Hypervisor version %lu.%lu%s (CPUID leaf says %u.%u)\n",
           (unsigned long)version >> 16, (unsigned long)version & 0xffff, extra,
           xen_cpuid.version >> 16, xen_cpuid.version & 0xffff);
    CHECK((uint32_t)version == xen_cpuid.version,
          "XENVER_version 0x%lx differs from CPUID 0x%x", version, xen_cpuid.version);
    printf("Hello from a Keel guest\n");
}
