//! Basic behaviour of the store on the mock flash: put/get/delete, transactions, enumeration,
//! remount, typed errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use core::ops::ControlFlow;

use drm_core::secret::HmacKey;
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Error, Namespace, Store, Transaction};

const NS: Namespace = Namespace::from_name(b"drm/licenses");
const OTHER: Namespace = Namespace::from_name(b"sessions");

fn key() -> HmacKey {
    HmacKey::from_bytes([7u8; 32])
}

fn k(n: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&n.to_le_bytes());
    b[15] = 0xA5;
    b
}

type Flash<'a> = MockFlash<'a, 4, 4096, false>;

#[test]
fn put_get_delete_remount() {
    let mut image = vec![0xFFu8; 32 * 4096];
    let flash = Flash::new(&mut image);
    assert_eq!(
        Store::<_>::mount(flash, key(), Config::new())
            .err()
            .map(|r| r.error),
        Some(Error::NotFormatted)
    );
    let flash = Flash::new(&mut image);
    let mut s: Store<_> = Store::format(flash, key(), Config::new()).unwrap();
    let mut buf = [0u8; 256];
    assert_eq!(s.get(&NS, &k(1), &k(2), &mut buf), Err(Error::NotFound));
    s.put(&NS, &k(1), &k(2), b"hello").unwrap();
    assert_eq!(s.get(&NS, &k(1), &k(2), &mut buf), Ok(5));
    assert_eq!(&buf[..5], b"hello");
    // Another namespace with the same keys is another slot.
    assert_eq!(s.get(&OTHER, &k(1), &k(2), &mut buf), Err(Error::NotFound));
    // Replace.
    s.put(&NS, &k(1), &k(2), b"world, longer").unwrap();
    assert_eq!(s.get(&NS, &k(1), &k(2), &mut buf), Ok(13));
    assert_eq!(&buf[..13], b"world, longer");
    // Buffer too small: typed, nothing copied.
    let mut small = [0xEEu8; 4];
    assert_eq!(
        s.get(&NS, &k(1), &k(2), &mut small),
        Err(Error::BufferTooSmall)
    );
    assert_eq!(small, [0xEE; 4]);
    // A buffer that fits the data but not the record overhead takes the three-read path.
    let mut exact = [0u8; 13];
    assert_eq!(s.get(&NS, &k(1), &k(2), &mut exact), Ok(13));
    assert_eq!(&exact, b"world, longer");
    // Delete.
    assert_eq!(s.delete(&NS, &k(9), &k(9)), Err(Error::NotFound));
    s.put(&NS, &k(3), &k(4), b"three").unwrap();
    s.delete(&NS, &k(1), &k(2)).unwrap();
    assert_eq!(s.get(&NS, &k(1), &k(2), &mut buf), Err(Error::NotFound));
    assert!(!s.contains(&NS, &k(1), &k(2)).unwrap());
    assert!(s.contains(&NS, &k(3), &k(4)).unwrap());
    // Remount from the image alone.
    let _ = s.release();
    let flash = Flash::new(&mut image);
    let mut s: Store<_> = Store::mount(flash, key(), Config::new()).unwrap();
    assert_eq!(s.get(&NS, &k(1), &k(2), &mut buf), Err(Error::NotFound));
    assert_eq!(s.get(&NS, &k(3), &k(4), &mut buf), Ok(5));
    assert_eq!(&buf[..5], b"three");
    // Another key cannot mount it.
    let _ = s.release();
    let flash = Flash::new(&mut image);
    assert_eq!(
        Store::<_>::mount(flash, HmacKey::from_bytes([8u8; 32]), Config::new())
            .err()
            .map(|r| r.error),
        Some(Error::NotFormatted)
    );
}

#[test]
fn transactions_are_ordered_and_all_or_nothing() {
    let mut image = vec![0xFFu8; 32 * 4096];
    let flash = Flash::new(&mut image);
    let mut s: Store<_> = Store::format(flash, key(), Config::new()).unwrap();
    s.put(&NS, &k(1), &k(1), b"a").unwrap();
    s.put(&NS, &k(1), &k(2), b"b").unwrap();
    let mut buf = [0u8; 64];
    // Delete of a missing slot fails the whole transaction and changes nothing.
    let mut t = Transaction::new();
    t.delete(&NS, &k(1), &k(1)).unwrap();
    t.put(&OTHER, &k(5), &k(5), b"pending").unwrap();
    t.delete(&NS, &k(7), &k(7)).unwrap();
    assert_eq!(s.commit(&t), Err(Error::NotFound));
    assert_eq!(s.get(&NS, &k(1), &k(1), &mut buf), Ok(1));
    assert_eq!(s.get(&OTHER, &k(5), &k(5), &mut buf), Err(Error::NotFound));
    // A good one: two deletes and a put, in one commit.
    let mut t = Transaction::new();
    t.delete(&NS, &k(1), &k(1)).unwrap();
    t.delete(&NS, &k(1), &k(2)).unwrap();
    t.put(&OTHER, &k(5), &k(5), b"pending").unwrap();
    s.commit(&t).unwrap();
    assert_eq!(s.get(&NS, &k(1), &k(1), &mut buf), Err(Error::NotFound));
    assert_eq!(s.get(&NS, &k(1), &k(2), &mut buf), Err(Error::NotFound));
    assert_eq!(s.get(&OTHER, &k(5), &k(5), &mut buf), Ok(7));
    // Order inside a transaction: put then delete leaves it deleted; delete then put present.
    let mut t = Transaction::new();
    t.put(&NS, &k(8), &k(8), b"x").unwrap();
    t.delete(&NS, &k(8), &k(8)).unwrap();
    t.put(&NS, &k(9), &k(9), b"y").unwrap();
    t.delete(&NS, &k(9), &k(9)).unwrap();
    t.put(&NS, &k(9), &k(9), b"z").unwrap();
    s.commit(&t).unwrap();
    assert_eq!(s.get(&NS, &k(8), &k(8), &mut buf), Err(Error::NotFound));
    assert_eq!(s.get(&NS, &k(9), &k(9), &mut buf), Ok(1));
    assert_eq!(buf[0], b'z');
    // The fixed maximum.
    let mut t = Transaction::new();
    for i in 0..drm_hds::MAX_TRANSACTION_OPS {
        t.put(&NS, &k(100 + i as u32), &k(0), b"m").unwrap();
    }
    assert_eq!(
        t.put(&NS, &k(999), &k(0), b"m").err(),
        Some(Error::TransactionFull)
    );
    s.commit(&t).unwrap();
    for i in 0..drm_hds::MAX_TRANSACTION_OPS {
        assert_eq!(s.get(&NS, &k(100 + i as u32), &k(0), &mut buf), Ok(1));
    }
}

#[test]
fn enumerate_by_first_key_and_namespace() {
    let mut image = vec![0xFFu8; 32 * 4096];
    let flash = Flash::new(&mut image);
    let mut s: Store<_> = Store::format(flash, key(), Config::new()).unwrap();
    for kid in 0..10u32 {
        for lid in 0..3u32 {
            s.put(&NS, &k(kid), &k(1000 + lid), &[kid as u8; 20])
                .unwrap();
        }
        s.put(&OTHER, &k(kid), &k(0), b"other").unwrap();
    }
    s.delete(&NS, &k(4), &k(1001)).unwrap();
    s.put(&NS, &k(4), &k(1002), b"replaced").unwrap();
    let mut seen = Vec::new();
    s.for_each(&NS, Some(&k(4)), |k1, k2, len| {
        seen.push((*k1, *k2, len));
        ControlFlow::Continue(())
    })
    .unwrap();
    seen.sort();
    assert_eq!(
        seen,
        vec![(k(4), k(1000), 20), (k(4), k(1002), 8)],
        "live slots of KID 4 only"
    );
    let mut all = 0;
    s.for_each(&NS, None, |_, _, _| {
        all += 1;
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(all, 29);
    let mut other = 0;
    s.for_each(&OTHER, None, |_, k2, len| {
        assert_eq!((*k2, len), (k(0), 5));
        other += 1;
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(other, 10);
    // Break stops the walk.
    let mut n = 0;
    s.for_each(&NS, None, |_, _, _| {
        n += 1;
        if n == 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert_eq!(n, 3);
}

#[test]
fn fills_compacts_and_reports_full() {
    let mut image = vec![0xFFu8; 8 * 4096];
    let flash = Flash::new(&mut image);
    let mut s: Store<_, _, 8> = Store::format(flash, key(), Config::new()).unwrap();
    let big = [0x5Au8; 1000];
    // Rewriting one slot many times forces compactions and root moves.
    for i in 0..200u32 {
        let mut data = big;
        data[..4].copy_from_slice(&i.to_le_bytes());
        s.put(&NS, &k(1), &k(1), &data).unwrap();
    }
    let mut buf = [0u8; 1100];
    assert_eq!(s.get(&NS, &k(1), &k(1), &mut buf), Ok(1000));
    assert_eq!(&buf[..4], &199u32.to_le_bytes());
    // Too large for any bucket.
    let huge = vec![0u8; s.max_data_len() + 1];
    assert_eq!(s.put(&NS, &k(2), &k(2), &huge), Err(Error::InvalidArgument));
    // Fill until full; everything acknowledged stays readable.
    let mut stored = Vec::new();
    let mut full = false;
    for i in 0..200u32 {
        match s.put(&NS, &k(1000 + i), &k(0), &big) {
            Ok(()) => stored.push(i),
            Err(Error::StoreFull) => {
                full = true;
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(full, "a 8-page store cannot hold 200 KB");
    for i in &stored {
        assert_eq!(s.get(&NS, &k(1000 + i), &k(0), &mut buf), Ok(1000));
    }
    let _ = s.release();
    let flash = Flash::new(&mut image);
    let mut s: Store<_, _, 8> = Store::mount(flash, key(), Config::new()).unwrap();
    for i in &stored {
        assert_eq!(s.get(&NS, &k(1000 + i), &k(0), &mut buf), Ok(1000));
    }
}
