//! Simulated servers and integration test support.
