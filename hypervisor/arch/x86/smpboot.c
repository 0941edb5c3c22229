// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bringing up the application processors: each enabled CPU of the MADT (up
 * to maxcpus=) gets a logical number, a per-CPU area, a stack and IST
 * stacks, and is started with INIT-SIPI-SIPI through the real-mode
 * trampoline.  Then every CPU runs the idle loop: softirqs, then HLT.
 */
#include <asm/apic.h>
#include <asm/irqflags.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/smpboot.h>
#include <asm/traps.h>
#include <asm/hvm_vcpu.h>
#include <keel/domain.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/page_alloc.h>
#include <keel/panic.h>
#include <keel/softirq.h>
#include <keel/timer.h>
#include <keel/xmalloc.h>

#define STACK_ORDER         2       /* 16 KiB */
#define IST_ORDER           2       /* 3 IST stacks of 4 KiB */
#define AP_START_TIMEOUT    SECONDS(5)

BUILD_BUG_ON((PAGE_SIZE << STACK_ORDER) != STACK_SIZE);
BUILD_BUG_ON((PAGE_SIZE << IST_ORDER) < NR_IST_STACKS * IST_STACK_SIZE);

extern const uint8_t trampoline_start[], trampoline_end[], trampoline_params[];

static void start_secondary(struct cpu_info *ci);

__noreturn void idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    for (;;) {
        do_softirq();
        schedule_cpu();
        __asm__ volatile("cli");
        if (softirq_pending(cpu))
            __asm__ volatile("sti");
        else
            __asm__ volatile("sti; hlt" ::: "memory");   /* STI shadow: no lost wake-up */
    }
}

static struct cpu_info *alloc_cpu_info(uint32_t cpu, uint32_t apic_id)
{
    struct cpu_info *ci = xzalloc(sizeof(*ci));
    pfn_t stack = page_alloc(STACK_ORDER), ist = page_alloc(IST_ORDER);

    if (!ci || stack == PFN_INVALID || ist == PFN_INVALID) {
        xfree(ci);
        if (stack != PFN_INVALID)
            page_free(stack, STACK_ORDER);
        if (ist != PFN_INVALID)
            page_free(ist, IST_ORDER);
        return NULL;
    }
    ci->cpu_id = cpu;
    ci->apic_id = apic_id;
    ci->stack_base = (uint64_t)pfn_to_virt(stack);
    ci->stack_top = ci->stack_base + STACK_SIZE;
    ci->ist_base = (uint64_t)pfn_to_virt(ist);
    return ci;
}

static void free_cpu_info(struct cpu_info *ci)
{
    page_free(virt_to_pfn((void *)ci->stack_base), STACK_ORDER);
    page_free(virt_to_pfn((void *)ci->ist_base), IST_ORDER);
    xfree(ci);
}

static bool start_ap(struct cpu_info *ci)
{
    struct trampoline_params *p = phys_to_virt(TRAMPOLINE_PHYS +
                                               (trampoline_params - trampoline_start));
    s_time_t deadline;

    p->cr3 = read_cr3();
    p->stack = ci->stack_top;
    p->entry = (uint64_t)start_secondary;
    p->cpu_info = (uint64_t)ci;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    apic_send_ipi(ci->apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
    mdelay(10);
    for (int i = 0; i < 2 && !cpu_online(ci->cpu_id); i++) {
        apic_send_ipi(ci->apic_id, APIC_DM_STARTUP | (TRAMPOLINE_PHYS >> PAGE_SHIFT));
        udelay(200);
    }
    deadline = NOW() + AP_START_TIMEOUT;
    while (!cpu_online(ci->cpu_id) && NOW() < deadline)
        cpu_relax();
    return cpu_online(ci->cpu_id);
}

void smp_boot_cpus(const struct acpi_info *acpi, uint32_t max_cpus)
{
    uint32_t bsp_apic = apic_read_id(), next = 1;

    cpu_info_of[0]->apic_id = bsp_apic;
    pr_info("smp: cpu 0 online (apic id %u)\n", bsp_apic);
    memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start,
           (size_t)(trampoline_end - trampoline_start));
    if (map_pages(TRAMPOLINE_PHYS, TRAMPOLINE_PHYS, PAGE_SIZE, PTE_P) < 0)
        panic("cannot map the AP trampoline");

    for (uint32_t i = 0; i < acpi->nr_cpus && next < MIN(max_cpus, NR_CPUS); i++) {
        const struct acpi_cpu *c = &acpi->cpus[i];
        struct cpu_info *ci;

        if (!c->enabled || c->apic_id == bsp_apic)
            continue;
        if (timer_cpu_init(next) < 0 || !(ci = alloc_cpu_info(next, c->apic_id))) {
            pr_err("smp: no memory for cpu %u (apic id %u), not started\n", next, c->apic_id);
            break;
        }
        if (!start_ap(ci)) {
            pr_err("smp: cpu with apic id %u did not start\n", c->apic_id);
            free_cpu_info(ci);
            continue;
        }
        pr_info("smp: cpu %u online (apic id %u)\n", next, c->apic_id);
        next++;
    }
    unmap_pages(TRAMPOLINE_PHYS, PAGE_SIZE);
    flush_tlb_mask(&cpu_online_map);
    nr_cpu_ids = next;
}

static void start_secondary(struct cpu_info *ci)
{
    percpu_set(ci);
    traps_init_cpu(ci);
    write_cr4(read_cr4() | X86_CR4_PGE);
    apic_init_cpu();
    hvm_cpu_init();
    cpumask_set(&cpu_online_map, ci->cpu_id);
    local_irq_enable();
    idle_loop();
}
