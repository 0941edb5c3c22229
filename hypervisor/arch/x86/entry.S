/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry stubs for all 256 vectors (exceptions 0-31, interrupts 32-255).  Each stub pushes a dummy error
 * code where the CPU does not push one, then its vector number, and jumps to
 * the common path, which saves the general registers as struct cpu_regs and
 * calls do_trap().  The stub addresses are collected in exception_stubs[].
 */
#include <asm/config.h>

        .text
        .altmacro
        .macro exception_stub v
        .balign 16
exc_stub_\v:
        /* vectors 8, 10-14, 17, 21, 29 and 30 come with an error code */
        .if !(\v == 8 || (\v >= 10 && \v <= 14) || \v == 17 || \v == 21 || \v == 29 || \v == 30)
        pushq   $0
        .endif
        pushq   $\v
        jmp     exception_common
        .endm

        .set    vec, 0
        .rept   256
        exception_stub %vec
        .set    vec, vec + 1
        .endr

exception_common:
        cld
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, %rdi
        mov     %rsp, %rbx                      /* callee-saved: the frame */
        xor     %ebp, %ebp                      /* backtraces start at regs->rbp */
        and     $~0xf, %rsp
        call    do_trap
        mov     %rbx, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        add     $16, %rsp
        iretq

        .macro stub_addr v
        .quad   exc_stub_\v
        .endm

        .section .rodata
        .balign 8
        .globl  exception_stubs
exception_stubs:
        .set    vec, 0
        .rept   256
        stub_addr %vec
        .set    vec, vec + 1
        .endr
