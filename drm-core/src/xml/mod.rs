//! XML for the SOAP messages of PROTOCOL §4 and §6: a writer that emits canonical form directly
//! ([`writer`]) and a bounded pull reader for responses and faults ([`reader`], [`path`]).
//!
//! Both work without allocation: the writer into a caller buffer (or a counting or hashing
//! sink), the reader over a caller slice with fixed-size stacks.

pub mod dsig;
pub mod path;
pub mod reader;
mod text;
pub mod writer;

/// Namespace URIs and algorithm identifiers of the protocol (PROTOCOL §4, §6; seed example).
pub mod ns {
    /// SOAP 1.1 envelope namespace.
    pub const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
    /// XML Schema instance namespace.
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    /// XML Schema namespace.
    pub const XSD: &str = "http://www.w3.org/2001/XMLSchema";
    /// PlayReady protocols namespace.
    pub const PROTOCOLS: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols";
    /// PlayReady messages namespace.
    pub const MESSAGES: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols/messages";
    /// XML-signature namespace.
    pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
    /// XML-encryption namespace.
    pub const XMLENC: &str = "http://www.w3.org/2001/04/xmlenc#";
    /// The namespace bound to the `xml` prefix.
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
    /// The namespace bound to the `xmlns` prefix (never declared).
    pub const XMLNS: &str = "http://www.w3.org/2000/xmlns/";
}

/// `s` without leading and trailing XML whitespace (space, tab, line feed, carriage return).
#[must_use]
pub(crate) fn trim_space(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// Whether `c` may appear in an XML 1.0 document (the `Char` production; Rust `char`s are never
/// surrogates).
#[must_use]
pub(crate) const fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Whether `c` may start a name (the `NameStartChar` production, without `:`).
pub(crate) fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic()
        || c == '_'
        || matches!(c, '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
            | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
            | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
            | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// Whether `c` may continue a name (the `NameChar` production, without `:`).
pub(crate) fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || c.is_ascii_digit()
        || matches!(c, '-' | '.' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `s` is an `NCName` (a name without a colon).
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}
