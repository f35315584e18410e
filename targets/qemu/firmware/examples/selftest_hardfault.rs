//! Runner self-test: a HardFault (an undefined instruction, escalated to HardFault) inside a test.
//! Expected verdict: hardfault in test `deliberate_hardfault`.
#![no_std]
#![no_main]

use drm_board::harness::TestResult;

drm_board::suite!(passes, deliberate_hardfault);

fn passes() -> TestResult {
    Ok(())
}

fn deliberate_hardfault() -> TestResult {
    if core::hint::black_box(true) {
        cortex_m::asm::udf();
    }
    Ok(())
}
