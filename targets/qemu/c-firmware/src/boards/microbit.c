/* microbit (nRF51822, Cortex-M0): the NOR flash is the chip's code flash, erased and programmed
 * through the Non-Volatile Memory Controller (nRF51 Series Reference Manual, NVMC: CONFIG,
 * ERASEPAGE, READY), as drm-board's BoardFlash does. QEMU's model erases pages to 0xFF and ANDs
 * programmed words. */
#include "../board.h"

#define NVMC_READY (*(volatile uint32_t *)0x4001E400u)
#define NVMC_CONFIG (*(volatile uint32_t *)0x4001E504u)
#define NVMC_ERASEPAGE (*(volatile uint32_t *)0x4001E508u)
#define CONFIG_REN 0u
#define CONFIG_WEN 1u
#define CONFIG_EEN 2u

static void wait_ready(void)
{
    while ((NVMC_READY & 1u) == 0u) {
    }
}

static void config(uint32_t mode)
{
    NVMC_CONFIG = mode;
    wait_ready();
}

void board_init(void)
{
}

void board_nor_erase(uint32_t page)
{
    config(CONFIG_EEN);
    NVMC_ERASEPAGE = (uint32_t)(__nor_start + page * NOR_PAGE_SIZE);
    wait_ready();
    config(CONFIG_REN);
}

void board_nor_program(uint32_t offset, uint32_t value)
{
    config(CONFIG_WEN);
    *(volatile uint32_t *)(__nor_start + offset) = value;
    wait_ready();
    config(CONFIG_REN);
}
