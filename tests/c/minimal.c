#include <string.h>
#include "drm_capi.h"

/* Your drivers and transport (see "What you write" above). */
DRM_RESULT my_flash_read(void *user, uint32_t offset, uint8_t *buf, size_t len);
DRM_RESULT my_flash_write(void *user, uint32_t offset, const uint8_t *buf, size_t len);
DRM_RESULT my_flash_erase(void *user, uint32_t offset);
DRM_RESULT my_trng_fill(void *user, uint8_t *buf, size_t len);
DRM_RESULT my_rtc_now(void *user, uint64_t *seconds);
void send_secure_delete_challenge(const DRM_ID *session);

static DRM_CONTEXT g_drm; /* static: a context must not move while initialised */

/* At every boot. */
int drm_boot(const uint8_t *chain, size_t chain_len, const DRM_DEVICE_KEYS *keys,
             const DRM_SERVER_KEYS *servers) {
    DRM_OEM_CALLBACKS cb;
    DRM_ID pending[4];
    uint32_t n = 4, i, opened;
    memset(&cb, 0, sizeof cb);
    cb.flash_page_size = 4096; /* the partition: 32 pages of 4 KiB */
    cb.flash_page_count = 32;
    cb.flash_write_size = 4;
    cb.flash_read = my_flash_read;
    cb.flash_write = my_flash_write;
    cb.flash_erase = my_flash_erase;
    cb.rng_fill = my_trng_fill;
    cb.clock_now = my_rtc_now;
    cb.identity.certificate_chain = chain; /* must stay valid until Drm_Uninitialize */
    cb.identity.certificate_chain_len = chain_len;
    cb.identity.security_level = 2000;
    cb.identity.keys = keys; /* or NULL and the three identity callbacks */
    if (DRM_FAILED(Drm_Initialize(&g_drm, sizeof g_drm, &cb))) return -1;
    if (DRM_FAILED(Drm_SetServerKeys(&g_drm, servers))) return -2;
    /* Mounts, or formats a blank flash; never formats over a damaged store. */
    if (DRM_FAILED(Drm_Store_Open(&g_drm, &opened))) return -3;
    /* Secure Delete sessions still pending: send their challenges again. */
    if (Drm_SecureDelete_EnumerateSessions(&g_drm, 1, pending, &n) == DRM_SUCCESS)
        for (i = 0; i < n; i++) send_secure_delete_challenge(&pending[i]);
    return 0;
}

/* Key Exchange: decrypt in place with the KeyExchangeLicense of `kid`. */
DRM_RESULT kx_decrypt(const DRM_KID *kid, const uint8_t iv[16], uint8_t *data, size_t len) {
    size_t out = len;
    DRM_RESULT rc = Drm_KeyExchange_Prepare(&g_drm, kid, DRM_KX_ALG_AES128_CBC, DRM_KX_OP_DECRYPT);
    if (DRM_FAILED(rc)) return rc;
    rc = Drm_KeyExchange_Perform(&g_drm, iv, 16, data, len, data, &out);
    (void)Drm_KeyExchange_Close(&g_drm); /* the key is zeroized */
    return rc;
}

/* The two-call size query: ask for the length, then write into a buffer of that size. */
DRM_RESULT sd_challenge(const DRM_ID *session, uint8_t *buf, size_t cap, size_t *len) {
    DRM_RESULT rc;
    *len = 0;
    rc = Drm_SecureDelete_GenerateChallenge(&g_drm, session, len, NULL);
    if (rc != DRM_E_BUFFERTOOSMALL) return rc; /* not pending, not found, ... */
    if (*len > cap) return DRM_E_BUFFERTOOSMALL;
    return Drm_SecureDelete_GenerateChallenge(&g_drm, session, len, buf);
}

/* Bare metal: the kit's panic hook (no input should ever reach it). */
void drm_oem_panic(void) {
    for (;;) {
    }
}
