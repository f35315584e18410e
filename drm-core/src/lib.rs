#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod acquire;
pub mod base64;
pub mod bcert;
pub mod crypto;
pub mod error;
pub mod ids;
pub mod platform;
pub mod secret;
pub mod selftest;
#[cfg(feature = "insecure-test-rng")]
pub mod test_rng;
mod wire;
pub mod xml;
pub mod xmr;

pub use error::{Error, Result};
pub use ids::{Id, Kid, Lid, SessionId};
