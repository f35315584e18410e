//! The store: mount, format, get, put, delete, enumerate, commit (see `FORMAT.md`).
//!
//! This module holds the public API, the configuration and the flash geometry; the work is split
//! by concern, each submodule adding methods to [`Store`]:
//!
//! - `mount`: format, mount and recovery;
//! - `lookup`: a slot's bucket and index, records verified and streamed;
//! - `commit`: a transaction written and made current;
//! - `root`: the root record;
//! - `compact`: compaction and wear levelling;
//! - `io`: the bottom module all of them share: flash access and the chunked record writer.

use core::ops::ControlFlow;

use drm_core::crypto::backend::{DEFAULT_SHA256, DefaultSha256, Sha256Engine};
use drm_core::platform::MonotonicCounter;
use drm_core::secret::HmacKey;
use embedded_storage::nor_flash::{MultiwriteNorFlash, NorFlash, NorFlashError};

use crate::error::{Error, Refused, Result};
use crate::layout::{
    self, DIGEST_LEN, ENTRY_LEN, Entry, HEADER_LEN, Keyed, MAX_ENTRIES, RECORD_HEADER_LEN,
    RECORD_TAG_LEN, ROOT_HASH_LEN, RootHead, Row,
};
use crate::txn::{Namespace, Transaction};

mod commit;
mod compact;
mod io;
mod lookup;
mod mount;
mod root;

/// Most flash pages a store can manage (the `PAGES` parameter may not exceed it).
pub const MAX_PAGES: usize = 64;
/// Bytes of the stack buffer used for flash I/O in chunks.
const CHUNK: usize = 128;
/// Bytes of the largest root record (for [`MAX_PAGES`]).
/// Bytes of the largest bucket index.
const INDEX_BUF: usize = MAX_ENTRIES * ENTRY_LEN;

/// The "no monotonic counter" type of [`Config::new`]: it has no values, so a store configured
/// without a counter never calls one.
#[derive(Debug)]
pub enum NoCounter {}

impl MonotonicCounter for NoCounter {
    fn read(&mut self) -> drm_core::Result<u64> {
        match *self {}
    }
    fn increment(&mut self) -> drm_core::Result<u64> {
        match *self {}
    }
}

/// Options of a store. `Config::new()` (no monotonic counter, default wear threshold) suits most
/// uses; add a counter with [`Config::with_counter`].
///
/// The store's MACs and digests are computed with a SHA-256 engine `H`: the build's by default,
/// a device's own with [`Config::with_sha`] (the build's `DefaultSha256` by default: RustCrypto's,
/// or the kit's compact one with drm-core's feature `sha256-compact`).
#[derive(Debug)]
pub struct Config<C = NoCounter, H = DefaultSha256> {
    counter: Option<C>,
    wear_threshold: u32,
    sha: H,
}

impl Config<NoCounter> {
    /// No monotonic counter; wear threshold 64.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            counter: None,
            wear_threshold: 64,
            sha: DEFAULT_SHA256,
        }
    }
}

impl Default for Config<NoCounter> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C, H> Config<C, H> {
    /// Anchors the store to a monotonic counter (OTP, RPMB, secure element): every commit that
    /// changes slots increments it, and mounting an older whole image fails with
    /// [`Error::Rollback`].
    #[must_use]
    pub fn with_counter<D: MonotonicCounter>(self, counter: D) -> Config<D, H> {
        Config {
            counter: Some(counter),
            wear_threshold: self.wear_threshold,
            sha: self.sha,
        }
    }

    /// Computes the store's MACs and digests with the SHA-256 engine `sha` (a device's hash
    /// engine, [`drm_core::crypto::backend`]). The format is the same whatever the engine: a
    /// store written with one mounts with any other.
    #[must_use]
    pub fn with_sha<G: Sha256Engine>(self, sha: G) -> Config<C, G> {
        Config {
            counter: self.counter,
            wear_threshold: self.wear_threshold,
            sha,
        }
    }

    /// The spread of erase counts (most worn page minus least worn bucket page) above which a
    /// commit first moves the least worn bucket to the spare page (static wear levelling, at
    /// most one page move per commit). At least 2.
    #[must_use]
    pub fn wear_threshold(mut self, spread: u32) -> Self {
        self.wear_threshold = spread.max(2);
        self
    }
}

/// Flash geometry and derived sizes, checked once.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    pages: u16,
    buckets: u16,
    erase_size: u32,
    entries: u16,
    data_start: u32,
    root_len: u32,
    root_slots: u16,
}

impl Geometry {
    fn new<S: NorFlash>(flash: &S, max_pages: usize) -> Result<Self> {
        let e = S::ERASE_SIZE;
        let ok_gran = |g: usize| matches!(g, 1 | 2 | 4 | 8);
        if !ok_gran(S::WRITE_SIZE)
            || !ok_gran(S::READ_SIZE)
            || !(1024..=65536).contains(&e)
            || !e.is_power_of_two()
            || max_pages > MAX_PAGES
        {
            return Err(Error::UnsupportedFlash);
        }
        let cap = flash.capacity();
        if !cap.is_multiple_of(e) {
            return Err(Error::UnsupportedFlash);
        }
        let pages = cap / e;
        if !(4..=max_pages).contains(&pages) {
            return Err(Error::UnsupportedFlash);
        }
        let buckets = pages - 2;
        let root_len = layout::root_len(buckets);
        let root_slots = (e - HEADER_LEN) / root_len;
        if root_slots < 2 {
            return Err(Error::UnsupportedFlash);
        }
        let conv = |v: usize| u32::try_from(v).map_err(|_| Error::UnsupportedFlash);
        let conv16 = |v: usize| u16::try_from(v).map_err(|_| Error::UnsupportedFlash);
        Ok(Self {
            pages: conv16(pages)?,
            buckets: conv16(buckets)?,
            erase_size: conv(e)?,
            entries: conv16(layout::entries_per_page(e))?,
            data_start: conv(layout::data_start(e))?,
            root_len: conv(root_len)?,
            root_slots: conv16(root_slots)?,
        })
    }

    fn page_addr(&self, page: u16) -> u32 {
        u32::from(page) * self.erase_size
    }

    /// Largest payload one slot may hold.
    fn max_payload(&self) -> usize {
        let room = self.erase_size as usize - self.data_start as usize;
        let max = room.saturating_sub(RECORD_HEADER_LEN + RECORD_TAG_LEN + 7);
        max.min(layout::MAX_LEN_FIELD)
    }
}

/// A store constructed, or refused with its flash and counter given back.
type Made<T, S, C> = core::result::Result<T, Refused<S, C>>;

/// A root slot read: erased, and the root when valid (head and combined hash).
type RootRead = (bool, Option<(RootHead, [u8; ROOT_HASH_LEN])>);

/// RAM state of one bucket beyond its root row.
#[derive(Clone, Copy, Debug, Default)]
struct BucketState {
    /// First free data byte (page offset).
    data_end: u32,
    /// Bytes after the committed entries are not erased (an interrupted write): compact before
    /// the next append.
    dirty: bool,
    /// Digest of the committed index (`layout::index_digest`).
    digest: [u8; DIGEST_LEN],
}

/// Where a slot's newest entry is.
#[derive(Clone, Copy, Debug)]
struct Found {
    slot: u16,
    offset: u32,
    entry: Entry,
}

/// A slot's location: bucket, fingerprint and its newest entry (if any).
#[derive(Clone, Copy, Debug)]
struct Located {
    bucket: u16,
    fp: [u8; 6],
    newest: Option<Found>,
}

/// Changes made in one bucket by a commit in progress.
#[derive(Clone, Copy, Debug, Default)]
struct Pending {
    bucket: u16,
    count: u16,
    data_end: u32,
    need_entries: u16,
    need_bytes: u32,
}

/// A record to erase after a commit.
#[derive(Clone, Copy, Debug, Default)]
struct Stale {
    bucket: u16,
    offset: u32,
    len: u32,
    /// The slot ends deleted (not replaced).
    deleted: bool,
}

/// What [`Store::for_each`] calls for each slot: `(k1, k2, data_len)`.
type SlotVisitor<'f> = dyn FnMut(&[u8; 16], &[u8; 16], usize) -> ControlFlow<()> + 'f;

/// The scratch arrays of [`Store::commit_ops`], one entry per change of the transaction.
struct CommitScratch<'a> {
    pend: &'a mut [Pending],
    op_bucket: &'a mut [u16],
    stale: &'a mut [Stale],
    fps: &'a mut [[u8; 6]],
    changes: &'a mut [(u16, u16, u32)],
}

/// The hashed data store over a NOR flash `S`.
///
/// `C` is the optional monotonic counter ([`Config::with_counter`]); `PAGES` the most flash pages
/// it manages (RAM use grows with it, about 40 bytes per page; see `FORMAT.md` "RAM").
/// Construct with [`Store::format`] or [`Store::mount`]; hand the flash back with
/// [`Store::release`].
pub struct Store<S, C = NoCounter, const PAGES: usize = 32, H = DefaultSha256> {
    flash: S,
    key: HmacKey,
    sha: H,
    counter: Option<C>,
    wear_threshold: u32,
    multiwrite: bool,
    geo: Geometry,
    seq: u64,
    counter_value: u64,
    root_page: u16,
    root_next: u16,
    spare: u16,
    spare_clean: bool,
    rows: [Row; PAGES],
    state: [BucketState; PAGES],
    erase_counts: [u32; PAGES],
    reload: bool,
}

/// How [`Store::open`] obtained the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// An existing store was mounted.
    Mounted,
    /// The flash was blank: an empty store was formatted on it.
    FormattedBlank,
}

impl<S, C, const PAGES: usize, H> core::fmt::Debug for Store<S, C, PAGES, H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store")
            .field("pages", &self.geo.pages)
            .field("seq", &self.seq)
            .field("multiwrite", &self.multiwrite)
            .finish_non_exhaustive()
    }
}

fn fl<E: NorFlashError>(e: E) -> Error {
    Error::Flash(e.kind())
}

/// Statistics of a store (for tests and tuning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Flash pages managed.
    pub pages: u16,
    /// Buckets (pages minus the root page and the spare).
    pub buckets: u16,
    /// Sequence number of the last commit.
    pub seq: u64,
    /// Lowest and highest erase count over all pages (as recorded in page headers).
    pub erase_min: u32,
    /// Highest erase count.
    pub erase_max: u32,
    /// Entries (live, replaced and tombstones) in the fullest bucket.
    pub max_bucket_entries: u16,
}

impl<S: NorFlash, C: MonotonicCounter, const PAGES: usize, H: Sha256Engine> Store<S, C, PAGES, H> {
    /// Erases the flash and writes an empty store. Not atomic: after a power cut during format,
    /// mount fails and the caller formats again. On failure the flash (which may be partly
    /// erased) and the counter are given back in the [`Refused`].
    pub fn format(flash: S, store_key: HmacKey, config: Config<C, H>) -> Made<Self, S, C> {
        Self::format_inner(flash, store_key, config, false)
    }

    /// Mounts the store on `flash`: finds the newest valid root, checks every bucket's index
    /// against it, checks the monotonic counter, and finishes any interrupted secure erase.
    ///
    /// Mount never formats: a blank or foreign flash is [`Error::NotFormatted`], a damaged store
    /// [`Error::Integrity`], and the flash is given back unchanged in the [`Refused`] (nothing is
    /// written before the store is found valid), so the device decides whether to
    /// [`Store::format`] it.
    pub fn mount(flash: S, store_key: HmacKey, config: Config<C, H>) -> Made<Self, S, C> {
        Self::mount_inner(flash, store_key, config, false)
    }

    /// The flash geometry, or the driver given back when it is not supported.
    fn geometry(flash: S, config: Config<C, H>) -> Made<(S, Config<C, H>, Geometry), S, C> {
        match Geometry::new(&flash, PAGES) {
            Ok(g) => Ok((flash, config, g)),
            Err(e) => Err(Refused::new(e, flash, config.counter)),
        }
    }

    /// A store with nothing loaded yet, built in place and not returned in a `Result`: the
    /// store is large, and a `Result<Self, Refused>` of it cost a second copy on the stack
    /// (Drm_Store_Format on the M0 code of the C firmware: 9,408 bytes of stack that way, 8,176
    /// this way, 8,144 before `Refused`: `targets/qemu/c-firmware/run m0-on-an385`).
    fn empty(
        flash: S,
        key: HmacKey,
        config: Config<C, H>,
        multiwrite: bool,
        geo: Geometry,
    ) -> Self {
        Self {
            flash,
            key,
            sha: config.sha,
            counter: config.counter,
            wear_threshold: config.wear_threshold,
            multiwrite,
            geo,
            seq: 0,
            counter_value: 0,
            root_page: 0,
            root_next: 0,
            spare: 0,
            spare_clean: false,
            rows: [Row::default(); PAGES],
            state: [BucketState::default(); PAGES],
            erase_counts: [0; PAGES],
            reload: false,
        }
    }

    /// Mounts the store on `flash`, or formats it when the flash is blank (every byte erased):
    /// the bring-up call of a device, which needs its flash driver only once. Anything else that
    /// does not mount is an error and nothing is written: a store whose roots are all damaged
    /// ([`Error::NotFormatted`] on a flash that is not blank), a format cut by a power loss
    /// ([`Error::NotFormatted`] or [`Error::Integrity`]), a store of another key. Reformatting
    /// such a flash loses its licenses; that is the caller's decision ([`Store::format`]).
    /// Returns how the store was obtained; on failure the flash, unchanged, and the counter are
    /// given back in the [`Refused`].
    pub fn open(flash: S, store_key: HmacKey, config: Config<C, H>) -> Made<(Self, Opened), S, C> {
        Self::open_inner(flash, store_key, config, false)
    }

    /// Gives the flash and the counter back with `error` (a store that was not constructed).
    fn refuse(self, error: Error) -> Refused<S, C> {
        Refused::new(error, self.flash, self.counter)
    }

    /// Hands the flash back (the key is zeroized, the counter dropped).
    pub fn release(self) -> S {
        self.flash
    }

    /// The flash, read-only (for a driver's statistics; the store must stay its only writer).
    #[must_use]
    pub fn flash(&self) -> &S {
        &self.flash
    }

    /// Hands back the flash and the monotonic counter (if one was configured).
    pub fn release_parts(self) -> (S, Option<C>) {
        (self.flash, self.counter)
    }

    /// Statistics (no flash access).
    #[must_use]
    pub fn stats(&self) -> Stats {
        let counts = self.erase_counts.iter().take(usize::from(self.geo.pages));
        Stats {
            pages: self.geo.pages,
            buckets: self.geo.buckets,
            seq: self.seq,
            erase_min: counts.clone().copied().min().unwrap_or(0),
            erase_max: counts.copied().max().unwrap_or(0),
            max_bucket_entries: self
                .rows
                .iter()
                .take(usize::from(self.geo.buckets))
                .map(|r| r.count)
                .max()
                .unwrap_or(0),
        }
    }

    /// Largest data length one slot accepts on this flash.
    #[must_use]
    pub fn max_data_len(&self) -> usize {
        self.geo.max_payload()
    }

    /// Reads slot `(k1, k2)` of `ns` into `buf`; returns its length. [`Error::NotFound`] when
    /// absent, [`Error::BufferTooSmall`] when `buf` is shorter than the data (nothing copied).
    ///
    /// Costs one flash read of the bucket's index and, for a hit, one read of the record when
    /// `buf` has room for the record's overhead too (data length + 72 bytes), else three.
    pub fn get(
        &mut self,
        ns: &Namespace,
        k1: &[u8; 16],
        k2: &[u8; 16],
        buf: &mut [u8],
    ) -> Result<usize> {
        self.ensure_loaded()?;
        let r = self.get_inner(ns, k1, k2, buf);
        self.note(r)
    }

    /// True when slot `(k1, k2)` of `ns` exists (one index read; the record is not read).
    pub fn contains(&mut self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16]) -> Result<bool> {
        self.ensure_loaded()?;
        let r = self.locate(ns, k1, k2);
        let loc = self.note(r)?;
        Ok(matches!(loc.newest, Some(f) if !f.entry.tombstone))
    }

    /// Creates or replaces slot `(k1, k2)` of `ns` (one atomic commit).
    pub fn put(&mut self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16], data: &[u8]) -> Result<()> {
        let mut t = Transaction::<1>::with_capacity();
        t.put(ns, k1, k2, data)?;
        self.commit(&t)
    }

    /// Deletes slot `(k1, k2)` of `ns` (one atomic commit) and erases its data from the flash;
    /// [`Error::NotFound`] when absent.
    pub fn delete(&mut self, ns: &Namespace, k1: &[u8; 16], k2: &[u8; 16]) -> Result<()> {
        let mut t = Transaction::<1>::with_capacity();
        t.delete(ns, k1, k2)?;
        self.commit(&t)
    }

    /// Commits all changes of `txn` as one atomic step, then erases the data of deleted and
    /// replaced slots (zeroed in place on a multiwrite flash, else by compacting the buckets
    /// that had deletes).
    pub fn commit<const N: usize>(&mut self, txn: &Transaction<'_, N>) -> Result<()> {
        self.ensure_loaded()?;
        let r = self.commit_inner(txn);
        self.note(r)
    }

    /// Calls `f(k1, k2, data_len)` for every slot of `ns`, or only those whose first key is `k1`
    /// when given (one bucket: all slots sharing `(ns, k1)` live in the same bucket). Every
    /// record visited is authenticated first. `f` returns `ControlFlow::Break(())` to stop.
    /// Read the data with [`Store::get`] after the walk (the store is borrowed during it).
    pub fn for_each<F>(&mut self, ns: &Namespace, k1: Option<&[u8; 16]>, mut f: F) -> Result<()>
    where
        F: FnMut(&[u8; 16], &[u8; 16], usize) -> ControlFlow<()>,
    {
        self.ensure_loaded()?;
        let r = match k1 {
            Some(k1) => {
                let b = Keyed(&self.key, &self.sha).bucket(ns, k1, self.geo.buckets);
                self.walk_bucket(b, ns, Some(k1), &mut f).map(|_| ())
            }
            None => {
                let mut r = Ok(());
                for b in 0..self.geo.buckets {
                    match self.walk_bucket(b, ns, None, &mut f) {
                        Ok(ControlFlow::Continue(())) => {}
                        Ok(ControlFlow::Break(())) => break,
                        Err(e) => {
                            r = Err(e);
                            break;
                        }
                    }
                }
                r
            }
        };
        self.note(r)
    }

    fn ensure_loaded(&mut self) -> Result<()> {
        if self.reload {
            self.load()?;
            self.recover()?;
            self.reload = false;
        }
        Ok(())
    }

    /// Marks the RAM state stale after an error that may have left it out of step with flash.
    fn note<T>(&mut self, r: Result<T>) -> Result<T> {
        if let Err(Error::Flash(_) | Error::Integrity | Error::LogicBug | Error::Counter) = r {
            self.reload = true;
        }
        r
    }

    fn row(&self, b: u16) -> Result<Row> {
        self.rows
            .get(usize::from(b))
            .copied()
            .ok_or(Error::LogicBug)
    }

    fn set_row(&mut self, b: u16, row: Row) {
        if let Some(r) = self.rows.get_mut(usize::from(b)) {
            *r = row;
        }
    }

    fn st(&self, b: u16) -> Result<BucketState> {
        self.state
            .get(usize::from(b))
            .copied()
            .ok_or(Error::LogicBug)
    }

    fn set_state(&mut self, b: u16, st: BucketState) {
        if let Some(s) = self.state.get_mut(usize::from(b)) {
            *s = st;
        }
    }

    fn erase_count(&self, p: u16) -> u32 {
        self.erase_counts.get(usize::from(p)).copied().unwrap_or(0)
    }

    fn set_erase_count(&mut self, p: u16, v: u32) {
        if let Some(c) = self.erase_counts.get_mut(usize::from(p)) {
            *c = v;
        }
    }
}

impl<S: MultiwriteNorFlash, C: MonotonicCounter, const PAGES: usize, H: Sha256Engine>
    Store<S, C, PAGES, H>
{
    /// As [`Store::format`], on a flash that can rewrite bits from 1 to 0: deleted and replaced
    /// records are then zeroed in place instead of compacted away.
    pub fn format_multiwrite(
        flash: S,
        store_key: HmacKey,
        config: Config<C, H>,
    ) -> Made<Self, S, C> {
        Self::format_inner(flash, store_key, config, true)
    }

    /// As [`Store::mount`], on a flash that can rewrite bits from 1 to 0.
    pub fn mount_multiwrite(
        flash: S,
        store_key: HmacKey,
        config: Config<C, H>,
    ) -> Made<Self, S, C> {
        Self::mount_inner(flash, store_key, config, true)
    }

    /// As [`Store::open`], on a flash that can rewrite bits from 1 to 0.
    pub fn open_multiwrite(
        flash: S,
        store_key: HmacKey,
        config: Config<C, H>,
    ) -> Made<(Self, Opened), S, C> {
        Self::open_inner(flash, store_key, config, true)
    }
}
