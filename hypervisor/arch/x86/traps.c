// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU exception handling: the GDT, the TSS with its IST stacks (#DF, NMI and
 * #MC run on stacks of their own so that a broken stack still gets a dump),
 * the IDT, and do_trap(), which prints the vector, the error code, every
 * register, the control registers and a frame-pointer backtrace, then panics.
 * Every exception in hypervisor context is fatal; guest exceptions never come
 * here (they exit to the SVM handlers).  Vectors 32-255 are interrupts,
 * dispatched to the handler registered with set_irq_handler().
 */
#include <asm/config.h>
#include <asm/processor.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include <keel/lib.h>
#include <keel/panic.h>

#define IST_DF      1
#define IST_NMI     2
#define IST_MC      3
#define MAX_FRAMES  32

struct __packed idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

struct __packed descriptor_ptr {
    uint16_t limit;
    uint64_t base;
};

extern const uint64_t exception_stubs[256];

static struct idt_gate idt[256] __aligned(16);
static irq_handler_t irq_handlers[256];

static const char *const exception_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
    "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *exception_name(unsigned int vector)
{
    return vector < 32 ? exception_names[vector] : "IRQ";
}

static void set_gate(unsigned int vector, uint64_t handler, uint8_t ist)
{
    struct idt_gate *g = &idt[vector];

    g->offset_lo = (uint16_t)handler;
    g->selector = KEEL_CS;
    g->ist = ist;
    g->type_attr = 0x8e;    /* present, DPL 0, 64-bit interrupt gate */
    g->offset_mid = (uint16_t)(handler >> 16);
    g->offset_hi = (uint32_t)(handler >> 32);
    g->reserved = 0;
}

static void set_tss_descriptor(struct cpu_info *ci)
{
    uint64_t base = (uint64_t)&ci->tss;
    uint64_t limit = sizeof(ci->tss) - 1;

    ci->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
                 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    ci->gdt[4] = base >> 32;
}

static void idt_init(void)
{
    for (unsigned int v = 0; v < 256; v++) {
        uint8_t ist = v == X86_EXC_DF ? IST_DF : v == X86_EXC_NMI ? IST_NMI :
                      v == X86_EXC_MC ? IST_MC : 0;
        set_gate(v, exception_stubs[v], ist);
    }
}

/* This CPU's GDT (with its own TSS and IST stacks) and the shared IDT. */
void traps_init_cpu(struct cpu_info *ci)
{
    struct descriptor_ptr gdtr = { sizeof(ci->gdt) - 1, (uint64_t)ci->gdt };
    struct descriptor_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

    if (ci->cpu_id == 0)
        idt_init();
    ci->gdt[0] = 0;
    ci->gdt[1] = 0x00af9a000000ffff;    /* KEEL_CS: 64-bit code */
    ci->gdt[2] = 0x00cf92000000ffff;    /* KEEL_DS: data */
    for (unsigned int i = 0; i < NR_IST_STACKS; i++)
        ci->tss.ist[i] = ci->ist_base + (i + 1) * IST_STACK_SIZE;
    ci->tss.iomap_base = sizeof(ci->tss);
    set_tss_descriptor(ci);

    __asm__ volatile("lgdt %0" : : "m"(gdtr));
    __asm__ volatile("pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
                     : : "i"(KEEL_CS) : "rax", "memory");
    __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" : : "r"(KEEL_DS));
    __asm__ volatile("ltr %w0" : : "r"(KEEL_TSS));
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

void show_registers(const struct cpu_regs *r)
{
    printk(KLOG_ERR "RIP=%016lx CS=%04lx RFLAGS=%016lx\n", r->rip, r->cs, r->rflags);
    printk(KLOG_ERR "RSP=%016lx SS=%04lx\n", r->rsp, r->ss);
    printk(KLOG_ERR "RAX=%016lx RBX=%016lx RCX=%016lx\n", r->rax, r->rbx, r->rcx);
    printk(KLOG_ERR "RDX=%016lx RSI=%016lx RDI=%016lx\n", r->rdx, r->rsi, r->rdi);
    printk(KLOG_ERR "RBP=%016lx R8 =%016lx R9 =%016lx\n", r->rbp, r->r8, r->r9);
    printk(KLOG_ERR "R10=%016lx R11=%016lx R12=%016lx\n", r->r10, r->r11, r->r12);
    printk(KLOG_ERR "R13=%016lx R14=%016lx R15=%016lx\n", r->r13, r->r14, r->r15);
    printk(KLOG_ERR "CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n",
           read_cr0(), read_cr2(), read_cr3(), read_cr4());
    printk(KLOG_ERR "EFER=%016lx\n", rdmsr(MSR_EFER));
}

/* Frames are followed only while they lie on this CPU's stacks. */
static bool on_stack(uint64_t addr)
{
    const struct cpu_info *ci = this_cpu();

    if (addr >= ci->stack_base && addr + 16 <= ci->stack_top)
        return true;
    return addr >= ci->ist_base && addr + 16 <= ci->ist_base + NR_IST_STACKS * IST_STACK_SIZE;
}

void show_backtrace(uint64_t rip, uint64_t rbp)
{
    printk(KLOG_ERR "Backtrace:\n  [<%016lx>]\n", rip);
    for (unsigned int i = 0; i < MAX_FRAMES && rbp && !(rbp & 7) && on_stack(rbp); i++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t next = frame[0];

        printk(KLOG_ERR "  [<%016lx>]\n", frame[1]);
        if (next <= rbp)
            break;
        rbp = next;
    }
}

void set_irq_handler(unsigned int vector, irq_handler_t handler)
{
    BUG_ON(vector < 32 || vector > 255);
    irq_handlers[vector] = handler;
}

static void do_irq(struct cpu_regs *regs)
{
    unsigned int v = (unsigned int)regs->vector;
    irq_handler_t handler = irq_handlers[v];

    if (handler)
        handler(regs);
    else
        printk(KLOG_WARNING "irq: unexpected vector %u on cpu %u\n", v, smp_processor_id());
}

void do_trap(struct cpu_regs *regs)
{
    unsigned int v = (unsigned int)regs->vector;

    if (v >= 32) {
        do_irq(regs);
        return;
    }
    if (v == X86_EXC_NMI && nmi_is_panic_stop(regs))
        return;
    printk(KLOG_ERR "FAULT: vector %u (%s) error 0x%lx on cpu %u\n",
           v, exception_name(v), regs->error_code, smp_processor_id());
    show_registers(regs);
    show_backtrace(regs->rip, regs->rbp);
    panic("fatal exception %s in hypervisor", exception_name(v));
}
