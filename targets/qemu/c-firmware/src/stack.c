#include "stack.h"

extern uint32_t __stack_bottom[], __stack_top[];

static uint32_t sp(void)
{
    uint32_t v;
    __asm__ volatile("mov %0, sp" : "=r"(v));
    return v;
}

uint32_t stack_size(void)
{
    return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom);
}

uint32_t stack_depth(void)
{
    return (uint32_t)(uintptr_t)__stack_top - sp();
}

__attribute__((noinline)) void stack_paint(void)
{
    uint32_t limit = sp() - 64u;
    for (volatile uint32_t *a = __stack_bottom; (uint32_t)(uintptr_t)a < limit; a++) {
        *a = STACK_PAINT;
    }
}

__attribute__((noinline)) uint32_t stack_peak(void)
{
    volatile uint32_t *a = __stack_bottom;
    while (a < __stack_top && *a == STACK_PAINT) {
        a++;
    }
    uint32_t peak = (uint32_t)((uintptr_t)__stack_top - (uintptr_t)a);
    stack_paint();
    return peak;
}
