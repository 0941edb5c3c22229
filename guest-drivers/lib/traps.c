// SPDX-License-Identifier: MIT
/*
 * IDT setup and exception dispatch for the guest library: per-test hook,
 * exception-table fixups with a record of the last trap, and a register dump
 * plus test FAILURE for anything unexpected.
 */
#include "console.h"
#include "cpu.h"
#include "layout.h"
#include "lib.h"
#include "test.h"
#include "traps.h"

#define NR_VECTORS 32           /* exceptions, each with a handler */
#define IDT_ENTRIES 256         /* interrupt gates above them: trap_set_interrupt_gate */

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct extable_entry {
    uint64_t fault;
    uint64_t fixup;
};

extern const uint64_t trap_stub_table[NR_VECTORS];
extern const struct extable_entry __extable_start[], __extable_end[];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
static trap_hook_fn current_hook;
static struct trap_record last_record;
static bool last_valid;
static unsigned int dispatch_depth;

static const char *const names[NR_VECTORS] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
    "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

void traps_init(void)
{
    for (unsigned int v = 0; v < NR_VECTORS; v++) {
        uint64_t addr = trap_stub_table[v];
        idt[v] = (struct idt_gate){
            .offset_low = (uint16_t)addr,
            .selector = GDT_CODE64,
            .ist = 0,
            .type_attr = 0x8e,          /* present, DPL0, 64-bit interrupt gate */
            .offset_mid = (uint16_t)(addr >> 16),
            .offset_high = (uint32_t)(addr >> 32),
        };
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    asm volatile("lidt %0" :: "m"(idtr));
}

void trap_set_interrupt_gate(uint8_t vector, void (*entry)(void))
{
    uint64_t addr = (uint64_t)(uintptr_t)entry;

    if (vector < NR_VECTORS)
        test_abort("trap_set_interrupt_gate: vector %u is an exception", vector);
    idt[vector] = (struct idt_gate){
        .offset_low = (uint16_t)addr,
        .selector = GDT_CODE64,
        .type_attr = 0x8e,
        .offset_mid = (uint16_t)(addr >> 16),
        .offset_high = (uint32_t)(addr >> 32),
    };
}

void trap_set_hook(trap_hook_fn hook)
{
    current_hook = hook;
}

bool trap_take(struct trap_record *out)
{
    bool valid = last_valid;
    if (valid && out)
        *out = last_record;
    last_valid = false;
    return valid;
}

const char *trap_name(unsigned int vector)
{
    return vector < NR_VECTORS ? names[vector] : "#??";
}

void trap_dump(const struct trap_frame *f)
{
    printf("%s (vector %lu) error code 0x%lx at rip %016lx\n",
           trap_name((unsigned int)f->vector), f->vector, f->error_code, f->rip);
    if (f->vector == X86_EXC_PF)
        printf("  cr2 %016lx\n", read_cr2());
    printf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    printf("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
    printf("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f->r8, f->r9, f->r10, f->r11);
    printf("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f->r12, f->r13, f->r14, f->r15);
    printf("  cs %04lx ss %04lx rflags %08lx\n", f->cs, f->ss, f->rflags);
}

static const struct extable_entry *extable_find(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->fault == rip)
            return e;
    return 0;
}

void trap_dispatch(struct trap_frame *frame)
{
    if (++dispatch_depth > 1) {
        static const char msg[] = "guest: fault inside the exception handler\n";
        console_write_raw(msg, sizeof(msg) - 1);
        halt_forever();
    }

    if (current_hook && current_hook(frame)) {
        dispatch_depth--;
        return;
    }

    const struct extable_entry *e = extable_find(frame->rip);
    if (e) {
        last_record = (struct trap_record){
            .vector = (uint32_t)frame->vector,
            .error_code = frame->error_code,
            .rip = frame->rip,
            .cr2 = frame->vector == X86_EXC_PF ? read_cr2() : 0,
        };
        last_valid = true;
        frame->rip = e->fixup;
        dispatch_depth--;
        return;
    }

    console_flush();
    printf("Unexpected exception:\n");
    trap_dump(frame);
    test_fail("unexpected %s at %016lx", trap_name((unsigned int)frame->vector), frame->rip);
    test_finish();
}
