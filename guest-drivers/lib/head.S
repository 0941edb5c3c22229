/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of the guest library: the XEN_ELFNOTE_PHYS32_ENTRY note, the
 * 32-bit entry point (flat protected mode, paging off, %ebx = guest-physical
 * address of struct hvm_start_info), the switch to long mode with identity
 * page tables for the first 4 GiB (2 MiB pages), the boot stack and the call
 * into guest_start(start_info_paddr).  Also owns the GDT and the page-table
 * pages (a fifth page directory, the "window", maps linear 4 GiB..5 GiB on
 * demand; see paging.c).
 */
#include <public/elfnote.h>
#include "layout.h"

/* ---- Xen ELF note: the 32-bit physical entry point --------------------- */
        .section .note.Xen, "a", @note
        .balign 4
        .long   2f - 1f                 /* namesz */
        .long   4f - 3f                 /* descsz */
        .long   XEN_ELFNOTE_PHYS32_ENTRY
1:      .asciz  "Xen"
2:      .balign 4
3:      .long   pvh_start32
4:      .balign 4

/* ---- 32-bit entry ------------------------------------------------------- */
        .section .text.entry32, "ax", @progbits
        .code32
        .globl  pvh_start32
pvh_start32:
        cli
        cld
        movl    %ebx, boot_start_info_paddr

        lgdt    gdt_descriptor
        movl    $GDT_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    %eax, %fs
        movl    %eax, %gs
        ljmp    $GDT_CODE32, $1f
1:
        /* Clear the BSS (it holds the page tables and the stack). */
        movl    $__bss_start, %edi
        movl    $__bss_end, %ecx
        subl    %edi, %ecx
        shrl    $2, %ecx
        xorl    %eax, %eax
        rep stosl

        movl    $boot_stack_top, %esp

        /* PML4[0] -> PDPT; PDPT[0..4] -> PD0..PD4 (PD4 is the window). */
        movl    $boot_pdpt + PTE_P + PTE_RW, boot_pml4
        movl    $boot_pd + PTE_P + PTE_RW, %eax
        xorl    %ecx, %ecx
2:      movl    %eax, boot_pdpt(, %ecx, 8)
        addl    $4096, %eax
        incl    %ecx
        cmpl    $BOOT_PD_COUNT, %ecx
        jb      2b

        /* PD0..PD3: 2048 entries of 2 MiB identity mappings = 4 GiB. */
        xorl    %ecx, %ecx
3:      movl    %ecx, %eax
        shll    $21, %eax               /* low 32 bits of the address */
        orl     $PTE_P + PTE_RW + PTE_PS, %eax
        movl    %eax, boot_pd(, %ecx, 8)
        movl    %ecx, %eax
        shrl    $11, %eax               /* high bits: entry index / 2048 */
        movl    %eax, boot_pd + 4(, %ecx, 8)
        incl    %ecx
        cmpl    $IDENTITY_PD_ENTRIES, %ecx
        jb      3b

        /* Long mode: CR4.PAE, CR3, EFER.LME, then CR0.PG. */
        movl    %cr4, %eax
        orl     $CR4_PAE, %eax
        movl    %eax, %cr4
        movl    $boot_pml4, %eax
        movl    %eax, %cr3
        movl    $MSR_EFER, %ecx
        rdmsr
        orl     $EFER_LME, %eax
        wrmsr
        movl    $CR0_PE + CR0_MP + CR0_ET + CR0_NE + CR0_WP + CR0_PG, %eax
        movl    %eax, %cr0
        ljmp    $GDT_CODE64, $long_mode_entry

/* ---- 64-bit continuation ------------------------------------------------ */
        .text
        .code64
long_mode_entry:
        movl    $GDT_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        xorl    %eax, %eax
        movl    %eax, %fs
        movl    %eax, %gs
        leaq    boot_stack_top(%rip), %rsp
        xorl    %ebp, %ebp
        movl    boot_start_info_paddr(%rip), %edi
        call    guest_start
5:      cli
        hlt
        jmp     5b

/* ---- GDT ------------------------------------------------------------------ */
        .data
        .balign 16
gdt:
        .quad   0                       /* null */
        .quad   0x00cf9a000000ffff      /* GDT_CODE32: flat 32-bit code */
        .quad   0x00cf92000000ffff      /* GDT_DATA: flat data */
        .quad   0x00af9a000000ffff      /* GDT_CODE64: 64-bit code */
gdt_end:
        .balign 8
        .word   0                       /* pad so the base is 8-aligned */
gdt_descriptor:
        .word   gdt_end - gdt - 1
        .quad   gdt

        .globl  boot_start_info_paddr
        .balign 4
boot_start_info_paddr:
        .long   0

/* ---- Page tables and stack (cleared at entry) ---------------------------- */
        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl  boot_pml4, boot_pdpt, boot_pd
boot_pml4:
        .skip   4096
boot_pdpt:
        .skip   4096
boot_pd:
        .skip   4096 * BOOT_PD_COUNT
boot_stack:
        .skip   BOOT_STACK_SIZE
        .globl  boot_stack_top
boot_stack_top:

        .section .note.GNU-stack, "", @progbits
