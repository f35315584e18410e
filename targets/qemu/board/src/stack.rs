//! Stack measurement by painting: [`paint`] fills the free stack below the stack pointer with a
//! pattern, the code to measure runs, and [`peak`] finds the deepest word it overwrote.
//!
//! ```ignore
//! drm_board::stack::paint();
//! let before = drm_board::stack::depth();
//! operation();
//! let used_below_here = drm_board::stack::peak() - before;
//! ```
//!
//! A word the code wrote with the pattern's own value goes unseen (the figure is then low by
//! that word at most, unless the whole deepest frame happens to hold it).

/// The pattern of painted words.
pub const PAINT: u32 = 0xAAAA_5555;

/// The top of the stack (it grows down from here).
const TOP: u32 = crate::STACK_BOTTOM + crate::STACK_SIZE;

/// The lowest usable stack address (above the MPU guard where there is one).
const LOW: u32 = crate::STACK_BOTTOM + crate::STACK_GUARD;

/// Bytes of stack in use at the caller: from the top to the current stack pointer.
#[inline(always)]
#[must_use]
pub fn depth() -> u32 {
    TOP - cortex_m::register::msp::read()
}

/// Paints the free stack below the current stack pointer, keeping 64 bytes for its own frame.
#[allow(unsafe_code)]
#[inline(never)]
pub fn paint() {
    let sp = cortex_m::register::msp::read();
    let mut a = LOW;
    while a + 64 < sp {
        // SAFETY: below the stack pointer and above the guard: free stack that nothing else uses
        // (the boards run no interrupt handlers).
        unsafe { core::ptr::write_volatile(a as *mut u32, PAINT) };
        a += 4;
    }
}

/// The deepest stack use since the last [`paint`], in bytes from the top of the stack; then
/// paints again, so that the next call measures what follows.
#[allow(unsafe_code)]
#[inline(never)]
#[must_use]
pub fn peak() -> u32 {
    let mut a = LOW;
    // SAFETY: reads of this core's stack area (RAM), above the guard.
    while a < TOP && unsafe { core::ptr::read_volatile(a as *const u32) } == PAINT {
        a += 4;
    }
    paint();
    TOP - a
}
