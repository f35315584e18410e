#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;

pub mod counters;
pub mod error;
pub mod layout;
mod store;
mod txn;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(feature = "std")]
pub mod file;

pub use error::{Error, Refused, Result};
pub use store::{Config, MAX_PAGES, NoCounter, Opened, Stats, Store};
pub use txn::{MAX_TRANSACTION_OPS, Namespace, Transaction};
