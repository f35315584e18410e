//! The kit's integration tests (`tests/`) and the tools that prepare test inputs (`examples/`):
//! the client crates run against the simulated servers of `drm-servers`, which share none of their
//! code. This library is empty; everything is in the test and example targets.
#![no_std]
