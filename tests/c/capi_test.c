/*
 * The host C test of the kit's C ABI (drm-capi/include/drm_capi.h): every call, and every misuse
 * the header documents, driven from C with C callbacks over a RAM NOR flash.
 *
 *   capi_test FIXTURE WORKDIR
 *
 * FIXTURE is the `c_fixtures` program (drm-capi/examples/c_fixtures.rs): the simulated license
 * and Secure Delete servers of tests/drm-tests, which answer the challenges this program writes
 * (files in WORKDIR) and say what the server side of each Key Exchange operation is. The device
 * identity and server keys come from the header it generates (fixtures.h, on the include path).
 * Prints one line per failed check and a summary; exits 0 only when every check passed.
 * Run by drm-capi/tests/run-c-tests under ASan+UBSan and under valgrind.
 */
#include "drm_capi.h"
#include "fixtures.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* ---- checks ---- */

static int g_checks, g_failed;

#define CHECK(cond, ...) check((cond) ? 1 : 0, __LINE__, __VA_ARGS__)
#define EXPECT_RC(call, want) expect_rc((call), (want), __LINE__, #call)

static void check(int ok, int line, const char *fmt, ...) {
    g_checks++;
    if (!ok) {
        va_list ap;
        g_failed++;
        fprintf(stderr, "FAIL line %d: ", line);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
}

static DRM_RESULT expect_rc(DRM_RESULT got, DRM_RESULT want, int line, const char *what) {
    check(got == want, line, "%s: got 0x%08X, want 0x%08X", what, (unsigned)got, (unsigned)want);
    return got;
}

/* ---- a RAM NOR flash with power cuts ---- */

#define PHYS_PAGE 1024u
#define PHYS_PAGES 64u /* 16 store pages of 4 KiB */
#define FLASH_SIZE (PHYS_PAGE * PHYS_PAGES)

struct flash {
    uint8_t mem[FLASH_SIZE];
    int multiwrite;
    long cut_after;   /* writes + erases before the power cut; -1: never */
    int cut;          /* power is off: every access fails */
    int fail_reads;   /* every read fails */
    long writes, erases, reads;
    DRM_CONTEXT *reenter; /* a read calls back into the kit with this context (once) */
    DRM_RESULT reenter_rc;
};

static int flash_op_allowed(struct flash *f) {
    if (f->cut) return 0;
    if (f->cut_after == 0) {
        f->cut = 1;
        return 0;
    }
    if (f->cut_after > 0) f->cut_after--;
    return 1;
}

static DRM_RESULT cb_read(void *user, uint32_t offset, uint8_t *buf, size_t len) {
    struct flash *f = (struct flash *)user;
    f->reads++;
    if (f->reenter) {
        DRM_STORE_INFO info;
        DRM_CONTEXT *c = f->reenter;
        f->reenter = NULL;
        f->reenter_rc = Drm_Store_GetInfo(c, &info);
    }
    if (f->cut || f->fail_reads || offset > FLASH_SIZE || len > FLASH_SIZE - offset)
        return DRM_E_PLATFORM;
    memcpy(buf, f->mem + offset, len);
    return DRM_SUCCESS;
}

static DRM_RESULT cb_write(void *user, uint32_t offset, const uint8_t *buf, size_t len) {
    struct flash *f = (struct flash *)user;
    size_t i;
    if (offset > FLASH_SIZE || len > FLASH_SIZE - offset || offset % 8 || len % 8)
        return DRM_E_INVALIDARG;
    if (!flash_op_allowed(f)) {
        /* A torn write: the first half of the words reached the flash. */
        for (i = 0; i < (len / 16) * 8; i++) f->mem[offset + i] &= buf[i];
        return DRM_E_PLATFORM;
    }
    for (i = 0; i < len; i++) {
        if (!f->multiwrite && f->mem[offset + i] != 0xFF && buf[i] != 0xFF) return DRM_E_PLATFORM;
        f->mem[offset + i] &= buf[i];
    }
    f->writes++;
    return DRM_SUCCESS;
}

static DRM_RESULT cb_erase(void *user, uint32_t offset) {
    struct flash *f = (struct flash *)user;
    if (offset % PHYS_PAGE || offset >= FLASH_SIZE) return DRM_E_INVALIDARG;
    if (!flash_op_allowed(f)) {
        memset(f->mem + offset, 0x5A, PHYS_PAGE / 2); /* an interrupted erase */
        return DRM_E_PLATFORM;
    }
    memset(f->mem + offset, 0xFF, PHYS_PAGE);
    f->erases++;
    return DRM_SUCCESS;
}

/* Test-only generator (splitmix64): deterministic runs. Never for a device. */
static uint64_t g_rng_state = 0x1234567887654321ull;
static int g_rng_fail;

static DRM_RESULT cb_rng(void *user, uint8_t *buf, size_t len) {
    size_t i;
    (void)user;
    if (g_rng_fail) return DRM_E_RNG;
    for (i = 0; i < len; i++) {
        uint64_t z = (g_rng_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        buf[i] = (uint8_t)(z ^ (z >> 31));
    }
    return DRM_SUCCESS;
}

#define NOW 1700000000u
static uint64_t g_clock = NOW;
static int g_clock_known = 1;

static DRM_RESULT cb_clock(void *user, uint64_t *seconds) {
    (void)user;
    if (!g_clock_known) return DRM_E_PLATFORM;
    *seconds = g_clock;
    return DRM_SUCCESS;
}

/* The monotonic counter (used when built with -DCAPI_TEST_COUNTER against the kit's
 * `monotonic-counter` feature): a RAM value that flash images do not roll back. */
static uint64_t g_counter;

static DRM_RESULT cb_counter(void *user, uint64_t *value) {
    (void)user;
    *value = g_counter;
    return DRM_SUCCESS;
}

static DRM_RESULT cb_counter_increment(void *user, uint64_t *value) {
    (void)user;
    *value = ++g_counter;
    return DRM_SUCCESS;
}

/* OEM identity callbacks: a device-bound key without crypto, a signer that fails. */
static DRM_RESULT cb_derive(void *user, const uint8_t *purpose, size_t len, uint8_t *key) {
    size_t i;
    (void)user;
    for (i = 0; i < 32; i++) key[i] = (uint8_t)(0xA5 ^ i ^ (len ? purpose[i % len] : 0));
    return DRM_SUCCESS;
}

static DRM_RESULT cb_sign_fails(void *user, const uint8_t *digest, uint8_t *signature) {
    (void)user;
    (void)digest;
    memset(signature, 0, 64);
    return DRM_E_PLATFORM;
}

static DRM_DEVICE_KEYS g_keys;

static DRM_OEM_CALLBACKS callbacks(struct flash *f) {
    DRM_OEM_CALLBACKS cb;
    memset(&cb, 0, sizeof cb);
    cb.user = f;
    cb.flash_page_size = PHYS_PAGE;
    cb.flash_page_count = PHYS_PAGES;
    cb.flash_write_size = 4;
    cb.flash_multiwrite = (uint32_t)f->multiwrite;
    cb.flash_read = cb_read;
    cb.flash_write = cb_write;
    cb.flash_erase = cb_erase;
    cb.rng_fill = cb_rng;
    cb.clock_now = cb_clock;
    cb.identity.certificate_chain = FX_CHAIN;
    cb.identity.certificate_chain_len = sizeof FX_CHAIN;
    cb.identity.security_level = FX_SECURITY_LEVEL;
    cb.identity.keys = &g_keys;
#ifdef CAPI_TEST_COUNTER
    cb.counter_read = cb_counter;
    cb.counter_increment = cb_counter_increment;
#endif
    return cb;
}

static DRM_SERVER_KEYS server_keys(void) {
    DRM_SERVER_KEYS k;
    memcpy(k.license_server_key, FX_LICENSE_SERVER_KEY, 64);
    memcpy(k.license_server_root, FX_ROOT, 64);
    memcpy(k.secure_delete_server_key, FX_SD_SERVER_KEY, 64);
    return k;
}

/* ---- files and the fixture ---- */

static const char *g_fixture, *g_dir;

static void path(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", g_dir, name); }

static int write_file(const char *name, const uint8_t *buf, size_t len) {
    char p[1024];
    FILE *f;
    size_t w;
    path(p, sizeof p, name);
    f = fopen(p, "wb");
    if (!f) return -1;
    w = fwrite(buf, 1, len, f);
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

static size_t read_file(const char *name, uint8_t *buf, size_t cap) {
    char p[1024];
    FILE *f;
    size_t n;
    path(p, sizeof p, name);
    f = fopen(p, "rb");
    if (!f) return 0;
    n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* Runs the fixture with ARGS (file names relative to WORKDIR are prefixed); its exit status. */
static int fixture(const char *fmt, ...) {
    char args[4096], cmd[8192];
    va_list ap;
    int rc;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", g_dir, g_fixture, args);
    fflush(NULL);
    rc = system(cmd);
    return (rc != -1 && WIFEXITED(rc)) ? WEXITSTATUS(rc) : -1;
}

static int unhex(const char *s, uint8_t *out, size_t cap) {
    size_t n = strlen(s), i;
    if (strcmp(s, "-") == 0) return 0;
    if (n % 2 || n / 2 > cap) return -1;
    for (i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (uint8_t)v;
    }
    return (int)(n / 2);
}

static void tohex(const uint8_t *b, size_t n, char *out) {
    size_t i;
    for (i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
    out[2 * n] = 0;
}

/* ---- the device ---- */

static struct flash g_flash; /* the device's flash: survives "reboots" */
static uint8_t g_image[FLASH_SIZE], g_image2[FLASH_SIZE]; /* flash images for the rollback test */
static DRM_CONTEXT g_ctx;
static DRM_CONTEXT *D = &g_ctx; /* the device's context (a smaller one in test_small_context) */
static size_t g_ctx_size = sizeof(DRM_CONTEXT);

static uint8_t g_buf[64 * 1024];  /* challenges */
static uint8_t g_resp[64 * 1024]; /* responses */
static uint8_t g_work[64 * 1024];

static void boot(DRM_CONTEXT *ctx, struct flash *f) {
    DRM_OEM_CALLBACKS cb = callbacks(f);
    DRM_SERVER_KEYS keys = server_keys();
    EXPECT_RC(Drm_Initialize(ctx, ctx == D ? g_ctx_size : sizeof *ctx, &cb), DRM_SUCCESS);
    EXPECT_RC(Drm_SetServerKeys(ctx, &keys), DRM_SUCCESS);
}

/* A power cut and reboot: the context is lost, the flash keeps what was written. */
static DRM_RESULT reboot(void) {
    Drm_Uninitialize(D);
    g_flash.cut = 0;
    g_flash.cut_after = -1;
    boot(D, &g_flash);
    return Drm_Store_Mount(D);
}

static uint32_t license_count(DRM_CONTEXT *ctx) {
    uint32_t n = 0;
    DRM_RESULT rc = Drm_Store_EnumerateLicenses(ctx, NULL, &n);
    CHECK(rc == DRM_SUCCESS || rc == DRM_E_BUFFERTOOSMALL, "count licenses: 0x%08X", (unsigned)rc);
    return n;
}

static uint32_t session_count(DRM_CONTEXT *ctx, uint32_t pending_only) {
    uint32_t n = 0;
    DRM_RESULT rc = Drm_SecureDelete_EnumerateSessions(ctx, pending_only, NULL, &n);
    CHECK(rc == DRM_SUCCESS || rc == DRM_E_BUFFERTOOSMALL, "count sessions: 0x%08X", (unsigned)rc);
    return n;
}

/* Writes a license challenge for KIDS to challenge.xml; its length (0 on failure). */
static size_t write_challenge(const DRM_KID *kids, uint32_t n) {
    size_t len = sizeof g_buf;
    if (EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, n, g_buf, &len), DRM_SUCCESS))
        return 0;
    CHECK(write_file("challenge.xml", g_buf, len) == 0, "write challenge.xml");
    return len;
}

static DRM_RESULT process(size_t resp_len, DRM_LICENSE_RESPONSE *r) {
    size_t work = sizeof g_work;
    return Drm_LicenseAcq_ProcessResponse(D, g_resp, resp_len, g_work, &work, r);
}

/* ---- the tests ---- */

static void test_initialize_misuse(void) {
    static union { DRM_CONTEXT ctx; uint8_t bytes[sizeof(DRM_CONTEXT) + 8]; } raw;
    struct flash *f = &g_flash;
    DRM_OEM_CALLBACKS cb;
    DRM_CONTEXT *ctx = &raw.ctx;
    size_t i;
    int untouched = 1;

    memset(&raw, 0xAB, sizeof raw);
    cb = callbacks(f);
    EXPECT_RC(Drm_Initialize(NULL, sizeof(DRM_CONTEXT), &cb), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_Initialize(ctx, sizeof(DRM_CONTEXT), NULL), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_Initialize((DRM_CONTEXT *)(void *)(raw.bytes + 4), sizeof(DRM_CONTEXT), &cb),
              DRM_E_INVALIDARG);
    EXPECT_RC(Drm_Initialize(ctx, Drm_GetContextSize() - 1, &cb), DRM_E_BUFFERTOOSMALL);
    EXPECT_RC(Drm_Initialize(ctx, 0, &cb), DRM_E_BUFFERTOOSMALL);

#define BAD_TABLE(mutation, want)                                  \
    do {                                                           \
        cb = callbacks(f);                                         \
        mutation;                                                  \
        EXPECT_RC(Drm_Initialize(ctx, sizeof(DRM_CONTEXT), &cb), want); \
    } while (0)
    BAD_TABLE(cb.flash_read = NULL, DRM_E_INVALIDARG);
    BAD_TABLE(cb.flash_write = NULL, DRM_E_INVALIDARG);
    BAD_TABLE(cb.flash_erase = NULL, DRM_E_INVALIDARG);
    BAD_TABLE(cb.rng_fill = NULL, DRM_E_INVALIDARG);
    BAD_TABLE(cb.flash_page_size = 0, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE(cb.flash_page_size = 3000, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE(cb.flash_page_size = 8192, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE(cb.flash_page_size = 128, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE(cb.flash_page_count = 0, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE(cb.flash_page_count = 12, DRM_E_HDS_UNSUPPORTED_FLASH);   /* 3 store pages */
    BAD_TABLE(cb.flash_page_count = 17, DRM_E_HDS_UNSUPPORTED_FLASH);   /* not whole pages */
    BAD_TABLE(cb.flash_page_count = 132, DRM_E_HDS_UNSUPPORTED_FLASH);  /* 33 store pages */
    BAD_TABLE(cb.flash_page_count = 0xFFFFFFFFu, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE(cb.flash_write_size = 16, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE(cb.flash_write_size = 0, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE(cb.flash_multiwrite = 2, DRM_E_HDS_UNSUPPORTED_FLASH);
    BAD_TABLE((cb.counter_read = cb_counter, cb.counter_increment = NULL), DRM_E_INVALIDARG);
    BAD_TABLE((cb.counter_read = NULL, cb.counter_increment = cb_counter_increment), DRM_E_INVALIDARG);
#ifdef CAPI_TEST_COUNTER
    BAD_TABLE((cb.counter_read = NULL, cb.counter_increment = NULL),
              DRM_E_INVALIDARG); /* the monotonic-counter build requires the counter */
#else
    BAD_TABLE((cb.counter_read = cb_counter, cb.counter_increment = cb_counter_increment),
              DRM_E_INVALIDARG); /* this build has no monotonic-counter feature */
#endif
    BAD_TABLE(cb.identity.certificate_chain = NULL, DRM_E_INVALIDARG);
    BAD_TABLE(cb.identity.certificate_chain_len = 0, DRM_E_INVALIDARG);
    BAD_TABLE(cb.identity.certificate_chain_len = (size_t)-1, DRM_E_INVALIDARG);
    BAD_TABLE(cb.identity.certificate_chain_len = 65537, DRM_E_INVALIDARG);
    BAD_TABLE(cb.identity.security_level = 7, DRM_E_INVALIDARG);
    BAD_TABLE(cb.identity.keys = NULL, DRM_E_INVALIDARG); /* no keys, no callbacks */
    {
        static DRM_DEVICE_KEYS zero;
        BAD_TABLE(cb.identity.keys = &zero, DRM_E_INVALIDARG); /* 0 is no P-256 key */
    }
    BAD_TABLE((cb.identity.keys = NULL, cb.identity.sign_digest = cb_sign_fails,
               cb.identity.derive_key = cb_derive),
              DRM_E_INVALIDARG); /* elgamal_decrypt missing */
#undef BAD_TABLE
    for (i = 0; i < sizeof raw; i++) untouched &= raw.bytes[i] == 0xAB;
    CHECK(untouched, "a refused Drm_Initialize wrote to the context");

    /* Never initialised (zero-filled): every call refuses. */
    memset(&raw, 0, sizeof raw);
    {
        DRM_ID id;
        DRM_KID kid;
        DRM_STORE_INFO info;
        DRM_LICENSE_RESPONSE lr;
        DRM_SERVER_KEYS keys = server_keys();
        uint32_t n = 0, how;
        size_t len = sizeof g_buf, outlen = 64;
        uint8_t out[64];
        memset(&kid, 0, sizeof kid);
        EXPECT_RC(Drm_IsInitialized(ctx), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_IsInitialized(NULL), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_Uninitialize(ctx), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_Uninitialize(NULL), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_SetServerKeys(ctx, &keys), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_Store_Open(ctx, &how), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_Store_Mount(NULL), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_Store_Format(ctx), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_Store_GetInfo(ctx, &info), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_Store_EnumerateLicenses(ctx, NULL, &n), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_SecureDelete_EnumerateSessions(ctx, 1, NULL, &n), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(ctx, &kid, 1, g_buf, &len),
                  DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_LicenseAcq_ProcessResponse(ctx, g_resp, 10, g_work, &len, &lr),
                  DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_KeyExchange_Prepare(ctx, &kid, DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT),
                  DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_KeyExchange_Perform(ctx, NULL, 0, out, 16, out, &outlen),
                  DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_KeyExchange_Close(ctx), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_SecureDelete_RemoveSession(ctx, &id), DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_SecureDelete_GenerateChallenge(ctx, &id, &len, g_buf),
                  DRM_E_CAPI_NOT_INITIALIZED);
        EXPECT_RC(Drm_SecureDelete_ProcessResponse(ctx, 10, g_resp, &id), DRM_E_CAPI_NOT_INITIALIZED);
        CHECK(len == sizeof g_buf && n == 0 && outlen == 64, "refused calls wrote outputs");
    }
}

static void test_store_open(void) {
    uint32_t how = 99, n = 0;
    DRM_STORE_INFO info;
    DRM_SERVER_KEYS bad;
    DRM_LICENSE_RESPONSE lr;
    DRM_KID kid;
    size_t work = sizeof g_work;

    memset(g_flash.mem, 0xFF, sizeof g_flash.mem);
    g_flash.cut_after = -1;
    {
        DRM_OEM_CALLBACKS cb = callbacks(&g_flash);
        EXPECT_RC(Drm_Initialize(D, sizeof g_ctx, &cb), DRM_SUCCESS);
    }
    EXPECT_RC(Drm_IsInitialized(D), DRM_SUCCESS);
    /* No store yet. */
    memcpy(kid.rgb, FX_KX[0].kid, 16);
    EXPECT_RC(Drm_Store_GetInfo(D, &info), DRM_E_CAPI_STORE_NOT_OPEN);
    EXPECT_RC(Drm_Store_EnumerateLicenses(D, NULL, &n), DRM_E_CAPI_STORE_NOT_OPEN);
    CHECK(n == 0, "count written without a store");
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kid, DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT),
              DRM_E_CAPI_STORE_NOT_OPEN);
    EXPECT_RC(Drm_SecureDelete_RemoveSession(D, &kid), DRM_E_CAPI_STORE_NOT_OPEN);
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, g_resp, 10, g_work, &work, &lr),
              DRM_E_CAPI_NO_CHALLENGE);
    CHECK(g_flash.writes == 0 && g_flash.erases == 0 && g_flash.reads == 0,
          "Drm_Initialize touched the flash");

    /* Server keys: NULL and a key that is not a point are refused. */
    EXPECT_RC(Drm_SetServerKeys(D, NULL), DRM_E_INVALIDARG);
    bad = server_keys();
    memset(bad.license_server_root, 0, 64);
    EXPECT_RC(Drm_SetServerKeys(D, &bad), DRM_E_INVALIDARG);
    bad = server_keys();
    EXPECT_RC(Drm_SetServerKeys(D, &bad), DRM_SUCCESS);

    /* First boot: a blank flash is formatted. */
    EXPECT_RC(Drm_Store_Open(D, &how), DRM_SUCCESS);
    CHECK(how == DRM_STORE_FORMATTED_BLANK, "first open: how %u", how);
    EXPECT_RC(Drm_Store_GetInfo(D, NULL), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_Store_GetInfo(D, &info), DRM_SUCCESS);
    CHECK(info.pages == 16 && info.buckets == 14 && info.multiwrite == 0,
          "info: %u pages, %u buckets", info.pages, info.buckets);
    CHECK(info.max_slot_len >= 768, "slot of %u bytes", info.max_slot_len);
    CHECK(license_count(D) == 0, "licenses on a new store");
    EXPECT_RC(Drm_Store_EnumerateLicenses(D, NULL, NULL), DRM_E_INVALIDARG);
    n = 3;
    EXPECT_RC(Drm_Store_EnumerateLicenses(D, NULL, &n), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_SecureDelete_EnumerateSessions(D, 2, NULL, &n), DRM_E_INVALIDARG);
    /* Open again: mounted, the same store. */
    EXPECT_RC(Drm_Store_Open(D, NULL), DRM_SUCCESS);
    EXPECT_RC(Drm_Store_Open(D, &how), DRM_SUCCESS);
    CHECK(how == DRM_STORE_MOUNTED, "second open: how %u", how);
    EXPECT_RC(Drm_Store_Mount(D), DRM_SUCCESS);
}

/* Generates a challenge with the two-call size query and its misuses. */
static void test_challenge_misuse(void) {
    DRM_KID kids[17];
    size_t len = 0, needed;
    uint32_t i;
    for (i = 0; i < 17; i++) memcpy(kids[i].rgb, FX_KX[i % FX_KX_COUNT].kid, 16);
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, NULL, 1, g_buf, &len), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, 0, g_buf, &len), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, 17, g_buf, &len), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, 1, g_buf, NULL), DRM_E_INVALIDARG);
    len = (size_t)-1;
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, 1, g_buf, &len), DRM_E_INVALIDARG);
    len = 12345;
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, 6, NULL, &len), DRM_E_BUFFERTOOSMALL);
    needed = len;
    CHECK(needed > 1000 && needed != 12345, "challenge needs %zu bytes", needed);
    memset(g_buf, 0xEE, sizeof g_buf);
    len = needed - 1;
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, 6, g_buf, &len), DRM_E_BUFFERTOOSMALL);
    CHECK(len == needed && g_buf[0] == 0xEE && g_buf[needed - 2] == 0xEE,
          "short buffer: len %zu, buffer written", len);
    len = needed;
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, 6, g_buf, &len), DRM_SUCCESS);
    CHECK(len > 0 && len < needed && memcmp(g_buf, "<?xml", 5) == 0, "challenge of %zu bytes", len);
    /* The RNG failing: an error, no challenge. */
    g_rng_fail = 1;
    len = sizeof g_buf;
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(D, kids, 6, g_buf, &len), DRM_E_RNG);
    CHECK(len == sizeof g_buf, "length written on an RNG failure");
    g_rng_fail = 0;
}

struct kx_case {
    uint8_t kid[16];
    unsigned alg, op;
    uint8_t param[128], input[256], output[128];
    int param_len, input_len, output_len;
};

static struct kx_case g_cases[FX_KX_COUNT];
static int g_case_count;

/* Reads NAME's expectation lines (the fixture's `license` output) into CASES (at most MAX);
 * returns how many. */
static int read_cases(const char *name, struct kx_case *cases, int max) {
    char p[1024], kid[64], param[512], input[1024], output[512];
    FILE *f;
    int n = 0;
    path(p, sizeof p, name);
    f = fopen(p, "r");
    CHECK(f != NULL, "open %s", name);
    if (!f) return 0;
    while (n < max) {
        struct kx_case *c = &cases[n];
        if (fscanf(f, "%63s %u %u %511s %1023s %511s", kid, &c->alg, &c->op, param, input, output) != 6)
            break;
        CHECK(unhex(kid, c->kid, 16) == 16, "expect kid");
        c->param_len = unhex(param, c->param, sizeof c->param);
        c->input_len = unhex(input, c->input, sizeof c->input);
        c->output_len = unhex(output, c->output, sizeof c->output);
        CHECK(c->param_len >= 0 && c->input_len >= 0 && c->output_len >= 0, "expect fields");
        n++;
    }
    fclose(f);
    return n;
}

static void read_expectations(void) {
    g_case_count = read_cases("expect.txt", g_cases, FX_KX_COUNT);
    CHECK(g_case_count == FX_KX_COUNT, "%d expectations", g_case_count);
}

static void test_acquire_key_exchange(void) {
    DRM_KID kids[FX_KX_COUNT];
    DRM_LICENSE_RESPONSE r;
    DRM_LICENSE_ENTRY entries[8];
    size_t resp_len, work, i, j;
    uint32_t n;
    int found;

    for (i = 0; i < FX_KX_COUNT; i++) memcpy(kids[i].rgb, FX_KX[i].kid, 16);
    if (!write_challenge(kids, FX_KX_COUNT)) return;
    CHECK(fixture("license challenge.xml response.xml expect.txt") == 0, "license server");
    resp_len = read_file("response.xml", g_resp, sizeof g_resp);
    CHECK(resp_len > 0, "response.xml");
    read_expectations();

    /* Misuse. */
    work = sizeof g_work;
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, NULL, resp_len, g_work, &work, &r), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, g_resp, 0, g_work, &work, &r), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, g_resp, resp_len, g_work, &work, NULL), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, g_resp, resp_len, g_work, NULL, &r), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, g_resp, (size_t)-1, g_work, &work, &r), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, g_resp, resp_len, g_resp + 8, &work, &r),
              DRM_E_INVALIDARG); /* work overlaps the response */
    work = 0;
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, g_resp, resp_len, NULL, &work, &r), DRM_E_BUFFERTOOSMALL);
    CHECK(work == resp_len, "work needed %zu (response %zu)", work, resp_len);
    work = resp_len - 1;
    EXPECT_RC(Drm_LicenseAcq_ProcessResponse(D, g_resp, resp_len, g_work, &work, &r), DRM_E_BUFFERTOOSMALL);
    CHECK(license_count(D) == 0, "licenses stored by refused calls");

    /* A response changed in transit: refused, nothing stored, the nonce kept. */
    {
        char *lr = strstr((char *)g_resp, "LicenseResponse");
        char *sig = lr ? strstr(lr, "<SignatureValue>") : NULL;
        CHECK(sig != NULL, "response layout");
        if (sig) {
            size_t at = (size_t)((uint8_t *)sig - g_resp) - 40;
            g_resp[at] ^= 0x01;
            CHECK(DRM_FAILED(process(resp_len, &r)), "tampered response accepted");
            g_resp[at] ^= 0x01;
        }
    }
    CHECK(license_count(D) == 0, "a tampered response stored licenses");

    EXPECT_RC(process(resp_len, &r), DRM_SUCCESS);
    CHECK(r.license_count == FX_KX_COUNT && r.stored_count == FX_KX_COUNT && r.has_session_id == 1,
          "response: %u licenses, %u stored", r.license_count, r.stored_count);
    for (i = 0; i < r.license_count && i < DRM_MAX_LICENSES_PER_RESPONSE; i++)
        CHECK(r.licenses[i].result == DRM_SUCCESS && r.licenses[i].key_exchange == 1,
              "license %zu: 0x%08X", i, (unsigned)r.licenses[i].result);
    /* The nonce is used up: the same response again has no challenge. */
    EXPECT_RC(process(resp_len, &r), DRM_E_CAPI_NO_CHALLENGE);

    /* Listing: the two-call count, then the entries. */
    n = 0;
    EXPECT_RC(Drm_Store_EnumerateLicenses(D, NULL, &n), DRM_E_BUFFERTOOSMALL);
    CHECK(n == FX_KX_COUNT, "%u licenses", n);
    n = 2;
    EXPECT_RC(Drm_Store_EnumerateLicenses(D, entries, &n), DRM_E_BUFFERTOOSMALL);
    CHECK(n == FX_KX_COUNT, "%u licenses (short array)", n);
    n = 8;
    EXPECT_RC(Drm_Store_EnumerateLicenses(D, entries, &n), DRM_SUCCESS);
    CHECK(n == FX_KX_COUNT, "%u licenses listed", n);
    for (i = 0; i < FX_KX_COUNT; i++) {
        found = 0;
        for (j = 0; j < n; j++) found |= memcmp(entries[j].kid.rgb, FX_KX[i].kid, 16) == 0 && entries[j].length > 0;
        CHECK(found, "KID %zu listed", i);
    }
    CHECK(session_count(D, 0) == 1 && session_count(D, 1) == 0, "sessions after acquisition");
}

static const struct kx_case *find_case(unsigned alg, unsigned op) {
    int i;
    for (i = 0; i < g_case_count; i++)
        if (g_cases[i].alg == alg && g_cases[i].op == op) return &g_cases[i];
    return NULL;
}

static int verify_ecdsa(const uint8_t *pub, const uint8_t *msg, size_t msg_len, const uint8_t *sig) {
    char hp[200], hm[600], hs[200];
    tohex(pub, 64, hp);
    tohex(msg, msg_len, hm);
    tohex(sig, 64, hs);
    return fixture("verify-ecdsa %s %s %s 2>/dev/null", hp, hm, hs);
}

/* Prepare, Perform (compared with the server's side), Close, for one case: with LICENSE NULL,
 * Drm_KeyExchange_Prepare of the case's KID; otherwise Drm_KeyExchange_PrepareKey of LICENSE's
 * key KEY_INDEX or KEY_ID (the case's KID is then the key id). */
static void run_case_key(const struct kx_case *c, int after_reboot, const DRM_KID *license,
                         uint32_t key_index, const DRM_KID *key_id) {
    uint8_t out[256], io[256];
    size_t len;
    DRM_KID kid;
    memcpy(kid.rgb, c->kid, 16);
    if (license) {
        EXPECT_RC(Drm_KeyExchange_PrepareKey(D, license, key_index, key_id, c->alg, c->op), DRM_SUCCESS);
        EXPECT_RC(Drm_KeyExchange_PrepareKey(D, license, key_index, key_id, c->alg, c->op),
                  DRM_E_CAPI_KX_ALREADY_OPEN);
    } else {
        EXPECT_RC(Drm_KeyExchange_Prepare(D, &kid, c->alg, c->op), DRM_SUCCESS);
        EXPECT_RC(Drm_KeyExchange_Prepare(D, &kid, c->alg, c->op), DRM_E_CAPI_KX_ALREADY_OPEN);
    }
    if (c->alg == DRM_KX_ALG_AES128_CBC) {
        len = sizeof out;
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 16, c->input, (size_t)c->input_len, out, &len), DRM_SUCCESS);
        CHECK(len == (size_t)c->output_len && memcmp(out, c->output, len) == 0,
              "AES op %u: output differs from the server's", c->op);
        if (after_reboot) goto close;
        /* In place: output == input. */
        memcpy(io, c->input, (size_t)c->input_len);
        len = sizeof io;
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 16, io, (size_t)c->input_len, io, &len), DRM_SUCCESS);
        CHECK(memcmp(io, c->output, (size_t)c->output_len) == 0, "AES in place differs");
        /* Misuse. */
        len = sizeof out;
        EXPECT_RC(Drm_KeyExchange_Perform(D, NULL, 0, c->input, 48, out, &len), DRM_E_INVALIDARG);
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 15, c->input, 48, out, &len), DRM_E_INVALIDARG);
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 16, c->input, 47, out, &len), DRM_E_INVALIDARG);
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 16, NULL, 48, out, &len), DRM_E_INVALIDARG);
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 16, c->input, (size_t)-16, out, &len), DRM_E_INVALIDARG);
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 16, c->input, 48, out, NULL), DRM_E_INVALIDARG);
        len = 5;
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 16, c->input, 48, NULL, &len), DRM_E_BUFFERTOOSMALL);
        CHECK(len == 48, "AES needs %zu", len);
        memset(out, 0xEE, sizeof out);
        len = 47;
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, 16, c->input, 48, out, &len), DRM_E_BUFFERTOOSMALL);
        CHECK(len == 48 && out[0] == 0xEE, "AES short output written");
        CHECK(len == 48, "len");
    } else if (c->op == DRM_KX_OP_SIGN) {
        size_t n = c->alg == DRM_KX_ALG_HMAC_SHA256 ? 32 : 64;
        len = n - 1;
        EXPECT_RC(Drm_KeyExchange_Perform(D, NULL, 0, c->input, (size_t)c->input_len, out, &len), DRM_E_BUFFERTOOSMALL);
        CHECK(len == n, "sign needs %zu", len);
        EXPECT_RC(Drm_KeyExchange_Perform(D, c->input, 4, c->input, (size_t)c->input_len, out, &len), DRM_E_INVALIDARG);
        len = sizeof out;
        EXPECT_RC(Drm_KeyExchange_Perform(D, NULL, 0, c->input, (size_t)c->input_len, out, &len), DRM_SUCCESS);
        CHECK(len == n, "signature of %zu bytes", len);
        if (c->alg == DRM_KX_ALG_HMAC_SHA256) {
            CHECK(memcmp(out, c->output, 32) == 0, "HMAC tag differs from the server's");
        } else {
            CHECK(verify_ecdsa(c->output, c->input, (size_t)c->input_len, out) == 0,
                  "the server does not verify the device's ECDSA signature");
            if (!after_reboot) {
                out[10] ^= 1;
                CHECK(verify_ecdsa(c->output, c->input, (size_t)c->input_len, out) != 0,
                      "the server's verifier accepts a changed signature");
            }
        }
    } else {
        uint8_t tag[128];
        memcpy(tag, c->param, (size_t)c->param_len);
        EXPECT_RC(Drm_KeyExchange_Perform(D, tag, (size_t)c->param_len, c->input, (size_t)c->input_len, NULL, NULL), DRM_SUCCESS);
        if (!after_reboot) {
            len = 7;
            EXPECT_RC(Drm_KeyExchange_Perform(D, tag, (size_t)c->param_len, c->input, (size_t)c->input_len, out, &len), DRM_SUCCESS);
            CHECK(len == 0, "verify output %zu", len);
            tag[3] ^= 0x40;
            EXPECT_RC(Drm_KeyExchange_Perform(D, tag, (size_t)c->param_len, c->input, (size_t)c->input_len, NULL, NULL), DRM_E_INVALID_SIGNATURE);
            tag[3] ^= 0x40;
            EXPECT_RC(Drm_KeyExchange_Perform(D, tag, (size_t)c->param_len, c->input, (size_t)c->input_len - 1, NULL, NULL), DRM_E_INVALID_SIGNATURE);
            EXPECT_RC(Drm_KeyExchange_Perform(D, NULL, 0, c->input, (size_t)c->input_len, NULL, NULL), DRM_E_INVALIDARG);
        }
    }
close:
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_SUCCESS);
    len = sizeof out;
    EXPECT_RC(Drm_KeyExchange_Perform(D, c->param, (size_t)c->param_len, c->input, (size_t)c->input_len, out, &len), DRM_E_CAPI_KX_NOT_OPEN);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_KX_NOT_OPEN);
}

static void run_case(const struct kx_case *c, int after_reboot) { run_case_key(c, after_reboot, NULL, 0, NULL); }

static void test_key_exchange(void) {
    static const unsigned ops[6][2] = {{1, 1}, {1, 2}, {2, 3}, {2, 4}, {3, 3}, {3, 4}};
    DRM_KID kid, unknown;
    uint8_t out[64];
    size_t len = sizeof out;
    int i;

    memcpy(unknown.rgb, FX_UNKNOWN_KID, 16);
    EXPECT_RC(Drm_KeyExchange_Perform(D, NULL, 0, out, 16, out, &len), DRM_E_CAPI_KX_NOT_OPEN);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_KX_NOT_OPEN);
    EXPECT_RC(Drm_KeyExchange_Prepare(D, NULL, DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &unknown, DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_E_LICENSE_NOT_FOUND);
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &unknown, 9, DRM_KX_OP_ENCRYPT), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &unknown, DRM_KX_ALG_HMAC_SHA256, DRM_KX_OP_ENCRYPT), DRM_E_INVALIDARG);
    for (i = 0; i < 6; i++) {
        const struct kx_case *c = find_case(ops[i][0], ops[i][1]);
        CHECK(c != NULL, "case %u/%u in expect.txt", ops[i][0], ops[i][1]);
        if (!c) continue;
        /* The license allows one operation: the opposite one is refused, nothing opens. */
        memcpy(kid.rgb, c->kid, 16);
        EXPECT_RC(Drm_KeyExchange_Prepare(D, &kid, c->alg, c->op == 1 ? 2 : c->op == 2 ? 1 : c->op == 3 ? 4 : 3),
                  DRM_E_KX_OPERATION_NOT_ALLOWED);
        EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_KX_NOT_OPEN);
        run_case(c, 0);
    }
}

/* The content licenses of a Secure Delete session: a wrong-nonce answer first. */
static void test_acquire_content(DRM_ID *session) {
    DRM_KID kids[FX_CONTENT_COUNT];
    DRM_LICENSE_RESPONSE r;
    size_t resp_len;
    int i;
    for (i = 0; i < FX_CONTENT_COUNT; i++) memcpy(kids[i].rgb, FX_CONTENT_KIDS[i], 16);
    if (!write_challenge(kids, FX_CONTENT_COUNT)) return;
    CHECK(fixture("license challenge.xml response.xml content.txt --wrong-nonce") == 0, "license server");
    resp_len = read_file("response.xml", g_resp, sizeof g_resp);
    EXPECT_RC(process(resp_len, &r), DRM_E_INVALID_SIGNATURE);
    CHECK(license_count(D) == FX_KX_COUNT, "a wrong-nonce response stored licenses");
    /* The same challenge answered properly: the nonce was kept. */
    CHECK(fixture("license challenge.xml response.xml content.txt") == 0, "license server");
    resp_len = read_file("response.xml", g_resp, sizeof g_resp);
    EXPECT_RC(process(resp_len, &r), DRM_SUCCESS);
    CHECK(r.stored_count == FX_CONTENT_COUNT && r.has_session_id == 1 && r.licenses[0].key_exchange == 0,
          "content: %u stored", r.stored_count);
    *session = r.session_id;
    CHECK(license_count(D) == FX_KX_COUNT + FX_CONTENT_COUNT, "licenses after content");
    CHECK(session_count(D, 0) == 2, "two sessions");
    /* A content license is not a KeyExchangeLicense. */
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kids[0], DRM_KX_ALG_AES128_CBC, DRM_KX_OP_DECRYPT),
              DRM_E_KX_NOT_KEY_EXCHANGE_LICENSE);
}

/* The store after a cut during a removal: all before, or all after. */
static int consistent_after_cut(const DRM_ID *session, int *done) {
    uint32_t lic = license_count(D), pending = session_count(D, 1), all = session_count(D, 0);
    if (lic == FX_KX_COUNT + FX_CONTENT_COUNT && pending == 0 && all == 2) {
        *done = 0;
        return 1;
    }
    if (lic == FX_KX_COUNT && pending == 1 && all == 2) {
        DRM_ID ids[2];
        uint32_t n = 2;
        *done = 1;
        return Drm_SecureDelete_EnumerateSessions(D, 1, ids, &n) == DRM_SUCCESS &&
               memcmp(ids[0].rgb, session->rgb, 16) == 0;
    }
    fprintf(stderr, "after a cut: %u licenses, %u pending, %u sessions\n", lic, pending, all);
    return 0;
}

static void test_secure_delete(const DRM_ID *session) {
    DRM_ID unknown, out;
    size_t len, needed, resp_len;
    long cut;
    int done = 0, cuts = 0;

    memset(&unknown, 0x77, sizeof unknown);
    EXPECT_RC(Drm_SecureDelete_RemoveSession(D, NULL), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_SecureDelete_RemoveSession(D, &unknown), DRM_E_SD_SESSION_NOT_FOUND);
    len = 0;
    EXPECT_RC(Drm_SecureDelete_GenerateChallenge(D, session, &len, NULL), DRM_E_SD_SESSION_NOT_PENDING);
    CHECK(len == 0, "length written for an active session");

    /* A power cut at every flash write and erase of the removal, until one completes. */
    for (cut = 0; cut < 200 && !done; cut++) {
        DRM_RESULT rc;
        g_flash.cut_after = cut;
        rc = Drm_SecureDelete_RemoveSession(D, session);
        if (rc == DRM_SUCCESS && !g_flash.cut) {
            g_flash.cut_after = -1;
            done = 1;
            break;
        }
        cuts++;
        EXPECT_RC(reboot(), DRM_SUCCESS);
        CHECK(consistent_after_cut(session, &done), "inconsistent store after a cut at %ld", cut);
    }
    CHECK(done && cuts > 3, "removal completed after %d cuts", cuts);
    printf("power cuts during a Secure Delete removal: %d, the store consistent after each\n", cuts);
    CHECK(license_count(D) == FX_KX_COUNT, "content licenses left after the removal");
    EXPECT_RC(Drm_SecureDelete_RemoveSession(D, session), DRM_E_SD_SESSION_PENDING);

    /* A reboot: the pending session's challenge is generated again. */
    EXPECT_RC(reboot(), DRM_SUCCESS);
    CHECK(session_count(D, 1) == 1, "pending after reboot");
    EXPECT_RC(Drm_SecureDelete_GenerateChallenge(D, NULL, &len, g_buf), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_SecureDelete_GenerateChallenge(D, session, NULL, g_buf), DRM_E_INVALIDARG);
    len = sizeof g_buf;
    EXPECT_RC(Drm_SecureDelete_GenerateChallenge(D, &unknown, &len, g_buf), DRM_E_SD_SESSION_NOT_FOUND);
    len = 0;
    EXPECT_RC(Drm_SecureDelete_GenerateChallenge(D, session, &len, NULL), DRM_E_BUFFERTOOSMALL);
    needed = len;
    CHECK(needed > 1000, "Secure Delete challenge needs %zu", needed);
    memset(g_buf, 0xEE, sizeof g_buf);
    len = needed - 1;
    EXPECT_RC(Drm_SecureDelete_GenerateChallenge(D, session, &len, g_buf), DRM_E_BUFFERTOOSMALL);
    CHECK(len == needed && g_buf[0] == 0xEE, "short buffer written");
    len = needed;
    EXPECT_RC(Drm_SecureDelete_GenerateChallenge(D, session, &len, g_buf), DRM_SUCCESS);
    CHECK(len == needed, "challenge %zu of %zu bytes", len, needed);
    CHECK(write_file("sd-challenge.xml", g_buf, len) == 0, "write sd-challenge.xml");

    /* A response for another session: refused, still pending. */
    CHECK(fixture("securedelete sd-challenge.xml sd-response.xml --other-session") == 0, "Secure Delete server");
    resp_len = read_file("sd-response.xml", g_resp, sizeof g_resp);
    EXPECT_RC(Drm_SecureDelete_ProcessResponse(D, resp_len, g_resp, &out), DRM_E_INVALID_SECURE_DELETE_RESPONSE);
    /* Not XML. */
    CHECK(DRM_FAILED(Drm_SecureDelete_ProcessResponse(D, 9, (const uint8_t *)"not xml!!", &out)),
          "a response that is not XML accepted");
    EXPECT_RC(Drm_SecureDelete_ProcessResponse(D, 0, g_resp, &out), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_SecureDelete_ProcessResponse(D, resp_len, NULL, &out), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_SecureDelete_ProcessResponse(D, resp_len, g_resp, NULL), DRM_E_INVALIDARG);
    CHECK(session_count(D, 1) == 1, "a wrong response changed the session");

    /* The server checks the device's challenge and answers. */
    CHECK(fixture("securedelete sd-challenge.xml sd-response.xml") == 0, "the Secure Delete server refused the challenge");
    resp_len = read_file("sd-response.xml", g_resp, sizeof g_resp);
    /* A power cut at every flash write and erase of the response's commit: after each reboot
     * the session is still pending (the same response is processed again) or gone. */
    done = 0;
    cuts = 0;
    for (cut = 0; cut < 200 && !done; cut++) {
        DRM_RESULT rc;
        g_flash.cut_after = cut;
        memset(&out, 0, sizeof out);
        rc = Drm_SecureDelete_ProcessResponse(D, resp_len, g_resp, &out);
        if (rc == DRM_SUCCESS && !g_flash.cut) {
            g_flash.cut_after = -1;
            CHECK(memcmp(out.rgb, session->rgb, 16) == 0, "response for another session id");
            break;
        }
        cuts++;
        EXPECT_RC(reboot(), DRM_SUCCESS);
        CHECK(session_count(D, 0) == 2 - (uint32_t)(session_count(D, 1) == 0),
              "after a cut at %ld: %u sessions, %u pending", cut, session_count(D, 0), session_count(D, 1));
        done = session_count(D, 1) == 0; /* the cut came after the commit point */
    }
    CHECK(cuts > 0, "no cut during the response's commit");
    printf("power cuts during a Secure Delete response: %d, the store consistent after each\n", cuts);
    CHECK(session_count(D, 1) == 0 && session_count(D, 0) == 1, "session record left");
    EXPECT_RC(Drm_SecureDelete_ProcessResponse(D, resp_len, g_resp, &out), DRM_E_INVALID_SECURE_DELETE_RESPONSE);
}

static void test_reboot_and_lifecycle(void) {
    DRM_CONTEXT copy;
    size_t i;
    int zero = 1;
    uint32_t how = 9;

    /* Uninitialize zeroizes the context; afterwards every call refuses. */
    EXPECT_RC(Drm_Uninitialize(D), DRM_SUCCESS);
    for (i = 0; i < DRM_CONTEXT_WORDS; i++) zero &= g_ctx.opaque[i] == 0;
    CHECK(zero, "context not zeroized by Drm_Uninitialize");
    EXPECT_RC(Drm_Uninitialize(D), DRM_E_CAPI_NOT_INITIALIZED);
    EXPECT_RC(Drm_IsInitialized(D), DRM_E_CAPI_NOT_INITIALIZED);
    EXPECT_RC(Drm_Store_Mount(D), DRM_E_CAPI_NOT_INITIALIZED);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_NOT_INITIALIZED);

    /* Boot again: the store mounts, the licenses are found, Perform gives the same results. */
    boot(D, &g_flash);
    EXPECT_RC(Drm_Store_Open(D, &how), DRM_SUCCESS);
    CHECK(how == DRM_STORE_MOUNTED, "reboot: how %u", how);
    CHECK(license_count(D) == FX_KX_COUNT, "licenses found again");
    for (i = 0; i < (size_t)g_case_count; i++) run_case(&g_cases[i], 1);

    /* A copied (moved) context is refused; the original still works. */
    memcpy(&copy, D, sizeof copy);
    EXPECT_RC(Drm_IsInitialized(&copy), DRM_E_CAPI_NOT_INITIALIZED);
    EXPECT_RC(Drm_Store_Mount(&copy), DRM_E_CAPI_NOT_INITIALIZED);
    EXPECT_RC(Drm_IsInitialized(D), DRM_SUCCESS);

    /* A callback that calls back into the kit with the same context: refused as busy. */
    g_flash.reenter = D;
    g_flash.reenter_rc = 0;
    EXPECT_RC(Drm_Store_Mount(D), DRM_SUCCESS);
    CHECK(g_flash.reenter_rc == DRM_E_CAPI_BUSY, "reentrant call: 0x%08X", (unsigned)g_flash.reenter_rc);

    /* A failing read: mount fails, the store is closed, and mounts again once reads work. */
    g_flash.fail_reads = 1;
    EXPECT_RC(Drm_Store_Mount(D), DRM_E_HDS_FLASH);
    g_flash.fail_reads = 0;
    {
        DRM_STORE_INFO info;
        EXPECT_RC(Drm_Store_GetInfo(D, &info), DRM_E_CAPI_STORE_NOT_OPEN);
    }
    EXPECT_RC(Drm_Store_Mount(D), DRM_SUCCESS);
    CHECK(license_count(D) == FX_KX_COUNT, "licenses after a failed mount");

    /* A Key Exchange context open at Uninitialize is closed with it. */
    {
        DRM_KID kid;
        memcpy(kid.rgb, g_cases[0].kid, 16);
        EXPECT_RC(Drm_KeyExchange_Prepare(D, &kid, g_cases[0].alg, g_cases[0].op), DRM_SUCCESS);
    }
    EXPECT_RC(Drm_Uninitialize(D), DRM_SUCCESS);
    zero = 1;
    for (i = 0; i < DRM_CONTEXT_WORDS; i++) zero &= g_ctx.opaque[i] == 0;
    CHECK(zero, "context with an open Key Exchange context not zeroized");
}

static void test_format_cut(void) {
    uint32_t how;
    DRM_RESULT rc;
    boot(D, &g_flash);
    /* A format cut by a power loss does not mount, Open refuses to format it over (not blank),
     * and a new format works. */
    g_flash.cut_after = 10;
    CHECK(DRM_FAILED(Drm_Store_Format(D)), "format with a cut succeeded");
    rc = reboot();
    CHECK(DRM_FAILED(rc), "a cut format mounted: 0x%08X", (unsigned)rc);
    CHECK(DRM_FAILED(Drm_Store_Open(D, &how)), "Open formatted a cut store over");
    EXPECT_RC(Drm_Store_Format(D), DRM_SUCCESS);
    CHECK(license_count(D) == 0, "licenses after a new format");
    EXPECT_RC(Drm_Uninitialize(D), DRM_SUCCESS);
}

static void test_oem_identity_and_multiwrite(void) {
    static struct flash other;
    DRM_CONTEXT ctx;
    DRM_OEM_CALLBACKS cb;
    DRM_STORE_INFO info;
    DRM_KID kid;
    uint32_t how = 9;
    size_t len = sizeof g_buf;

    memset(other.mem, 0xFF, sizeof other.mem);
    other.cut_after = -1;
    other.multiwrite = 1;
    cb = callbacks(&other);
    cb.identity.keys = NULL;
    memcpy(cb.identity.signing_public_key, FX_SIGNING_PUBLIC, 64);
    memcpy(cb.identity.encryption_public_key, FX_ENCRYPTION_PUBLIC, 64);
    cb.identity.sign_digest = cb_sign_fails;
    cb.identity.elgamal_decrypt = cb_sign_fails;
    cb.identity.derive_key = cb_derive;
    {
        DRM_OEM_CALLBACKS bad = cb;
        memset(bad.identity.signing_public_key, 0, 64);
        EXPECT_RC(Drm_Initialize(&ctx, sizeof ctx, &bad), DRM_E_INVALIDARG);
    }
    EXPECT_RC(Drm_Initialize(&ctx, sizeof ctx, &cb), DRM_SUCCESS);
    EXPECT_RC(Drm_Store_Open(&ctx, &how), DRM_SUCCESS);
    CHECK(how == DRM_STORE_FORMATTED_BLANK, "OEM identity store: how %u", how);
    EXPECT_RC(Drm_Store_GetInfo(&ctx, &info), DRM_SUCCESS);
    CHECK(info.multiwrite == 1, "multiwrite store");
    /* The identity's signer fails: no challenge. */
    memcpy(kid.rgb, FX_KX[0].kid, 16);
    EXPECT_RC(Drm_LicenseAcq_GenerateChallenge(&ctx, &kid, 1, g_buf, &len), DRM_E_PLATFORM);
    EXPECT_RC(Drm_Uninitialize(&ctx), DRM_SUCCESS);
    /* The device's store was formatted with the software identity's key: another identity's
     * key does not mount it, and nothing is written. */
    {
        long writes = g_flash.writes, erases = g_flash.erases;
        cb.user = &g_flash;
        cb.flash_multiwrite = 0;
        EXPECT_RC(Drm_Initialize(&ctx, sizeof ctx, &cb), DRM_SUCCESS);
        EXPECT_RC(Drm_Store_Mount(&ctx), DRM_E_HDS_NOT_FORMATTED);
        EXPECT_RC(Drm_Store_Open(&ctx, &how), DRM_E_HDS_NOT_FORMATTED);
        CHECK(g_flash.writes == writes && g_flash.erases == erases, "a refused mount wrote");
        EXPECT_RC(Drm_Uninitialize(&ctx), DRM_SUCCESS);
    }
}

/* Time-bound licenses against the port's clock: expired, valid, no clock, a rolled-back clock
 * refused until Drm_Clock_SetTrustedTime. */
static void test_clock(void) {
    DRM_KID kids[2];
    DRM_LICENSE_RESPONSE r;
    size_t resp_len;
    int i;

    boot(D, &g_flash);
    EXPECT_RC(Drm_Clock_SetTrustedTime(D, NOW), DRM_E_CAPI_STORE_NOT_OPEN);
    EXPECT_RC(Drm_Store_Format(D), DRM_SUCCESS);
    for (i = 0; i < 2; i++) memcpy(kids[i].rgb, FX_TIMED[i].kid, 16);
    CHECK(FX_TIMED[0].end < NOW && FX_TIMED[1].begin < NOW && NOW < FX_TIMED[1].end, "fixture dates");
    if (!write_challenge(kids, 2)) return;
    CHECK(fixture("license challenge.xml response.xml timed.txt") == 0, "license server");
    resp_len = read_file("response.xml", g_resp, sizeof g_resp);
    EXPECT_RC(process(resp_len, &r), DRM_SUCCESS);
    CHECK(r.stored_count == 2, "%u time-bound licenses stored", r.stored_count);

    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kids[0], DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_E_LICENSE_EXPIRED);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_KX_NOT_OPEN);
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kids[1], DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_SUCCESS);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_SUCCESS);
    /* The clock does not know the time: time-bound licenses are refused. */
    g_clock_known = 0;
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kids[1], DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_E_CLOCK_NOT_SET);
    g_clock_known = 1;
    /* The clock set back a day: the boot check records the rollback, Prepare refuses until a
     * trusted time is set, and the trusted time holds across a reboot. */
    g_clock = NOW - 86400;
    EXPECT_RC(reboot(), DRM_SUCCESS);
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kids[1], DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_E_CLOCK_NOT_SET);
    g_clock = NOW;
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kids[1], DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_E_CLOCK_NOT_SET);
    g_clock = NOW - 86400;
    EXPECT_RC(Drm_Clock_SetTrustedTime(D, NOW - 86400), DRM_SUCCESS);
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kids[1], DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_SUCCESS);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_SUCCESS);
    EXPECT_RC(reboot(), DRM_SUCCESS);
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &kids[1], DRM_KX_ALG_AES128_CBC, DRM_KX_OP_ENCRYPT), DRM_SUCCESS);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_SUCCESS);
    g_clock = NOW;
    EXPECT_RC(Drm_Uninitialize(D), DRM_SUCCESS);
}

/* A power cut at every flash write and erase of a license delivery (2 licenses and their
 * session record in one commit): after each reboot all of it is in the store, or none. */
static void test_acquisition_cuts(void) {
    DRM_KID kids[FX_CONTENT_COUNT];
    DRM_LICENSE_RESPONSE r;
    size_t resp_len;
    long cut;
    int i, done = 0, cuts = 0;

    boot(D, &g_flash);
    EXPECT_RC(Drm_Store_Format(D), DRM_SUCCESS);
    for (i = 0; i < FX_CONTENT_COUNT; i++) memcpy(kids[i].rgb, FX_CONTENT_KIDS[i], 16);
    for (cut = 0; cut < 200 && !done; cut++) {
        DRM_RESULT rc;
        uint32_t lic, all;
        if (!write_challenge(kids, FX_CONTENT_COUNT)) break;
        CHECK(fixture("license challenge.xml response.xml cuts.txt >/dev/null") == 0, "license server");
        resp_len = read_file("response.xml", g_resp, sizeof g_resp);
        g_flash.cut_after = cut;
        rc = process(resp_len, &r);
        if (rc == DRM_SUCCESS && !g_flash.cut) {
            g_flash.cut_after = -1;
            CHECK(r.stored_count == FX_CONTENT_COUNT, "%u stored", r.stored_count);
            break;
        }
        cuts++;
        EXPECT_RC(reboot(), DRM_SUCCESS);
        lic = license_count(D);
        all = session_count(D, 0);
        CHECK((lic == 0 && all == 0) || (lic == FX_CONTENT_COUNT && all == 1),
              "after a cut at %ld: %u licenses, %u sessions", cut, lic, all);
        done = lic == FX_CONTENT_COUNT; /* the cut came after the commit point */
    }
    CHECK(cuts > 3, "%d cuts during the delivery", cuts);
    printf("power cuts during a license delivery: %d, all or nothing after each\n", cuts);
    CHECK(license_count(D) == FX_CONTENT_COUNT && session_count(D, 0) == 1, "delivered after the cuts");
    EXPECT_RC(Drm_Uninitialize(D), DRM_SUCCESS);
}

/* Drm_KeyExchange_PrepareKey on a format-2 KeyExchangeLicense of three keys (HMAC-SHA256 sign,
 * AES-128-CBC encrypt, ECDSA-P256 verify): each key by index and by key id, its Perform compared
 * with the server's side of that key; each key's one operation; keys the license does not hold;
 * the ways of naming a key that are refused; Drm_KeyExchange_Prepare binds key 0. */
static void test_multi_key(void) {
    struct kx_case keys[FX_MULTI_COUNT];
    DRM_KID license, key_id, unknown;
    DRM_LICENSE_RESPONSE r;
    size_t resp_len;
    int i, n;

    boot(D, &g_flash);
    EXPECT_RC(Drm_Store_Format(D), DRM_SUCCESS);
    memcpy(license.rgb, FX_MULTI_KID, 16);
    memcpy(unknown.rgb, FX_UNKNOWN_KID, 16);
    if (!write_challenge(&license, 1)) return;
    CHECK(fixture("license challenge.xml response.xml multi.txt") == 0, "license server");
    resp_len = read_file("response.xml", g_resp, sizeof g_resp);
    EXPECT_RC(process(resp_len, &r), DRM_SUCCESS);
    CHECK(r.stored_count == 1 && r.licenses[0].key_exchange == 1, "%u multi-key licenses stored", r.stored_count);
    n = read_cases("multi.txt", keys, FX_MULTI_COUNT);
    CHECK(n == FX_MULTI_COUNT, "%d key expectations", n);

    for (i = 0; i < n; i++) {
        const struct kx_case *c = &keys[i];
        CHECK(memcmp(c->kid, FX_MULTI[i].kid, 16) == 0 && c->alg == FX_MULTI[i].alg && c->op == FX_MULTI[i].op,
              "key %d's expectation", i);
        memcpy(key_id.rgb, c->kid, 16);
        /* By index, then by key id: the same key, the server's results. */
        run_case_key(c, 0, &license, (uint32_t)i, NULL);
        run_case_key(c, 1, &license, DRM_KX_KEY_INDEX_NONE, &key_id);
        /* The key's one operation: the opposite one is refused, nothing opens. */
        EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, (uint32_t)i, NULL, c->alg,
                                             c->op == 1 ? 2 : c->op == 2 ? 1 : c->op == 3 ? 4 : 3),
                  DRM_E_KX_OPERATION_NOT_ALLOWED);
        EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_KX_NOT_OPEN);
        /* Another key's algorithm and operation under this key's name: refused. */
        EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, (uint32_t)i, NULL, keys[(i + 1) % n].alg,
                                             keys[(i + 1) % n].op),
                  DRM_E_KX_OPERATION_NOT_ALLOWED);
        EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_KX_NOT_OPEN);
    }
    /* Keys the license does not hold. */
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, FX_MULTI_COUNT, NULL, keys[0].alg, keys[0].op),
              DRM_E_LICENSE_KEY_NOT_FOUND);
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, 7, NULL, keys[0].alg, keys[0].op), DRM_E_LICENSE_KEY_NOT_FOUND);
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, DRM_KX_KEY_INDEX_NONE, &unknown, keys[0].alg, keys[0].op),
              DRM_E_LICENSE_KEY_NOT_FOUND);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_KX_NOT_OPEN);
    /* A license not in the store; misuse. */
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &unknown, 0, NULL, keys[0].alg, keys[0].op), DRM_E_LICENSE_NOT_FOUND);
    memcpy(key_id.rgb, keys[0].kid, 16);
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, NULL, 0, NULL, keys[0].alg, keys[0].op), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, 0, &key_id, keys[0].alg, keys[0].op), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, DRM_KX_KEY_INDEX_NONE, NULL, keys[0].alg, keys[0].op),
              DRM_E_INVALIDARG);
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, 70000, NULL, keys[0].alg, keys[0].op), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_KeyExchange_PrepareKey(D, &license, 0, NULL, 9, keys[0].op), DRM_E_INVALIDARG);
    EXPECT_RC(Drm_KeyExchange_PrepareKey(NULL, &license, 0, NULL, keys[0].alg, keys[0].op),
              DRM_E_CAPI_NOT_INITIALIZED);
    EXPECT_RC(Drm_KeyExchange_Close(D), DRM_E_CAPI_KX_NOT_OPEN);
    /* Drm_KeyExchange_Prepare (which names the license) binds key 0 (the HMAC sign key), and
     * only its operation. */
    {
        struct kx_case first = keys[0];
        memcpy(first.kid, FX_MULTI_KID, 16);
        run_case(&first, 1);
    }
    EXPECT_RC(Drm_KeyExchange_Prepare(D, &license, keys[1].alg, keys[1].op), DRM_E_KX_OPERATION_NOT_ALLOWED);
    /* After a reboot, from the flash: key 2 by its id. */
    EXPECT_RC(reboot(), DRM_SUCCESS);
    memcpy(key_id.rgb, keys[2].kid, 16);
    run_case_key(&keys[2], 1, &license, DRM_KX_KEY_INDEX_NONE, &key_id);
    printf("multi-key license: %d keys, each prepared by index and by key id against the server's side\n", n);
    EXPECT_RC(Drm_Uninitialize(D), DRM_SUCCESS);
}

/* A port short of RAM gives Drm_GetContextSize() bytes (heap here, so that ASan and valgrind see
 * any access past them): the whole device flow works in them. */
static void test_small_context(void) {
    size_t need = Drm_GetContextSize();
    DRM_OEM_CALLBACKS cb = callbacks(&g_flash);
    DRM_CONTEXT *small;
    uint32_t how = 9;
    int i;
    CHECK(need > 64 && need <= DRM_CONTEXT_SIZE, "Drm_GetContextSize() = %zu", need);
    small = (DRM_CONTEXT *)malloc(need);
    CHECK(small != NULL, "malloc");
    if (!small) return;
    EXPECT_RC(Drm_Initialize(small, need - 1, &cb), DRM_E_BUFFERTOOSMALL);
    D = small;
    g_ctx_size = need;
    boot(D, &g_flash);
    EXPECT_RC(Drm_Store_Format(D), DRM_SUCCESS);
    EXPECT_RC(Drm_Store_Open(D, &how), DRM_SUCCESS);
    CHECK(how == DRM_STORE_MOUNTED, "small context: how %u", how);
    memcpy(g_image, g_flash.mem, sizeof g_image); /* the empty store's image */
    test_acquire_key_exchange();
    for (i = 0; i < g_case_count; i++) run_case(&g_cases[i], 1);
    /* The empty store's image written back (a whole-image rollback): with the monotonic
     * counter the mount refuses it; without one it mounts, empty (the documented limit). */
    memcpy(g_image2, g_flash.mem, sizeof g_image2);
    memcpy(g_flash.mem, g_image, sizeof g_image);
#ifdef CAPI_TEST_COUNTER
    EXPECT_RC(Drm_Store_Mount(D), DRM_E_HDS_ROLLBACK);
    CHECK(g_counter > 0, "the counter was never incremented");
#else
    EXPECT_RC(Drm_Store_Mount(D), DRM_SUCCESS);
    CHECK(license_count(D) == 0, "the rolled-back image has licenses");
#endif
    memcpy(g_flash.mem, g_image2, sizeof g_image2);
    EXPECT_RC(Drm_Store_Mount(D), DRM_SUCCESS);
    CHECK(license_count(D) == FX_KX_COUNT, "licenses after the image came back");
    EXPECT_RC(Drm_Uninitialize(D), DRM_SUCCESS);
    D = &g_ctx;
    g_ctx_size = sizeof(DRM_CONTEXT);
    free(small);
}

int main(int argc, char **argv) {
    DRM_ID session;
    if (argc != 3) {
        fprintf(stderr, "usage: %s FIXTURE WORKDIR\n", argv[0]);
        return 2;
    }
    g_fixture = argv[1];
    g_dir = argv[2];
    memcpy(g_keys.signing_private_key, FX_SIGNING_KEY, 32);
    memcpy(g_keys.encryption_private_key, FX_ENCRYPTION_KEY, 32);
    memcpy(g_keys.device_secret, FX_DEVICE_SECRET, 32);
    g_flash.cut_after = -1;

    test_initialize_misuse();
    test_store_open();
    test_challenge_misuse();
    test_acquire_key_exchange();
    test_key_exchange();
    test_acquire_content(&session);
    test_secure_delete(&session);
    test_reboot_and_lifecycle();
    test_format_cut();
    test_oem_identity_and_multiwrite();
    test_clock();
    test_acquisition_cuts();
    test_multi_key();
    test_small_context();

#ifdef CAPI_TEST_COUNTER
    printf("capi_test (monotonic-counter build): %d checks, %d failed\n", g_checks, g_failed);
#else
    printf("capi_test: %d checks, %d failed\n", g_checks, g_failed);
#endif
    return g_failed == 0 ? 0 : 1;
}
