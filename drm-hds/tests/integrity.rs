//! Integrity and rollback (issue 4): a flipped bit, a swapped or moved record, an older copy of a
//! record or page replayed, pages of an old image mixed with a new one give `Integrity` (never
//! data); the restore of a whole older image is detected with the monotonic counter hook.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::cell::Cell;
use std::rc::Rc;

use drm_core::platform::MonotonicCounter;
use drm_core::secret::HmacKey;
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Error, Namespace, Store};

const NS: Namespace = Namespace::from_name(b"drm/licenses");
const PAGE: usize = 1024;
type Flash<'a> = MockFlash<'a, 4, PAGE, false>;

fn key() -> HmacKey {
    HmacKey::from_bytes([0x31; 32])
}

fn k(n: u8) -> [u8; 16] {
    [n; 16]
}

/// A payload that is easy to find in the image.
fn data(n: u8, version: u8) -> Vec<u8> {
    (0..40u8)
        .map(|i| i.wrapping_mul(7) ^ n ^ (version << 4))
        .collect()
}

fn find(image: &[u8], needle: &[u8]) -> Vec<usize> {
    image
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

fn build(image: &mut [u8], n: u8) {
    let mut s: Store<_> = Store::format(Flash::new(image), key(), Config::new()).unwrap();
    for i in 0..n {
        s.put(&NS, &k(i), &k(i), &data(i, 0)).unwrap();
    }
}

#[test]
fn every_flipped_bit_gives_integrity_or_the_right_data() {
    let mut image = vec![0xFFu8; 8 * PAGE];
    build(&mut image, 8);
    // The last commit put slot 7: a damaged newest root may fall back to the commit before.
    let (mut mount_refused, mut detected, mut harmless) = (0, 0, 0);
    for pos in 0..image.len() {
        let mut img = image.clone();
        img[pos] ^= 1 << (pos % 8);
        let mut s: Store<_> = match Store::mount(Flash::new(&mut img), key(), Config::new()) {
            Ok(s) => s,
            Err(r) if matches!(r.error, Error::Integrity | Error::NotFormatted) => {
                mount_refused += 1;
                continue;
            }
            Err(e) => panic!("byte {pos}: {e}"),
        };
        let mut any = false;
        for i in 0..8u8 {
            let mut buf = [0u8; 128];
            match s.get(&NS, &k(i), &k(i), &mut buf) {
                Ok(n) => assert_eq!(&buf[..n], &data(i, 0)[..], "byte {pos}: wrong data"),
                Err(Error::Integrity) => any = true,
                Err(Error::NotFound) if i == 7 => {}
                Err(e) => panic!("byte {pos} slot {i}: {e}"),
            }
        }
        if any {
            detected += 1;
        } else {
            harmless += 1;
        }
    }
    println!(
        "{} single-bit flips: mount refused {mount_refused}, detected at read {detected}, no effect on data {harmless}, wrong data 0",
        image.len()
    );
}

/// Offset of slot `i`'s record (the start of its namespace field) in the image.
fn record_at(image: &[u8], i: u8) -> usize {
    let d = data(i, 0);
    let at = find(image, &d);
    assert_eq!(at.len(), 1);
    at[0] - 48
}

#[test]
fn swapped_and_moved_records_are_refused() {
    let mut image = vec![0xFFu8; 8 * PAGE];
    build(&mut image, 8);
    let len = 48 + 40 + 16;
    // Swap two records (all the same length; they may share a bucket or not).
    for (a, b) in [(0u8, 1u8), (2, 5), (3, 6)] {
        let mut img = image.clone();
        let (pa, pb) = (record_at(&img, a), record_at(&img, b));
        let ra = img[pa..pa + len].to_vec();
        let rb = img[pb..pb + len].to_vec();
        img[pa..pa + len].copy_from_slice(&rb);
        img[pb..pb + len].copy_from_slice(&ra);
        let mut s: Store<_> = Store::mount(Flash::new(&mut img), key(), Config::new()).unwrap();
        let mut buf = [0u8; 128];
        assert_eq!(s.get(&NS, &k(a), &k(a), &mut buf), Err(Error::Integrity));
        assert_eq!(s.get(&NS, &k(b), &k(b), &mut buf), Err(Error::Integrity));
        assert_eq!(
            s.for_each(&NS, None, |_, _, _| core::ops::ControlFlow::Continue(())),
            Err(Error::Integrity)
        );
    }
    // Move (copy) a record over another one.
    let mut img = image.clone();
    let (p0, p4) = (record_at(&img, 0), record_at(&img, 4));
    let r0 = img[p0..p0 + len].to_vec();
    img[p4..p4 + len].copy_from_slice(&r0);
    let mut s: Store<_> = Store::mount(Flash::new(&mut img), key(), Config::new()).unwrap();
    let mut buf = [0u8; 128];
    assert_eq!(s.get(&NS, &k(4), &k(4), &mut buf), Err(Error::Integrity));
    assert_eq!(s.get(&NS, &k(0), &k(0), &mut buf), Ok(40));
}

#[test]
fn replayed_older_copies_are_refused() {
    let mut image = vec![0xFFu8; 8 * PAGE];
    build(&mut image, 4);
    let old_image = image.clone();
    {
        let mut s: Store<_> = Store::mount(Flash::new(&mut image), key(), Config::new()).unwrap();
        s.put(&NS, &k(1), &k(1), &data(1, 1)).unwrap();
    }
    let len = 48 + 40 + 16;
    // 1. The old version is still in its page (write-once flash): copy it over the new one.
    let mut img = image.clone();
    let old_at = find(&img, &data(1, 0))[0] - 48;
    let new_at = find(&img, &data(1, 1))[0] - 48;
    let old = img[old_at..old_at + len].to_vec();
    img[new_at..new_at + len].copy_from_slice(&old);
    let mut s: Store<_> = Store::mount(Flash::new(&mut img), key(), Config::new()).unwrap();
    let mut buf = [0u8; 128];
    assert_eq!(s.get(&NS, &k(1), &k(1), &mut buf), Err(Error::Integrity));
    // 2. Restore the old copy of the page that holds slot 1 (the rest stays new).
    let mut img = image.clone();
    let page = new_at / PAGE;
    img[page * PAGE..(page + 1) * PAGE].copy_from_slice(&old_image[page * PAGE..(page + 1) * PAGE]);
    assert_eq!(
        Store::<_>::mount(Flash::new(&mut img), key(), Config::new())
            .err()
            .map(|r| r.error),
        Some(Error::Integrity),
        "old bucket page under the new root"
    );
    // 3. Every page but the root page from the old image (old records, new root).
    let mut img = old_image.clone();
    let root_page = (0..8)
        .find(|p| image[p * PAGE + 6] == 2 && image[p * PAGE..p * PAGE + 4] == *b"HDSP")
        .unwrap();
    img[root_page * PAGE..(root_page + 1) * PAGE]
        .copy_from_slice(&image[root_page * PAGE..(root_page + 1) * PAGE]);
    assert_eq!(
        Store::<_>::mount(Flash::new(&mut img), key(), Config::new())
            .err()
            .map(|r| r.error),
        Some(Error::Integrity),
        "old pages under the new root"
    );
}

/// A monotonic counter in RAM, shared with the test.
#[derive(Clone)]
struct RamCounter {
    value: Rc<Cell<u64>>,
    fail_next: Rc<Cell<bool>>,
}

impl MonotonicCounter for RamCounter {
    fn read(&mut self) -> drm_core::Result<u64> {
        Ok(self.value.get())
    }
    fn increment(&mut self) -> drm_core::Result<u64> {
        if self.fail_next.replace(false) {
            return Err(drm_core::Error::LogicBug);
        }
        self.value.set(self.value.get() + 1);
        Ok(self.value.get())
    }
}

#[test]
fn whole_image_rollback_is_detected_with_the_counter() {
    let counter = RamCounter {
        value: Rc::new(Cell::new(1000)),
        fail_next: Rc::new(Cell::new(false)),
    };
    let cfg = || Config::new().with_counter(counter.clone());
    let mut image = vec![0xFFu8; 8 * PAGE];
    {
        let mut s: Store<_, _> = Store::format(Flash::new(&mut image), key(), cfg()).unwrap();
        s.put(&NS, &k(1), &k(1), b"licence v1").unwrap();
    }
    let old_image = image.clone();
    {
        let mut s: Store<_, _> = Store::mount(Flash::new(&mut image), key(), cfg()).unwrap();
        s.delete(&NS, &k(1), &k(1)).unwrap();
    }
    assert_eq!(counter.value.get(), 1002, "one increment per commit");
    // Restoring the older image (consistent in itself) is caught.
    let mut img = old_image.clone();
    assert_eq!(
        Store::<_, _>::mount(Flash::new(&mut img), key(), cfg())
            .err()
            .map(|r| r.error),
        Some(Error::Rollback)
    );
    // Without the counter the same image mounts: only the anchor can tell.
    let mut img = old_image.clone();
    let mut s: Store<_> = Store::mount(Flash::new(&mut img), key(), Config::new()).unwrap();
    let mut buf = [0u8; 32];
    assert_eq!(s.get(&NS, &k(1), &k(1), &mut buf), Ok(10));
    // The current image mounts, and a cut between root write and increment is completed.
    {
        let mut s: Store<_, _> = Store::mount(Flash::new(&mut image), key(), cfg()).unwrap();
        assert_eq!(s.get(&NS, &k(1), &k(1), &mut buf), Err(Error::NotFound));
        counter.fail_next.set(true);
        assert_eq!(s.put(&NS, &k(2), &k(2), b"x"), Err(Error::Counter));
    }
    assert_eq!(counter.value.get(), 1002);
    let mut s: Store<_, _> = Store::mount(Flash::new(&mut image), key(), cfg()).unwrap();
    assert_eq!(counter.value.get(), 1003, "mount completed the increment");
    assert_eq!(s.get(&NS, &k(2), &k(2), &mut buf), Ok(1));
}
