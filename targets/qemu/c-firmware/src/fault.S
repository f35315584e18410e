/* HardFault: hand the exception frame to hardfault_report (startup.c). Thumb-1 only, so that it
 * assembles for the Cortex-M0 too. */
    .syntax unified
    .thumb
    .section .text.HardFault_Handler, "ax", %progbits
    .global HardFault_Handler
    .type HardFault_Handler, %function
    .thumb_func
HardFault_Handler:
    movs r0, #4
    mov r1, lr
    tst r0, r1
    beq 1f
    mrs r0, psp
    b 2f
1:
    mrs r0, msp
2:
    ldr r1, =hardfault_report
    bx r1
    .pool
    .size HardFault_Handler, . - HardFault_Handler
