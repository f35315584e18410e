//! Bench firmware (`scripts/bench` runs it on the mps2-an386 with `-icount shift=0`, together
//! with the host's Secure Delete server `sd_qemu_host`, as `scripts/sd-roundtrip` does): each of
//! the kit's operations, and each raw RustCrypto primitive they are made of, measured for
//!
//! - peak stack: the free stack is painted before the operation; the deepest word written below
//!   the caller's stack pointer is the operation's peak;
//! - instructions: SysTick counts down at 25 MHz; under `-icount shift=0` QEMU runs one
//!   instruction per virtual nanosecond, so one tick is 40 instructions (deterministic to within
//!   a tick, see /work/shared/QEMU.md).
//!
//! It prints one line per operation: `bench NAME stack=BYTES instructions=N` (no checks on the
//! numbers; every operation's result is checked).
//!
//! Built with the feature `p256-cm4`, the kit uses the assembly P-256 backend, and the raw P-256
//! primitives here are that backend's own calls (`p256_cm4`, module `fast`), so the overhead
//! ratios compare the kit with what it is made of in that build too.
#![no_std]
#![no_main]

#[path = "../bench/ops.rs"]
mod ops;
// The round trip's keys-only identity and prefix reads are not used here.
#[allow(dead_code)]
#[path = "../sd_host.rs"]
mod sd_host;
#[path = "../systick.rs"]
mod systick;

use aes::Aes128;
use aes::cipher::array::Array;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use drm_board::harness::TestResult;
use drm_board::stack;
use drm_board::testing::InsecureTestRng;
use drm_core::platform::DeviceIdentity;
use drm_keyexchange::{
    AesCbcDecrypt, AesCbcEncrypt, Context, EcdsaSign, EcdsaVerify, HmacSign, HmacVerify, KeySlot,
    Operation,
};
use hmac::{KeyInit, Mac};
use ops::{Hds, KIB, Res};
#[cfg(not(feature = "p256-cm4"))]
use p256::ProjectivePoint;
#[cfg(not(feature = "p256-cm4"))]
use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::point::AffineCoordinates;
#[cfg(not(feature = "p256-cm4"))]
use p256::elliptic_curve::point::DecompressPoint;
#[cfg(not(feature = "p256-cm4"))]
use p256::elliptic_curve::subtle::Choice;
use p256::{AffinePoint, FieldBytes};
#[cfg(not(feature = "p256-cm4"))]
use p256::{NistP256, NonZeroScalar};
use sd_host::{Device, wait_for};
use semihosting::fs;
use sha2::Digest;

drm_board::suite!(bench);

/// Runs `f` once: prints its peak stack (below this frame's stack pointer) and instructions.
#[inline(never)]
fn measure<T>(name: &str, f: impl FnOnce() -> Res<T>) -> Res<T> {
    stack::paint();
    let before = stack::depth();
    let t0 = systick::now();
    let r = core::hint::black_box(f());
    let t1 = systick::now();
    let peak = stack::peak();
    defmt::println!(
        "bench {=str} stack={=u32} instructions={=u32}",
        name,
        peak.saturating_sub(before),
        systick::instructions(t0, t1)
    );
    r
}

// ---- raw RustCrypto primitives ----

#[inline(never)]
fn raw_sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

#[inline(never)]
fn raw_hmac(key: &[u8; 32], data: &[u8]) -> Res<[u8; 32]> {
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).map_err(|_| "hmac key")?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().into())
}

#[inline(never)]
fn raw_hmac_verify(key: &[u8; 32], data: &[u8], tag: &[u8]) -> Res<bool> {
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).map_err(|_| "hmac key")?;
    mac.update(data);
    Ok(mac.verify_slice(tag).is_ok())
}

#[inline(never)]
fn raw_cbc_encrypt(key: &[u8; 16], iv: &[u8; 16], data: &mut [u8]) {
    let (blocks, _) = Array::slice_as_chunks_mut(data);
    cbc::Encryptor::<Aes128>::new(key.into(), iv.into()).encrypt_blocks(blocks);
}

#[inline(never)]
fn raw_cbc_decrypt(key: &[u8; 16], iv: &[u8; 16], data: &mut [u8]) {
    let (blocks, _) = Array::slice_as_chunks_mut(data);
    cbc::Decryptor::<Aes128>::new(key.into(), iv.into()).decrypt_blocks(blocks);
}

#[cfg(not(feature = "p256-cm4"))]
fn scalar(bytes: [u8; 32]) -> Res<NonZeroScalar> {
    NonZeroScalar::from_repr(FieldBytes::from(bytes))
        .into_option()
        .ok_or("scalar")
}

fn point(public: &[u8; 64]) -> Res<AffinePoint> {
    let (x, y) = public.split_at(32);
    AffinePoint::from_coordinates(
        &FieldBytes::try_from(x).map_err(|_| "x")?,
        &FieldBytes::try_from(y).map_err(|_| "y")?,
    )
    .into_option()
    .ok_or("point")
}

#[inline(never)]
fn raw_ecdsa_sign_digest(key: &[u8; 32], digest: &[u8; 32]) -> Res<[u8; 64]> {
    #[cfg(feature = "p256-cm4")]
    return fast::sign_digest(key, digest);
    #[cfg(not(feature = "p256-cm4"))]
    let d = scalar(*key)?;
    #[cfg(not(feature = "p256-cm4"))]
    let (sig, _) = ecdsa::hazmat::sign_prehashed_rfc6979::<NistP256, sha2::Sha256>(&d, digest, &[]);
    #[cfg(not(feature = "p256-cm4"))]
    Ok(sig.to_bytes().into())
}

#[inline(never)]
fn raw_ecdsa_verify(public: &[u8; 64], msg: &[u8], sig: &[u8]) -> Res<bool> {
    #[cfg(feature = "p256-cm4")]
    return fast::verify(public, &raw_sha256(msg), sig);
    #[cfg(not(feature = "p256-cm4"))]
    let q = point(public)?;
    #[cfg(not(feature = "p256-cm4"))]
    let sig = p256::ecdsa::Signature::from_slice(sig).map_err(|_| "sig")?;
    #[cfg(not(feature = "p256-cm4"))]
    let digest = raw_sha256(msg);
    #[cfg(not(feature = "p256-cm4"))]
    Ok(
        ecdsa::hazmat::verify_prehashed::<NistP256>(&ProjectivePoint::from(q), &digest, &sig)
            .is_ok(),
    )
}

/// ElGamal encryption of the point with x `m` to `public`: k·G and M + k·Q.
#[inline(never)]
fn raw_elgamal(public: &[u8; 64], m: &[u8; 32], k: [u8; 32]) -> Res<[u8; 64]> {
    let q = point(public)?;
    #[cfg(feature = "p256-cm4")]
    let m = fast::decompress(m)?;
    #[cfg(not(feature = "p256-cm4"))]
    let m = AffinePoint::decompress(&FieldBytes::from(*m), Choice::from(0))
        .into_option()
        .ok_or("m")?;
    #[cfg(feature = "p256-cm4")]
    let (c1, c2) = fast::encrypt(&q, &m, k)?;
    #[cfg(not(feature = "p256-cm4"))]
    let k = scalar(k)?;
    #[cfg(not(feature = "p256-cm4"))]
    let c1 = ProjectivePoint::mul_by_generator(&*k).to_affine();
    #[cfg(not(feature = "p256-cm4"))]
    let c2 = (ProjectivePoint::from(m) + ProjectivePoint::from(q) * *k).to_affine();
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&c1.x());
    out[32..].copy_from_slice(&c2.x());
    Ok(out)
}

/// ElGamal decryption: M = C2 − d·C1 (the cost does not depend on the points).
#[inline(never)]
fn raw_elgamal_decrypt(d: [u8; 32], c1: &[u8; 64], c2: &[u8; 64]) -> Res<[u8; 32]> {
    let (c1, c2) = (point(c1)?, point(c2)?);
    #[cfg(feature = "p256-cm4")]
    let m = fast::add(&c2, &fast::mul(&c1, d)?, true)?;
    #[cfg(not(feature = "p256-cm4"))]
    let m = (ProjectivePoint::from(c2) - ProjectivePoint::from(c1) * *scalar(d)?).to_affine();
    Ok(m.x().into())
}

/// d·G (a public key from a private key).
#[inline(never)]
fn raw_base_mul(d: [u8; 32]) -> Res<[u8; 32]> {
    #[cfg(feature = "p256-cm4")]
    return fast::base_mul(d);
    #[cfg(not(feature = "p256-cm4"))]
    let d = scalar(d)?;
    #[cfg(not(feature = "p256-cm4"))]
    Ok(ProjectivePoint::mul_by_generator(&*d)
        .to_affine()
        .x()
        .into())
}

#[inline(never)]
fn raw_cmac(key: &[u8; 16], data: &[u8]) -> Res<[u8; 16]> {
    let mut mac = <cmac::Cmac<Aes128> as KeyInit>::new_from_slice(key).map_err(|_| "cmac key")?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().into())
}

/// The point with x `x` and even y (a square root in the field).
#[inline(never)]
fn raw_decompress(x: &[u8; 32]) -> Res<[u8; 32]> {
    #[cfg(feature = "p256-cm4")]
    return fast::decompress(x).map(|p| p.x().into());
    #[cfg(not(feature = "p256-cm4"))]
    let p = AffinePoint::decompress(&FieldBytes::from(*x), Choice::from(0))
        .into_option()
        .ok_or("not a point")?;
    #[cfg(not(feature = "p256-cm4"))]
    Ok(p.x().into())
}

/// The raw P-256 primitives of the `p256-cm4` build: the assembly backend called directly (words
/// are little-endian u32, the kit's numbers big-endian bytes), RFC 6979 nonces as in the kit.
#[cfg(feature = "p256-cm4")]
mod fast {
    use p256::elliptic_curve::Curve;
    use p256::elliptic_curve::point::AffineCoordinates;
    use p256::{AffinePoint, FieldBytes, NistP256};

    use super::Res;

    #[repr(C, align(4))]
    struct Aligned([u8; 32]);

    fn words(b: &[u8; 32]) -> [u32; 8] {
        let mut w = [0u32; 8];
        for (x, c) in w.iter_mut().zip(b.rchunks_exact(4)) {
            let mut word = [0u8; 4];
            word.copy_from_slice(c);
            *x = u32::from_be_bytes(word);
        }
        w
    }

    fn bytes(w: &[u32; 8]) -> [u8; 32] {
        let mut b = [0u8; 32];
        for (c, x) in b.rchunks_exact_mut(4).zip(w) {
            c.copy_from_slice(&x.to_be_bytes());
        }
        b
    }

    fn affine(x: &[u32; 8], y: &[u32; 8]) -> Res<AffinePoint> {
        AffinePoint::from_coordinates(&FieldBytes::from(bytes(x)), &FieldBytes::from(bytes(y)))
            .into_option()
            .ok_or("point")
    }

    pub fn sign_digest(key: &[u8; 32], digest: &[u8; 32]) -> Res<[u8; 64]> {
        let order = NistP256::ORDER;
        let mut kgen = rfc6979::KGenerator::<sha2::Sha256, <NistP256 as Curve>::Uint>::new(
            key,
            digest,
            &[],
            &order,
        );
        let mut k = [0u8; 32];
        kgen.fill_next_k(&mut k);
        let (mut r, mut s) = ([0u32; 8], [0u32; 8]);
        let hash = Aligned(*digest);
        if !p256_cm4::sign(&mut r, &mut s, &hash.0, &words(key), &words(&k)) {
            return Err("sign");
        }
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&bytes(&r));
        out[32..].copy_from_slice(&bytes(&s));
        Ok(out)
    }

    pub fn verify(public: &[u8; 64], digest: &[u8; 32], sig: &[u8]) -> Res<bool> {
        let (x, y) = public.split_at(32);
        let (r, s) = sig.split_at(32);
        let w = |b: &[u8]| -> Res<[u32; 8]> { Ok(words(b.try_into().map_err(|_| "len")?)) };
        let hash = Aligned(*digest);
        Ok(p256_cm4::verify(&w(x)?, &w(y)?, &hash.0, &w(r)?, &w(s)?))
    }

    pub fn base_mul(d: [u8; 32]) -> Res<[u8; 32]> {
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::scalarmult_base(&mut x, &mut y, &words(&d)) {
            return Err("scalar");
        }
        Ok(bytes(&x))
    }

    /// `d·P`.
    pub fn mul(p: &AffinePoint, d: [u8; 32]) -> Res<AffinePoint> {
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        let (px, py) = (words(&p.x().into()), words(&p.y().into()));
        if !p256_cm4::scalarmult_generic(&mut x, &mut y, &words(&d), &px, &py) {
            return Err("scalar");
        }
        affine(&x, &y)
    }

    /// `a + b` or `a − b` (points with different x, as these are).
    pub fn add(a: &AffinePoint, b: &AffinePoint, negate: bool) -> Res<AffinePoint> {
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        let (ax, ay) = (words(&a.x().into()), words(&a.y().into()));
        let (bx, by) = (words(&b.x().into()), words(&b.y().into()));
        if !p256_cm4::add_affine(&mut x, &mut y, (&ax, &ay), (&bx, &by), negate) {
            return Err("add");
        }
        affine(&x, &y)
    }

    /// The point with x `x` and even y.
    pub fn decompress(x: &[u8; 32]) -> Res<AffinePoint> {
        let mut enc = [2u8; 33];
        enc[1..].copy_from_slice(x);
        let (mut px, mut py) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::octet_string_to_point(&mut px, &mut py, &enc) {
            return Err("not a point");
        }
        affine(&px, &py)
    }

    /// `k·G` and `M + k·Q`.
    pub fn encrypt(
        q: &AffinePoint,
        m: &AffinePoint,
        k: [u8; 32],
    ) -> Res<(AffinePoint, AffinePoint)> {
        let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
        if !p256_cm4::scalarmult_base(&mut x, &mut y, &words(&k)) {
            return Err("scalar");
        }
        let c1 = affine(&x, &y)?;
        let c2 = add(m, &mul(q, k)?, false)?;
        Ok((c1, c2))
    }
}

// ---- the bench ----

fn bench() -> TestResult {
    systick::start();
    let licenses: usize = ops::LICENSES.iter().map(|l| l.len()).sum();
    defmt::println!(
        "bench-info test_data={=usize}",
        ops::CHAIN.len()
            + licenses
            + KIB.len()
            + ops::SERVER_HMAC_VERIFY_TAG_1K.len()
            + ops::SERVER_ECDSA_VERIFY_SIGNATURE_1K.len()
    );
    // The objects a caller owns (statics or stack), on this target.
    for (name, size) in [
        (
            "Store (32 pages, no counter, without the flash driver)",
            core::mem::size_of::<Hds>() - core::mem::size_of::<drm_board::flash::BoardFlash>(),
        ),
        (
            "Transaction (16 changes)",
            core::mem::size_of::<drm_hds::Transaction<'_>>(),
        ),
        ("KeySlot", core::mem::size_of::<KeySlot>()),
        (
            "Report<6> (delivery)",
            core::mem::size_of::<drm_keyexchange::Report<6>>(),
        ),
        (
            "SecureDelete",
            core::mem::size_of::<drm_securedelete::SecureDelete<'_, ops::RomIdentity>>(),
        ),
    ] {
        defmt::println!("bench-size {=str}={=usize}", name, size);
    }
    measure("(nothing: the measurement's own floor)", || Ok(()))?;
    hds_ops()?;
    kx_ops()?;
    primitives()?;
    sd_roundtrip()
}

#[inline(never)]
fn hds_ops() -> TestResult {
    let mut s = measure("hds format", ops::hds_format)?;
    for i in 0..64 {
        ops::hds_put(&mut s, i)?;
    }
    measure("hds put", || ops::hds_put(&mut s, 64))?;
    measure("hds put (update)", || ops::hds_put(&mut s, 3))?;
    measure("hds get", || ops::hds_get(&mut s, 5))?;
    measure("hds delete", || ops::hds_delete(&mut s, 7))?;
    drop(s);
    let mut s = measure("hds mount", ops::hds_mount)?;
    measure("hds get after mount", || ops::hds_get(&mut s, 9))
}

/// Prepare `Op` for `kid` from the store, Perform, Close: both measured under `names`.
fn prepare_perform<Op: Operation>(
    store: &mut Hds,
    kid: [u8; 16],
    names: [&str; 2],
    perform: impl FnOnce(&Context<'_, Op>) -> Res,
) -> TestResult {
    let mut slot = KeySlot::new();
    let ctx = measure(names[0], || ops::kx_prepare::<Op>(&mut slot, store, kid))?;
    measure(names[1], || perform(&ctx))?;
    ctx.close();
    Ok(())
}

#[inline(never)]
fn kx_ops() -> TestResult {
    let mut store = ops::hds_format()?;
    measure("license storage (deliver 6 licenses)", || {
        ops::kx_deliver(&mut store, &ops::LICENSES)
    })?;
    let mut data = KIB;
    prepare_perform::<AesCbcEncrypt>(
        &mut store,
        ops::AES_ENC_KID,
        ["prepare aes-cbc encrypt", "perform aes-cbc encrypt 1 KiB"],
        |ctx| ctx.encrypt(&ops::IV16, &mut data).map_err(|_| "encrypt"),
    )?;
    prepare_perform::<AesCbcDecrypt>(
        &mut store,
        ops::AES_DEC_KID,
        ["prepare aes-cbc decrypt", "perform aes-cbc decrypt 1 KiB"],
        |ctx| ctx.decrypt(&ops::IV16, &mut data).map_err(|_| "decrypt"),
    )?;
    prepare_perform::<HmacSign>(
        &mut store,
        ops::HMAC_SIGN_KID,
        ["prepare hmac-sha256 sign", "perform hmac-sha256 sign 1 KiB"],
        |ctx| ctx.sign(&KIB).map(drop).map_err(|_| "hmac sign"),
    )?;
    prepare_perform::<HmacVerify>(
        &mut store,
        ops::HMAC_VERIFY_KID,
        [
            "prepare hmac-sha256 verify",
            "perform hmac-sha256 verify 1 KiB",
        ],
        |ctx| {
            ctx.verify(&KIB, &ops::SERVER_HMAC_VERIFY_TAG_1K)
                .map_err(|_| "hmac verify")
        },
    )?;
    prepare_perform::<EcdsaSign>(
        &mut store,
        ops::ECDSA_SIGN_KID,
        ["prepare ecdsa-p256 sign", "perform ecdsa-p256 sign 1 KiB"],
        |ctx| ctx.sign(&KIB).map(drop).map_err(|_| "ecdsa sign"),
    )?;
    prepare_perform::<EcdsaVerify>(
        &mut store,
        ops::ECDSA_VERIFY_KID,
        [
            "prepare ecdsa-p256 verify",
            "perform ecdsa-p256 verify 1 KiB",
        ],
        |ctx| {
            ctx.verify(&KIB, &ops::SERVER_ECDSA_VERIFY_SIGNATURE_1K)
                .map_err(|_| "ecdsa verify")
        },
    )
}

#[inline(never)]
fn primitives() -> TestResult {
    let key16 = [0x21u8; 16];
    let key32 = [0x42u8; 32];
    let mut data = KIB;
    measure("raw sha-256 1 KiB", || Ok(raw_sha256(&KIB)))?;
    measure("raw aes-128-cbc encrypt 1 KiB", || {
        raw_cbc_encrypt(&key16, &ops::IV16, &mut data);
        Ok(())
    })?;
    measure("raw aes-128-cbc decrypt 1 KiB", || {
        raw_cbc_decrypt(&key16, &ops::IV16, &mut data);
        Ok(())
    })?;
    let tag = measure("raw hmac-sha256 1 KiB", || raw_hmac(&key32, &KIB))?;
    let ok = measure("raw hmac-sha256 verify 1 KiB", || {
        raw_hmac_verify(&key32, &KIB, &tag)
    })?;
    if !ok {
        return Err("raw hmac verify");
    }
    let digest = raw_sha256(&KIB);
    let sig = measure("raw ecdsa-p256 sign digest", || {
        raw_ecdsa_sign_digest(&ops::SIGNING_KEY, &digest)
    })?;
    let ok = measure("raw ecdsa-p256 verify 1 KiB", || {
        raw_ecdsa_verify(&ops::SIGNING_PUBLIC, &KIB, &sig)
    })?;
    if !ok {
        return Err("raw ecdsa verify");
    }
    measure("raw elgamal decrypt", || {
        raw_elgamal_decrypt(key32, &ops::SIGNING_PUBLIC, &ops::ENCRYPTION_PUBLIC)
    })?;
    measure("raw p-256 d·G", || raw_base_mul(key32))?;
    // The same three through the kit's own functions (drm_core::crypto, whichever backend this
    // build has): what a caller of drm-core pays, conversions and checks included.
    let signing = drm_core::secret::EccPrivateKey::from_bytes(ops::SIGNING_KEY);
    let kit_sig = measure("kit ecdsa-p256 sign digest", || {
        drm_core::crypto::ecdsa_p256_sign_digest(&signing, &digest).map_err(|_| "kit sign")
    })?;
    if kit_sig != sig {
        return Err("the kit's signature differs from the raw one");
    }
    measure("kit ecdsa-p256 verify digest", || {
        drm_core::crypto::ecdsa_p256_verify_digest(&ops::SIGNING_PUBLIC, &digest, &sig)
            .map_err(|_| "kit verify")
    })?;
    let mut ct = [0u8; 128];
    ct[..64].copy_from_slice(&ops::SIGNING_PUBLIC);
    ct[64..].copy_from_slice(&ops::ENCRYPTION_PUBLIC);
    let decrypting = drm_core::secret::EccPrivateKey::from_bytes(key32);
    measure("kit elgamal decrypt", || {
        drm_core::crypto::elgamal_decrypt(&decrypting, &ct)
            .map(|_| ())
            .map_err(|_| "kit decrypt")
    })?;
    measure("raw aes-128-cmac of a license", || {
        raw_cmac(&key16, &ops::AES_ENC)
    })?;
    let m = ops::ENCRYPTION_PUBLIC
        .first_chunk::<32>()
        .copied()
        .ok_or("x")?;
    measure("raw p-256 point decompress", || raw_decompress(&m))?;
    measure("raw elgamal encrypt", || {
        raw_elgamal(&ops::SIGNING_PUBLIC, &m, key32)
    })?;
    Ok(())
}

/// The RNG seed of the measured Secure Delete challenge.
const CHALLENGE_SEED: u64 = 7;

/// The Secure Delete operations against the host's server: session stored, licenses removed,
/// challenge generated (and sent), the server's response processed.
#[inline(never)]
fn sd_roundtrip() -> TestResult {
    let device = Device::read()?;
    let (identity, server_key) = device.identity()?;
    let chain_len = identity.certificate_chain().len();
    let mut store: Hds = ops::sd_stored_session()?;
    measure("secure delete: remove licenses", || {
        ops::sd_delete(&mut store)
    })?;
    let sd = drm_securedelete::SecureDelete::new(&identity)
        .with_server_key(server_key)
        .map_err(|_| "server key")?;
    let mut rng = InsecureTestRng::seeded(CHALLENGE_SEED);
    let len = sd
        .challenge_len(&mut store, &ops::SESSION)
        .map_err(|_| "len")?;
    let mut buf = [0u8; 6144];
    let out = buf.get_mut(..len).ok_or("challenge buffer")?;
    let n = measure("challenge generation (secure delete)", || {
        sd.generate_challenge(&mut store, &mut rng, &ops::SESSION, out)
            .map_err(|_| "challenge")
    })?;
    if n != len {
        return Err("challenge length");
    }
    // The length-dependent primitives of the challenge: SHA-256 over (at most) the challenge's
    // length, AES-128-CBC over its encrypted data (the chain's `Data` shape, PKCS#7-padded:
    // 44 + base64(chain) + 47 bytes, see drm-securedelete's challenge.rs).
    let plain = 44 + 4 * chain_len.div_ceil(3) + 47;
    let padded = (plain / 16 + 1) * 16;
    defmt::println!(
        "bench-info challenge_len={=usize} encrypted_len={=usize}",
        len,
        padded
    );
    // The draws of the challenge's secret point (32 bytes of the RNG each, the first use of the
    // RNG) that are not the x of a point: each costs a square root, as the accepted one does.
    let mut replay = InsecureTestRng::seeded(CHALLENGE_SEED);
    let mut rejected = [[0u8; 32]; 32];
    let mut count = 0usize;
    loop {
        let mut x = [0u8; 32];
        rand_core::TryRng::try_fill_bytes(&mut replay, &mut x).map_err(|_| "rng")?;
        if raw_decompress(&x).is_ok() {
            break;
        }
        *rejected.get_mut(count).ok_or("too many rejected draws")? = x;
        count += 1;
    }
    defmt::println!("bench-info rejected_draws={=usize}", count);
    measure("raw p-256 point decompress of the rejected draws", || {
        for x in rejected.get(..count).ok_or("count")? {
            if raw_decompress(x).is_ok() {
                return Err("a rejected draw decompressed");
            }
        }
        Ok(())
    })?;
    let key16 = [0x21u8; 16];
    measure("raw sha-256 of the challenge length", || {
        Ok(raw_sha256(buf.get(..len).ok_or("len")?))
    })?;
    let mut work = [0u8; 4096];
    let part = work.get_mut(..padded).ok_or("encrypted length")?;
    measure("raw aes-128-cbc encrypt of the encrypted length", || {
        raw_cbc_encrypt(&key16, &ops::IV16, part);
        Ok(())
    })?;
    let challenge = buf.get(..n).ok_or("n")?;
    let mut file = fs::File::create(c"sd_challenge.tmp").map_err(|_| "create")?;
    semihosting::io::Write::write_all(&mut file, challenge).map_err(|_| "write")?;
    drop(file);
    fs::rename(c"sd_challenge.tmp", c"sd_challenge.xml").map_err(|_| "rename")?;
    let mut rbuf = [0u8; 768];
    let response = wait_for(c"sd_response.xml", &mut rbuf)?;
    let id = measure("response processing (secure delete)", || {
        ops::sd_process(&mut store, response)
    })?;
    if id != ops::SESSION {
        return Err("response names another session");
    }
    Ok(())
}
