//! A store of another format version is recognised and refused by name, and the flash given
//! back unchanged (mount and open; open never formats over it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use drm_core::secret::HmacKey;
use drm_hds::layout::{FORMAT_VERSION, PAGE_MAGIC};
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Error, Namespace, Store};

const PAGES: usize = 8;
const PAGE: usize = 1024;
const NS: Namespace = Namespace::from_name(b"drm/licenses");

type Flash<'a> = MockFlash<'a, 4, PAGE, false>;

fn key() -> HmacKey {
    HmacKey::from_bytes([5; 32])
}

/// A store of this version holding one record.
fn store_image() -> Vec<u8> {
    let mut img = vec![0xFFu8; PAGES * PAGE];
    let mut s =
        Store::<Flash<'_>, _, PAGES>::format(Flash::new(&mut img), key(), Config::new()).unwrap();
    s.put(&NS, &[1; 16], &[2; 16], b"license").unwrap();
    drop(s);
    img
}

/// `img` with the version field of every page header set to `v` (as a store written by a
/// build of format `v` would carry it: the page magic and the version field sit at the same
/// offsets in every version).
fn with_version(mut img: Vec<u8>, v: u16) -> Vec<u8> {
    for page in img.chunks_mut(PAGE) {
        if page[..4] == PAGE_MAGIC {
            page[4..6].copy_from_slice(&v.to_le_bytes());
        }
    }
    img
}

#[test]
fn another_format_version_is_refused_by_name_and_untouched() {
    assert_eq!(FORMAT_VERSION, 1);
    for v in [2u16, 0, 0xFFFE] {
        let img = with_version(store_image(), v);
        let mut copy = img.clone();
        let refused =
            Store::<Flash<'_>, _, PAGES>::mount(Flash::new(&mut copy), key(), Config::new())
                .map(|_| ())
                .unwrap_err();
        assert_eq!(refused.error, Error::FormatVersion { found: v });
        assert_eq!(refused.error.code(), 0x8004_D609);
        let text = refused.error.to_string();
        assert!(
            text.contains(&format!("format version {v}")) && text.contains("reads version 1"),
            "{text}"
        );
        assert_eq!(refused.into_flash().memory(), &img[..]);
        // `open` refuses it too, and does not format over it.
        let mut copy = img.clone();
        let refused =
            Store::<Flash<'_>, _, PAGES>::open(Flash::new(&mut copy), key(), Config::new())
                .map(|_| ())
                .unwrap_err();
        assert_eq!(refused.error, Error::FormatVersion { found: v });
        assert_eq!(copy, img, "open wrote to the flash");
    }
}

#[test]
fn a_store_of_this_version_still_mounts_and_foreign_data_is_not_formatted() {
    let mut img = store_image();
    let mut s =
        Store::<Flash<'_>, _, PAGES>::mount(Flash::new(&mut img), key(), Config::new()).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(s.get(&NS, &[1; 16], &[2; 16], &mut buf), Ok(7));
    drop(s);
    // Without the page magic the data is foreign, not another version.
    let mut foreign = vec![0x5Au8; PAGES * PAGE];
    let refused =
        Store::<Flash<'_>, _, PAGES>::mount(Flash::new(&mut foreign), key(), Config::new())
            .map(|_| ())
            .unwrap_err();
    assert_eq!(refused.error, Error::NotFormatted);
}

/// One page header of another version (as a power cut tearing the version field of a header
/// being written leaves), or headers of two versions without a valid root: damage, not a store
/// of another version.
#[test]
fn a_single_or_mixed_other_version_header_is_not_a_version() {
    let store = store_image();
    let mut one = vec![0xFFu8; PAGES * PAGE];
    one[..PAGE].copy_from_slice(&with_version(store.clone(), 2)[..PAGE]);
    let mut mixed = with_version(store, 2);
    // Page headers of this version on two pages, the root record damaged everywhere.
    for page in mixed.chunks_mut(PAGE).take(2) {
        page[4..6].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    }
    for img in [one, mixed] {
        let mut copy = img.clone();
        let refused =
            Store::<Flash<'_>, _, PAGES>::mount(Flash::new(&mut copy), key(), Config::new())
                .map(|_| ())
                .unwrap_err();
        assert!(
            matches!(refused.error, Error::NotFormatted | Error::Integrity),
            "{:?}",
            refused.error
        );
    }
}
