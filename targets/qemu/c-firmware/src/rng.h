/* The OEM random number generator of this example: **deterministic and insecure**, SplitMix64
 * from a seed, as a stream of bytes (each 64-bit output little-endian), so that the same seed
 * gives the same bytes however the library asks for them. QEMU's boards have no entropy source;
 * a product reads its TRNG here. The host generator (tests/drm-tests example c_firmware_vectors)
 * computes the same stream to prepare the license server's responses for the challenges' nonces. */
#ifndef CFW_RNG_H
#define CFW_RNG_H

#include <stddef.h>
#include <stdint.h>

void rng_seed(uint64_t seed);
void rng_fill(uint8_t *out, size_t len);

#endif
