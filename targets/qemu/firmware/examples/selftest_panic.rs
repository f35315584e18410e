//! Runner self-test: a panic inside a test. Expected verdict: panic in test `deliberate_panic`.
#![no_std]
#![no_main]

use drm_board::harness::TestResult;

drm_board::suite!(passes, deliberate_panic);

fn passes() -> TestResult {
    Ok(())
}

#[allow(clippy::panic)]
fn deliberate_panic() -> TestResult {
    if core::hint::black_box(true) {
        panic!("deliberate panic");
    }
    Ok(())
}
