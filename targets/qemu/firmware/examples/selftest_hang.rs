//! Runner self-test: a test that never returns. Expected verdict: timeout in test `deliberate_hang`.
#![no_std]
#![no_main]

use drm_board::harness::TestResult;

drm_board::suite!(passes, deliberate_hang);

fn passes() -> TestResult {
    Ok(())
}

fn deliberate_hang() -> TestResult {
    loop {
        cortex_m::asm::nop();
    }
}
