//! `drm_hds::Store::mount` on random and mutated flash images, then a few operations. Must never
//! panic, and must never return data that was not written:
//!
//! - input byte 0 even: the rest is a list of patches `offset: u16 LE, len: u8 (≤ 32), bytes` laid
//!   over a valid image (8 × 1 KiB, built once with puts, replaces, deletes and a transaction);
//! - input byte 0 odd: the rest is the raw image (padded with 0xFF);
//! - byte 0 bit 1 picks the flash kind (write-once or multiwrite).
//!
//! After a successful mount, every `get` of a known slot returns a value that slot once held (or
//! a typed error), a walk of each namespace and a put, a delete and a remount follow.
#![no_main]

use std::ops::ControlFlow;
use std::sync::OnceLock;

use drm_core::secret::HmacKey;
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Namespace, Store, Transaction};
use libfuzzer_sys::fuzz_target;

const PAGE: usize = 1024;
const FLASH_LEN: usize = 8 * PAGE;
const NSS: [Namespace; 2] = [
    Namespace::from_name(b"drm/licenses"),
    Namespace::from_name(b"sessions"),
];

fn key() -> HmacKey {
    HmacKey::from_bytes([0x5C; 32])
}

fn slot(i: u8) -> (usize, [u8; 16], [u8; 16]) {
    (usize::from(i % 2), [i / 2; 16], [i; 16])
}

fn value(i: u8, version: u8) -> Vec<u8> {
    vec![i ^ (version << 4); 8 + usize::from(i) * 9 + usize::from(version)]
}

/// Valid base images (write-once, multiwrite) and, per slot, every value it ever held.
type Base = ([Vec<u8>; 2], Vec<Vec<Vec<u8>>>);

/// Valid base images (write-once, multiwrite) and the values each slot ever held.
fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut history: Vec<Vec<Vec<u8>>> = vec![Vec::new(); 8];
        let mut images = [vec![0xFFu8; FLASH_LEN], vec![0xFFu8; FLASH_LEN]];
        for (kind, mem) in images.iter_mut().enumerate() {
            let ops = |s: &mut dyn FnMut(u8, Option<&[u8]>)| {
                for i in 0..8u8 {
                    s(i, Some(&value(i, 0)));
                }
                for i in [1u8, 4, 6] {
                    s(i, Some(&value(i, 1)));
                }
                s(3, None);
            };
            macro_rules! build {
                ($flash:ty, $format:ident) => {{
                    let mut st: Store<$flash, _, 8> =
                        Store::$format(<$flash>::new(mem), key(), Config::new()).unwrap();
                    ops(&mut |i, v| {
                        let (ns, k1, k2) = slot(i);
                        match v {
                            Some(v) => {
                                st.put(&NSS[ns], &k1, &k2, v).unwrap();
                                if kind == 0 {
                                    history[usize::from(i)].push(v.to_vec());
                                }
                            }
                            None => st.delete(&NSS[ns], &k1, &k2).unwrap(),
                        }
                    });
                    let mut t = Transaction::new();
                    let (ns, k1, k2) = slot(7);
                    t.delete(&NSS[ns], &k1, &k2).unwrap();
                    let (ns, k1, k2) = slot(2);
                    let v = value(2, 2);
                    t.put(&NSS[ns], &k1, &k2, &v).unwrap();
                    st.commit(&t).unwrap();
                    if kind == 0 {
                        history[2].push(v);
                    }
                }};
            }
            if kind == 0 {
                build!(MockFlash<'_, 4, PAGE, false>, format);
            } else {
                build!(MockFlash<'_, 4, PAGE, true>, format_multiwrite);
            }
        }
        (images, history)
    })
}

macro_rules! exercise {
    ($flash:ty, $mount:ident, $img:expr, $history:expr) => {{
        let Ok(mut s) = Store::<$flash, _, 8>::$mount(<$flash>::new($img), key(), Config::new())
        else {
            return;
        };
        let mut buf = [0u8; 256];
        for i in 0..8u8 {
            let (ns, k1, k2) = slot(i);
            if let Ok(n) = s.get(&NSS[ns], &k1, &k2, &mut buf) {
                assert!(
                    $history[usize::from(i)].iter().any(|v| v[..] == buf[..n]),
                    "slot {i}: data that was never written"
                );
            }
        }
        for ns in &NSS {
            let _ = s.for_each(ns, None, |_, _, _| ControlFlow::Continue(()));
        }
        let (ns, k1, k2) = slot(5);
        let _ = s.put(&NSS[ns], &k1, &k2, b"fuzz");
        let (ns, k1, k2) = slot(0);
        let _ = s.delete(&NSS[ns], &k1, &k2);
        let _ = s.release();
        if let Ok(mut s) = Store::<$flash, _, 8>::$mount(<$flash>::new($img), key(), Config::new())
        {
            let (ns, k1, k2) = slot(5);
            if let Ok(n) = s.get(&NSS[ns], &k1, &k2, &mut buf) {
                let old = $history[5].iter().any(|v| v[..] == buf[..n]);
                assert!(
                    &buf[..n] == b"fuzz" || old,
                    "slot 5: data that was never written"
                );
            }
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (images, history) = base();
    let multi = mode & 2 != 0;
    let mut img = if mode & 1 == 1 {
        let mut img = vec![0xFFu8; FLASH_LEN];
        let n = rest.len().min(FLASH_LEN);
        img[..n].copy_from_slice(&rest[..n]);
        img
    } else {
        let mut img = images[usize::from(multi)].clone();
        let mut p = rest;
        while let [lo, hi, len, tail @ ..] = p {
            let off = usize::from(u16::from_le_bytes([*lo, *hi])) % FLASH_LEN;
            let len = usize::from(*len % 33).min(tail.len()).min(FLASH_LEN - off);
            img[off..off + len].copy_from_slice(&tail[..len]);
            p = &tail[len..];
        }
        img
    };
    if multi {
        exercise!(
            MockFlash<'_, 4, PAGE, true>,
            mount_multiwrite,
            &mut img,
            history
        );
    } else {
        exercise!(MockFlash<'_, 4, PAGE, false>, mount, &mut img, history);
    }
});
