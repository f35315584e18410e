/* The board layer of the C firmware: what differs between the QEMU boards (the NOR flash's
 * geometry and driver, the core's set-up). One of BOARD_MPS2_AN386, BOARD_MICROBIT, BOARD_M0_ON_AN385 is
 * defined by the build script (./boards). */
#ifndef CFW_BOARD_H
#define CFW_BOARD_H

#include <stdint.h>

#if defined(BOARD_MPS2_AN386)
#define BOARD_NAME "mps2-an386"
/* A RAM region stands in for the NOR flash (QEMU's MPS2 boards have none): 4 KiB pages. */
#define NOR_PAGE_SIZE 4096u
#elif defined(BOARD_M0_ON_AN385)
#define BOARD_NAME "m0-on-an385"
/* The microbit's Cortex-M0 code on the mps2-an385 (see ../boards): a RAM NOR of 1 KiB pages. */
#define NOR_PAGE_SIZE 1024u
#elif defined(BOARD_MICROBIT)
#define BOARD_NAME "microbit"
/* The nRF51822's own code flash, through its NVMC: 1 KiB pages. */
#define NOR_PAGE_SIZE 1024u
/* 16 KiB of RAM in all: no room for the acquisition buffer and the stack the license response
 * needs (main.c says which steps are not done and why, with the figures measured here). */
#define BOARD_SMALL_RAM 1
#else
#error "define BOARD_MPS2_AN386, BOARD_MICROBIT or BOARD_M0_ON_AN385"
#endif

#ifndef BOARD_SMALL_RAM
#define BOARD_SMALL_RAM 0
#endif

/* Pages of the NOR region (ld/BOARD.ld, .nor): the store's, then one for the monotonic counter. */
#define NOR_PAGES 33u
#define STORE_PAGES (NOR_PAGES - 1u)
#define COUNTER_PAGE (NOR_PAGES - 1u)
/* The write granularity: 32-bit words on both boards. */
#define NOR_WORD 4u

/* The NOR region's first byte (linker symbol). */
extern uint8_t __nor_start[];

/* Core set-up before main (the FPU on the M4F). */
void board_init(void);

/* Erases page `page` of the NOR region to 0xFF. */
void board_nor_erase(uint32_t page);

/* Programs the aligned word at byte offset `offset` of the NOR region: the cell becomes
 * old & value (NOR programming only clears bits). */
void board_nor_program(uint32_t offset, uint32_t value);

#endif
