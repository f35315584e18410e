//! The read bounds of placement (issue 4): on 32 × 4 KiB with 1,000 records, a hit in at most 2
//! flash reads and a miss in at most 1 read of at most 512 bytes, measured with the mock flash's
//! counters. Also prints the store's RAM size. Run with `-- --nocapture` to see the numbers.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use drm_core::secret::HmacKey;
use drm_hds::mock::MockFlash;
use drm_hds::{Config, Error, Namespace, Store};

fn k(n: u32, salt: u8) -> [u8; 16] {
    let mut b = [salt; 16];
    b[..4].copy_from_slice(&n.to_le_bytes());
    b
}

type Flash<'a> = MockFlash<'a, 4, 4096, false>;

#[test]
fn hit_two_reads_miss_one_read_with_1000_records() {
    let mut image = vec![0xFFu8; 32 * 4096];
    let key = || HmacKey::from_bytes([3; 32]);
    let ns = Namespace::from_name(b"drm/licenses");
    let mut s: Store<_> = Store::format(Flash::new(&mut image), key(), Config::new()).unwrap();
    for i in 0..1000u32 {
        s.put(&ns, &k(i, 1), &k(i, 2), &i.to_le_bytes().repeat(2))
            .unwrap();
    }
    let st = s.stats();
    let _ = s.release();
    let mut s: Store<_> = Store::mount(Flash::new(&mut image), key(), Config::new()).unwrap();
    let mount = *s.flash().counters();

    let mut buf = [0u8; 128];
    let (mut hit_max, mut hit_sum, mut hit_read_max) = (0u64, 0u64, 0u64);
    for i in 0..1000u32 {
        let before = *s.flash().counters();
        assert_eq!(s.get(&ns, &k(i, 1), &k(i, 2), &mut buf).unwrap(), 8);
        assert_eq!(&buf[..8], &i.to_le_bytes().repeat(2)[..]);
        let c = s.flash().counters();
        let reads = c.reads - before.reads;
        hit_max = hit_max.max(reads);
        hit_sum += reads;
        hit_read_max = hit_read_max.max(c.max_read);
    }
    let (mut miss_max, mut miss_sum) = (0u64, 0u64);
    let mut miss_bytes_max = 0u64;
    for i in 0..2000u32 {
        // Half: same KID, other LID (the bucket has entries); half: an unknown KID.
        let (k1, k2) = if i % 2 == 0 {
            (k(i / 2, 1), k(i / 2, 3))
        } else {
            (k(i + 5000, 1), k(i, 2))
        };
        let before = *s.flash().counters();
        assert_eq!(s.get(&ns, &k1, &k2, &mut buf), Err(Error::NotFound));
        let c = s.flash().counters();
        let reads = c.reads - before.reads;
        miss_max = miss_max.max(reads);
        miss_sum += reads;
        miss_bytes_max = miss_bytes_max.max(c.read_bytes - before.read_bytes);
    }
    println!(
        "1000 records of 8 bytes on 32 x 4 KiB: fullest bucket {} entries of 64; mount: {} reads, {} bytes",
        st.max_bucket_entries, mount.reads, mount.read_bytes
    );
    println!(
        "hit (1000 lookups): max {hit_max} reads, mean {:.2}; miss (2000 lookups): max {miss_max} reads, mean {:.2}, at most {miss_bytes_max} bytes",
        hit_sum as f64 / 1000.0,
        miss_sum as f64 / 2000.0
    );
    assert!(hit_max <= 2, "hit in at most 2 reads");
    assert!(miss_max <= 1, "a miss in at most 1 read");
    assert!(miss_bytes_max <= 512, "a miss reads at most 512 bytes");
    assert!(hit_read_max <= 512);
}

#[test]
fn ram_is_fixed() {
    let with = core::mem::size_of::<Store<Flash<'static>>>();
    let flash = core::mem::size_of::<Flash<'static>>();
    let with64 = core::mem::size_of::<Store<Flash<'static>, drm_hds::NoCounter, 64>>();
    println!(
        "RAM: Store<_, NoCounter, 32> = {} bytes + the flash; PAGES = 64: {} bytes + the flash",
        with - flash,
        with64 - flash
    );
    assert!(with - flash < 2048);
}
