//! A bounds-checked big-endian reader over a byte slice, shared by the XMR and BCert parsers.
//!
//! Every read either returns the bytes it asked for or the error the reader was made with; a
//! parser ends with [`Reader::finish`], which refuses trailing bytes.

use crate::error::{Error, Result};

/// A cursor over `&'a [u8]`; reads hand out sub-slices of the input (zero copy).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    error: Error,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes` whose failures are `error`.
    pub(crate) const fn new(bytes: &'a [u8], error: Error) -> Self {
        Self { rest: bytes, error }
    }

    /// The bytes not read yet.
    pub(crate) const fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// True when everything has been read.
    pub(crate) const fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let (head, tail) = self.rest.split_at_checked(n).ok_or(self.error)?;
        self.rest = tail;
        Ok(head)
    }

    /// The next `N` bytes as an array reference.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<&'a [u8; N]> {
        let (head, tail) = self.rest.split_first_chunk::<N>().ok_or(self.error)?;
        self.rest = tail;
        Ok(head)
    }

    /// A big-endian `u16`.
    pub(crate) fn u16(&mut self) -> Result<u16> {
        self.array::<2>().map(|b| u16::from_be_bytes(*b))
    }

    /// A big-endian `u32`.
    pub(crate) fn u32(&mut self) -> Result<u32> {
        self.array::<4>().map(|b| u32::from_be_bytes(*b))
    }

    /// Succeeds only when every byte has been read.
    pub(crate) fn finish(&self) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(self.error)
        }
    }
}

/// Reads a complete fixed-layout payload: `read` must consume `bytes` exactly.
pub(crate) fn exact<'a, T>(
    bytes: &'a [u8],
    error: Error,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T>,
) -> Result<T> {
    let mut r = Reader::new(bytes, error);
    let value = read(&mut r)?;
    r.finish()?;
    Ok(value)
}

/// Stores `value` in an empty slot; `error` when the slot is taken (a duplicated object).
pub(crate) fn once<T>(slot: &mut Option<T>, value: T, error: Error) -> Result<()> {
    if slot.is_some() {
        return Err(error);
    }
    *slot = Some(value);
    Ok(())
}
