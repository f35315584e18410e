/* Boot, semihosting and exit on the board, and the NOR flash's rules (the C ABI steps come with
 * the drm-capi header). */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "nor.h"
#include "rng.h"
#include "semihost.h"
#include "stack.h"

static unsigned passed, failed;

static void step(const char *name, int ok, const char *detail)
{
    out_str(ok ? "PASS " : "FAIL ");
    out_str(name);
    if (detail != 0 && detail[0] != '\0') {
        out_str(": ");
        out_str(detail);
    }
    out_nl();
    if (ok) {
        passed++;
    } else {
        failed++;
    }
}

/* The NOR rules the callbacks enforce, on the last store page (erased again afterwards). */
static int nor_rules(void)
{
    const uint32_t page = (STORE_PAGES - 1u) * NOR_PAGE_SIZE;
    uint8_t w[4] = {0xF0, 0x0F, 0xFF, 0x00}, r[4];
    uint8_t back[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    int ok = 1;
#define CHECK(cond) do { if (!(cond)) { out_str("  check failed: " #cond); out_nl(); ok = 0; } } while (0)
    CHECK(nor_erase(page, NOR_PAGE_SIZE) == NOR_OK);
    CHECK(nor_read(page, r, 4) == NOR_OK && memcmp(r, back, 4) == 0);
    CHECK(nor_write(page, w, 4) == NOR_OK);
    CHECK(nor_read(page, r, 4) == NOR_OK && memcmp(r, w, 4) == 0);
    CHECK(nor_write(page, back, 4) == NOR_SETS_BITS); /* 0 -> 1 without an erase */
    CHECK(nor_write(page + 1u, w, 4) == NOR_NOT_ALIGNED);
    CHECK(nor_write(NOR_STORE_BYTES, w, 4) == NOR_OUT_OF_BOUNDS);
    CHECK(nor_erase(page - NOR_PAGE_SIZE + 4u, NOR_PAGE_SIZE) == NOR_NOT_ALIGNED);
    CHECK(nor_read(page, r, 4) == NOR_OK && memcmp(r, w, 4) == 0);
    CHECK(nor_erase(page, NOR_PAGE_SIZE) == NOR_OK);
    CHECK(nor_read(page, r, 4) == NOR_OK && memcmp(r, back, 4) == 0);
    uint64_t before = nor_counter_read();
    CHECK(nor_counter_increment() == NOR_OK && nor_counter_increment() == NOR_OK);
    CHECK(nor_counter_read() == before + 2u);
    return ok;
}

int main(void)
{
    stack_paint();
    out_str("c-firmware on " BOARD_NAME ": stack ");
    out_dec(stack_size());
    out_str(" bytes");
    out_nl();
    nor_erase_all();
    step("nor flash rules", nor_rules(), "erase to 0xFF, writes only clear bits, counter");
    uint8_t a[16], b[16];
    rng_seed(1);
    rng_fill(a, 3);
    rng_fill(a + 3, 13);
    rng_seed(1);
    rng_fill(b, 16);
    step("rng stream", memcmp(a, b, 16) == 0, "the same bytes however they are asked for");
    out_str("stack peak ");
    out_dec(stack_peak());
    out_str(" of ");
    out_dec(stack_size());
    out_nl();
    out_str(failed == 0 ? "RESULT PASS " : "RESULT FAIL ");
    out_dec(passed);
    out_str(" passed, ");
    out_dec(failed);
    out_str(" failed");
    out_nl();
    return failed == 0 ? EXIT_SUCCESS_CODE : EXIT_STEPS_FAILED;
}
