//! Runner self-test: a failing check. Expected verdict: test-failed, naming `deliberate_check_failure`.
#![no_std]
#![no_main]

use drm_board::check_eq;
use drm_board::harness::TestResult;

drm_board::suite!(passes, deliberate_check_failure, passes_after);

fn passes() -> TestResult {
    Ok(())
}

fn deliberate_check_failure() -> TestResult {
    check_eq!(core::hint::black_box(1 + 1), 3);
    Ok(())
}

fn passes_after() -> TestResult {
    Ok(())
}
