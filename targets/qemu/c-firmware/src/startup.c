/* Startup: the vector table, the reset handler (copies .data, zeroes .bss, sets up the core, runs
 * main and exits with its code), and the fault handlers, which report over semihosting and exit
 * with drm-board's codes (102 HardFault, 103 any other exception). */
#include <stdint.h>

#include "board.h"
#include "semihost.h"
#include "startup.h"

#define EXIT_EXCEPTION 103

extern uint32_t __stack_top[];
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];

int main(void);
void Reset_Handler(void);
void HardFault_Handler(void); /* fault.S: passes the stacked frame to hardfault_report */
void Default_Handler(void);

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) static const vector_t vectors[16] = {
    (vector_t)__stack_top, /* initial stack pointer */
    Reset_Handler,
    Default_Handler, /* NMI */
    HardFault_Handler,
    Default_Handler, /* MemManage (M4F) */
    Default_Handler, /* BusFault (M4F) */
    Default_Handler, /* UsageFault (M4F) */
    0,
    0,
    0,
    0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor (M4F) */
    0,
    Default_Handler, /* PendSV */
    Default_Handler, /* SysTick */
};

void startup_init_ram(void)
{
    const uint32_t *src = __data_load;
    for (uint32_t *dst = __data_start; dst < __data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end;) {
        *dst++ = 0;
    }
}

void Reset_Handler(void)
{
    startup_init_ram();
    board_init();
    semihost_exit(main());
}

/* Called by fault.S with the frame the core stacked: r0-r3, r12, lr, pc, xpsr. */
__attribute__((noreturn, used)) void hardfault_report(const uint32_t *frame)
{
    out_str("HardFault: pc=");
    out_hex32(frame[6]);
    out_str(" lr=");
    out_hex32(frame[5]);
    out_nl();
    semihost_exit(EXIT_HARDFAULT);
}

void Default_Handler(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    out_str("unexpected exception ");
    out_dec(ipsr & 0x1FFu);
    out_nl();
    semihost_exit(EXIT_EXCEPTION);
}
