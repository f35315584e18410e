/* Stack measurement by painting (as drm_board::stack): stack_paint fills the free stack below the
 * stack pointer with a pattern; stack_peak finds the deepest word written since and paints again. */
#ifndef CFW_STACK_H
#define CFW_STACK_H

#include <stdint.h>

#define STACK_PAINT 0xAAAA5555u

/* The stack's size in bytes (ld: the STACK region). */
uint32_t stack_size(void);
/* Bytes in use at the caller: from the top of the stack to the stack pointer. */
uint32_t stack_depth(void);
/* Paints the free stack below the stack pointer, keeping 64 bytes for its own frame. */
void stack_paint(void);
/* The deepest stack use since the last paint, in bytes from the top; then paints again. */
uint32_t stack_peak(void);

#endif
