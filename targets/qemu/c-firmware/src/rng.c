#include "rng.h"

static uint64_t state;
static uint8_t block[8];
static size_t used = sizeof block;

void rng_seed(uint64_t seed)
{
    state = seed;
    used = sizeof block;
}

static uint64_t splitmix64(void)
{
    state += 0x9E3779B97F4A7C15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void rng_fill(uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (used == sizeof block) {
            uint64_t v = splitmix64();
            for (size_t b = 0; b < sizeof block; b++) {
                block[b] = (uint8_t)(v >> (8u * b));
            }
            used = 0;
        }
        out[i] = block[used++];
    }
}
