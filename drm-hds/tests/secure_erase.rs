//! Secure erase (issue 4): after a delete, and after a Secure Delete style commit (delete the
//! licenses and mark the session pending in one transaction), the deleted payload is not in the
//! raw flash image, on a multiwrite flash (zeroed in place) and a write-once one (compacted
//! away). Also when the power is cut anywhere in the commit: once the remounted store no longer
//! has the slot, its bytes are gone from the image.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use drm_core::secret::HmacKey;
use drm_hds::mock::{MockFlash, Torn};
use drm_hds::{Config, Error, Namespace, Store, Transaction};

const LIC: Namespace = Namespace::from_name(b"drm/licenses");
const SESS: Namespace = Namespace::from_name(b"sessions");
const PAGE: usize = 1024;

fn key() -> HmacKey {
    HmacKey::from_bytes([0x55; 32])
}

fn k(n: u8) -> [u8; 16] {
    [n; 16]
}

/// Pseudo-random payload bytes ("key material"), unrelated between slots.
fn payload(n: u8) -> Vec<u8> {
    let mut v = drm_core::crypto::sha256(&[n, 1]).to_vec();
    v.extend_from_slice(&drm_core::crypto::sha256(&[n, 2])[..16]);
    v
}

/// True when any 12-byte window of `payload` appears in `image`.
fn readable(image: &[u8], payload: &[u8]) -> bool {
    payload
        .windows(12)
        .any(|w| image.windows(12).any(|x| x == w))
}

macro_rules! scenario {
    ($name:ident, $multi:expr, $mount:ident, $format:ident) => {
        #[test]
        fn $name() {
            type F<'a> = MockFlash<'a, 4, PAGE, $multi>;
            let mut image = vec![0xFFu8; 12 * PAGE];
            {
                let mut s: Store<_> = Store::$format(F::new(&mut image), key(), Config::new()).unwrap();
                for i in 0..10u8 {
                    s.put(&LIC, &k(i), &k(100 + i), &payload(i)).unwrap();
                }
                // Plain delete.
                s.delete(&LIC, &k(0), &k(100)).unwrap();
                // Secure Delete: delete two licenses and mark the session pending, atomically.
                let mut t = Transaction::new();
                t.delete(&LIC, &k(1), &k(101)).unwrap();
                t.delete(&LIC, &k(2), &k(102)).unwrap();
                t.put(&SESS, &k(200), &[0; 16], b"pending").unwrap();
                s.commit(&t).unwrap();
            }
            for i in 0..3u8 {
                assert!(!readable(&image, &payload(i)), "deleted payload {i} readable");
            }
            for i in 3..10u8 {
                assert!(readable(&image, &payload(i)), "live payload {i} must be there");
            }
            // Power cut anywhere in a delete commit.
            let snapshot = image.clone();
            let ops = {
                let mut img = snapshot.clone();
                let mut s: Store<_> = Store::$mount(F::new(&mut img), key(), Config::new()).unwrap();
                let start = s.flash().ops();
                s.delete(&LIC, &k(3), &k(103)).unwrap();
                s.flash().ops() - start
            };
            let mut gone = 0;
            for cut in 0..ops {
                for torn in [Torn::Prefix, Torn::Random] {
                    let mut img = snapshot.clone();
                    let mut f = F::new(&mut img);
                    f.cut_after(cut, torn, cut + 7);
                    let mut s: Store<_> = Store::$mount(f, key(), Config::new()).unwrap();
                    let _ = s.delete(&LIC, &k(3), &k(103));
                    drop(s);
                    let mut s: Store<_> = Store::$mount(F::new(&mut img), key(), Config::new()).unwrap();
                    let mut buf = [0u8; 64];
                    match s.get(&LIC, &k(3), &k(103), &mut buf) {
                        Err(Error::NotFound) => {
                            drop(s);
                            gone += 1;
                            assert!(!readable(&img, &payload(3)), "cut {cut}: deleted payload readable after recovery");
                        }
                        Ok(48) => assert_eq!(&buf[..48], &payload(3)[..]),
                        other => panic!("cut {cut}: {other:?}"),
                    }
                }
            }
            println!(
                "{}: 3 deleted payloads absent, 7 live present; delete cut at {} points x 2 torn models, {gone} ended deleted and none readable",
                stringify!($name),
                ops
            );
        }
    };
}

scenario!(
    write_once_flash_compacts_deleted_data_away,
    false,
    mount,
    format
);
scenario!(
    multiwrite_flash_zeroes_deleted_data,
    true,
    mount_multiwrite,
    format_multiwrite
);

#[test]
fn replaced_data_is_zeroed_on_multiwrite() {
    type F<'a> = MockFlash<'a, 4, PAGE, true>;
    let mut image = vec![0xFFu8; 12 * PAGE];
    {
        let mut s: Store<_> =
            Store::format_multiwrite(F::new(&mut image), key(), Config::new()).unwrap();
        s.put(&LIC, &k(1), &k(1), &payload(1)).unwrap();
        s.put(&LIC, &k(1), &k(1), &payload(2)).unwrap();
    }
    assert!(!readable(&image, &payload(1)));
    assert!(readable(&image, &payload(2)));
}
