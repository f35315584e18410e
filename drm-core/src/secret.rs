//! Secret key types: zeroized on drop, never printed, compared in constant time.
//!
//! None of these types is `Copy` or `Clone`; the raw bytes are reachable only through the
//! explicitly named `expose_secret` accessor, so every place that touches key bytes is greppable.

use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident, $len:expr) => {
        $(#[$meta])*
        pub struct $name([u8; $len]);

        impl $name {
            /// Length of the secret in bytes.
            pub const LEN: usize = $len;

            /// Takes ownership of raw key bytes. The caller should zeroize its own copy.
            #[must_use]
            pub const fn from_bytes(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }

            /// Copies key bytes from a slice; `None` when the length is not exactly `LEN`.
            #[must_use]
            pub fn try_from_slice(bytes: &[u8]) -> Option<Self> {
                let array: &[u8; $len] = bytes.try_into().ok()?;
                Some(Self(*array))
            }

            /// The raw key bytes. Named so that every use is visible in review.
            #[must_use]
            pub const fn expose_secret(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl Zeroize for $name {
            fn zeroize(&mut self) {
                self.0.zeroize();
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }

        impl ZeroizeOnDrop for $name {}

        impl ConstantTimeEq for $name {
            fn ct_eq(&self, other: &Self) -> Choice {
                self.0.ct_eq(&other.0)
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.ct_eq(other).into()
            }
        }

        impl Eq for $name {}

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        #[cfg(feature = "defmt")]
        impl defmt::Format for $name {
            fn format(&self, f: defmt::Formatter<'_>) {
                defmt::write!(f, "{=str}(<redacted>)", stringify!($name));
            }
        }
    };
}

secret_type!(
    /// An AES-128 key (content keys, content-integrity keys, key-exchange AES keys).
    Aes128Key,
    16
);
secret_type!(
    /// An HMAC-SHA256 key of 32 bytes (key-exchange HMAC keys, the store key).
    HmacKey,
    32
);
secret_type!(
    /// A P-256 private scalar, 32 bytes big-endian.
    EccPrivateKey,
    32
);
secret_type!(
    /// A 32-byte secret without a more specific meaning, such as the x coordinate recovered by
    /// ElGamal decryption (`CI ‖ CK`).
    Secret32,
    32
);

impl Secret32 {
    /// Splits into two AES-128 keys: the first and the last 16 bytes (for ElGamal-wrapped
    /// `CI ‖ CK`, the content-integrity key and the content key; for a Secure Delete point,
    /// `IV ‖ key`).
    #[must_use]
    pub fn split_aes128(&self) -> (Aes128Key, Aes128Key) {
        let (first, last) = self.0.split_at(16);
        let mut a = [0u8; 16];
        let mut b = [0u8; 16];
        a.copy_from_slice(first);
        b.copy_from_slice(last);
        let keys = (Aes128Key::from_bytes(a), Aes128Key::from_bytes(b));
        a.zeroize();
        b.zeroize();
        keys
    }
}
