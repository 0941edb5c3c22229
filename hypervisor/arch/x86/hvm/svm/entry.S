/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SVM world switch.
 *   void svm_vmrun(struct guest_regs *regs, paddr_t vmcb, paddr_t host_vmcb)
 * Called with GIF clear.  Saves the host's hidden state (FS/GS bases, TR,
 * LDTR, syscall MSRs) with VMSAVE into host_vmcb, loads the guest's general
 * registers, VMLOAD/VMRUN/VMSAVE on the guest VMCB, stores the guest's
 * registers back and restores the host's hidden state.  RAX, RSP and RIP of
 * the guest live in the VMCB; VMRUN itself saves and restores the host's.
 */
#include <asm/hvm_vcpu.h>

        .text
        .globl  svm_vmrun
svm_vmrun:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                    /* 24(%rsp) after the next two */
        push    %rdx                    /* host vmcb */
        push    %rsi                    /* guest vmcb */

        mov     %rdx, %rax
        vmsave  %rax
        mov     (%rsp), %rax

        mov     GREG_RBX(%rdi), %rbx
        mov     GREG_RCX(%rdi), %rcx
        mov     GREG_RDX(%rdi), %rdx
        mov     GREG_RSI(%rdi), %rsi
        mov     GREG_RBP(%rdi), %rbp
        mov     GREG_R8+0(%rdi), %r8
        mov     GREG_R8+8(%rdi), %r9
        mov     GREG_R8+16(%rdi), %r10
        mov     GREG_R8+24(%rdi), %r11
        mov     GREG_R8+32(%rdi), %r12
        mov     GREG_R8+40(%rdi), %r13
        mov     GREG_R8+48(%rdi), %r14
        mov     GREG_R8+56(%rdi), %r15
        mov     GREG_RDI(%rdi), %rdi

        vmload  %rax
        vmrun   %rax
        vmsave  %rax

        push    %rdi                    /* the guest's RDI */
        mov     24(%rsp), %rdi          /* regs (above the RDI just pushed) */
        mov     %rbx, GREG_RBX(%rdi)
        mov     %rcx, GREG_RCX(%rdi)
        mov     %rdx, GREG_RDX(%rdi)
        mov     %rsi, GREG_RSI(%rdi)
        mov     %rbp, GREG_RBP(%rdi)
        mov     %r8, GREG_R8+0(%rdi)
        mov     %r9, GREG_R8+8(%rdi)
        mov     %r10, GREG_R8+16(%rdi)
        mov     %r11, GREG_R8+24(%rdi)
        mov     %r12, GREG_R8+32(%rdi)
        mov     %r13, GREG_R8+40(%rdi)
        mov     %r14, GREG_R8+48(%rdi)
        mov     %r15, GREG_R8+56(%rdi)
        pop     %rax
        mov     %rax, GREG_RDI(%rdi)

        mov     8(%rsp), %rax           /* host vmcb */
        vmload  %rax
        add     $24, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
