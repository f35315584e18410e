//! The on-flash layout (`FORMAT.md`): constants and the pure encoders/decoders of page headers,
//! index entries and root records. No flash access here.

use drm_core::crypto::backend::{Hasher, Hmac, Sha256Engine};
use drm_core::secret::HmacKey;
use subtle::ConstantTimeEq;

use crate::Namespace;

/// Format version written in every page header and root record.
pub const FORMAT_VERSION: u16 = 1;
/// Page header magic.
pub const PAGE_MAGIC: [u8; 4] = *b"HDSP";
/// Root record magic.
pub const ROOT_MAGIC: [u8; 4] = *b"HDSR";
/// Page kind: a bucket page.
pub const KIND_BUCKET: u8 = 1;
/// Page kind: a root page.
pub const KIND_ROOT: u8 = 2;
/// Bytes of a page header.
pub const HEADER_LEN: usize = 32;
/// Bytes of an index entry.
pub const ENTRY_LEN: usize = 8;
/// Most index entries per bucket page (so that a bucket's index is at most 512 bytes).
pub const MAX_ENTRIES: usize = 64;
/// Bytes of a record header (`ns ‖ k1 ‖ k2`).
pub const RECORD_HEADER_LEN: usize = 48;
/// Bytes of a record tag (HMAC-SHA256 truncated).
pub const RECORD_TAG_LEN: usize = 16;
/// Bytes of a bucket's index digest kept in the root hash.
pub const DIGEST_LEN: usize = 16;
/// Bytes of the root record's fixed part before the table.
pub const ROOT_FIXED_LEN: usize = 32;
/// Bytes per bucket in a root record's table.
pub const ROOT_ROW_LEN: usize = 8;
/// Bytes of the root's combined index hash and of its tag.
pub const ROOT_HASH_LEN: usize = 32;
/// Bit of an index entry's length word marking a tombstone.
pub const TOMBSTONE_BIT: u16 = 0x8000;
/// Most payload bytes of one slot (15-bit length field); a page usually limits it further.
pub const MAX_LEN_FIELD: usize = 0x7FFF;

/// Domain-separation labels of every hash and MAC (the format version is part of each).
pub mod label {
    /// Bucket placement.
    pub const BUCKET: &[u8] = b"drm-hds/v1/bucket";
    /// Slot fingerprint.
    pub const FINGERPRINT: &[u8] = b"drm-hds/v1/fp";
    /// Record tag.
    pub const RECORD: &[u8] = b"drm-hds/v1/record";
    /// Index digest.
    pub const INDEX: &[u8] = b"drm-hds/v1/index";
    /// Root combined hash.
    pub const COMBINED: &[u8] = b"drm-hds/v1/combined";
    /// Root tag.
    pub const ROOT: &[u8] = b"drm-hds/v1/root";
}

/// Rounds up to a multiple of 8.
#[must_use]
pub const fn round8(n: usize) -> usize {
    (n + 7) & !7
}

/// Total bytes on flash of a record with `len` payload bytes.
#[must_use]
pub const fn record_len(len: usize) -> usize {
    round8(RECORD_HEADER_LEN + len) + RECORD_TAG_LEN
}

/// Index entries per bucket page for a page size.
#[must_use]
pub const fn entries_per_page(erase_size: usize) -> usize {
    let n = erase_size / 64;
    if n < MAX_ENTRIES { n } else { MAX_ENTRIES }
}

/// Offset of the first data byte of a bucket page.
#[must_use]
pub const fn data_start(erase_size: usize) -> usize {
    HEADER_LEN + ENTRY_LEN * entries_per_page(erase_size)
}

/// Size of one root record for `buckets` buckets.
#[must_use]
pub const fn root_len(buckets: usize) -> usize {
    ROOT_FIXED_LEN + ROOT_ROW_LEN * buckets + 2 * ROOT_HASH_LEN
}

/// A page header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageHeader {
    /// `KIND_BUCKET` or `KIND_ROOT`.
    pub kind: u8,
    /// Times this page was erased (advisory, for wear levelling).
    pub erase_count: u32,
    /// The bucket this page holds (0xFFFF for a root page).
    pub bucket: u16,
    /// The bucket's generation (0 for a root page).
    pub generation: u32,
}

impl PageHeader {
    /// Encodes for a flash of `erase_size` bytes per page and `pages` pages.
    #[must_use]
    pub fn encode(&self, erase_size: u32, pages: u16) -> [u8; HEADER_LEN] {
        let mut b = [0xFFu8; HEADER_LEN];
        put(&mut b, 0, &PAGE_MAGIC);
        put(&mut b, 4, &FORMAT_VERSION.to_le_bytes());
        put(&mut b, 6, &[self.kind, 0]);
        put(&mut b, 8, &self.erase_count.to_le_bytes());
        put(&mut b, 12, &self.bucket.to_le_bytes());
        put(&mut b, 14, &[0, 0]);
        put(&mut b, 16, &self.generation.to_le_bytes());
        put(&mut b, 20, &erase_size.to_le_bytes());
        put(&mut b, 24, &pages.to_le_bytes());
        b
    }

    /// Decodes; `None` unless magic, version and geometry match.
    #[must_use]
    pub fn decode(b: &[u8; HEADER_LEN], erase_size: u32, pages: u16) -> Option<Self> {
        if b.get(0..4)? != PAGE_MAGIC
            || le16(b, 4)? != FORMAT_VERSION
            || le32(b, 20)? != erase_size
            || le16(b, 24)? != pages
        {
            return None;
        }
        let kind = *b.get(6)?;
        if kind != KIND_BUCKET && kind != KIND_ROOT {
            return None;
        }
        Some(Self {
            kind,
            erase_count: le32(b, 8)?,
            bucket: le16(b, 12)?,
            generation: le32(b, 16)?,
        })
    }

    /// The format version of any header with the page magic (of any version or geometry).
    #[must_use]
    pub fn version_of(b: &[u8; HEADER_LEN]) -> Option<u16> {
        Self::has_magic(b).then(|| le16(b, 4)).flatten()
    }

    fn has_magic(b: &[u8; HEADER_LEN]) -> bool {
        b.get(0..4) == Some(&PAGE_MAGIC[..])
    }

    /// The erase count of any header with the right magic (even of another geometry).
    #[must_use]
    pub fn erase_count_of(b: &[u8; HEADER_LEN]) -> Option<u32> {
        Self::has_magic(b).then(|| le32(b, 8)).flatten()
    }
}

/// An index entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// 48-bit fingerprint of `(ns, k1, k2)`.
    pub fp: [u8; 6],
    /// Payload length (0 for a tombstone).
    pub len: u16,
    /// A tombstone (delete marker) rather than a record.
    pub tombstone: bool,
}

impl Entry {
    /// Encodes.
    #[must_use]
    pub fn encode(&self) -> [u8; ENTRY_LEN] {
        let mut b = [0u8; ENTRY_LEN];
        put(&mut b, 0, &self.fp);
        let word = if self.tombstone {
            TOMBSTONE_BIT
        } else {
            self.len & !TOMBSTONE_BIT
        };
        put(&mut b, 6, &word.to_le_bytes());
        b
    }

    /// Decodes; `None` for an erased (all `0xFF`) or malformed entry.
    #[must_use]
    pub fn decode(b: &[u8]) -> Option<Self> {
        let b: &[u8; ENTRY_LEN] = b.try_into().ok()?;
        if b.iter().all(|&x| x == 0xFF) {
            return None;
        }
        let mut fp = [0u8; 6];
        fp.copy_from_slice(b.get(0..6)?);
        let word = le16(b, 6)?;
        let tombstone = word & TOMBSTONE_BIT != 0;
        let len = word & !TOMBSTONE_BIT;
        if tombstone && len != 0 {
            return None;
        }
        Some(Self { fp, len, tombstone })
    }

    /// Bytes this entry's record takes in the data area.
    #[must_use]
    pub fn data_len(&self) -> usize {
        if self.tombstone {
            0
        } else {
            record_len(usize::from(self.len))
        }
    }
}

/// One bucket's row in a root record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// Physical page index.
    pub phys: u16,
    /// Committed index entries.
    pub count: u16,
    /// Generation of the page.
    pub generation: u32,
}

/// The keyed functions of the format, over the device-bound store key.
/// with the SHA-256 engine `H`.
pub struct Keyed<'a, H>(pub &'a HmacKey, pub &'a H);

impl<H: Sha256Engine> Keyed<'_, H> {
    fn mac(&self) -> Hmac<H> {
        Hmac::new(self.1, self.0)
    }

    /// The bucket of `(ns, k1)`: HMAC(key, BUCKET ‖ ns ‖ k1) as a little-endian u32, mod `buckets`.
    #[must_use]
    pub fn bucket(&self, ns: &Namespace, k1: &[u8; 16], buckets: u16) -> u16 {
        let mut m = self.mac();
        m.update(label::BUCKET);
        m.update(ns.as_bytes());
        m.update(k1);
        let t = m.finalize();
        let v = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let b = v % u32::from(buckets.max(1));
        u16::try_from(b).unwrap_or(0)
    }

    /// The 48-bit fingerprint of `(ns, k1, k2)`: the first 6 bytes of HMAC(key, FP ‖ ns ‖ k1 ‖ k2).
    #[must_use]
    pub fn fingerprint(&self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16]) -> [u8; 6] {
        let mut m = self.mac();
        m.update(label::FINGERPRINT);
        m.update(ns.as_bytes());
        m.update(k1);
        m.update(k2);
        let t = m.finalize();
        [t[0], t[1], t[2], t[3], t[4], t[5]]
    }

    /// A record MAC in progress, bound to its place and length; feed `ns ‖ k1 ‖ k2 ‖ payload`.
    #[must_use]
    pub fn record_mac(&self, bucket: u16, generation: u32, slot: u16, len: u16) -> Hmac<H> {
        let mut m = self.mac();
        m.update(label::RECORD);
        m.update(&bucket.to_le_bytes());
        m.update(&generation.to_le_bytes());
        m.update(&slot.to_le_bytes());
        m.update(&len.to_le_bytes());
        m
    }

    /// A root tag in progress; feed the root record's bytes before the tag.
    #[must_use]
    pub fn root_mac(&self) -> Hmac<H> {
        let mut m = self.mac();
        m.update(label::ROOT);
        m
    }
}

/// The digest of a bucket's committed index bytes, bound to bucket and generation.
#[must_use]
pub fn index_digest<H: Sha256Engine>(
    sha: &H,
    bucket: u16,
    generation: u32,
    index: &[u8],
) -> [u8; DIGEST_LEN] {
    let mut d = IndexDigest::new(sha, bucket, generation);
    d.update(index);
    d.finish()
}

/// Compares a computed tag with a stored one in constant time.
#[must_use]
pub fn tag_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// A decoded root record (the table lives in the caller's buffer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootHead {
    /// Commit sequence number.
    pub seq: u64,
    /// Monotonic counter value this commit is bound to.
    pub counter: u64,
}

/// The first 32 bytes of a root record.
#[must_use]
pub fn root_fixed(head: RootHead, buckets: u16) -> [u8; ROOT_FIXED_LEN] {
    let mut out = [0u8; ROOT_FIXED_LEN];
    put(&mut out, 0, &ROOT_MAGIC);
    put(&mut out, 4, &FORMAT_VERSION.to_le_bytes());
    put(&mut out, 6, &buckets.to_le_bytes());
    put(&mut out, 8, &head.seq.to_le_bytes());
    put(&mut out, 16, &head.counter.to_le_bytes());
    out
}

/// One bucket's row of a root record's table.
#[must_use]
pub fn root_row(row: &Row) -> [u8; ROOT_ROW_LEN] {
    let mut out = [0u8; ROOT_ROW_LEN];
    put(&mut out, 0, &row.phys.to_le_bytes());
    put(&mut out, 2, &row.count.to_le_bytes());
    put(&mut out, 4, &row.generation.to_le_bytes());
    out
}

/// The root tag of a root record made of `root_fixed`, the rows and the combined hash.
#[must_use]
pub fn root_record_tag<H: Sha256Engine>(
    key: &Keyed<'_, H>,
    head: RootHead,
    rows: &[Row],
    combined: &[u8; ROOT_HASH_LEN],
) -> [u8; ROOT_HASH_LEN] {
    let mut m = key.root_mac();
    m.update(&root_fixed(
        head,
        u16::try_from(rows.len()).unwrap_or(u16::MAX),
    ));
    for r in rows {
        m.update(&root_row(r));
    }
    m.update(combined);
    m.finalize()
}

/// Streaming [`index_digest`].
pub struct IndexDigest<H: Sha256Engine>(H::Hasher);

impl<H: Sha256Engine> IndexDigest<H> {
    /// Starts the digest of bucket `bucket`, generation `generation`.
    #[must_use]
    pub fn new(sha: &H, bucket: u16, generation: u32) -> Self {
        let mut h = sha.hasher();
        h.update(label::INDEX);
        h.update(&bucket.to_le_bytes());
        h.update(&generation.to_le_bytes());
        Self(h)
    }

    /// Absorbs index bytes.
    pub fn update(&mut self, index: &[u8]) {
        self.0.update(index);
    }

    /// The truncated digest.
    #[must_use]
    pub fn finish(self) -> [u8; DIGEST_LEN] {
        let d = self.0.finalize();
        let mut out = [0u8; DIGEST_LEN];
        out.copy_from_slice(d.get(..DIGEST_LEN).unwrap_or(&[0u8; DIGEST_LEN]));
        out
    }
}

/// The head of a root record from its first 32 bytes; `None` unless magic, version and the
/// bucket count match.
#[must_use]
pub fn root_head(fixed: &[u8; ROOT_FIXED_LEN], buckets: u16) -> Option<RootHead> {
    if fixed.get(0..4)? != ROOT_MAGIC
        || le16(fixed, 4)? != FORMAT_VERSION
        || le16(fixed, 6)? != buckets
    {
        return None;
    }
    Some(RootHead {
        seq: le64(fixed, 8)?,
        counter: le64(fixed, 16)?,
    })
}

/// A row of a root record's table.
#[must_use]
pub fn row_from(b: &[u8; ROOT_ROW_LEN]) -> Row {
    Row {
        phys: le16(b, 0).unwrap_or(u16::MAX),
        count: le16(b, 2).unwrap_or(u16::MAX),
        generation: le32(b, 4).unwrap_or(0),
    }
}

/// Copies `src` into `dst` at `at`, ignoring what does not fit (callers size buffers exactly).
pub fn put(dst: &mut [u8], at: usize, src: &[u8]) {
    if let Some(d) = dst.get_mut(at..at + src.len()) {
        d.copy_from_slice(src);
    }
}

/// Little-endian u16 at `at`.
#[must_use]
pub fn le16(b: &[u8], at: usize) -> Option<u16> {
    let s: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
    Some(u16::from_le_bytes(s))
}

/// Little-endian u32 at `at`.
#[must_use]
pub fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(s))
}

/// Little-endian u64 at `at`.
#[must_use]
pub fn le64(b: &[u8], at: usize) -> Option<u64> {
    let s: [u8; 8] = b.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(s))
}
