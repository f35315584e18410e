/* The port: the DRM_OEM_CALLBACKS of this board for drm-capi (flash over the NOR region with
 * NOR rules, the deterministic test RNG, a fixed test clock, the monotonic counter in its flash
 * page, the device identity from the prepared data) and the panic hook drm_oem_panic. */
#ifndef CFW_OEM_H
#define CFW_OEM_H

#include <stdint.h>

#include "drm_capi.h"

/* What the callbacks saw (the `user` cookie points here). */
struct oem_state {
    uint32_t magic;
    uint32_t flash_reads, flash_writes, flash_erases, flash_failures;
    uint32_t rng_bytes;
    uint32_t clock_calls;
    uint32_t counter_reads, counter_increments;
};

extern struct oem_state oem;

/* Fills `cb` (the device keys it points to are copied by Drm_Initialize; `keys` may be wiped
 * afterwards). */
void oem_callbacks(DRM_OEM_CALLBACKS *cb, DRM_DEVICE_KEYS *keys);

#endif
