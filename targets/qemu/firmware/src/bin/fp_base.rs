//! Footprint firmware: the board's runtime alone (start-up, harness, defmt over semihosting),
//! no kit crate. `scripts/bench` subtracts it from the other `fp_*` firmwares.
#![no_std]
#![no_main]

drm_board::suite!(run);

fn run() -> drm_board::harness::TestResult {
    Ok(())
}
