//! Runner self-test: unbounded recursion overflows the stack. Expected verdict: stack-overflow
//! (the MPU guard, mps2-an385/an386) or lockup (the other boards) in test `deliberate_stack_overflow`.
#![no_std]
#![no_main]

use drm_board::harness::TestResult;

drm_board::suite!(passes, deliberate_stack_overflow);

fn passes() -> TestResult {
    Ok(())
}

#[inline(never)]
fn recurse(depth: u32) -> u32 {
    let frame = core::hint::black_box([depth; 32]);
    if core::hint::black_box(depth) == u32::MAX {
        return 0;
    }
    recurse(depth.wrapping_add(1)).wrapping_add(frame.iter().sum::<u32>())
}

fn deliberate_stack_overflow() -> TestResult {
    if core::hint::black_box(recurse(0)) == 1 {
        return Err("unreachable");
    }
    Ok(())
}
