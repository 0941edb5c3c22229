// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU areas and cross-CPU work: smp_processor_id(), IPIs, running a
 * function on a set of CPUs (on_selected_cpus), TLB shootdown, and the NMI
 * rendezvous through which a panicking CPU stops every other CPU, each
 * dumping its state first.
 */
#include <asm/apic.h>
#include <asm/irqflags.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <keel/lib.h>
#include <keel/machine.h>
#include <keel/panic.h>
#include <keel/smp.h>
#include <keel/spinlock.h>

struct cpu_info *cpu_info_of[NR_CPUS];
cpumask_t cpu_online_map;
unsigned int nr_cpu_ids = 1;

extern char boot_stack[], boot_stack_top[];
static uint8_t boot_ist_stacks[NR_IST_STACKS * IST_STACK_SIZE] __aligned(16);
static struct cpu_info boot_cpu_info;

/* One cross-CPU call at a time; the caller spins on 'remaining'. */
static DEFINE_SPINLOCK(call_lock);
static struct {
    void (*fn)(void *);
    void *arg;
    bool wait;
    uint32_t remaining;
} call_data;

static volatile int32_t stopping_cpu = -1;   /* the CPU stopping the others */
static bool stop_with_dump;
static DEFINE_SPINLOCK(dump_lock);
static uint32_t cpus_stopped;

unsigned int smp_processor_id(void)
{
    uint32_t id;

    __asm__ volatile("movl %%gs:%c1, %0" : "=r"(id) : "i"(CPU_INFO_CPU_ID));
    return id;
}

void percpu_set(struct cpu_info *ci)
{
    ci->self = ci;
    cpu_info_of[ci->cpu_id] = ci;
    wrmsr(MSR_GS_BASE, (uint64_t)ci);
}

/* The boot CPU's per-CPU area, set before anything asks which CPU it is. */
void smp_prepare_boot_cpu(void)
{
    struct cpu_info *ci = &boot_cpu_info;

    ci->cpu_id = 0;
    ci->stack_base = (uint64_t)boot_stack;
    ci->stack_top = (uint64_t)boot_stack_top;
    ci->ist_base = (uint64_t)boot_ist_stacks;
    percpu_set(ci);
    cpumask_set(&cpu_online_map, 0);
}

void send_ipi(unsigned int cpu, uint32_t vector)
{
    const struct cpu_info *ci = cpu_info_of[cpu];

    if (cpu >= NR_CPUS || !ci)
        return;
    apic_send_ipi(ci->apic_id, APIC_DM_FIXED | vector);
}

void smp_send_event_check(unsigned int cpu)
{
    if (cpu != smp_processor_id() && cpu_online(cpu))
        send_ipi(cpu, EVENT_CHECK_VECTOR);
}

static void event_check_interrupt(struct cpu_regs *regs)
{
    apic_eoi();     /* the softirqs are looked at on the way back to idle */
}

static void call_function_interrupt(struct cpu_regs *regs)
{
    void (*fn)(void *) = call_data.fn;
    void *arg = call_data.arg;
    bool wait = call_data.wait;

    apic_eoi();
    if (!wait)
        __atomic_fetch_sub(&call_data.remaining, 1, __ATOMIC_RELEASE);
    fn(arg);
    if (wait)
        __atomic_fetch_sub(&call_data.remaining, 1, __ATOMIC_RELEASE);
}

void on_selected_cpus(const cpumask_t *mask, void (*fn)(void *), void *arg, bool wait)
{
    unsigned int me = smp_processor_id(), cpu;
    uint32_t remote = 0;
    unsigned long flags;

    for_each_cpu(cpu, mask)
        if (cpu != me && cpu_online(cpu))
            remote++;
    /* Spinning for the lock with interrupts off could deadlock against a
     * CPU that waits for us to answer its call. */
    BUG_ON(remote && !local_irq_is_enabled());

    spin_lock(&call_lock);
    call_data.fn = fn;
    call_data.arg = arg;
    call_data.wait = wait;
    __atomic_store_n(&call_data.remaining, remote, __ATOMIC_RELEASE);
    for_each_cpu(cpu, mask)
        if (cpu != me && cpu_online(cpu))
            send_ipi(cpu, CALL_FUNCTION_VECTOR);
    if (cpumask_test(mask, me)) {
        flags = local_irq_save();
        fn(arg);
        local_irq_restore(flags);
    }
    while (__atomic_load_n(&call_data.remaining, __ATOMIC_ACQUIRE))
        cpu_relax();
    spin_unlock(&call_lock);
}

static void flush_tlb_local(void *unused)
{
    uint64_t cr4 = read_cr4();

    write_cr4(cr4 & ~X86_CR4_PGE);      /* flushes global entries too */
    write_cr4(cr4);
}

void flush_tlb_mask(const cpumask_t *mask)
{
    on_selected_cpus(mask, flush_tlb_local, NULL, true);
}

/* Stop every other CPU with an NMI (panic, poweroff); with dump, each
 * prints its registers and backtrace first. */
void machine_stop_other_cpus(bool dump)
{
    unsigned int me = smp_processor_id(), cpu;
    uint32_t others = 0;

    stop_with_dump = dump;
    if (__atomic_exchange_n(&stopping_cpu, (int32_t)me, __ATOMIC_SEQ_CST) != -1)
        return;
    for_each_cpu(cpu, &cpu_online_map) {
        if (cpu == me)
            continue;
        others++;
        apic_send_ipi(cpu_info_of[cpu]->apic_id, APIC_DM_NMI);
    }
    for (uint32_t i = 0; i < 1000 && __atomic_load_n(&cpus_stopped, __ATOMIC_ACQUIRE) < others; i++)
        mdelay(1);
}

bool nmi_is_panic_stop(const struct cpu_regs *regs)
{
    int32_t from = __atomic_load_n(&stopping_cpu, __ATOMIC_ACQUIRE);

    if (from < 0 || from == (int32_t)smp_processor_id())
        return false;
    if (stop_with_dump) {
        /* One CPU's dump at a time; bounded, in case a holder is stuck. */
        bool locked = false;
        for (uint32_t i = 0; i < 100000000u && !(locked = spin_trylock(&dump_lock)); i++)
            cpu_relax();
        printk(KLOG_ERR "cpu %u: stopped by the panic on cpu %d\n", smp_processor_id(), from);
        show_registers(regs);
        show_backtrace(regs->rip, regs->rbp);
        if (locked)
            spin_unlock(&dump_lock);
    }
    __atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_RELEASE);
    halt_forever();
}

void smp_init_ipis(void)
{
    set_irq_handler(EVENT_CHECK_VECTOR, event_check_interrupt);
    set_irq_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
}
