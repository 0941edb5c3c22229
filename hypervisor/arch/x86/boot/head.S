/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's first instructions.  GRUB (multiboot2) enters start32 in
 * 32-bit flat protected mode, paging off, with the magic in %eax and the
 * physical address of the boot information in %ebx.  This file:
 *   - clears the BSS and sets up the boot stack,
 *   - checks for the multiboot2 magic, long mode and NX (a message on COM1
 *     and a halt when something is missing: no C console exists yet),
 *   - builds the boot page tables: the first 4 GiB identity-mapped and the
 *     first 2 GiB again at KEEL_VIRT_BASE, with 2 MiB pages,
 *   - enables PAE, long mode, NX and paging and jumps to the high half,
 *   - calls start_keel(magic, mbi_phys), which never returns.
 * setup.c replaces these page tables with the final ones.
 */
#include <asm/config.h>

#define MB2_MAGIC       0xe85250d6
#define MB2_ARCH_I386   0
#define MB2_LOADER_MAGIC 0x36d76289

#define PHYS(x)         ((x) - KEEL_VIRT_BASE)
#define COM1            0x3f8

#define CR0_PE          (1 << 0)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)
#define EFER_NXE        (1 << 11)

        .section .multiboot, "a"
        .balign 8
mb2_header:
        .long   MB2_MAGIC
        .long   MB2_ARCH_I386
        .long   mb2_header_end - mb2_header
        .long   -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        /* module alignment tag: page-aligned modules */
        .balign 8
        .short  6, 0
        .long   8
        /* end tag */
        .balign 8
        .short  0, 0
        .long   8
mb2_header_end:

        .section .boot.text, "ax"
        .code32
        .globl  start32
start32:
        cli
        cld
        mov     %eax, %edi              /* magic */
        mov     %ebx, %esi              /* mbi */

        /* Clear the BSS (it holds the boot page tables and stack). */
        mov     $PHYS(__bss_start), %ebx
        mov     $PHYS(__bss_end), %ecx
        sub     %ebx, %ecx
        shr     $2, %ecx
        mov     %edi, %ebp                      /* no stack yet */
        mov     %ebx, %edi
        xor     %eax, %eax
        rep stosl
        mov     %ebp, %edi
        mov     $PHYS(boot_stack_top), %esp

        call    serial_init32

        cmp     $MB2_LOADER_MAGIC, %edi
        mov     $msg_no_mb2, %ebx
        jne     die32

        /* Long mode and NX: CPUID 0x80000001 EDX bits 29 and 20. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        mov     $msg_no_lm, %ebx
        jb      die32
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     die32
        bt      $20, %edx
        mov     $msg_no_nx, %ebx
        jnc     die32

        call    build_boot_page_tables

        /* PAE, then EFER.LME|NXE, then paging: long mode (compatibility). */
        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $PHYS(boot_pml4), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $(EFER_LME | EFER_NXE), %eax
        wrmsr
        mov     %cr0, %eax
        or      $(CR0_PE | CR0_WP | CR0_PG), %eax
        mov     %eax, %cr0

        lgdt    boot_gdt_desc
        ljmp    $KEEL_CS, $start64_low

/* Fill the boot page tables: boot_pd[0..3] map 0-4 GiB with 2 MiB pages;
 * PML4[0] -> boot_pdpt_low (identity), PML4[511] -> boot_pdpt_high whose
 * entries 510 and 511 reuse boot_pd[0] and boot_pd[1]. */
build_boot_page_tables:
        push    %edi
        mov     $PHYS(boot_pd), %edi
        xor     %ecx, %ecx                      /* 2 MiB page index */
1:      mov     %ecx, %eax
        shl     $21, %eax
        or      $0x83, %eax                     /* present, writable, 2 MiB */
        mov     %eax, (%edi,%ecx,8)
        movl    $0, 4(%edi,%ecx,8)
        inc     %ecx
        cmp     $2048, %ecx
        jb      1b

        mov     $PHYS(boot_pdpt_low), %edi
        xor     %ecx, %ecx
2:      mov     %ecx, %eax
        shl     $12, %eax
        add     $(PHYS(boot_pd) + 0x3), %eax
        mov     %eax, (%edi,%ecx,8)
        inc     %ecx
        cmp     $4, %ecx
        jb      2b

        mov     $PHYS(boot_pdpt_high), %edi
        movl    $(PHYS(boot_pd) + 0x3), 510*8(%edi)
        movl    $(PHYS(boot_pd) + 0x1000 + 0x3), 511*8(%edi)

        mov     $PHYS(boot_pml4), %edi
        movl    $(PHYS(boot_pdpt_low) + 0x3), (%edi)
        movl    $(PHYS(boot_pdpt_high) + 0x3), 511*8(%edi)
        pop     %edi
        ret

/* 115200 8N1 on COM1, polled. */
serial_init32:
        mov     $(COM1 + 1), %dx
        xor     %al, %al
        out     %al, %dx                        /* no interrupts */
        mov     $(COM1 + 3), %dx
        mov     $0x80, %al
        out     %al, %dx                        /* DLAB */
        mov     $(COM1 + 0), %dx
        mov     $1, %al
        out     %al, %dx                        /* divisor 1: 115200 */
        mov     $(COM1 + 1), %dx
        xor     %al, %al
        out     %al, %dx
        mov     $(COM1 + 3), %dx
        mov     $0x03, %al
        out     %al, %dx                        /* 8N1 */
        mov     $(COM1 + 2), %dx
        mov     $0xc7, %al
        out     %al, %dx                        /* FIFOs on */
        ret

/* Print the NUL-terminated string at %ebx on COM1 and halt for good. */
die32:
        mov     $msg_prefix, %esi
        call    puts32
        mov     %ebx, %esi
        call    puts32
3:      cli
        hlt
        jmp     3b

puts32:
        lodsb
        test    %al, %al
        jz      5f
        mov     %al, %ah
        mov     $(COM1 + 5), %dx
4:      in      %dx, %al
        test    $0x20, %al
        jz      4b
        mov     $COM1, %dx
        mov     %ah, %al
        out     %al, %dx
        jmp     puts32
5:      ret

        .code64
start64_low:
        movabs  $start64, %rax
        jmp     *%rax

        .section .boot.data, "aw"
        .balign 8
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff              /* 0x08: 64-bit code */
        .quad   0x00cf92000000ffff              /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
        .short  boot_gdt_end - boot_gdt - 1
        .long   boot_gdt

msg_prefix:     .asciz  "\r\nKeel cannot boot: "
msg_no_mb2:     .asciz  "not started by a multiboot2 loader (use GRUB's multiboot2 command)\r\n"
msg_no_lm:      .asciz  "this CPU has no 64-bit long mode\r\n"
msg_no_nx:      .asciz  "this CPU has no NX (no-execute) support\r\n"

        .section .text.entry, "ax"
start64:
        mov     $KEEL_DS, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        xor     %eax, %eax
        mov     %ax, %fs
        mov     %ax, %gs
        movabs  $boot_stack_top, %rsp
        xor     %ebp, %ebp
        mov     %edi, %edi                      /* zero-extend magic */
        mov     %esi, %esi                      /* zero-extend mbi */
        call    start_keel
6:      cli
        hlt
        jmp     6b

        .section .bss.pagetables, "aw", @nobits
        .balign 4096
        .globl  boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096
        .globl  boot_stack, boot_stack_top
boot_stack:     .skip STACK_SIZE
boot_stack_top:
