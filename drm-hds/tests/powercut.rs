//! Power-cut safety (issue 4): a workload of 240 mixed operations (puts, replaces, deletes and
//! transactions over two namespaces) on a small flash that compacts and moves its root often.
//! For every operation and every word write or page erase in it, the power is cut there, the
//! store is remounted from the image alone and checked against a model:
//!
//! - it mounts;
//! - its contents equal the model before the operation or after it (all-old or all-new), and
//!   after it when the operation had returned `Ok` (an acknowledged write is never lost; a
//!   deleted slot never comes back);
//! - the next operation succeeds.
//!
//! For a share of the cut points the recovery is cut again at each of its own writes and erases.
//! Torn-write models: prefix only, random word in flight; erases always tear into old/erased/random.
//! The wear threshold is low (4) so that static wear-levelling moves are among the cut operations.
//!
//! The default run takes every 17th cut point (and cuts every 10th recovery at every 7th of its
//! points); the full run (every cut point, every 20th recovery at all its points) is
//! `cargo test -p drm-hds --release --test powercut -- --include-ignored`. Both print counts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::type_complexity
)]

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use drm_core::secret::HmacKey;
use drm_hds::mock::{MockFlash, Torn};
use drm_hds::{Config, Error, Namespace, Store, Transaction};

const PAGES: usize = 16;
const PAGE: usize = 1024;
const NSS: [Namespace; 2] = [
    Namespace::from_name(b"drm/licenses"),
    Namespace::from_name(b"sessions"),
];

type Key = (usize, [u8; 16], [u8; 16]);
type Model = BTreeMap<Key, Vec<u8>>;

#[derive(Clone, Debug)]
enum Change {
    Put(Key, Vec<u8>),
    Delete(Key),
}

#[derive(Clone, Debug)]
enum Step {
    One(Change),
    Txn(Vec<Change>),
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn key_of(r: &mut Rng) -> Key {
    let mut k1 = [0u8; 16];
    k1[0] = r.below(8) as u8;
    k1[15] = 0x11;
    let mut k2 = [0u8; 16];
    k2[0] = r.below(3) as u8;
    k2[15] = 0x22;
    (r.below(2) as usize, k1, k2)
}

fn payload(r: &mut Rng, tag: usize) -> Vec<u8> {
    let len = 1 + r.below(64) as usize;
    (0..len)
        .map(|i| (tag as u8).wrapping_mul(31).wrapping_add(i as u8) ^ 0x5A)
        .collect()
}

fn apply_model(model: &mut Model, step: &Step) {
    let changes: Vec<&Change> = match step {
        Step::One(c) => vec![c],
        Step::Txn(cs) => cs.iter().collect(),
    };
    for c in changes {
        match c {
            Change::Put(k, v) => {
                model.insert(*k, v.clone());
            }
            Change::Delete(k) => {
                model.remove(k);
            }
        }
    }
}

/// 240 operations; deletes only of slots that exist at that point.
fn workload() -> Vec<Step> {
    let mut r = Rng(0x1234_5678_9ABC_DEF1);
    let mut model = Model::new();
    let mut steps = Vec::new();
    for i in 0..240 {
        let choice = r.below(100);
        let step = if choice < 45 || model.is_empty() {
            Step::One(Change::Put(key_of(&mut r), payload(&mut r, i)))
        } else if choice < 70 {
            let n = r.below(model.len() as u64) as usize;
            Step::One(Change::Delete(*model.keys().nth(n).unwrap()))
        } else {
            let mut shadow = model.clone();
            let mut cs = Vec::new();
            for j in 0..(2 + r.below(4)) {
                if r.below(2) == 0 && !shadow.is_empty() {
                    let n = r.below(shadow.len() as u64) as usize;
                    let k = *shadow.keys().nth(n).unwrap();
                    shadow.remove(&k);
                    cs.push(Change::Delete(k));
                } else {
                    let k = key_of(&mut r);
                    let v = payload(&mut r, i * 7 + j as usize);
                    shadow.insert(k, v.clone());
                    cs.push(Change::Put(k, v));
                }
            }
            Step::Txn(cs)
        };
        apply_model(&mut model, &step);
        steps.push(step);
    }
    steps
}

fn key() -> HmacKey {
    HmacKey::from_bytes([0x42; 32])
}

/// A low wear threshold, so that static wear-levelling moves happen (and are cut) too.
fn cfg() -> Config {
    Config::new().wear_threshold(4)
}

fn apply<F: embedded_storage::nor_flash::NorFlash>(
    s: &mut Store<F>,
    step: &Step,
) -> Result<(), Error> {
    let mut t = Transaction::new();
    let changes: Vec<&Change> = match step {
        Step::One(c) => vec![c],
        Step::Txn(cs) => cs.iter().collect(),
    };
    for c in changes {
        match c {
            Change::Put((ns, k1, k2), v) => t.put(&NSS[*ns], k1, k2, v)?,
            Change::Delete((ns, k1, k2)) => t.delete(&NSS[*ns], k1, k2)?,
        };
    }
    s.commit(&t)
}

fn contents<F: embedded_storage::nor_flash::NorFlash>(s: &mut Store<F>) -> Model {
    let mut keys = Vec::new();
    for (n, ns) in NSS.iter().enumerate() {
        s.for_each(ns, None, |k1, k2, _| {
            keys.push((n, *k1, *k2));
            ControlFlow::Continue(())
        })
        .expect("walk");
    }
    let mut out = Model::new();
    let mut buf = [0u8; 256];
    for k in keys {
        let len = s.get(&NSS[k.0], &k.1, &k.2, &mut buf).expect("get");
        out.insert(k, buf[..len].to_vec());
    }
    out
}

/// Marker types for the two flash kinds.
struct Plain;
struct Multi;

trait Kind {
    type F<'a>: embedded_storage::nor_flash::NorFlash;
    const NAME: &'static str;
    fn new(mem: &mut [u8]) -> Self::F<'_>;
    fn cut(f: &mut Self::F<'_>, n: u64, torn: Torn, seed: u64);
    fn ops(f: &Self::F<'_>) -> u64;
    fn mount(f: Self::F<'_>) -> Result<Store<Self::F<'_>>, Error>;
    fn format(f: Self::F<'_>) -> Result<Store<Self::F<'_>>, Error>;
}

impl Kind for Plain {
    type F<'a> = MockFlash<'a, 4, PAGE, false>;
    const NAME: &'static str = "write-once flash";
    fn new(mem: &mut [u8]) -> Self::F<'_> {
        MockFlash::new(mem)
    }
    fn cut(f: &mut Self::F<'_>, n: u64, torn: Torn, seed: u64) {
        f.cut_after(n, torn, seed);
    }
    fn ops(f: &Self::F<'_>) -> u64 {
        f.ops()
    }
    fn mount(f: Self::F<'_>) -> Result<Store<Self::F<'_>>, Error> {
        Ok(Store::mount(f, key(), cfg())?)
    }
    fn format(f: Self::F<'_>) -> Result<Store<Self::F<'_>>, Error> {
        Ok(Store::format(f, key(), cfg())?)
    }
}

impl Kind for Multi {
    type F<'a> = MockFlash<'a, 4, PAGE, true>;
    const NAME: &'static str = "multiwrite flash";
    fn new(mem: &mut [u8]) -> Self::F<'_> {
        MockFlash::new(mem)
    }
    fn cut(f: &mut Self::F<'_>, n: u64, torn: Torn, seed: u64) {
        f.cut_after(n, torn, seed);
    }
    fn ops(f: &Self::F<'_>) -> u64 {
        f.ops()
    }
    fn mount(f: Self::F<'_>) -> Result<Store<Self::F<'_>>, Error> {
        Ok(Store::mount_multiwrite(f, key(), cfg())?)
    }
    fn format(f: Self::F<'_>) -> Result<Store<Self::F<'_>>, Error> {
        Ok(Store::format_multiwrite(f, key(), cfg())?)
    }
}

#[derive(Default, Debug)]
struct Tally {
    cuts: u64,
    recovery_cuts: u64,
    all_old: u64,
    all_new: u64,
}

/// Remounts `img` with no cut, checks it against `before`/`after`, and that a further put works.
fn check<K: Kind>(
    img: &mut [u8],
    before: &Model,
    after: &Model,
    acked: bool,
    t: &mut Tally,
    what: &str,
) {
    let mut s = K::mount(K::new(img)).unwrap_or_else(|e| panic!("{what}: mount after cut: {e}"));
    let got = contents(&mut s);
    if &got == after {
        t.all_new += 1;
    } else if &got == before && !acked {
        t.all_old += 1;
    } else {
        panic!(
            "{what}: state is neither all-old nor all-new (acked {acked})\n got {got:?}\n before {before:?}\n after {after:?}"
        );
    }
    // The next operation succeeds.
    let probe = (1usize, [0xEE; 16], [0xEF; 16]);
    s.put(&NSS[probe.0], &probe.1, &probe.2, b"next")
        .unwrap_or_else(|e| panic!("{what}: next op: {e}"));
    let mut buf = [0u8; 8];
    assert_eq!(s.get(&NSS[probe.0], &probe.1, &probe.2, &mut buf), Ok(4));
}

fn run<K: Kind>(torn: Torn, stride: u64, recovery_stride: u64, inner_stride: u64) -> Tally {
    let steps = workload();
    let mut image = vec![0xFFu8; PAGES * PAGE];
    let _ = K::format(K::new(&mut image)).unwrap();
    let mut model = Model::new();
    let mut t = Tally::default();
    let mut seed = 1u64;
    for (i, step) in steps.iter().enumerate() {
        let snapshot = image.clone();
        // The uncut run: how many writes/erases the mount and the operation take.
        let mut s = K::mount(K::new(&mut image)).unwrap();
        let m = K::ops(s.flash());
        let result = apply(&mut s, step);
        let n = K::ops(s.flash());
        drop(s);
        let before = model.clone();
        match result {
            Ok(()) => apply_model(&mut model, step),
            Err(Error::StoreFull) => {}
            Err(e) => panic!("step {i}: {e}"),
        }
        let after = model.clone();
        for j in (m..n).step_by(stride as usize) {
            seed += 1;
            let mut img = snapshot.clone();
            let mut f = K::new(&mut img);
            K::cut(&mut f, j, torn, seed);
            let acked = match K::mount(f) {
                Ok(mut s) => apply(&mut s, step).is_ok(),
                Err(_) => false,
            };
            t.cuts += 1;
            let what = format!("{} {torn:?} step {i} cut {j}", K::NAME);
            if t.cuts % recovery_stride == 0 {
                // Cut the recovery too, at each of its writes and erases.
                let mut probe = img.clone();
                let s = K::mount(K::new(&mut probe)).unwrap_or_else(|e| panic!("{what}: {e}"));
                let r = K::ops(s.flash());
                drop(s);
                for c in (0..r).step_by(inner_stride as usize) {
                    seed += 1;
                    let mut img2 = img.clone();
                    let mut f = K::new(&mut img2);
                    K::cut(&mut f, c, torn, seed);
                    assert!(
                        K::mount(f).is_err(),
                        "{what}: recovery cut {c} of {r} not hit"
                    );
                    t.recovery_cuts += 1;
                    check::<K>(
                        &mut img2,
                        &before,
                        &after,
                        acked,
                        &mut t,
                        &format!("{what} recovery cut {c}"),
                    );
                }
            }
            check::<K>(&mut img, &before, &after, acked, &mut t, &what);
        }
    }
    println!(
        "{} {torn:?}: {} operations, {} cut points, {} recovery cut points, {} all-old, {} all-new, 0 broken invariants",
        K::NAME,
        steps.len(),
        t.cuts,
        t.recovery_cuts,
        t.all_old,
        t.all_new
    );
    t
}

#[test]
fn power_cuts_strided() {
    let mut total = 0;
    total += run::<Plain>(Torn::Prefix, 17, 10, 7).cuts;
    total += run::<Plain>(Torn::Random, 17, 10, 7).cuts;
    total += run::<Multi>(Torn::Random, 17, 10, 7).cuts;
    println!("strided run: {total} cut points tried");
    assert!(total > 2000);
}

#[test]
#[ignore = "full run: every cut point; use --release --include-ignored"]
fn power_cuts_every_point() {
    let mut total = 0;
    total += run::<Plain>(Torn::Prefix, 1, 20, 1).cuts;
    total += run::<Plain>(Torn::Random, 1, 20, 1).cuts;
    total += run::<Multi>(Torn::Prefix, 1, 20, 1).cuts;
    total += run::<Multi>(Torn::Random, 1, 20, 1).cuts;
    println!("full run: {total} cut points tried");
}
