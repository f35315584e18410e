/* The NOR flash as the OEM callbacks see it: byte offsets into the store's pages, NOR rules
 * checked on every call (erase sets a page to 0xFF; a write only clears bits, so a write that
 * would set a bit is refused and counted; writes are whole aligned words; everything in bounds),
 * and the monotonic counter kept in its own page of the same flash (unary: one bit cleared per
 * increment), so that it survives a reboot as the store does. */
#ifndef CFW_NOR_H
#define CFW_NOR_H

#include <stddef.h>
#include <stdint.h>

#include "board.h"

#define NOR_OK 0
#define NOR_OUT_OF_BOUNDS (-1)
#define NOR_NOT_ALIGNED (-2)
#define NOR_SETS_BITS (-3)
#define NOR_COUNTER_FULL (-4)
#define NOR_PROGRAM_FAILED (-5)

/* The store's part of the flash, in bytes. */
#define NOR_STORE_BYTES (STORE_PAGES * NOR_PAGE_SIZE)

struct nor_stats {
    uint32_t reads, writes, erases;
    uint32_t bytes_written;
    /* Writes refused because they would have set a bit (0 -> 1) without an erase. */
    uint32_t refused_set_bits;
    /* Calls refused for bounds or alignment. */
    uint32_t refused_range;
};

/* Counts since the part was erased (kept outside the RAM a reboot wipes: see main.c). */
extern struct nor_stats nor_stats;

/* A blank part: every page erased (store and counter), statistics cleared. */
void nor_erase_all(void);

int nor_read(uint32_t offset, uint8_t *out, size_t len);
int nor_write(uint32_t offset, const uint8_t *bytes, size_t len);
int nor_erase(uint32_t offset, size_t len);

/* The raw bytes of the store's part (for the scan for deleted key material). */
const uint8_t *nor_bytes(void);

/* The monotonic counter: its value, and an increment by one. */
uint64_t nor_counter_read(void);
int nor_counter_increment(void);

#endif
