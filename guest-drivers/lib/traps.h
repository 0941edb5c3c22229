/* SPDX-License-Identifier: MIT */
/*
 * Exceptions in the guest library.  Every vector 0..31 has a handler.  A
 * fault is resolved, in order, by the per-test hook (trap_set_hook), then by
 * the exception table: an entry maps the RIP the CPU reports (the faulting
 * instruction for faults, the next one for traps such as #BP) to a fixup RIP
 * where execution resumes, and the trap is recorded for trap_take().  Anything
 * else ends the test with FAILURE.
 *
 *   asm volatile("1: ud2\n2:\n" EXTABLE(1b, 2b));
 *   struct trap_record t;
 *   if (!trap_take(&t) || t.vector != X86_EXC_UD) ...
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

#define X86_EXC_DE  0
#define X86_EXC_DB  1
#define X86_EXC_NMI 2
#define X86_EXC_BP  3
#define X86_EXC_OF  4
#define X86_EXC_BR  5
#define X86_EXC_UD  6
#define X86_EXC_NM  7
#define X86_EXC_DF  8
#define X86_EXC_TS  10
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MF  16
#define X86_EXC_AC  17
#define X86_EXC_MC  18
#define X86_EXC_XM  19

#define EXTABLE(fault, fixup)                       \
    ".pushsection .extable, \"a\"\n"                \
    ".balign 8\n"                                   \
    ".quad " #fault ", " #fixup "\n"                \
    ".popsection\n"

/* The stack frame built by entry.S, lowest address first. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct trap_record {
    uint32_t vector;
    uint64_t error_code;
    uint64_t rip;       /* as reported by the CPU */
    uint64_t cr2;       /* for #PF */
};

/* Return true if the hook handled the trap (it may change frame->rip). */
typedef bool (*trap_hook_fn)(struct trap_frame *frame);

void traps_init(void);
void trap_set_hook(trap_hook_fn hook);
/* An interrupt gate (DPL0, interrupts off on entry) for vector 32..255 to
 * entry, an assembly stub that ends in iretq; the other vectors above 31
 * stay not present. */
void trap_set_interrupt_gate(uint8_t vector, void (*entry)(void));
/* The last trap resolved through the exception table, once; false if none. */
bool trap_take(struct trap_record *out);
const char *trap_name(unsigned int vector);
void trap_dump(const struct trap_frame *frame);

/* Called from entry.S. */
void trap_dispatch(struct trap_frame *frame);

#endif
