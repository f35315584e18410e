//! 16-byte identifiers: KID, LID and SessionID as one type family [`Id<K>`].
//!
//! On the wire (XMR bytes, base64 in XML) the 16 bytes are used as they are. Printed as a GUID
//! (PROTOCOL §1), the first three groups are byte-reversed, as in Microsoft's GUID layout: the
//! bytes `01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10` print as
//! `04030201-0605-0807-090a-0b0c0d0e0f10`. [`Id::write_guid`] and [`Id::parse_guid`] are the
//! only places that know this rule.
//!
//! The kinds are distinct types, so a KID cannot be passed where a SessionID is expected.

use core::fmt;
use core::marker::PhantomData;

use crate::error::{Error, Result};

/// Length of an id in bytes.
pub const ID_LEN: usize = 16;
/// Length of the GUID text of an id (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
pub const GUID_LEN: usize = 36;
/// Length of the base64 text of an id.
pub const BASE64_LEN: usize = 24;

/// What kind of id an [`Id`] is. Implemented by the marker types in this module only.
pub trait IdKind: sealed::Sealed + Copy + Eq + Ord + core::hash::Hash + fmt::Debug {
    /// The kind's name in `Debug` output.
    const NAME: &'static str;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! id_kind {
    ($(#[$meta:meta])* $marker:ident, $alias:ident, $name:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $marker {}
        impl sealed::Sealed for $marker {}
        impl IdKind for $marker {
            const NAME: &'static str = $name;
        }
        #[doc = concat!("A ", $name, ": an [`Id`] of kind [`", stringify!($marker), "`].")]
        pub type $alias = Id<$marker>;
    };
}

id_kind!(
    /// Marker for key ids (KID).
    KeyIdKind,
    Kid,
    "Kid"
);
id_kind!(
    /// Marker for license ids (LID, the XMR rights id).
    LicenseIdKind,
    Lid,
    "Lid"
);
id_kind!(
    /// Marker for Secure Delete session ids.
    SessionIdKind,
    SessionId,
    "SessionId"
);

/// A 16-byte identifier of kind `K` ([`Kid`], [`Lid`], [`SessionId`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id<K: IdKind> {
    bytes: [u8; ID_LEN],
    kind: PhantomData<K>,
}

impl<K: IdKind> Id<K> {
    /// The all-zero id.
    pub const NIL: Self = Self::from_bytes([0; ID_LEN]);

    /// The id of these wire bytes.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; ID_LEN]) -> Self {
        Self {
            bytes,
            kind: PhantomData,
        }
    }

    /// The id of a 16-byte slice; [`Error::InvalidArgument`] for any other length.
    pub fn try_from_slice(bytes: &[u8]) -> Result<Self> {
        let bytes: [u8; ID_LEN] = bytes.try_into().map_err(|_| Error::InvalidArgument)?;
        Ok(Self::from_bytes(bytes))
    }

    /// A random id.
    pub fn random<R: rand_core::TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut bytes = [0u8; ID_LEN];
        rng.try_fill_bytes(&mut bytes).map_err(|_| Error::Rng)?;
        Ok(Self::from_bytes(bytes))
    }

    /// The wire bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; ID_LEN] {
        &self.bytes
    }

    /// The wire bytes, by value.
    #[must_use]
    pub const fn to_bytes(self) -> [u8; ID_LEN] {
        self.bytes
    }

    /// Whether this is the all-zero id.
    #[must_use]
    pub fn is_nil(&self) -> bool {
        self.bytes == [0; ID_LEN]
    }

    /// The GUID text of this id (lowercase), written into `out`.
    pub fn write_guid<'a>(&self, out: &'a mut [u8; GUID_LEN]) -> &'a str {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut pos = 0usize;
        for (i, &index) in GUID_ORDER.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                if let Some(slot) = out.get_mut(pos) {
                    *slot = b'-';
                }
                pos += 1;
            }
            let byte = self.bytes.get(index).copied().unwrap_or(0);
            for nibble in [byte >> 4, byte & 0xF] {
                if let Some(slot) = out.get_mut(pos) {
                    *slot = HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
                }
                pos += 1;
            }
        }
        // Every byte written above is ASCII.
        core::str::from_utf8(out).unwrap_or("")
    }

    /// Parses GUID text (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, either case, optionally in
    /// braces). [`Error::InvalidArgument`] for anything else.
    pub fn parse_guid(text: &str) -> Result<Self> {
        let text = text.as_bytes();
        let text = match text {
            [b'{', inner @ .., b'}'] => inner,
            _ => text,
        };
        if text.len() != GUID_LEN {
            return Err(Error::InvalidArgument);
        }
        let mut bytes = [0u8; ID_LEN];
        let mut digits = text.iter().enumerate().filter_map(|(i, &c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                None
            } else {
                Some(c)
            }
        });
        for (pos, c) in text.iter().enumerate() {
            if matches!(pos, 8 | 13 | 18 | 23) && *c != b'-' {
                return Err(Error::InvalidArgument);
            }
        }
        for &index in &GUID_ORDER {
            let hi = digits
                .next()
                .and_then(hex_value)
                .ok_or(Error::InvalidArgument)?;
            let lo = digits
                .next()
                .and_then(hex_value)
                .ok_or(Error::InvalidArgument)?;
            let slot = bytes.get_mut(index).ok_or(Error::LogicBug)?;
            *slot = (hi << 4) | lo;
        }
        Ok(Self::from_bytes(bytes))
    }

    /// The base64 text of the wire bytes (as in XML), written into `out`.
    pub fn write_base64<'a>(&self, out: &'a mut [u8; BASE64_LEN]) -> &'a str {
        // 16 bytes always fit in 24 characters.
        crate::base64::encode(&self.bytes, out).unwrap_or("")
    }

    /// The id of strict base64 text that decodes to exactly 16 bytes, else [`Error::Base64`].
    pub fn from_base64(text: &[u8]) -> Result<Self> {
        crate::base64::decode_array::<ID_LEN>(text).map(Self::from_bytes)
    }
}

/// For each byte of the GUID text, left to right, the index of the wire byte it shows.
const GUID_ORDER: [usize; ID_LEN] = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl<K: IdKind> From<[u8; ID_LEN]> for Id<K> {
    fn from(bytes: [u8; ID_LEN]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl<K: IdKind> AsRef<[u8]> for Id<K> {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl<K: IdKind> core::str::FromStr for Id<K> {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse_guid(s)
    }
}

impl<K: IdKind> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; GUID_LEN];
        f.write_str(self.write_guid(&mut buf))
    }
}

impl<K: IdKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; GUID_LEN];
        write!(f, "{}({})", K::NAME, self.write_guid(&mut buf))
    }
}

#[cfg(feature = "defmt")]
impl<K: IdKind> defmt::Format for Id<K> {
    fn format(&self, f: defmt::Formatter<'_>) {
        let mut buf = [0u8; GUID_LEN];
        defmt::write!(f, "{=str}({=str})", K::NAME, self.write_guid(&mut buf));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn guid_byte_order_rule_of_protocol_1() {
        let kid = Kid::from_bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        assert_eq!(kid.to_string(), "04030201-0605-0807-090a-0b0c0d0e0f10");
        assert_eq!(
            std::format!("{kid:?}"),
            "Kid(04030201-0605-0807-090a-0b0c0d0e0f10)"
        );
        assert_eq!(
            Kid::parse_guid("04030201-0605-0807-090A-0B0C0D0E0F10").unwrap(),
            kid
        );
        assert_eq!(
            Kid::parse_guid("{04030201-0605-0807-090a-0b0c0d0e0f10}").unwrap(),
            kid
        );
    }

    #[test]
    fn guid_parse_rejects_malformed_text() {
        for bad in [
            "",
            "04030201-0605-0807-090a-0b0c0d0e0f1",
            "04030201-0605-0807-090a-0b0c0d0e0f100",
            "04030201+0605-0807-090a-0b0c0d0e0f10",
            "040302010-605-0807-090a-0b0c0d0e0f10",
            "0403020g-0605-0807-090a-0b0c0d0e0f10",
            "{04030201-0605-0807-090a-0b0c0d0e0f10",
            "04030201-0605-0807-090a-0b0c0d0e0f1é",
        ] {
            assert_eq!(Lid::parse_guid(bad), Err(Error::InvalidArgument), "{bad:?}");
        }
    }

    #[test]
    fn base64_round_trip() {
        let id = SessionId::from_bytes(*b"0123456789abcdef");
        let mut buf = [0u8; BASE64_LEN];
        let text = id.write_base64(&mut buf);
        assert_eq!(text, "MDEyMzQ1Njc4OWFiY2RlZg==");
        assert_eq!(SessionId::from_base64(text.as_bytes()).unwrap(), id);
        assert_eq!(
            SessionId::from_base64(b"MDEyMzQ1Njc4OWFiY2Rl"),
            Err(Error::Base64)
        );
    }
}
