#include "oem.h"

#include <string.h>

#include "nor.h"
#include "rng.h"
#include "semihost.h"
#include "vectors.h"

#define OEM_MAGIC 0x4F454D31u /* "OEM1" */

struct oem_state oem;

/* Every callback checks its cookie: a wrong `user` is an error, not a crash. */
static struct oem_state *state(void *user)
{
    struct oem_state *s = user;
    return (s == &oem && s->magic == OEM_MAGIC) ? s : 0;
}

static DRM_RESULT flash_result(struct oem_state *s, int r)
{
    if (r == NOR_OK) {
        return DRM_SUCCESS;
    }
    s->flash_failures++;
    return DRM_E_HDS_FLASH;
}

static DRM_RESULT flash_read(void *user, uint32_t offset, uint8_t *buf, uintptr_t len)
{
    struct oem_state *s = state(user);
    if (s == 0) {
        return DRM_E_PLATFORM;
    }
    s->flash_reads++;
    return flash_result(s, nor_read(offset, buf, len));
}

static DRM_RESULT flash_write(void *user, uint32_t offset, const uint8_t *buf, uintptr_t len)
{
    struct oem_state *s = state(user);
    if (s == 0) {
        return DRM_E_PLATFORM;
    }
    s->flash_writes++;
    return flash_result(s, nor_write(offset, buf, len));
}

static DRM_RESULT flash_erase(void *user, uint32_t offset)
{
    struct oem_state *s = state(user);
    if (s == 0) {
        return DRM_E_PLATFORM;
    }
    s->flash_erases++;
    return flash_result(s, nor_erase(offset, NOR_PAGE_SIZE));
}

static DRM_RESULT rng(void *user, uint8_t *buf, uintptr_t len)
{
    struct oem_state *s = state(user);
    if (s == 0) {
        return DRM_E_RNG;
    }
    s->rng_bytes += (uint32_t)len;
    rng_fill(buf, len);
    return DRM_SUCCESS;
}

/* A fixed test clock: the time the licenses and challenges were prepared for. */
static DRM_RESULT clock_now(void *user, uint64_t *seconds)
{
    struct oem_state *s = state(user);
    if (s == 0) {
        return DRM_E_PLATFORM;
    }
    s->clock_calls++;
    *seconds = V_TIME;
    return DRM_SUCCESS;
}

static DRM_RESULT counter_read(void *user, uint64_t *value)
{
    struct oem_state *s = state(user);
    if (s == 0) {
        return DRM_E_HDS_COUNTER;
    }
    s->counter_reads++;
    *value = nor_counter_read();
    return DRM_SUCCESS;
}

static DRM_RESULT counter_increment(void *user, uint64_t *value)
{
    struct oem_state *s = state(user);
    if (s == 0 || nor_counter_increment() != NOR_OK) {
        return DRM_E_HDS_COUNTER;
    }
    s->counter_increments++;
    *value = nor_counter_read();
    return DRM_SUCCESS;
}

void oem_callbacks(DRM_OEM_CALLBACKS *cb, DRM_DEVICE_KEYS *keys)
{
    oem.magic = OEM_MAGIC;
    memcpy(keys->signing_private_key, V_DEVICE_SIGNING_KEY, sizeof keys->signing_private_key);
    memcpy(keys->encryption_private_key, V_DEVICE_ENCRYPTION_KEY,
           sizeof keys->encryption_private_key);
    memcpy(keys->device_secret, V_DEVICE_SECRET, sizeof keys->device_secret);
    memset(cb, 0, sizeof *cb);
    cb->user = &oem;
    cb->flash_page_size = NOR_PAGE_SIZE;
    cb->flash_page_count = STORE_PAGES;
    cb->flash_write_size = NOR_WORD;
    cb->flash_multiwrite = 1; /* NOR: a written word may be written again to clear more bits */
    cb->flash_read = flash_read;
    cb->flash_write = flash_write;
    cb->flash_erase = flash_erase;
    cb->rng_fill = rng;
    cb->clock_now = clock_now;
    cb->counter_read = counter_read;
    cb->counter_increment = counter_increment;
    cb->identity.certificate_chain = V_DEVICE_CHAIN;
    cb->identity.certificate_chain_len = V_DEVICE_CHAIN_LEN;
    cb->identity.security_level = (uint32_t)V_DEVICE_SECURITY_LEVEL;
    cb->identity.keys = keys;
}

/* The library's panic handler calls this (no library path is meant to reach it). */
void drm_oem_panic(void)
{
    out_nl();
    out_str("panic: drm_oem_panic called by the library");
    out_nl();
    semihost_exit(EXIT_PANIC);
}
