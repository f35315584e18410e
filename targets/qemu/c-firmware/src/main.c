/* The C firmware example: the kit through its C ABI (drm_capi.h) on a QEMU board.
 *
 * Steps, each printed as one PASS/FAIL line with the stack it took (the free stack is painted
 * before the step and scanned after it), the same on every board (the microbit's 16 KiB of RAM
 * holds them all with drm-capi's small-stack feature and a context of the kit's own size):
 *   1. the NOR flash rules of the port, and the test RNG against the host generator's;
 *   2. Drm_Initialize over the port's callbacks, the servers' keys, the store formatted;
 *   3. KeyExchangeLicenses for every algorithm and operation acquired from the license server's
 *      prepared responses (challenge, then response: 3 acquisitions of 2);
 *   4. persistent content licenses acquired in 3 sessions the same way;
 *   5. the store listed: every license and session;
 *   6. Prepare / Perform / Close for each algorithm, compared with the license server's results
 *      (the ECDSA signature is checked by the server on the host: `run`), and the misuse answers;
 *   7. Secure Delete of the first content session: removed (its licenses' bytes gone from the
 *      raw flash), its challenge generated (two-call size query; the Secure Delete server checks
 *      it on the host), the server's prepared response processed;
 *   8. a reboot: Drm_Uninitialize, all RAM wiped as at reset (the flash and its counter page
 *      kept), Drm_Initialize and mount: the licenses and sessions are found again and a key
 *      exchange still matches the server;
 *   9. the NOR rules held for every call the library made.
 * Lines "host-check KIND HEX" carry what `run` hands to the servers on the host. The last lines:
 * the stack's high-water mark and "RESULT PASS|FAIL n passed, m failed". */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "drm_capi.h"
#include "nor.h"
#include "oem.h"
#include "rng.h"
#include "semihost.h"
#include "stack.h"
#include "startup.h"
#include "vectors.h"

/* The context, and one buffer for every challenge, response work area and Secure Delete
 * challenge (used one after the other). */
#if BOARD_SMALL_RAM
/* Short of RAM (the microbit): about the bytes this build of the kit uses (1,896 on thumbv6m;
 * Drm_GetContextSize, checked at boot), not a whole DRM_CONTEXT. */
#define CFW_CONTEXT_BYTES 1920u
#else
#define CFW_CONTEXT_BYTES DRM_CONTEXT_SIZE
#endif
static uint64_t drm_context[CFW_CONTEXT_BYTES / 8u] __attribute__((aligned(DRM_CONTEXT_ALIGN)));
#define CTX ((DRM_CONTEXT *)drm_context)
static uint8_t buf[V_ACQ_BUFFER] __attribute__((aligned(8)));

/* The tally survives the reboot on main's stack: the reboot wipes .data and .bss. */
struct tally {
    unsigned passed, failed;
    uint32_t deepest;
};

static struct tally *tally;
static int ok;
/* The deepest stack of the current step's parts measured so far (see `part`). */
static uint32_t step_peak;

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            out_str("  check failed (line ");                                                     \
            out_dec(__LINE__);                                                                    \
            out_str("): " #cond);                                                                 \
            out_nl();                                                                             \
            ok = 0;                                                                               \
        }                                                                                         \
    } while (0)

/* A call that must succeed; prints its result code otherwise. */
#define CALL(expr) check_rc(#expr, __LINE__, (expr), DRM_SUCCESS)
/* A call that must fail with `code`. */
#define REFUSED(expr, code) check_rc(#expr, __LINE__, (expr), (code))

static int check_rc(const char *what, unsigned line, DRM_RESULT got, DRM_RESULT want)
{
    if (got == want) {
        return 1;
    }
    out_str("  line ");
    out_dec(line);
    out_str(": ");
    out_str(what);
    out_str(" returned ");
    out_hex32((uint32_t)got);
    out_str(", expected ");
    out_hex32((uint32_t)want);
    out_nl();
    ok = 0;
    return 0;
}

static void begin(void)
{
    ok = 1;
    step_peak = 0;
    stack_paint();
}

/* The stack of the part of a step since the last paint (and paints again). */
static uint32_t part(void)
{
    uint32_t peak = stack_peak();
    if (peak > step_peak) {
        step_peak = peak;
    }
    return peak;
}

static void end(const char *name, const char *detail)
{
    part();
    uint32_t peak = step_peak;
    if (peak + 64u >= stack_size()) {
        out_str("  the stack reached its bottom: an overflow");
        out_nl();
        ok = 0;
    }
    if (peak > tally->deepest) {
        tally->deepest = peak;
    }
    out_str(ok ? "PASS " : "FAIL ");
    out_str(name);
    out_str(" [stack ");
    out_dec(peak);
    out_str("]: ");
    out_str(detail);
    out_nl();
    if (ok) {
        tally->passed++;
    } else {
        tally->failed++;
    }
}

static const uint8_t *find(const uint8_t *hay, size_t hay_len, const void *needle, size_t len)
{
    for (size_t i = 0; len <= hay_len && i <= hay_len - len; i++) {
        if (memcmp(hay + i, needle, len) == 0) {
            return hay + i;
        }
    }
    return 0;
}

/* ---- 1. the port ---- */

static int nor_rules(void)
{
    const uint32_t page = (STORE_PAGES - 1u) * NOR_PAGE_SIZE;
    const uint8_t w[4] = {0xF0, 0x0F, 0xFF, 0x00};
    const uint8_t blank[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    uint8_t r[4];
    CHECK(nor_erase(page, NOR_PAGE_SIZE) == NOR_OK);
    CHECK(nor_read(page, r, 4) == NOR_OK && memcmp(r, blank, 4) == 0);
    CHECK(nor_write(page, w, 4) == NOR_OK);
    CHECK(nor_read(page, r, 4) == NOR_OK && memcmp(r, w, 4) == 0);
    CHECK(nor_write(page, blank, 4) == NOR_SETS_BITS); /* 0 -> 1 without an erase */
    CHECK(nor_write(page + 1u, w, 4) == NOR_NOT_ALIGNED);
    CHECK(nor_write(NOR_STORE_BYTES, w, 4) == NOR_OUT_OF_BOUNDS);
    CHECK(nor_erase(page - NOR_PAGE_SIZE + 4u, NOR_PAGE_SIZE) == NOR_NOT_ALIGNED);
    CHECK(nor_read(page, r, 4) == NOR_OK && memcmp(r, w, 4) == 0); /* refusals changed nothing */
    CHECK(nor_erase(page, NOR_PAGE_SIZE) == NOR_OK);
    CHECK(nor_read(page, r, 4) == NOR_OK && memcmp(r, blank, 4) == 0);
    uint64_t before = nor_counter_read();
    CHECK(nor_counter_increment() == NOR_OK && nor_counter_increment() == NOR_OK);
    CHECK(nor_counter_read() == before + 2u);
    return ok;
}

static void step_port(void)
{
    begin();
    nor_erase_all(); /* a blank part */
    nor_rules();
    nor_erase_all();
    /* The RNG gives the host generator's nonce for the first challenge's seed, in any chunks. */
    uint8_t a[16];
    rng_seed(V_ACQ_KX_AES_SEED);
    rng_fill(a, 3);
    rng_fill(a + 3, 13);
    CHECK(memcmp(a, V_ACQ_KX_AES_NONCE, 16) == 0);
    end("port", "NOR flash: erase to 0xFF, writes only clear bits, aligned and in bounds, "
                "refusals change nothing; counter page; the RNG stream is the host generator's");
}

/* ---- 2. initialise and format ---- */

static void init_context(void)
{
    DRM_OEM_CALLBACKS cb;
    DRM_DEVICE_KEYS keys;
    oem_callbacks(&cb, &keys);
    CHECK(Drm_GetContextSize() <= sizeof drm_context);
    CALL(Drm_Initialize(CTX, sizeof drm_context, &cb));
    memset(&keys, 0, sizeof keys); /* copied into the context */
    DRM_SERVER_KEYS servers;
    memcpy(servers.license_server_key, V_LICENSE_SERVER_KEY, 64);
    memcpy(servers.license_server_root, V_ROOT, 64);
    memcpy(servers.secure_delete_server_key, V_SD_SERVER_KEY, 64);
    CALL(Drm_SetServerKeys(CTX, &servers));
}

static void step_format(void)
{
    begin();
    init_context();
    CALL(Drm_Store_Format(CTX));
    DRM_STORE_INFO info;
    CALL(Drm_Store_GetInfo(CTX, &info));
    CHECK(info.pages == STORE_PAGES * NOR_PAGE_SIZE / DRM_FLASH_STORE_PAGE_SIZE);
    CHECK(info.multiwrite == 1);
    out_str("  context: ");
    out_dec(sizeof drm_context);
    out_str(" bytes (the kit uses ");
    out_dec((uint32_t)Drm_GetContextSize());
    out_str("); store ");
    out_dec(info.pages);
    out_str(" pages of ");
    out_dec(DRM_FLASH_STORE_PAGE_SIZE);
    out_str(" bytes (");
    out_dec(info.buckets);
    out_str(" buckets) on ");
    out_dec(STORE_PAGES);
    out_str(" flash pages of ");
    out_dec(NOR_PAGE_SIZE);
    out_nl();
    end("initialise and format", "Drm_Initialize, Drm_SetServerKeys, Drm_Store_Format");
}

/* ---- 3, 4. acquisitions ---- */

struct acquisition {
    const char *name;
    uint64_t seed;
    const uint8_t *kids;
    uint32_t kid_count;
    const uint8_t *response;
    size_t response_len;
    const uint8_t *session;
};

#define ACQ(n)                                                                                    \
    {#n, V_ACQ_##n##_SEED, V_ACQ_##n##_KID_LIST, (uint32_t)V_ACQ_##n##_KIDS, V_ACQ_##n##_RESPONSE, \
     V_ACQ_##n##_RESPONSE_LEN, V_ACQ_##n##_SESSION}

static const struct acquisition KX_ACQ[] = {ACQ(KX_AES), ACQ(KX_HMAC), ACQ(KX_ECDSA)};
static const struct acquisition CONTENT_ACQ[] = {ACQ(SESSION_0), ACQ(SESSION_1), ACQ(SESSION_2)};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Prints `bytes` as "host-check WHAT HEX" lines for `run` to hand to the servers on the host. */
static void host_check(const char *what, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i += 48) {
        out_str("host-check ");
        out_str(what);
        out_str(" ");
        out_hex(bytes + i, len - i < 48 ? len - i : 48);
        out_nl();
    }
}

/* The challenge of acquisition `a` into buf, with the RNG seeded as the host generator's was
 * (so its nonce is the one the prepared response answers); its length, 0 on failure. The first
 * acquisition's challenge goes to the license server on the host. */
static size_t challenge(const struct acquisition *a, uint32_t *stack)
{
    rng_seed(a->seed);
    part();
    size_t len = sizeof buf;
    if (!CALL(Drm_LicenseAcq_GenerateChallenge(CTX, (const DRM_KID *)a->kids, a->kid_count, buf,
                                               &len))) {
        return 0;
    }
    *stack = part();
    CHECK(find(buf, len, "AcquireLicense", 14) != 0);
    if (a->seed == V_ACQ_KX_AES_SEED) {
        host_check("acq-challenge", buf, len);
    }
    return len;
}

static void acquire(const struct acquisition *a, uint32_t key_exchange)
{
    uint32_t challenge_stack = 0;
    size_t len = challenge(a, &challenge_stack);
    if (len == 0) {
        return;
    }
    /* The server's response; the buffer is the work area. */
    size_t work = sizeof buf;
    DRM_LICENSE_RESPONSE r;
    if (!CALL(Drm_LicenseAcq_ProcessResponse(CTX, a->response, a->response_len, buf, &work,
                                             &r))) {
        return;
    }
    uint32_t response_stack = part();
    CHECK(r.license_count == a->kid_count);
    CHECK(r.stored_count == a->kid_count);
    CHECK(r.has_session_id == 1 && memcmp(r.session_id.rgb, a->session, 16) == 0);
    for (uint32_t i = 0; i < r.license_count && i < a->kid_count; i++) {
        CHECK(r.licenses[i].result == DRM_SUCCESS);
        CHECK(r.licenses[i].key_exchange == key_exchange);
        CHECK(memcmp(r.licenses[i].kid.rgb, a->kids + 16u * i, 16) == 0);
    }
    out_str("  ");
    out_str(a->name);
    out_str(": challenge ");
    out_dec((uint32_t)len);
    out_str(" bytes, response ");
    out_dec((uint32_t)a->response_len);
    out_str(" bytes: ");
    out_dec(r.stored_count);
    out_str(" licenses stored, session ");
    out_hex(r.session_id.rgb, 4);
    out_str("...; stack: challenge ");
    out_dec(challenge_stack);
    out_str(", response ");
    out_dec(response_stack);
    out_nl();
}

static void step_acquire_kx(void)
{
    begin();
    for (size_t i = 0; i < COUNT(KX_ACQ); i++) {
        acquire(&KX_ACQ[i], 1);
    }
    end("acquire KeyExchangeLicenses",
        "AES-128-CBC encrypt/decrypt, HMAC-SHA256 sign/verify, ECDSA-P256 sign/verify: "
        "challenge, then the license server's prepared response, 6 stored");
}

static void step_acquire_content(void)
{
    begin();
    for (size_t i = 0; i < COUNT(CONTENT_ACQ); i++) {
        acquire(&CONTENT_ACQ[i], 0);
    }
    end("acquire persistent licenses", "3 sessions of 2 content licenses, stored with their "
                                       "session records");
}

/* ---- 5. listing ---- */

#define MAX_LIST 16u

/* How many of the `count` KIDs at `kids` the store lists. */
static uint32_t listed(const uint8_t *kids, uint32_t count)
{
    DRM_LICENSE_ENTRY entries[MAX_LIST];
    uint32_t n = MAX_LIST;
    if (!CALL(Drm_Store_EnumerateLicenses(CTX, entries, &n))) {
        return 0;
    }
    uint32_t found = 0;
    for (uint32_t k = 0; k < count; k++) {
        for (uint32_t e = 0; e < n && e < MAX_LIST; e++) {
            if (memcmp(entries[e].kid.rgb, kids + 16u * k, 16) == 0) {
                found++;
                break;
            }
        }
    }
    return found;
}

static uint32_t license_count(void)
{
    uint32_t n = 0;
    /* The size query: no buffer, the count comes back with DRM_E_BUFFERTOOSMALL (or success
     * for an empty store). */
    DRM_RESULT r = Drm_Store_EnumerateLicenses(CTX, 0, &n);
    CHECK(r == DRM_E_BUFFERTOOSMALL || (r == DRM_SUCCESS && n == 0));
    return n;
}

static uint32_t session_count(uint32_t pending_only)
{
    DRM_ID ids[8];
    uint32_t n = 8;
    if (!CALL(Drm_SecureDelete_EnumerateSessions(CTX, pending_only, ids, &n))) {
        return 0xFFFFFFFFu;
    }
    return n;
}

static uint32_t all_listed(void)
{
    uint32_t found = 0;
    for (size_t i = 0; i < COUNT(KX_ACQ); i++) {
        found += listed(KX_ACQ[i].kids, KX_ACQ[i].kid_count);
    }
    for (size_t i = 0; i < COUNT(CONTENT_ACQ); i++) {
        found += listed(CONTENT_ACQ[i].kids, CONTENT_ACQ[i].kid_count);
    }
    return found;
}

static void step_list(void)
{
    begin();
    CHECK(license_count() == 12);
    CHECK(all_listed() == 12);
    CHECK(session_count(0) == 6);
    CHECK(session_count(1) == 0);
    end("list", "12 licenses (each KID found), 6 sessions, none pending");
}

/* ---- 6. Key Exchange ---- */

static void prepare(const uint8_t *kid, uint32_t alg, uint32_t op)
{
    CALL(Drm_KeyExchange_Prepare(CTX, (const DRM_KID *)kid, alg, op));
}

static void close_kx(void)
{
    CALL(Drm_KeyExchange_Close(CTX));
    /* Perform after Close is refused. */
    uint8_t out[64];
    size_t out_len = sizeof out;
    REFUSED(Drm_KeyExchange_Perform(CTX, 0, 0, V_PLAIN, V_PLAIN_LEN, out, &out_len),
            DRM_E_CAPI_KX_NOT_OPEN);
}

static void kx_aes(void)
{
    uint8_t data[V_PLAIN_LEN];
    size_t len = sizeof data;
    prepare(V_KID_AES_ENC, DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT);
    CALL(Drm_KeyExchange_Perform(CTX, V_IV, 16, V_PLAIN, V_PLAIN_LEN, data, &len));
    CHECK(len == V_PLAIN_LEN && memcmp(data, V_SERVER_AES_ENC_OF_PLAIN, V_PLAIN_LEN) == 0);
    /* An output too small: the needed size comes back. */
    size_t small = 16;
    REFUSED(Drm_KeyExchange_Perform(CTX, V_IV, 16, V_PLAIN, V_PLAIN_LEN, data, &small),
            DRM_E_BUFFERTOOSMALL);
    CHECK(small == V_PLAIN_LEN);
    close_kx();

    prepare(V_KID_AES_DEC, DRM_KX_ALG_AES128_CBC, DRM_KX_OP_DECRYPT);
    len = sizeof data;
    CALL(Drm_KeyExchange_Perform(CTX, V_IV, 16, V_SERVER_AES_DEC_CIPHERTEXT, V_PLAIN_LEN, data,
                                 &len));
    CHECK(len == V_PLAIN_LEN && memcmp(data, V_PLAIN, V_PLAIN_LEN) == 0);
    close_kx();
    /* The one-operation policy: decrypt with the encrypt-only license is refused. */
    REFUSED(Drm_KeyExchange_Prepare(CTX, (const DRM_KID *)V_KID_AES_ENC, DRM_KX_ALG_AES128_CBC,
                                    DRM_KX_OP_DECRYPT),
            DRM_E_KX_OPERATION_NOT_ALLOWED);
}

static void hmac_sign_matches(void)
{
    uint8_t tag[32];
    size_t len = sizeof tag;
    prepare(V_KID_HMAC_SIGN, DRM_KX_ALG_HMAC_SHA256, DRM_KX_OP_SIGN);
    CALL(Drm_KeyExchange_Perform(CTX, 0, 0, V_PLAIN, V_PLAIN_LEN, tag, &len));
    CHECK(len == 32 && memcmp(tag, V_SERVER_HMAC_SIGN_TAG, 32) == 0);
    close_kx();
}

static void kx_hmac(void)
{
    hmac_sign_matches();
    prepare(V_KID_HMAC_VERIFY, DRM_KX_ALG_HMAC_SHA256, DRM_KX_OP_VERIFY);
    size_t none = 0;
    CALL(Drm_KeyExchange_Perform(CTX, V_SERVER_HMAC_VERIFY_TAG, 32, V_PLAIN, V_PLAIN_LEN, 0,
                                 &none));
    uint8_t bad[32];
    memcpy(bad, V_SERVER_HMAC_VERIFY_TAG, 32);
    bad[0] ^= 1u;
    REFUSED(Drm_KeyExchange_Perform(CTX, bad, 32, V_PLAIN, V_PLAIN_LEN, 0, &none),
            DRM_E_INVALID_SIGNATURE);
    close_kx();
    /* An unknown KID. */
    static const uint8_t unknown[16] = {0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE,
                                        0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE};
    REFUSED(Drm_KeyExchange_Prepare(CTX, (const DRM_KID *)unknown, DRM_KX_ALG_HMAC_SHA256,
                                    DRM_KX_OP_SIGN),
            DRM_E_LICENSE_NOT_FOUND);
}

static void kx_ecdsa(void)
{
    uint8_t sig[64], again[64];
    size_t len = sizeof sig;
    prepare(V_KID_ECDSA_SIGN, DRM_KX_ALG_ECDSA_P256, DRM_KX_OP_SIGN);
    CALL(Drm_KeyExchange_Perform(CTX, 0, 0, V_PLAIN, V_PLAIN_LEN, sig, &len));
    CHECK(len == 64);
    len = sizeof again;
    CALL(Drm_KeyExchange_Perform(CTX, 0, 0, V_PLAIN, V_PLAIN_LEN, again, &len));
    CHECK(memcmp(sig, again, 64) == 0); /* RFC 6979: deterministic */
    close_kx();
    /* The server holds only the public side of this key: it checks the signature on the host. */
    host_check("ecdsa-sign", sig, 64);

    prepare(V_KID_ECDSA_VERIFY, DRM_KX_ALG_ECDSA_P256, DRM_KX_OP_VERIFY);
    size_t none = 0;
    CALL(Drm_KeyExchange_Perform(CTX, V_SERVER_ECDSA_VERIFY_SIGNATURE, 64, V_PLAIN, V_PLAIN_LEN,
                                 0, &none));
    REFUSED(Drm_KeyExchange_Perform(CTX, V_SERVER_ECDSA_VERIFY_SIGNATURE, 64, V_IV, 16, 0, &none),
            DRM_E_INVALID_SIGNATURE);
    close_kx();
}

static void step_kx_aes(void)
{
    begin();
    kx_aes();
    end("key exchange AES-128-CBC",
        "encrypt and decrypt match the server; too small an output gets the size; Perform after "
        "Close and the wrong operation refused");
}

static void step_kx_hmac(void)
{
    begin();
    kx_hmac();
    end("key exchange HMAC-SHA256",
        "the tag is the server's; the server's tag verifies, a wrong one is refused; an unknown "
        "KID is refused");
}

static void step_kx_ecdsa(void)
{
    begin();
    kx_ecdsa();
    end("key exchange ECDSA-P256",
        "sign (deterministic; checked by the license server on the host), the server's "
        "signature verifies, another message is refused");
}

/* ---- 7. Secure Delete ---- */

/* How many of session 0's license tails the raw store flash holds. */
static uint32_t tails_on_flash(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < V_ACQ_SESSION_0_TAILS_LEN; i += 16) {
        const uint8_t *p = nor_bytes(), *end = nor_bytes() + NOR_STORE_BYTES;
        const uint8_t *hit;
        while ((hit = find(p, (size_t)(end - p), V_ACQ_SESSION_0_TAILS + i, 16)) != 0) {
            n++;
            p = hit + 1;
        }
    }
    return n;
}

static void step_secure_delete(void)
{
    begin();
    const DRM_ID *session = (const DRM_ID *)V_ACQ_SESSION_0_SESSION;
    uint32_t before = tails_on_flash();
    CHECK(before >= 2);
    CALL(Drm_SecureDelete_RemoveSession(CTX, session));
    CHECK(listed(V_ACQ_SESSION_0_KID_LIST, 2) == 0);
    CHECK(tails_on_flash() == 0);
    CHECK(license_count() == 10);
    CHECK(session_count(1) == 1);
    REFUSED(Drm_SecureDelete_RemoveSession(CTX, session), DRM_E_SD_SESSION_PENDING);

    /* The challenge: the size first, then into the buffer. */
    size_t needed = 0;
    REFUSED(Drm_SecureDelete_GenerateChallenge(CTX, session, &needed, 0), DRM_E_BUFFERTOOSMALL);
    out_str("  challenge: ");
    out_dec((uint32_t)needed);
    out_str(" bytes (buffer ");
    out_dec(sizeof buf);
    out_str(")");
    out_nl();
    size_t len = sizeof buf;
    if (needed <= sizeof buf &&
        CALL(Drm_SecureDelete_GenerateChallenge(CTX, session, &len, buf))) {
        CHECK(len == needed);
        CHECK(find(buf, len, "SessionID", 9) != 0);
        host_check("sd-challenge", buf, len);
    } else {
        CHECK(needed <= sizeof buf);
    }

    /* The server's response (prepared: it names the session and is not signed). */
    DRM_ID done;
    CALL(Drm_SecureDelete_ProcessResponse(CTX, V_SD_RESPONSE_LEN, V_SD_RESPONSE, &done));
    CHECK(memcmp(done.rgb, session->rgb, 16) == 0);
    CHECK(session_count(1) == 0);
    CHECK(session_count(0) == 5);
    REFUSED(Drm_SecureDelete_ProcessResponse(CTX, V_SD_RESPONSE_LEN, V_SD_RESPONSE, &done),
            DRM_E_INVALID_SECURE_DELETE_RESPONSE);
    out_str("  license signatures on the raw flash: ");
    out_dec(before);
    out_str(" before, 0 after");
    out_nl();
    end("secure delete",
        "session 0 removed (its licenses gone from the store and the raw flash), its challenge "
        "generated (checked by the Secure Delete server on the host), the server's response "
        "processed: no session pending");
}

/* ---- 8. reboot ---- */

/* The simulated reboot: the context closed, everything in RAM gone as at a reset (.data and .bss:
 * the context and buffer, the port's state, the RNG); only the flash and its counter page stay
 * (and what the report needs: the flash statistics, the tally, the step's state). Then the boot
 * path again: Drm_Initialize and Drm_Store_Mount. */
static void reboot(void)
{
    CALL(Drm_Uninitialize(CTX));
    REFUSED(Drm_IsInitialized(CTX), DRM_E_CAPI_NOT_INITIALIZED);
    struct nor_stats stats = nor_stats;
    struct tally *t = tally;
    int was_ok = ok;
    uint32_t peak = step_peak;
    startup_init_ram();
    nor_stats = stats;
    tally = t;
    ok = was_ok;
    step_peak = peak;
    init_context();
    CALL(Drm_Store_Mount(CTX));
}

static void step_reboot(void)
{
    begin();
    uint64_t counter = nor_counter_read();
    reboot();
    CHECK(nor_counter_read() >= counter);
    CHECK(license_count() == 10);
    uint32_t found = 0;
    for (size_t i = 0; i < COUNT(KX_ACQ); i++) {
        found += listed(KX_ACQ[i].kids, KX_ACQ[i].kid_count);
    }
    for (size_t i = 1; i < COUNT(CONTENT_ACQ); i++) {
        found += listed(CONTENT_ACQ[i].kids, CONTENT_ACQ[i].kid_count);
    }
    CHECK(found == 10);
    CHECK(listed(V_ACQ_SESSION_0_KID_LIST, 2) == 0);
    CHECK(session_count(0) == 5 && session_count(1) == 0);
    hmac_sign_matches();
    DRM_STORE_INFO info;
    CALL(Drm_Store_GetInfo(CTX, &info));
    out_str("  after the reboot: 10 licenses found, 5 sessions; counter ");
    out_dec((uint32_t)nor_counter_read());
    out_str(", ");
    out_dec((uint32_t)info.commit_seq);
    out_str(" commits");
    out_nl();
    end("reboot", "Drm_Uninitialize, RAM wiped, Drm_Initialize and Drm_Store_Mount: the 6 "
                  "KeyExchangeLicenses and 4 content licenses found again, HMAC sign still the "
                  "server's; session 0 stays deleted");
}

/* ---- 9. the flash's rules over the whole run ---- */

static void step_nor_held(void)
{
    begin();
    CHECK(nor_stats.refused_set_bits == 0);
    CHECK(nor_stats.refused_range == 0);
    CHECK(oem.flash_failures == 0);
    out_str("  flash: ");
    out_dec(nor_stats.writes);
    out_str(" writes (");
    out_dec(nor_stats.bytes_written);
    out_str(" bytes), ");
    out_dec(nor_stats.erases);
    out_str(" page erases; writes that would set a bit: ");
    out_dec(nor_stats.refused_set_bits);
    out_nl();
    out_str("  callbacks since the last boot: flash ");
    out_dec(oem.flash_reads);
    out_str(" reads, ");
    out_dec(oem.flash_writes);
    out_str(" writes, ");
    out_dec(oem.flash_erases);
    out_str(" erases; rng ");
    out_dec(oem.rng_bytes);
    out_str(" bytes; clock ");
    out_dec(oem.clock_calls);
    out_str("; counter ");
    out_dec(oem.counter_reads);
    out_str(" reads, ");
    out_dec(oem.counter_increments);
    out_str(" increments");
    out_nl();
    CALL(Drm_Uninitialize(CTX));
    end("flash rules held", "no call of the library asked the flash to set a bit, to write "
                            "unaligned or out of bounds");
}

int main(void)
{
    struct tally t = {0, 0, 0};
    tally = &t;
    out_str("c-firmware on " BOARD_NAME ": stack ");
    out_dec(stack_size());
    out_str(" bytes, context ");
    out_dec(sizeof drm_context);
    out_str(", buffer ");
    out_dec(sizeof buf);
    out_nl();
    step_port();
    step_format();
    step_acquire_kx();
    step_acquire_content();
    step_list();
    step_kx_aes();
    step_kx_hmac();
    step_kx_ecdsa();
    step_secure_delete();
    step_reboot();
    step_nor_held();
    out_str("stack peak ");
    out_dec(t.deepest);
    out_str(" of ");
    out_dec(stack_size());
    out_nl();
    out_str(t.failed == 0 ? "RESULT PASS " : "RESULT FAIL ");
    out_dec(t.passed);
    out_str(" passed, ");
    out_dec(t.failed);
    out_str(" failed");
    out_nl();
    return t.failed == 0 ? EXIT_SUCCESS_CODE : EXIT_STEPS_FAILED;
}
