/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception entry: the saved register frame and the IDT/GDT/TSS setup. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <keel/types.h>

/* Layout pushed by entry.S, lowest address first. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

#define X86_EXC_DE   0
#define X86_EXC_DB   1
#define X86_EXC_NMI  2
#define X86_EXC_BP   3
#define X86_EXC_UD   6
#define X86_EXC_DF   8
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MC  18

struct cpu_info;
typedef void (*irq_handler_t)(struct cpu_regs *regs);

void traps_init_cpu(struct cpu_info *ci);   /* GDT, TSS with IST stacks, IDT */
void set_irq_handler(unsigned int vector, irq_handler_t handler);
/* NMI sent by a panicking CPU: dump this CPU and halt (true), else false. */
bool nmi_is_panic_stop(const struct cpu_regs *regs);
void show_registers(const struct cpu_regs *regs);
void show_backtrace(uint64_t rip, uint64_t rbp);
const char *exception_name(unsigned int vector);
void do_trap(struct cpu_regs *regs);

#endif
