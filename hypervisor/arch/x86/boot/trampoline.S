/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The application processors' way in.  smpboot.c copies this blob to
 * TRAMPOLINE_PHYS (a page below 1 MiB), fills in the parameters at its end
 * and sends INIT-SIPI-SIPI; the AP starts here in real mode at
 * CS:IP = (TRAMPOLINE_PHYS >> 4):0, goes through protected mode into long
 * mode on Keel's page tables (which map this page 1:1 while APs boot) and
 * jumps to start_secondary(cpu_info) on its own stack.
 */
#include <asm/config.h>

#define TRAMPOLINE_PHYS 0x8000
#define T(x)            (TRAMPOLINE_PHYS + ((x) - trampoline_start))
#define TR_CS32         0x08
#define TR_DS32         0x10
#define TR_CS64         0x18

        .section .rodata
        .balign 16
        .globl  trampoline_start, trampoline_end
        .code16
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        lgdtl   tr_gdt_desc - trampoline_start
        mov     %cr0, %eax
        or      $1, %eax                        /* PE */
        mov     %eax, %cr0
        ljmpl   $TR_CS32, $T(tr_protected)

        .code32
tr_protected:
        mov     $TR_DS32, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     %cr4, %eax
        or      $(1 << 5), %eax                 /* PAE */
        mov     %eax, %cr4
        mov     T(tr_cr3), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx               /* EFER: LME | NXE */
        rdmsr
        or      $((1 << 8) | (1 << 11)), %eax
        wrmsr
        mov     %cr0, %eax
        or      $((1 << 31) | (1 << 16)), %eax  /* PG | WP */
        mov     %eax, %cr0
        ljmp    $TR_CS64, $T(tr_long)

        .code64
tr_long:
        mov     T(tr_stack), %rsp
        mov     T(tr_cpu_info), %rdi
        mov     T(tr_entry), %rax
        xor     %ebp, %ebp
        jmp     *%rax

        .balign 8
tr_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff              /* 0x08: 32-bit code */
        .quad   0x00cf92000000ffff              /* 0x10: data */
        .quad   0x00af9a000000ffff              /* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_desc:
        .short  tr_gdt_end - tr_gdt - 1
        .long   T(tr_gdt)

        /* Parameters, filled in by smpboot.c for each AP. */
        .balign 8
        .globl  trampoline_params
trampoline_params:
tr_cr3:         .quad 0
tr_stack:       .quad 0
tr_entry:       .quad 0
tr_cpu_info:    .quad 0
trampoline_end:
