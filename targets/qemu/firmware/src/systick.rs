//! SysTick as an instruction counter: under QEMU `-icount shift=0` one instruction takes one
//! virtual nanosecond and SysTick counts down at 25 MHz, so one tick is 40 instructions
//! (deterministic to within a tick). Shared by `bin/bench_ops.rs` and `bin/ct_p256.rs`, each of
//! which includes this file as a module.

use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;

/// Instructions per SysTick tick under `-icount shift=0`.
pub const INSTRUCTIONS_PER_TICK: u32 = 40;

/// Starts SysTick as a 24-bit down-counter at its full range.
pub fn start() {
    #[allow(unsafe_code)]
    // SAFETY: the only user of SysTick in these firmwares.
    let mut syst = unsafe { cortex_m::Peripherals::steal() }.SYST;
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(0x00FF_FFFF);
    syst.clear_current();
    syst.enable_counter();
}

/// The counter now.
pub fn now() -> u32 {
    SYST::get_current()
}

/// Instructions between two readings `t0` then `t1` (one wrap of the 24-bit counter at most:
/// 2^24 ticks are 671 M instructions).
pub fn instructions(t0: u32, t1: u32) -> u32 {
    (t0.wrapping_sub(t1) & 0x00FF_FFFF).wrapping_mul(INSTRUCTIONS_PER_TICK)
}
