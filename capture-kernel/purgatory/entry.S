/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entered from relocate_kernel_64 in 64-bit mode on identity-mapped page
 * tables, interrupts off, with the crashed kernel's GDT still in GDTR (at a
 * virtual address that no longer maps) and a stack in the control page.  So:
 * load our own GDT first, then segments and stack, verify the segments, and
 * enter the kernel as Documentation/arch/x86/boot.rst's 64-bit boot protocol
 * asks: __BOOT_CS = 0x10, __BOOT_DS = 0x18, %rsi = boot_params.
 */
        .text
        .code64
        .globl purgatory_start
        .type purgatory_start, @function
purgatory_start:
        cli
        cld
        lgdt    gdt_desc(%rip)
        movl    $0x18, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    %eax, %fs
        movl    %eax, %gs
        leaq    stack_end(%rip), %rsp
        /* reload %cs with a far return */
        pushq   $0x10
        leaq    1f(%rip), %rax
        pushq   %rax
        lretq
1:
        movabsq $purgatory_main, %rax
        call    *%rax

        movq    purgatory_entry_rip(%rip), %rax
        movq    purgatory_entry_rsi(%rip), %rsi
        xorl    %ebx, %ebx          /* boot processor */
        xorl    %ecx, %ecx
        xorl    %edx, %edx
        xorl    %edi, %edi
        xorl    %ebp, %ebp
        xorl    %r8d, %r8d
        xorl    %r9d, %r9d
        xorl    %r10d, %r10d
        xorl    %r11d, %r11d
        xorl    %r12d, %r12d
        xorl    %r13d, %r13d
        xorl    %r14d, %r14d
        xorl    %r15d, %r15d
        jmpq    *%rax
        .size purgatory_start, . - purgatory_start

        .data
        .balign 16
gdt:
        .quad   0                       /* null */
        .quad   0                       /* unused */
        .quad   0x00af9a000000ffff      /* 0x10: 64-bit code, present, DPL 0 */
        .quad   0x00cf92000000ffff      /* 0x18: data, 4 GiB, writable */
gdt_end:
gdt_desc:
        .word   gdt_end - gdt - 1
        .quad   gdt                     /* absolute: relocated by the loader (R_X86_64_64) */

        .bss
        .balign 16
stack:
        .skip   16384
stack_end:

        .section .note.GNU-stack, "", @progbits
