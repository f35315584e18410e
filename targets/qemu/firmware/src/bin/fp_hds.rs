//! Footprint firmware (drm-hds alone: format, put, get, delete, mount): `scripts/bench` measures its flash and static RAM beside
//! `fp_base` (the board's runtime alone). It runs under QEMU too.
#![no_std]
#![no_main]

#[path = "../bench/ops.rs"]
mod ops;

drm_board::suite!(run);

fn run() -> drm_board::harness::TestResult {
    ops::hds_all()
}
