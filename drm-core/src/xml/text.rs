//! Text as the reader hands it out: raw slices of the document ([`RawText`]) decoded on demand
//! (predefined entities, character references, line-end and attribute-value normalisation),
//! and the reference parser the reader checks every reference with while reading.

use crate::error::{Error, Result};
use crate::xml::{is_ncname, is_xml_char};

/// How the raw text of a [`RawText`] is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Character data: references decoded, line ends normalised.
    Text,
    /// An attribute value: as text, and literal tab, line feed and carriage return become spaces.
    Attribute,
    /// A CDATA section: only line ends normalised.
    CData,
}

/// Text as it stands in the document, with what is needed to decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawText<'a> {
    pub(super) raw: &'a str,
    pub(super) kind: TextKind,
}

impl<'a> RawText<'a> {
    pub(super) const EMPTY: RawText<'static> = RawText {
        raw: "",
        kind: TextKind::Text,
    };

    /// The text exactly as in the document (references not decoded).
    #[must_use]
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// How it decodes.
    #[must_use]
    pub fn kind(&self) -> TextKind {
        self.kind
    }

    /// The decoded text, when decoding changes nothing (no reference, no carriage return, and for
    /// an attribute no tab or line feed): then it can be used without a copy.
    #[must_use]
    pub fn as_plain(&self) -> Option<&'a str> {
        let special: &[u8] = match self.kind {
            TextKind::Text => b"&\r",
            TextKind::Attribute => b"&\r\n\t",
            TextKind::CData => b"\r",
        };
        (!self.raw.bytes().any(|b| special.contains(&b))).then_some(self.raw)
    }

    /// The decoded characters.
    #[must_use]
    pub fn chars(&self) -> Chars<'a> {
        Chars {
            rest: self.raw,
            kind: self.kind,
        }
    }

    /// Whether the decoded text equals `s`.
    #[must_use]
    pub fn eq_str(&self, s: &str) -> bool {
        self.chars().eq(s.chars())
    }

    /// Decodes into `buf` and returns the text.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn decode_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        let len = decode_append(self.chars(), buf, 0)?;
        let out = buf.get(..len).ok_or(Error::LogicBug)?;
        core::str::from_utf8(out).map_err(|_| Error::LogicBug)
    }
}

/// Appends the UTF-8 of `chars` to `buf` at `at`; the new length.
pub(super) fn decode_append(chars: Chars<'_>, buf: &mut [u8], at: usize) -> Result<usize> {
    let mut len = at;
    for c in chars {
        let mut tmp = [0u8; 4];
        let enc = c.encode_utf8(&mut tmp).as_bytes();
        let end = len.checked_add(enc.len()).ok_or(Error::BufferTooSmall)?;
        buf.get_mut(len..end)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(enc);
        len = end;
    }
    Ok(len)
}

/// The decoded characters of a [`RawText`].
#[derive(Debug, Clone)]
pub struct Chars<'a> {
    rest: &'a str,
    pub(super) kind: TextKind,
}

impl Iterator for Chars<'_> {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        let mut it = self.rest.chars();
        let c = it.next()?;
        let after = it.as_str();
        match c {
            '&' if self.kind != TextKind::CData => {
                // Checked while reading; a bad reference here would be a bug: stop the text.
                let Some((decoded, used)) = parse_reference(self.rest).ok() else {
                    self.rest = "";
                    return None;
                };
                self.rest = self.rest.get(used..).unwrap_or("");
                Some(decoded)
            }
            '\r' => {
                self.rest = after.strip_prefix('\n').unwrap_or(after);
                Some(if self.kind == TextKind::Attribute {
                    ' '
                } else {
                    '\n'
                })
            }
            '\n' | '\t' if self.kind == TextKind::Attribute => {
                self.rest = after;
                Some(' ')
            }
            c => {
                self.rest = after;
                Some(c)
            }
        }
    }
}

/// Parses the reference at the start of `s` (which starts with `&`): the character and the bytes
/// used.
pub(super) fn parse_reference(s: &str) -> Result<(char, usize)> {
    let body = s.get(1..).ok_or(Error::XmlMalformed)?;
    let semi = body
        .bytes()
        .take(12)
        .position(|b| b == b';')
        .ok_or(Error::XmlMalformed)?;
    let name = body.get(..semi).ok_or(Error::XmlMalformed)?;
    let used = semi.checked_add(2).ok_or(Error::XmlMalformed)?;
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => {
            let Some(num) = name.strip_prefix('#') else {
                return Err(if is_ncname(name) {
                    Error::XmlForbidden
                } else {
                    Error::XmlMalformed
                });
            };
            let (digits, radix) = match num.strip_prefix('x') {
                Some(hex) => (hex, 16),
                None => (num, 10),
            };
            let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
            let value = valid
                .then(|| u32::from_str_radix(digits, radix).ok())
                .flatten()
                .ok_or(Error::XmlMalformed)?;
            char::from_u32(value)
                .filter(|c| is_xml_char(*c))
                .ok_or(Error::XmlMalformed)?
        }
    };
    Ok((c, used))
}
