/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entered from cpu_soft_restart (arch/arm64/kernel/cpu-reset.S) at EL2 or
 * EL1 with the MMU and caches off and DAIF masked (machine_kexec's
 * local_daif_mask), and x0 = kimage->arch.dtb_mem, which kexec_load never
 * sets: nothing in the registers is ours, not even a stack.  So: our own
 * stack (in the image), the digest check in C, then the kernel as
 * Documentation/arch/arm64/booting.rst asks: x0 = the device tree's
 * physical address, x1 = x2 = x3 = 0.  PC-relative addressing only (adrp +
 * :lo12:), so the image runs wherever it is loaded 4 KiB-aligned.
 */
        .section .text.entry, "ax", %progbits
        .globl  purgatory_start
        .type   purgatory_start, %function
purgatory_start:
        adrp    x9, stack_end
        add     x9, x9, :lo12:stack_end
        mov     sp, x9
        bl      purgatory_main          /* returns only if the digest matches */

        adrp    x9, purgatory_kernel_entry
        ldr     x9, [x9, :lo12:purgatory_kernel_entry]
        adrp    x0, purgatory_dtb
        ldr     x0, [x0, :lo12:purgatory_dtb]
        mov     x1, xzr
        mov     x2, xzr
        mov     x3, xzr
        br      x9
        .size   purgatory_start, . - purgatory_start

        /* In .data, not .bss: the image has no .bss (the build checks). */
        .section .data.stack, "aw", %progbits
        .balign 16
stack:
        .skip   4096
stack_end:

        .section .note.GNU-stack, "", %progbits
