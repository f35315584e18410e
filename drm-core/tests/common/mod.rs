//! Reader for the known-answer files in `tests/vectors/`: blocks of `name = value` lines
//! separated by blank lines, `#` comments. A value is hex, "quoted ASCII", or `HH x N` (the
//! byte HH repeated N times).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::collections::HashMap;

/// One block of a vector file.
pub struct Block {
    pub line: usize,
    fields: HashMap<String, String>,
}

impl Block {
    /// The decoded bytes of field `name`.
    pub fn bytes(&self, name: &str) -> Vec<u8> {
        let raw = self.text(name);
        decode_value(raw).unwrap_or_else(|| panic!("line {}: bad value for {name}", self.line))
    }
    /// The field as an array of `N` bytes.
    pub fn array<const N: usize>(&self, name: &str) -> [u8; N] {
        self.bytes(name)
            .try_into()
            .unwrap_or_else(|_| panic!("line {}: {name} is not {N} bytes", self.line))
    }
    /// The raw text of field `name`.
    pub fn text(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .unwrap_or_else(|| panic!("line {}: missing {name}", self.line))
    }
    /// Whether the block has field `name`.
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

/// Parses a vector file.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            if let Some(b) = current.take() {
                blocks.push(b);
            }
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("line {}: expected name = value", i + 1));
        let block = current.get_or_insert_with(|| Block {
            line: i + 1,
            fields: HashMap::new(),
        });
        let old = block
            .fields
            .insert(name.trim().to_string(), value.trim().to_string());
        assert!(old.is_none(), "line {}: duplicate field", i + 1);
    }
    if let Some(b) = current.take() {
        blocks.push(b);
    }
    blocks
}

fn decode_value(raw: &str) -> Option<Vec<u8>> {
    if let Some(inner) = raw.strip_prefix('"') {
        return Some(inner.strip_suffix('"')?.as_bytes().to_vec());
    }
    if let Some((byte, count)) = raw.split_once(" x ") {
        let byte = u8::from_str_radix(byte.trim(), 16).ok()?;
        return Some(vec![byte; count.trim().parse().ok()?]);
    }
    hex(raw)
}

/// Bytes of a hex string.
pub fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The deterministic, insecure generator for tests.
#[allow(unused_imports)]
pub use drm_target_host::InsecureTestRng as TestRng;

/// A generator that always fails.
pub struct FailingRng;

#[derive(Debug)]
pub struct RngFailure;

impl core::fmt::Display for RngFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("no entropy")
    }
}

impl core::error::Error for RngFailure {}

impl rand_core::TryRng for FailingRng {
    type Error = RngFailure;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Err(RngFailure)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Err(RngFailure)
    }
    fn try_fill_bytes(&mut self, _dst: &mut [u8]) -> Result<(), Self::Error> {
        Err(RngFailure)
    }
}

impl rand_core::TryCryptoRng for FailingRng {}
