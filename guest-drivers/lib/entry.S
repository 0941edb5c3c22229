/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs for vectors 0..31: each pushes a zero error code when
 * the CPU does not, then the vector number, and joins trap_common, which
 * saves the general registers as a struct trap_frame (traps.h), calls
 * trap_dispatch(frame) and returns with iretq (the dispatcher may change the
 * saved RIP, e.g. to an exception-table fixup).  trap_stub_table holds the
 * 32 stub addresses for the IDT.
 */

        .text
        .code64

        .macro  trap_stub vec, errcode
        .balign 16
trap_stub_\vec:
        .if \errcode == 0
        pushq   $0
        .endif
        pushq   $\vec
        jmp     trap_common
        .endm

        trap_stub 0, 0
        trap_stub 1, 0
        trap_stub 2, 0
        trap_stub 3, 0
        trap_stub 4, 0
        trap_stub 5, 0
        trap_stub 6, 0
        trap_stub 7, 0
        trap_stub 8, 1
        trap_stub 9, 0
        trap_stub 10, 1
        trap_stub 11, 1
        trap_stub 12, 1
        trap_stub 13, 1
        trap_stub 14, 1
        trap_stub 15, 0
        trap_stub 16, 0
        trap_stub 17, 1
        trap_stub 18, 0
        trap_stub 19, 0
        trap_stub 20, 0
        trap_stub 21, 1
        trap_stub 22, 0
        trap_stub 23, 0
        trap_stub 24, 0
        trap_stub 25, 0
        trap_stub 26, 0
        trap_stub 27, 0
        trap_stub 28, 0
        trap_stub 29, 1
        trap_stub 30, 1
        trap_stub 31, 0

trap_common:
        pushq   %rax
        pushq   %rbx
        pushq   %rcx
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi
        pushq   %rbp
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        cld
        movq    %rsp, %rdi
        call    trap_dispatch
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rbp
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %rcx
        popq    %rbx
        popq    %rax
        addq    $16, %rsp               /* vector and error code */
        iretq

        .section .rodata
        .balign 8
        .globl  trap_stub_table
trap_stub_table:
        .irp    v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad   trap_stub_\v
        .endr

        .section .note.GNU-stack, "", @progbits
