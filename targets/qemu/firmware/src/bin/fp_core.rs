//! Footprint firmware (drm-core alone: a license acquisition challenge, a license verified): `scripts/bench` measures its flash and static RAM beside
//! `fp_base` (the board's runtime alone). It runs under QEMU too.
#![no_std]
#![no_main]

#[path = "../bench/ops.rs"]
mod ops;

drm_board::suite!(run);

fn run() -> drm_board::harness::TestResult {
    ops::core_all()
}
