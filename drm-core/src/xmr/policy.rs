//! The policy types of an XMR license: key types, the key exchange algorithm, operation and policy.

use crate::error::{Error, Result};
use crate::ids::Kid;

/// The symmetric key type of the content key object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum KeyType {
    /// 1: AES-128-CTR content key.
    AesCtr,
    /// 3: AES-128-ECB content key.
    AesEcb,
    /// 5: AES-128-CBC content key.
    AesCbc,
    /// 6: a key exchange key (KeyExchangeLicense).
    KeyExchange,
}

impl KeyType {
    /// The value in the content key object.
    #[must_use]
    pub const fn value(self) -> u16 {
        match self {
            KeyType::AesCtr => 1,
            KeyType::AesEcb => 3,
            KeyType::AesCbc => 5,
            KeyType::KeyExchange => 6,
        }
    }

    /// The key type of `value`; [`Error::Unsupported`] for any other.
    pub const fn from_value(value: u16) -> Result<Self> {
        match value {
            1 => Ok(KeyType::AesCtr),
            3 => Ok(KeyType::AesEcb),
            5 => Ok(KeyType::AesCbc),
            6 => Ok(KeyType::KeyExchange),
            _ => Err(Error::Unsupported),
        }
    }
}

/// Key exchange algorithm (KEY-EXCHANGE-FORMAT §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum KxAlgorithm {
    /// 1: AES-128-CBC, no padding, caller IV.
    AesCbc,
    /// 2: HMAC-SHA256.
    HmacSha256,
    /// 3: ECDSA-P256-SHA256.
    EcdsaP256,
}

impl KxAlgorithm {
    /// The value in the policy object.
    #[must_use]
    pub const fn value(self) -> u16 {
        match self {
            KxAlgorithm::AesCbc => 1,
            KxAlgorithm::HmacSha256 => 2,
            KxAlgorithm::EcdsaP256 => 3,
        }
    }
}

/// Key exchange operation (KEY-EXCHANGE-FORMAT §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum KxOperation {
    /// 1: encrypt.
    Encrypt,
    /// 2: decrypt.
    Decrypt,
    /// 3: sign (for HMAC: compute a tag).
    Sign,
    /// 4: verify (for HMAC: check a tag).
    Verify,
}

impl KxOperation {
    /// The value in the policy object.
    #[must_use]
    pub const fn value(self) -> u16 {
        match self {
            KxOperation::Encrypt => 1,
            KxOperation::Decrypt => 2,
            KxOperation::Sign => 3,
            KxOperation::Verify => 4,
        }
    }
}

/// The key exchange policy object (`0x7E01`): the one algorithm and operation the license's key
/// may be used for. Only the valid pairs of KEY-EXCHANGE-FORMAT §2 can be represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct KeyExchangePolicy {
    pub(super) algorithm: KxAlgorithm,
    pub(super) operation: KxOperation,
}

impl KeyExchangePolicy {
    /// The policy for `algorithm` and `operation`; [`Error::Unsupported`] for a pair that
    /// KEY-EXCHANGE-FORMAT §2 does not list.
    pub const fn new(algorithm: KxAlgorithm, operation: KxOperation) -> Result<Self> {
        let valid = matches!(
            (algorithm, operation),
            (
                KxAlgorithm::AesCbc,
                KxOperation::Encrypt | KxOperation::Decrypt
            ) | (
                KxAlgorithm::HmacSha256 | KxAlgorithm::EcdsaP256,
                KxOperation::Sign | KxOperation::Verify
            )
        );
        if valid {
            Ok(Self {
                algorithm,
                operation,
            })
        } else {
            Err(Error::Unsupported)
        }
    }

    /// Decodes the values of the policy object; [`Error::Unsupported`] for unknown values or an
    /// invalid pair.
    pub const fn from_values(algorithm: u16, operation: u16) -> Result<Self> {
        let algorithm = match algorithm {
            1 => KxAlgorithm::AesCbc,
            2 => KxAlgorithm::HmacSha256,
            3 => KxAlgorithm::EcdsaP256,
            _ => return Err(Error::Unsupported),
        };
        let operation = match operation {
            1 => KxOperation::Encrypt,
            2 => KxOperation::Decrypt,
            3 => KxOperation::Sign,
            4 => KxOperation::Verify,
            _ => return Err(Error::Unsupported),
        };
        Self::new(algorithm, operation)
    }

    /// The algorithm.
    #[must_use]
    pub const fn algorithm(&self) -> KxAlgorithm {
        self.algorithm
    }

    /// The one allowed operation.
    #[must_use]
    pub const fn operation(&self) -> KxOperation {
        self.operation
    }

    /// Length of the key the client receives: 16 (AES), 32 (HMAC, ECDSA private scalar) or 64
    /// (ECDSA public `X ‖ Y`).
    #[must_use]
    pub const fn key_len(&self) -> usize {
        match (self.algorithm, self.operation) {
            (KxAlgorithm::AesCbc, _) => 16,
            (KxAlgorithm::EcdsaP256, KxOperation::Verify) => 64,
            _ => 32,
        }
    }
}

/// Names one key of a KeyExchangeLicense (KEY-EXCHANGE-FORMAT §2.1): by its index in the policy
/// table (`0` to count − 1) or by its key id. A format-1 license holds one key: index `0`, whose
/// id is the content key object's KID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum KeyRef {
    /// The key at this index of the policy table.
    Index(u16),
    /// The key with this key id.
    Id(Kid),
}

impl KeyRef {
    /// The first key of a license: the only key of a format-1 license.
    pub const FIRST: KeyRef = KeyRef::Index(0);

    /// True when this names the key with `index` and `id`.
    pub(super) fn names(&self, index: u16, id: &[u8; 16]) -> bool {
        match self {
            KeyRef::Index(i) => *i == index,
            KeyRef::Id(kid) => kid.as_bytes() == id,
        }
    }
}
