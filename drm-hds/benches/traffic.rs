//! Flash traffic per operation of drm-hds against `sequential-storage` (its map, no cache) on the
//! same mock flash (32 × 4 KiB, 4-byte writes), as the number of records grows: reads, bytes read,
//! bytes written and erases, from the mock flash's counters. Records: 32 bytes of keys, 8 bytes of
//! data. `cargo bench -p drm-hds --bench traffic` prints the table. Not a speed benchmark.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use drm_core::secret::HmacKey;
use drm_hds::mock::{Counters, MockFlash};
use drm_hds::{Config, Namespace, Store};
use embedded_storage::nor_flash::{NorFlash, ReadNorFlash};
use sequential_storage::cache::Cache;
use sequential_storage::map::{MapConfig, MapStorage};

type Flash<'a> = MockFlash<'a, 4, 4096, false>;
const PAGES: usize = 32;

/// The mock flash behind the async traits `sequential-storage` uses (it never waits).
struct Async<F>(F);

impl<F: embedded_storage::nor_flash::ErrorType> embedded_storage_async::nor_flash::ErrorType
    for Async<F>
{
    type Error = F::Error;
}

impl<F: ReadNorFlash> embedded_storage_async::nor_flash::ReadNorFlash for Async<F> {
    const READ_SIZE: usize = F::READ_SIZE;
    async fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.0.read(offset, bytes)
    }
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

impl<F: NorFlash> embedded_storage_async::nor_flash::NorFlash for Async<F> {
    const WRITE_SIZE: usize = F::WRITE_SIZE;
    const ERASE_SIZE: usize = F::ERASE_SIZE;
    async fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        self.0.erase(from, to)
    }
    async fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        self.0.write(offset, bytes)
    }
}

fn block_on<T>(f: impl Future<Output = T>) -> T {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn keys(i: u32) -> ([u8; 16], [u8; 16]) {
    let mut k1 = [0x11u8; 16];
    k1[..4].copy_from_slice(&i.to_le_bytes());
    let mut k2 = [0x22u8; 16];
    k2[..4].copy_from_slice(&i.wrapping_mul(2_654_435_761).to_le_bytes());
    (k1, k2)
}

fn joined(i: u32) -> [u8; 32] {
    let (a, b) = keys(i);
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&a);
    k[16..].copy_from_slice(&b);
    k
}

/// Mean traffic per operation.
#[derive(Default, Clone, Copy)]
struct Traffic {
    reads: f64,
    read_bytes: f64,
    write_bytes: f64,
    erases: f64,
}

fn delta(before: &Counters, after: &Counters, n: u32) -> Traffic {
    let n = f64::from(n);
    Traffic {
        reads: (after.reads - before.reads) as f64 / n,
        read_bytes: (after.read_bytes - before.read_bytes) as f64 / n,
        write_bytes: (after.write_bytes - before.write_bytes) as f64 / n,
        erases: (after.erases - before.erases) as f64 / n,
    }
}

struct Row {
    insert: Traffic,
    hit: Traffic,
    miss: Traffic,
    replace: Traffic,
}

const REPLACES: u32 = 200;

fn hds(n: u32) -> Row {
    let mut image = vec![0xFFu8; PAGES * 4096];
    let key = || HmacKey::from_bytes([9; 32]);
    let ns = Namespace::LICENSES;
    let mut s: Store<_> = Store::format(Flash::new(&mut image), key(), Config::new()).unwrap();
    let c0 = *s.flash().counters();
    for i in 0..n {
        let (a, b) = keys(i);
        s.put(&ns, &a, &b, &u64::from(i).to_le_bytes()).unwrap();
    }
    let insert = delta(&c0, s.flash().counters(), n);
    let _ = s.release();
    let mut s: Store<_> = Store::mount(Flash::new(&mut image), key(), Config::new()).unwrap();
    let mut buf = [0u8; 128];
    let c0 = *s.flash().counters();
    for i in 0..n {
        let (a, b) = keys(i);
        assert_eq!(s.get(&ns, &a, &b, &mut buf), Ok(8));
    }
    let c1 = *s.flash().counters();
    for i in n..2 * n {
        let (a, b) = keys(i);
        assert!(s.get(&ns, &a, &b, &mut buf).is_err());
    }
    let c2 = *s.flash().counters();
    for r in 0..REPLACES {
        let i = r.wrapping_mul(7919) % n;
        let (a, b) = keys(i);
        s.put(&ns, &a, &b, &u64::from(r).to_le_bytes()).unwrap();
    }
    let c3 = *s.flash().counters();
    Row {
        insert,
        hit: delta(&c0, &c1, n),
        miss: delta(&c1, &c2, n),
        replace: delta(&c2, &c3, REPLACES),
    }
}

fn seq(n: u32) -> Row {
    let mut image = vec![0xFFu8; PAGES * 4096];
    let cap = (PAGES * 4096) as u32;
    let mut data = [0u8; 128];
    let mut m = MapStorage::<[u8; 32], _, _>::new(
        Async(Flash::new(&mut image)),
        MapConfig::new(0..cap),
        Cache::new_uncached(),
    );
    macro_rules! counters {
        () => {
            *m.flash().0.counters()
        };
    }
    let c0 = counters!();
    for i in 0..n {
        block_on(m.store_item(&mut data, &joined(i), &u64::from(i))).unwrap();
    }
    let c1 = counters!();
    let insert = delta(&c0, &c1, n);
    for i in 0..n {
        let v: Option<u64> = block_on(m.fetch_item(&mut data, &joined(i))).unwrap();
        assert_eq!(v, Some(u64::from(i)));
    }
    let c2 = counters!();
    for i in n..2 * n {
        let v: Option<u64> = block_on(m.fetch_item(&mut data, &joined(i))).unwrap();
        assert_eq!(v, None);
    }
    let c3 = counters!();
    for r in 0..REPLACES {
        let i = r.wrapping_mul(7919) % n;
        block_on(m.store_item(&mut data, &joined(i), &u64::from(r))).unwrap();
    }
    let c4 = counters!();
    Row {
        insert,
        hit: delta(&c1, &c2, n),
        miss: delta(&c2, &c3, n),
        replace: delta(&c3, &c4, REPLACES),
    }
}

fn cell(t: &Traffic) -> String {
    format!(
        "{:.1} rd / {:.0} B rd / {:.0} B wr / {:.3} er",
        t.reads, t.read_bytes, t.write_bytes, t.erases
    )
}

fn main() {
    println!(
        "per operation: reads / bytes read / bytes written / erases (mean), 32 x 4 KiB, 8-byte data"
    );
    println!("| records | store | insert | get (hit) | get (miss) | replace |");
    println!("|---|---|---|---|---|---|");
    for n in [100u32, 300, 1000] {
        for (name, row) in [
            ("drm-hds", hds(n)),
            ("sequential-storage 8 (no cache)", seq(n)),
        ] {
            println!(
                "| {n} | {name} | {} | {} | {} | {} |",
                cell(&row.insert),
                cell(&row.hit),
                cell(&row.miss),
                cell(&row.replace)
            );
        }
    }
}
