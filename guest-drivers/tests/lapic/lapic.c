// SPDX-License-Identifier: MIT
/*
 * test-lapic: the virtual local APIC as a PVH guest uses it.  The APIC base
 * MSR, ID and version; the one-shot, periodic and TSC-deadline timers waking
 * the vCPU from HLT; a self-IPI through the ICR; x2APIC mode (ID and a
 * self-IPI through MSRs); and, with two vCPUs, starting the second
 * one with INIT and STARTUP IPIs into a real-mode trampoline that writes a
 * mark to memory (as Linux starts its secondaries), then an NMI IPI from
 * vCPU 0 waking it from HLT into its real-mode NMI handler.
 */
#include "cpu.h"
#include "guest.h"

#define APIC_BASE_MSR       0x1b
#define APIC_BASE_ENABLE    (1ULL << 11)
#define APIC_BASE_BSP       (1ULL << 8)
#define APIC                0xfee00000UL
#define APIC_ID             0x020
#define APIC_VERSION        0x030
#define APIC_EOI            0x0b0
#define APIC_SVR            0x0f0
#define APIC_ICR_LOW        0x300
#define APIC_ICR_HIGH       0x310
#define APIC_LVT_TIMER      0x320
#define APIC_TIMER_INITIAL  0x380
#define APIC_TIMER_CURRENT  0x390
#define APIC_TIMER_DIVIDE   0x3e0
#define TIMER_VECTOR        0x40
#define IPI_VECTOR          0x41
#define LVT_PERIODIC        (1u << 17)
#define LVT_MASKED          (1u << 16)
#define TRAMPOLINE          0x8000
#define AP_MARK             0x9000
#define AP_MAGIC            0x4b454c21u     /* "KEL!" */
#define AP_NMI_MARK         0x9004
#define AP_NMI_MAGIC        0x21494d4eu     /* "NMI!" */

volatile uint32_t timer_ticks, ipi_count;
volatile uint8_t x2apic_on;         /* EOI through the MSR, not the page */

/* Interrupt stubs: count, EOI, return. */
void lapic_timer_stub(void);
void lapic_ipi_stub(void);
asm(".text\n"
    "lapic_timer_stub:\n"
    "  lock incl timer_ticks(%rip)\n"
    "  jmp lapic_eoi_return\n"
    "lapic_ipi_stub:\n"
    "  lock incl ipi_count(%rip)\n"
    "lapic_eoi_return:\n"
    "  pushq %rax\n"
    "  cmpb $0, x2apic_on(%rip)\n"
    "  jne 1f\n"
    "  movabsq $0xfee000b0, %rax\n"
    "  movl $0, (%rax)\n"
    "  popq %rax\n"
    "  iretq\n"
    "1: pushq %rcx\n"
    "  pushq %rdx\n"
    "  movl $0x80b, %ecx\n"
    "  xorl %eax, %eax\n"
    "  xorl %edx, %edx\n"
    "  wrmsr\n"
    "  popq %rdx\n"
    "  popq %rcx\n"
    "  popq %rax\n"
    "  iretq\n");

/* The AP's real-mode code, copied to TRAMPOLINE: store the mark, halt. */
extern const uint8_t ap_code_start[], ap_code_end[];
asm(".section .rodata\n"
    ".code16\n"
    "ap_code_start:\n"
    "  cli\n"
    "  xorw %ax, %ax\n"
    "  movw %ax, %ds\n"
    "  movw $(ap_nmi - ap_code_start), 0x8\n"    /* IVT[2]: the NMI handler */
    "  movw $0x0800, 0xa\n"
    "  movl $0x4b454c21, %eax\n"
    "  movl %eax, 0x9000\n"
    "1: hlt\n"
    "  jmp 1b\n"
    "ap_nmi:\n"
    "  movl $0x21494d4e, 0x9004\n"                /* "NMI!" */
    "  iret\n"
    "ap_code_end:\n"
    ".code64\n"
    ".text\n");


static inline uint64_t read_tsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint32_t apic_read(uint32_t reg)
{
    return *(volatile uint32_t *)(APIC + reg);
}

static inline void apic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)(APIC + reg) = v;
}

/* HLT with interrupts on until *counter reaches want, at most max_halts. */
static bool wait_for(volatile uint32_t *counter, uint32_t want, uint32_t max_halts)
{
    for (uint32_t i = 0; i < max_halts && *counter < want; i++)
        asm volatile("sti; hlt; cli" ::: "memory");
    return *counter >= want;
}

static void check_identity(void)
{
    uint64_t base = rdmsr(APIC_BASE_MSR);

    CHECK((base & ~0xfffULL) == APIC, "APIC base 0x%lx", base);
    CHECK(base & APIC_BASE_ENABLE, "APIC not enabled in its base MSR");
    CHECK(base & APIC_BASE_BSP, "vCPU 0 is not the BSP");
    CHECK((apic_read(APIC_ID) >> 24) == 0, "APIC ID 0x%x", apic_read(APIC_ID));
    printf("APIC base 0x%lx, ID %u, version 0x%x\n", base, apic_read(APIC_ID) >> 24,
           apic_read(APIC_VERSION));
    apic_write(APIC_SVR, 0x1ff);                /* software-enable, spurious 0xff */
}

static void check_one_shot(void)
{
    apic_write(APIC_TIMER_DIVIDE, 0xb);         /* divide by 1 */
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR);
    apic_write(APIC_TIMER_INITIAL, 2000000);
    CHECK(wait_for(&timer_ticks, 1, 10000), "one-shot timer never fired");
    CHECK(apic_read(APIC_TIMER_CURRENT) == 0, "current count %u after one-shot expiry",
          apic_read(APIC_TIMER_CURRENT));
    printf("one-shot timer: fired, current count 0\n");
}

static void check_periodic(void)
{
    uint32_t start = timer_ticks;

    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
    apic_write(APIC_TIMER_INITIAL, 1000000);
    CHECK(wait_for(&timer_ticks, start + 10, 100000), "periodic timer: %u ticks",
          timer_ticks - start);
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_MASKED);
    apic_write(APIC_TIMER_INITIAL, 0);
    printf("periodic timer: %u ticks\n", timer_ticks - start);
}

static void check_self_ipi(void)
{
    apic_write(APIC_ICR_HIGH, 0);
    apic_write(APIC_ICR_LOW, (1u << 18) | IPI_VECTOR);     /* shorthand: self */
    CHECK(wait_for(&ipi_count, 1, 1000), "self-IPI not delivered");
    printf("self-IPI delivered\n");
}

/* TSC-deadline mode: the timer fires when the TSC passes the MSR. */
static void check_tsc_deadline(void)
{
    uint32_t start = timer_ticks;

    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | (2u << 17));
    wrmsr(0x6e0, read_tsc() + 5000000);
    CHECK(wait_for(&timer_ticks, start + 1, 10000), "TSC-deadline timer never fired");
    CHECK(rdmsr(0x6e0) == 0, "TSC_DEADLINE MSR not cleared after expiry");
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_MASKED);
    printf("TSC-deadline timer: fired\n");
}

/* x2APIC: switched on through the base MSR; ID and a self-IPI by MSR. */
static void check_x2apic(void)
{
    uint32_t start = ipi_count;

    wrmsr(APIC_BASE_MSR, rdmsr(APIC_BASE_MSR) | (1ULL << 10));
    x2apic_on = 1;
    CHECK(rdmsr(0x802) == 0, "x2APIC ID %lu", rdmsr(0x802));
    wrmsr(0x83f, IPI_VECTOR);                           /* SELF IPI */
    CHECK(wait_for(&ipi_count, start + 1, 1000), "x2APIC self-IPI not delivered");
    printf("x2APIC: ID 0, self-IPI delivered\n");
}

static void check_second_vcpu(void)
{
    volatile uint32_t *mark = (volatile uint32_t *)AP_MARK;
    uint64_t until;

    memcpy((void *)TRAMPOLINE, ap_code_start, (size_t)(ap_code_end - ap_code_start));
    *mark = 0;
    apic_write(APIC_ICR_HIGH, 1u << 24);
    apic_write(APIC_ICR_LOW, 0x4500);                     /* INIT, assert */
    apic_write(APIC_ICR_HIGH, 1u << 24);
    apic_write(APIC_ICR_LOW, 0x4600 | (TRAMPOLINE >> 12)); /* STARTUP */
    until = read_tsc() + 20000000000ULL;
    while (*mark != AP_MAGIC && read_tsc() < until)
        asm volatile("pause");
    CHECK(*mark == AP_MAGIC, "vCPU 1 did not run the trampoline (mark 0x%x)", *mark);
    if (*mark != AP_MAGIC)
        return;
    printf("vCPU 1 started in real mode by INIT/SIPI\n");

    /* An NMI IPI wakes vCPU 1 from HLT into its real-mode handler. */
    volatile uint32_t *nmi_mark = (volatile uint32_t *)AP_NMI_MARK;
    *nmi_mark = 0;
    apic_write(APIC_ICR_HIGH, 1u << 24);
    apic_write(APIC_ICR_LOW, 0x400);                      /* NMI */
    until = read_tsc() + 20000000000ULL;
    while (*nmi_mark != AP_NMI_MAGIC && read_tsc() < until)
        asm volatile("pause");
    CHECK(*nmi_mark == AP_NMI_MAGIC, "NMI IPI to vCPU 1 not handled (mark 0x%x)", *nmi_mark);
    if (*nmi_mark == AP_NMI_MAGIC)
        printf("NMI IPI woke vCPU 1 into its handler\n");
}

const char test_title[] = "lapic";

void test_main(void)
{
    struct cpuid_regs r = cpuid(1);

    trap_set_interrupt_gate(TIMER_VECTOR, lapic_timer_stub);
    trap_set_interrupt_gate(IPI_VECTOR, lapic_ipi_stub);
    check_identity();
    check_one_shot();
    check_periodic();
    check_self_ipi();
    if (r.ecx & (1u << 24))
        check_tsc_deadline();
    else
        printf("no TSC-deadline timer offered\n");
    if (((r.ebx >> 16) & 0xff) >= 2)
        check_second_vcpu();
    else
        printf("one vCPU: INIT/SIPI not tried\n");
    if (r.ecx & (1u << 21))
        check_x2apic();
    else
        printf("no x2APIC offered\n");
}
