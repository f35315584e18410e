//! Namespaces and atomic transactions.

use crate::error::{Error, Result};

/// Most changes in one [`Transaction`]. A transaction lives on the caller's stack:
/// about 72 bytes per change (the keys, and a borrowed slice of the data).
pub const MAX_TRANSACTION_OPS: usize = 16;

/// A namespace: a 16-byte name. Slots of different namespaces never meet, even with equal keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Namespace([u8; 16]);

impl Namespace {
    /// A namespace from exactly 16 bytes.
    #[must_use]
    pub const fn new(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// A namespace from a name of up to 16 bytes, padded with zeros (longer names are cut at 16).
    #[must_use]
    #[allow(clippy::indexing_slicing)] // `i` is below both lengths (loop condition); const fn
    pub const fn from_name(name: &[u8]) -> Self {
        let mut b = [0u8; 16];
        let mut i = 0;
        while i < name.len() && i < 16 {
            b[i] = name[i];
            i += 1;
        }
        Self(b)
    }

    /// The 16 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

/// One change of a transaction.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Op<'a> {
    Put {
        ns: Namespace,
        k1: [u8; 16],
        k2: [u8; 16],
        data: &'a [u8],
    },
    Delete {
        ns: Namespace,
        k1: [u8; 16],
        k2: [u8; 16],
    },
}

impl Op<'_> {
    pub(crate) fn keys(&self) -> (&Namespace, &[u8; 16], &[u8; 16]) {
        match self {
            Op::Put { ns, k1, k2, .. } | Op::Delete { ns, k1, k2 } => (ns, k1, k2),
        }
    }
}

/// Several puts and deletes committed as one atomic step by [`crate::Store::commit`]: after a
/// power cut at any point, either all of them are in the store or none.
///
/// Changes apply in the order they were added (a put then a delete of the same slot leaves it
/// deleted). A delete of a slot that does not exist (after the earlier changes of the same
/// transaction) fails the whole commit with [`Error::NotFound`] and changes nothing.
///
/// `N` is the capacity (at most [`MAX_TRANSACTION_OPS`] changes are committed; a larger `N`
/// fails the commit with [`Error::TransactionFull`]). [`Transaction::new`] has the full capacity;
/// [`Transaction::with_capacity`] makes a smaller one for a smaller stack.
#[derive(Clone, Debug)]
pub struct Transaction<'a, const N: usize = MAX_TRANSACTION_OPS> {
    ops: [Option<Op<'a>>; N],
    len: usize,
}

impl Transaction<'_> {
    /// An empty transaction of [`MAX_TRANSACTION_OPS`] changes.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity()
    }
}

impl Default for Transaction<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a, const N: usize> Transaction<'a, N> {
    /// An empty transaction of `N` changes.
    #[must_use]
    pub fn with_capacity() -> Self {
        Self {
            ops: [None; N],
            len: 0,
        }
    }

    /// Adds "create or replace slot `(k1, k2)` of `ns` with `data`".
    pub fn put(
        &mut self,
        ns: &Namespace,
        k1: &[u8; 16],
        k2: &[u8; 16],
        data: &'a [u8],
    ) -> Result<&mut Self> {
        self.push(Op::Put {
            ns: *ns,
            k1: *k1,
            k2: *k2,
            data,
        })
    }

    /// Adds "delete slot `(k1, k2)` of `ns`" (its data is securely erased after the commit).
    pub fn delete(&mut self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16]) -> Result<&mut Self> {
        self.push(Op::Delete {
            ns: *ns,
            k1: *k1,
            k2: *k2,
        })
    }

    /// Number of changes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the transaction holds no change.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, op: Op<'a>) -> Result<&mut Self> {
        let slot = self.ops.get_mut(self.len).ok_or(Error::TransactionFull)?;
        *slot = Some(op);
        self.len += 1;
        Ok(self)
    }

    /// The changes as a slice of any capacity, for code that is not generic over `N`.
    pub(crate) fn ops_list(&self) -> OpList<'_, 'a> {
        OpList(self.ops.get(..self.len).unwrap_or(&[]))
    }
}

/// The changes of a [`Transaction`] whatever its capacity.
#[derive(Clone, Copy)]
pub(crate) struct OpList<'t, 'a>(&'t [Option<Op<'a>>]);

impl<'t, 'a> OpList<'t, 'a> {
    pub(crate) fn ops(self) -> impl Iterator<Item = &'t Op<'a>> {
        self.0.iter().flatten()
    }
}
