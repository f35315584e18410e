#include "nor.h"

#include <string.h>

/* In .bss: the simulated reboot wipes it with the rest of RAM, so main.c keeps a copy. */
struct nor_stats nor_stats;

static const volatile uint8_t *nor(void)
{
    return (const volatile uint8_t *)__nor_start;
}

const uint8_t *nor_bytes(void)
{
    return (const uint8_t *)__nor_start;
}

static uint32_t word_at(uint32_t offset)
{
    return *(const volatile uint32_t *)(nor() + offset);
}

void nor_erase_all(void)
{
    for (uint32_t p = 0; p < NOR_PAGES; p++) {
        board_nor_erase(p);
    }
    memset(&nor_stats, 0, sizeof nor_stats);
}

/* NOR_OK when [offset, offset + len) is inside the store's part and both ends are multiples of
 * `align`; otherwise the refusal, counted. */
static int check_range(uint32_t offset, size_t len, uint32_t align)
{
    int r = NOR_OK;
    if (offset > NOR_STORE_BYTES || len > NOR_STORE_BYTES - offset) {
        r = NOR_OUT_OF_BOUNDS;
    } else if (offset % align != 0u || len % align != 0u) {
        r = NOR_NOT_ALIGNED;
    }
    if (r != NOR_OK) {
        nor_stats.refused_range++;
    }
    return r;
}

int nor_read(uint32_t offset, uint8_t *out, size_t len)
{
    int r = check_range(offset, len, 1u);
    if (r != NOR_OK) {
        return r;
    }
    nor_stats.reads++;
    for (size_t i = 0; i < len; i++) {
        out[i] = nor()[offset + i];
    }
    return NOR_OK;
}

int nor_write(uint32_t offset, const uint8_t *bytes, size_t len)
{
    int r = check_range(offset, len, NOR_WORD);
    if (r != NOR_OK) {
        return r;
    }
    /* Check every word first, so that a refused write changes nothing. */
    for (size_t i = 0; i < len; i += NOR_WORD) {
        uint32_t value;
        memcpy(&value, bytes + i, sizeof value);
        if ((value & ~word_at(offset + (uint32_t)i)) != 0u) {
            nor_stats.refused_set_bits++;
            return NOR_SETS_BITS;
        }
    }
    for (size_t i = 0; i < len; i += NOR_WORD) {
        uint32_t value;
        memcpy(&value, bytes + i, sizeof value);
        board_nor_program(offset + (uint32_t)i, value);
        if (word_at(offset + (uint32_t)i) != value) {
            return NOR_PROGRAM_FAILED;
        }
    }
    nor_stats.writes++;
    nor_stats.bytes_written += (uint32_t)len;
    return NOR_OK;
}

int nor_erase(uint32_t offset, size_t len)
{
    int r = check_range(offset, len, NOR_PAGE_SIZE);
    if (r != NOR_OK) {
        return r;
    }
    for (uint32_t p = offset / NOR_PAGE_SIZE; p < (offset + len) / NOR_PAGE_SIZE; p++) {
        board_nor_erase(p);
        for (uint32_t i = 0; i < NOR_PAGE_SIZE; i += NOR_WORD) {
            if (word_at(p * NOR_PAGE_SIZE + i) != 0xFFFFFFFFu) {
                return NOR_PROGRAM_FAILED;
            }
        }
        nor_stats.erases++;
    }
    return NOR_OK;
}

/* The counter page holds NOR_PAGE_SIZE * 8 bits; the value is the number of cleared bits,
 * cleared from the first word up, lowest bit first. */
#define COUNTER_BASE (COUNTER_PAGE * NOR_PAGE_SIZE)

uint64_t nor_counter_read(void)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < NOR_PAGE_SIZE; i += NOR_WORD) {
        uint32_t w = word_at(COUNTER_BASE + i);
        if (w == 0xFFFFFFFFu) {
            break;
        }
        n += 32u - (uint32_t)__builtin_popcount(w);
    }
    return n;
}

int nor_counter_increment(void)
{
    for (uint32_t i = 0; i < NOR_PAGE_SIZE; i += NOR_WORD) {
        uint32_t w = word_at(COUNTER_BASE + i);
        if (w != 0u) {
            uint32_t next = w & (w - 1u); /* clears the lowest set bit */
            board_nor_program(COUNTER_BASE + i, next);
            return word_at(COUNTER_BASE + i) == next ? NOR_OK : NOR_PROGRAM_FAILED;
        }
    }
    return NOR_COUNTER_FULL;
}
