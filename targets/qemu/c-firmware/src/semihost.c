#include "semihost.h"

#define SYS_OPEN 0x01
#define SYS_WRITE 0x05
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int semihost_call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static char line[128];
static size_t used;
/* The host's stdout (":tt" opened for writing), opened at the first line. */
static int handle = -1;

static void flush(void)
{
    if (handle < 0) {
        const uint32_t open[3] = {(uint32_t)(uintptr_t)":tt", 4u /* "w" */, 3u};
        handle = semihost_call(SYS_OPEN, open);
    }
    const uint32_t write[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)line, (uint32_t)used};
    semihost_call(SYS_WRITE, write);
    used = 0;
}

static void out_char(char c)
{
    if (used == sizeof line) {
        flush();
    }
    line[used++] = c;
    if (c == '\n') {
        flush();
    }
}

void semihost_exit(int code)
{
    if (used != 0) {
        flush();
    }
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    semihost_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}

void out_bytes(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out_char(s[i]);
    }
}

void out_str(const char *s)
{
    while (*s != '\0') {
        out_char(*s++);
    }
}

void out_dec(uint32_t v)
{
    char digits[10];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    while (n > 0u) {
        out_char(digits[--n]);
    }
}

static void out_nibble(uint32_t v)
{
    out_char("0123456789abcdef"[v & 0xFu]);
}

void out_hex32(uint32_t v)
{
    out_str("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        out_nibble(v >> shift);
    }
}

void out_hex(const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out_nibble(bytes[i] >> 4);
        out_nibble(bytes[i]);
    }
}

void out_nl(void)
{
    out_char('\n');
}
