/* Semihosting (ARM "angel" calls through `bkpt 0xab`): text to QEMU's stdout and the exit code,
 * and a small line printer (no printf: newlib's costs flash and needs system call stubs). */
#ifndef CFW_SEMIHOST_H
#define CFW_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes, as drm-board's (targets/qemu/README.md, the runner's table). */
#define EXIT_SUCCESS_CODE 0
#define EXIT_STEPS_FAILED 1
#define EXIT_PANIC 101
#define EXIT_HARDFAULT 102

/* Ends the program: QEMU exits with `code` (SYS_EXIT_EXTENDED). */
__attribute__((noreturn)) void semihost_exit(int code);

/* The line printer: text is collected and written to the host's stdout with one SYS_WRITE at
 * each '\n' (or when the buffer is full). */
void out_str(const char *s);
void out_bytes(const char *s, size_t len);
void out_dec(uint32_t v);
void out_hex32(uint32_t v);
void out_hex(const uint8_t *bytes, size_t len);
void out_nl(void);

#endif
