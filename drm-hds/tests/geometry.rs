//! Other flash geometries: 1- and 8-byte writes, 4-byte reads (the store's aligned bounce
//! reads), 64 KiB pages, and refused geometries.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use drm_core::secret::HmacKey;
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Error, Namespace, Store, Transaction};

fn key() -> HmacKey {
    HmacKey::from_bytes([0x12; 32])
}

/// Puts, replaces and deletes enough to compact and move the root, remounts, checks.
fn exercise<F: embedded_storage::nor_flash::NorFlash>(
    mut s: Store<F>,
    remount: impl FnOnce(F) -> Store<F>,
) {
    let ns = Namespace::from_name(b"drm/licenses");
    let mut buf = [0u8; 300];
    for round in 0..30u8 {
        for i in 0..6u8 {
            // Odd lengths exercise unaligned tails.
            let data = vec![round ^ i; 13 + usize::from(i) * 37];
            s.put(&ns, &[i; 16], &[i ^ 1; 16], &data).unwrap();
        }
        let mut t = Transaction::new();
        t.delete(&ns, &[round % 6; 16], &[(round % 6) ^ 1; 16])
            .unwrap();
        s.commit(&t).unwrap();
    }
    let mut small = [0u8; 200]; // data fits, record overhead does not: the three-read path
    for i in 0..6u8 {
        let want = if i == 29 % 6 {
            None
        } else {
            Some(vec![29 ^ i; 13 + usize::from(i) * 37])
        };
        match &want {
            Some(w) => {
                assert_eq!(s.get(&ns, &[i; 16], &[i ^ 1; 16], &mut buf), Ok(w.len()));
                assert_eq!(&buf[..w.len()], &w[..]);
                if w.len() <= small.len() {
                    assert_eq!(
                        s.get(&ns, &[i; 16], &[i ^ 1; 16], &mut small[..w.len()]),
                        Ok(w.len())
                    );
                    assert_eq!(&small[..w.len()], &w[..]);
                }
            }
            None => assert_eq!(
                s.get(&ns, &[i; 16], &[i ^ 1; 16], &mut buf),
                Err(Error::NotFound)
            ),
        }
    }
    let flash = s.release();
    let mut s = remount(flash);
    assert_eq!(s.get(&ns, &[0; 16], &[1; 16], &mut buf), Ok(13));
}

#[test]
fn one_byte_writes() {
    let mut image = vec![0xFFu8; 8 * 1024];
    type F<'a> = MockFlash<'a, 1, 1024, false>;
    let s = Store::format(F::new(&mut image), key(), Config::new()).unwrap();
    exercise(s, |f| Store::mount(f, key(), Config::new()).unwrap());
}

#[test]
fn eight_byte_writes_four_byte_reads_multiwrite() {
    let mut image = vec![0xFFu8; 8 * 2048];
    type F<'a> = MockFlash<'a, 8, 2048, true, 4>;
    let s = Store::format_multiwrite(F::new(&mut image), key(), Config::new()).unwrap();
    exercise(s, |f| {
        Store::mount_multiwrite(f, key(), Config::new()).unwrap()
    });
}

#[test]
fn eight_byte_reads_write_once() {
    let mut image = vec![0xFFu8; 6 * 4096];
    type F<'a> = MockFlash<'a, 4, 4096, false, 8>;
    let s = Store::format(F::new(&mut image), key(), Config::new()).unwrap();
    exercise(s, |f| Store::mount(f, key(), Config::new()).unwrap());
}

/// An STM32F4's four 16 KiB sectors (0-3) as the store's partition: format 1 needs uniform
/// pages, so a port gives it these and keeps the 64 KiB and 128 KiB sectors for other uses
/// (128 KiB sectors are beyond format 1's 64 KiB limit). 4 pages: 2 buckets, a root, a spare.
#[test]
fn stm32f4_small_sectors_as_the_partition() {
    let mut image = vec![0xFFu8; 4 * 16384];
    type F<'a> = MockFlash<'a, 4, 16384, false>;
    let s = Store::format(F::new(&mut image), key(), Config::new()).unwrap();
    assert_eq!(s.stats().buckets, 2);
    exercise(s, |f| Store::mount(f, key(), Config::new()).unwrap());
}

#[test]
fn large_pages() {
    let mut image = vec![0xFFu8; 4 * 65536];
    type F<'a> = MockFlash<'a, 4, 65536, false>;
    let s = Store::format(F::new(&mut image), key(), Config::new()).unwrap();
    exercise(s, |f| Store::mount(f, key(), Config::new()).unwrap());
}

#[test]
fn refused_geometries() {
    // Too few pages, too many for PAGES, pages too small, writes too wide.
    let mut image = vec![0xFFu8; 3 * 4096];
    let r = Store::<_>::format(
        MockFlash::<4, 4096, false>::new(&mut image),
        key(),
        Config::new(),
    );
    assert_eq!(r.err().map(|r| r.error), Some(Error::UnsupportedFlash));
    let mut image = vec![0xFFu8; 40 * 4096];
    let r = Store::<_>::format(
        MockFlash::<4, 4096, false>::new(&mut image),
        key(),
        Config::new(),
    );
    assert_eq!(r.err().map(|r| r.error), Some(Error::UnsupportedFlash));
    let mut image = vec![0xFFu8; 8 * 512];
    let r = Store::<_>::format(
        MockFlash::<4, 512, false>::new(&mut image),
        key(),
        Config::new(),
    );
    assert_eq!(r.err().map(|r| r.error), Some(Error::UnsupportedFlash));
    let mut image = vec![0xFFu8; 8 * 4096];
    let r = Store::<_>::format(
        MockFlash::<16, 4096, false>::new(&mut image),
        key(),
        Config::new(),
    );
    assert_eq!(r.err().map(|r| r.error), Some(Error::UnsupportedFlash));
}
