#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod calls;
pub mod clock;
pub mod context;
pub mod delivery;
pub mod error;
pub mod licenses;
pub mod vault;

pub use calls::{
    ANTI_ROLLBACK, MAX_LICENSE_LEN, TrustedTime, bind, bind_content_key, bind_key, content_key,
    prepare, prepare_key,
};
pub use clock::{AntiRollbackClock, ClockStatus, SecureStore};
pub use context::{
    AesCbcDecrypt, AesCbcDecryptor, AesCbcEncrypt, AesCbcEncryptor, Context, EcdsaSign,
    EcdsaSigner, EcdsaVerifier, EcdsaVerify, HmacSign, HmacSigner, HmacVerifier, HmacVerify,
    KeySlot, Operation,
};
pub use delivery::{LicenseReport, Outcome, Report, deliver, deliver_acquired, stage};
pub use drm_core::xmr::{KeyRef, MAX_KX_KEYS};
pub use error::{Error, Result};
