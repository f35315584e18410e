//! A power cut during `format` (FORMAT.md §12, "Limits": format is not atomic, and after a cut
//! the caller formats again). For every word write and page erase of `format`, on a blank flash
//! and on a flash that holds a store with data, for both flash kinds and both torn-write models,
//! the power is cut there, and then:
//!
//! - mount gives a typed error (`NotFormatted` or `Integrity`), never a panic, or a store whose
//!   slots are either all absent or, only if the flash held a store before, all the old ones
//!   intact: never data that was not written, never a part of the old data;
//! - a second `format` of that image, itself cut at one point, leaves the same kinds of image;
//! - a `format` without a cut then succeeds, and the store mounts, is empty and takes a put and
//!   a get.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use drm_core::secret::HmacKey;
use drm_hds::mock::{MockFlash, Torn};
use drm_hds::{Config, Error, Namespace, Store};

const PAGES: usize = 8;
const PAGE: usize = 1024;
const NS: Namespace = Namespace::from_name(b"drm/licenses");

type Plain<'a> = MockFlash<'a, 4, PAGE, false>;
type Multi<'a> = MockFlash<'a, 4, PAGE, true>;

fn key() -> HmacKey {
    HmacKey::from_bytes([0x4D; 32])
}

/// What mounting a cut image gave.
#[derive(Debug, PartialEq)]
enum Mounted {
    Failed(Error),
    Empty,
    OldData,
}

/// The slots the "used" image holds.
fn slots() -> impl Iterator<Item = ([u8; 16], [u8; 16], Vec<u8>)> {
    (0..6u8).map(|i| ([i; 16], [i ^ 0x55; 16], vec![i; 40 + usize::from(i) * 7]))
}

macro_rules! kind {
    ($name:ident, $flash:ident, $format:ident, $mount:ident) => {
        mod $name {
            use super::*;

            fn format(img: &mut [u8]) -> Result<u64, Error> {
                let s = Store::<$flash<'_>, _, PAGES>::$format(
                    $flash::new(img),
                    key(),
                    Config::new(),
                )?;
                Ok(s.flash().ops())
            }

            fn format_cut(img: &mut [u8], n: u64, torn: Torn, seed: u64) -> Result<(), Error> {
                let mut f = $flash::new(img);
                f.cut_after(n, torn, seed);
                Store::<$flash<'_>, _, PAGES>::$format(f, key(), Config::new())
                    .map(|_| ())
                    .map_err(Error::from)
            }

            fn mount(img: &mut [u8]) -> Result<Store<$flash<'_>, drm_hds::NoCounter, PAGES>, Error> {
                Ok(Store::$mount($flash::new(img), key(), Config::new())?)
            }

            /// A formatted image with the slots of [`slots`].
            fn used() -> Vec<u8> {
                let mut img = vec![0xFFu8; PAGES * PAGE];
                format(&mut img).unwrap();
                let mut s = mount(&mut img).unwrap();
                for (k1, k2, v) in slots() {
                    s.put(&NS, &k1, &k2, &v).unwrap();
                }
                drop(s);
                img
            }

            fn what_mounts(img: &mut [u8], had_data: bool) -> Mounted {
                let mut s = match mount(img) {
                    Ok(s) => s,
                    Err(e @ (Error::NotFormatted | Error::Integrity)) => return Mounted::Failed(e),
                    Err(e) => panic!("mount after a cut format: unexpected error {e:?}"),
                };
                let mut buf = [0u8; 128];
                let mut found = 0;
                for (k1, k2, v) in slots() {
                    match s.get(&NS, &k1, &k2, &mut buf) {
                        Ok(n) => {
                            assert_eq!(&buf[..n], &v[..], "a slot with data never written");
                            found += 1;
                        }
                        Err(Error::NotFound) => {}
                        Err(e) => panic!("get after a cut format: {e:?}"),
                    }
                }
                match found {
                    0 => Mounted::Empty,
                    6 if had_data => Mounted::OldData,
                    _ => panic!("a cut format left {found} of the 6 old slots"),
                }
            }

            /// Formats `img` again and checks the store works.
            fn reformat_and_use(img: &mut [u8], what: &str) {
                format(img).unwrap_or_else(|e| panic!("{what}: format again: {e:?}"));
                let mut s = mount(img).unwrap_or_else(|e| panic!("{what}: mount: {e:?}"));
                let mut buf = [0u8; 8];
                for (k1, k2, _) in slots() {
                    assert_eq!(s.get(&NS, &k1, &k2, &mut buf), Err(Error::NotFound), "{what}");
                }
                s.put(&NS, &[0xA1; 16], &[0xA2; 16], b"after").unwrap();
                drop(s);
                let mut s = mount(img).unwrap();
                assert_eq!(s.get(&NS, &[0xA1; 16], &[0xA2; 16], &mut buf), Ok(5), "{what}");
                assert_eq!(&buf[..5], b"after");
            }

            fn run(base: &[u8], had_data: bool) -> (u64, [u64; 3]) {
                let total = format(&mut base.to_vec()).unwrap();
                assert!(total > 0);
                let mut seen = [0u64; 3];
                let mut seed = 7;
                for torn in [Torn::Prefix, Torn::Random] {
                    for n in 0..total {
                        seed += 1;
                        let mut img = base.to_vec();
                        assert!(
                            format_cut(&mut img, n, torn, seed).is_err(),
                            "cut {n} of {total} not hit"
                        );
                        let what = format!("{torn:?} cut {n} of {total}");
                        match what_mounts(&mut img.clone(), had_data) {
                            Mounted::Failed(_) => seen[0] += 1,
                            Mounted::Empty => seen[1] += 1,
                            Mounted::OldData => seen[2] += 1,
                        }
                        // The second format cut too, once, at a point that moves with n.
                        let second = n % total;
                        let mut img2 = img.clone();
                        let _ = format_cut(&mut img2, second, torn, seed ^ 0xF0);
                        let _ = what_mounts(&mut img2.clone(), had_data);
                        reformat_and_use(&mut img2, &format!("{what}, second format cut {second}"));
                        reformat_and_use(&mut img, &what);
                    }
                }
                (total, seen)
            }

            #[test]
            fn cut_format_on_a_blank_flash() {
                let (total, seen) = run(&vec![0xFFu8; PAGES * PAGE], false);
                println!(
                    "{}: format on a blank flash, {total} cut points x 2 torn models: mount failed {}, empty {}, old data {}",
                    stringify!($name),
                    seen[0],
                    seen[1],
                    seen[2]
                );
                assert_eq!(seen[2], 0);
                assert!(seen[0] > 0, "no cut left an unmountable image: the test cuts nothing");
            }

            #[test]
            fn cut_format_over_a_used_store() {
                let (total, seen) = run(&used(), true);
                println!(
                    "{}: format over a store with data, {total} cut points x 2 torn models: mount failed {}, empty {}, old data {}",
                    stringify!($name),
                    seen[0],
                    seen[1],
                    seen[2]
                );
                assert!(seen[0] > 0, "no cut left an unmountable image: the test cuts nothing");
            }
        }
    };
}

kind!(write_once, Plain, format, mount);
kind!(multiwrite, Multi, format_multiwrite, mount_multiwrite);
