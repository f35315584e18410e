/* The MPS2 boards (mps2-an386, and the m0-on-an385 measurement): the FPU where the code uses
 * it, and the NOR flash as a RAM region with NOR semantics (QEMU's MPS2 boards have none). */
#include "../board.h"

#define CPACR (*(volatile uint32_t *)0xE000ED88u)

void board_init(void)
{
#if defined(__ARM_FP)
    /* Full access to CP10 and CP11: the Rust library is built for thumbv7em-none-eabihf and this
     * C for -mfloat-abi=hard, so both may use the FPU. */
    CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
}

void board_nor_erase(uint32_t page)
{
    volatile uint32_t *p = (volatile uint32_t *)(__nor_start + page * NOR_PAGE_SIZE);
    for (uint32_t i = 0; i < NOR_PAGE_SIZE / 4u; i++) {
        p[i] = 0xFFFFFFFFu;
    }
}

void board_nor_program(uint32_t offset, uint32_t value)
{
    volatile uint32_t *p = (volatile uint32_t *)(__nor_start + offset);
    *p &= value;
}
