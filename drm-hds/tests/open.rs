//! `Store::open`: mount, or format a blank flash, and never write anything otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use drm_core::secret::HmacKey;
use drm_hds::mock::{MockFlash, Torn};
use drm_hds::{Config, Error, Namespace, Opened, Store};

const PAGES: usize = 8;
const PAGE: usize = 1024;
const NS: Namespace = Namespace::from_name(b"drm/licenses");

type Flash<'a> = MockFlash<'a, 4, PAGE, false>;
type Multi<'a> = MockFlash<'a, 4, PAGE, true>;

fn key(b: u8) -> HmacKey {
    HmacKey::from_bytes([b; 32])
}

fn open(
    img: &mut [u8],
    k: u8,
) -> Result<(Store<Flash<'_>, drm_hds::NoCounter, PAGES>, Opened), Error> {
    Ok(Store::open(Flash::new(img), key(k), Config::new())?)
}

#[test]
fn a_blank_flash_is_formatted_then_mounted() {
    let mut img = vec![0xFFu8; PAGES * PAGE];
    let (mut s, how) = open(&mut img, 1).unwrap();
    assert_eq!(how, Opened::FormattedBlank);
    s.put(&NS, &[1; 16], &[2; 16], b"kept").unwrap();
    drop(s);
    let (mut s, how) = open(&mut img, 1).unwrap();
    assert_eq!(how, Opened::Mounted);
    let mut buf = [0u8; 8];
    assert_eq!(s.get(&NS, &[1; 16], &[2; 16], &mut buf), Ok(4));
    assert_eq!(buf.get(..4), Some(&b"kept"[..]));
}

#[test]
fn multiwrite_blank_flash_is_formatted_then_mounted() {
    let mut img = vec![0xFFu8; PAGES * PAGE];
    let (mut s, how) =
        Store::<Multi<'_>, _, PAGES>::open_multiwrite(Multi::new(&mut img), key(1), Config::new())
            .unwrap();
    assert_eq!(how, Opened::FormattedBlank);
    s.put(&NS, &[1; 16], &[2; 16], b"kept").unwrap();
    drop(s);
    let (_, how) =
        Store::<Multi<'_>, _, PAGES>::open_multiwrite(Multi::new(&mut img), key(1), Config::new())
            .unwrap();
    assert_eq!(how, Opened::Mounted);
}

/// A store holding a record, as bytes.
fn used() -> Vec<u8> {
    let mut img = vec![0xFFu8; PAGES * PAGE];
    let (mut s, _) = open(&mut img, 1).unwrap();
    s.put(&NS, &[1; 16], &[2; 16], b"a license that must not be lost")
        .unwrap();
    drop(s);
    img
}

/// `open` of `img` with key `k` is refused with `NotFormatted` or `Integrity` and writes nothing.
fn refused_untouched(img: &[u8], k: u8) {
    let mut copy = img.to_vec();
    let err = open(&mut copy, k).map(|_| ()).unwrap_err();
    assert!(
        matches!(err, Error::NotFormatted | Error::Integrity),
        "{err:?}"
    );
    assert_eq!(copy, img, "open wrote to the flash");
}

#[test]
fn a_store_of_another_key_is_an_error_and_untouched() {
    refused_untouched(&used(), 2);
}

#[test]
fn damaged_roots_are_an_error_and_the_data_stays() {
    let img = used();
    // Clear bits in every root slot area of every page (as bit rot or a bad write would).
    let mut damaged = img.clone();
    for p in 0..PAGES {
        for b in damaged.iter_mut().skip(p * PAGE + 16).take(96) {
            *b &= 0x7F;
        }
    }
    refused_untouched(&damaged, 1);
}

#[test]
fn a_cut_format_is_an_error_never_formatted_over() {
    let mut probe = vec![0xFFu8; PAGES * PAGE];
    let total = {
        let s = Store::<Flash<'_>, _, PAGES>::format(Flash::new(&mut probe), key(1), Config::new())
            .unwrap();
        s.flash().ops()
    };
    let base = used();
    let (mut refused, mut blank, mut mounted) = (0, 0, 0);
    for n in 0..total {
        let mut img = base.clone();
        let mut f = Flash::new(&mut img);
        f.cut_after(n, Torn::Prefix, n);
        assert!(Store::<Flash<'_>, _, PAGES>::format(f, key(1), Config::new()).is_err());
        let before = img.clone();
        match open(&mut img, 1) {
            // A cut after format's erases and before its first write leaves a blank flash:
            // formatting that loses nothing.
            Ok((_, Opened::FormattedBlank)) => {
                assert!(
                    before.iter().all(|&b| b == 0xFF),
                    "cut {n}: formatted over data"
                );
                blank += 1;
            }
            Ok((_, Opened::Mounted)) => mounted += 1,
            Err(e) => {
                assert!(
                    matches!(e, Error::NotFormatted | Error::Integrity),
                    "cut {n}: {e:?}"
                );
                assert_eq!(img, before, "cut {n}: open wrote to the flash");
                refused += 1;
            }
        }
    }
    assert!(refused > 0);
    println!(
        "{total} cut points: refused {refused}, blank and formatted {blank}, old store mounted {mounted}"
    );
}

/// A refused mount gives the same flash back, with its contents and counters unchanged; the
/// device can then format it explicitly with that driver.
#[test]
fn a_refused_mount_gives_the_flash_back_unchanged() {
    for (img, k) in [(used(), 2u8), (vec![0xFFu8; PAGES * PAGE], 1)] {
        let mut copy = img.clone();
        let flash = Flash::new(&mut copy);
        let refused = Store::<Flash<'_>, _, PAGES>::mount(flash, key(k), Config::new())
            .map(|_| ())
            .unwrap_err();
        assert_eq!(refused.error, Error::NotFormatted);
        assert_eq!(
            format!("{refused:?}"),
            "Refused { error: NotFormatted, .. }"
        );
        let (error, flash, counter) = refused.into_parts();
        assert_eq!(error, Error::NotFormatted);
        assert!(counter.is_none());
        assert_eq!(flash.memory(), &img[..], "mount wrote to the flash");
        assert_eq!(flash.counters().writes, 0);
        assert_eq!(flash.counters().erases, 0);
        // The same driver formats, and the new store works.
        let mut s = Store::<Flash<'_>, _, PAGES>::format(flash, key(k), Config::new()).unwrap();
        s.put(&NS, &[3; 16], &[4; 16], b"after").unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(s.get(&NS, &[3; 16], &[4; 16], &mut buf), Ok(5));
    }
}

/// A refused geometry and a refused open give the driver back too; `?` turns a refusal into its
/// `Error`.
#[test]
fn refused_open_and_geometry_give_the_flash_back() {
    let img = used();
    let mut copy = img.clone();
    let refused = Store::<Flash<'_>, _, PAGES>::open(Flash::new(&mut copy), key(2), Config::new())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(refused.error, Error::NotFormatted);
    assert_eq!(refused.into_flash().memory(), &img[..]);
    let mut small = vec![0xFFu8; 3 * PAGE];
    let refused =
        Store::<Flash<'_>, _, PAGES>::format(Flash::new(&mut small), key(1), Config::new())
            .map(|_| ())
            .unwrap_err();
    assert_eq!(Error::from(refused), Error::UnsupportedFlash);
    assert!(small.iter().all(|&b| b == 0xFF));
}
