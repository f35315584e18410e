//! Constant time, measured: the instructions of each P-256 operation with a secret scalar —
//! `d·G` (a public key), ECDSA signing of a fixed digest (its RFC 6979 nonce secret too) and
//! ElGamal decryption of a fixed ciphertext — for 32 random secrets, with whichever P-256 backend
//! the build has (RustCrypto by default, the assembly with `p256-cm4`).
//!
//! Meaningful only under `-icount shift=0` (one instruction per virtual nanosecond; SysTick at
//! 25 MHz counts 40 instructions a tick): `scripts/bench` runs it so and writes the spread into
//! BENCHMARKS.md. It prints `ct NAME min=N max=N spread=N` (instructions) and fails when an
//! operation's spread is more than one tick (the resolution: the start of a measurement falls
//! anywhere within a tick), which under `-icount` means the count depends on the secret. Without
//! `-icount` the counts are host time and mean nothing: `scripts/ct-check` runs it properly.
#![no_std]
#![no_main]

use drm_board::harness::TestResult;
use drm_board::testing::InsecureTestRng;
use drm_core::crypto;
use drm_core::platform::Rng;
use drm_core::secret::EccPrivateKey;

#[path = "../systick.rs"]
mod systick;

drm_board::suite!(secret_scalar_operations_take_the_same_instructions);

const SECRETS: usize = 32;
const TICK: u32 = systick::INSTRUCTIONS_PER_TICK;

/// Instructions `f` took.
#[inline(never)]
fn count(f: impl FnOnce() -> bool) -> Result<u32, &'static str> {
    let t0 = systick::now();
    let ok = core::hint::black_box(f());
    let t1 = systick::now();
    if !ok {
        return Err("an operation failed");
    }
    Ok(systick::instructions(t0, t1))
}

struct Spread {
    min: u32,
    max: u32,
}

impl Spread {
    fn new() -> Self {
        Self {
            min: u32::MAX,
            max: 0,
        }
    }
    fn add(&mut self, v: u32) {
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }
}

fn key(rng: &mut InsecureTestRng) -> EccPrivateKey {
    let mut b = [0u8; 32];
    rng.fill_bytes(&mut b);
    b[0] &= 0x7F; // below n
    b[31] |= 1; // not 0
    EccPrivateKey::from_bytes(b)
}

fn secret_scalar_operations_take_the_same_instructions() -> TestResult {
    systick::start();
    let mut rng = InsecureTestRng::seeded(0xC7);
    let digest = [0x5Au8; 32];
    // A fixed ciphertext: C1 = G·k for a fixed k (a point), C2 another point.
    let c1 = crypto::ecc_public_key(&EccPrivateKey::from_bytes([0x11; 32])).map_err(|_| "c1")?;
    let c2 = crypto::ecc_public_key(&EccPrivateKey::from_bytes([0x22; 32])).map_err(|_| "c2")?;
    let mut ct = [0u8; 128];
    ct.iter_mut()
        .zip(c1.iter().chain(c2.iter()))
        .for_each(|(d, s)| *d = *s);
    let (mut base, mut sign, mut decrypt) = (Spread::new(), Spread::new(), Spread::new());
    for _ in 0..SECRETS {
        let k = key(&mut rng);
        base.add(count(|| crypto::ecc_public_key(&k).is_ok())?);
        sign.add(count(|| {
            crypto::ecdsa_p256_sign_digest(&k, &digest).is_ok()
        })?);
        decrypt.add(count(|| crypto::elgamal_decrypt(&k, &ct).is_ok())?);
    }
    let mut bad = false;
    for (name, s) in [
        ("d·G", &base),
        ("ecdsa sign digest", &sign),
        ("elgamal decrypt", &decrypt),
    ] {
        let spread = s.max - s.min;
        defmt::println!(
            "ct {=str} backend={=str} min={=u32} max={=u32} spread={=u32}",
            name,
            crypto::P256_BACKEND,
            s.min,
            s.max,
            spread
        );
        bad |= spread > TICK;
    }
    if bad {
        return Err("an operation's instructions depend on the secret (spread over one tick)");
    }
    Ok(())
}
