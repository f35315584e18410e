//! The key exchange part of the demo: one KeyExchangeLicense per algorithm and operation, and
//! each Perform checked against the license server's side of the key (first run) or against the
//! result the server checked in the first run (later runs, the server's keys being gone).

use drm_core::Kid;
use drm_keyexchange::{
    AesCbcDecryptor, AesCbcEncryptor, EcdsaSigner, EcdsaVerifier, Error, HmacSigner, HmacVerifier,
    KeySlot, Operation, prepare,
};
use drm_servers::xmr::{KxAlgorithm, KxOperation};
use drm_servers_http::{Client, ClientError};
use drm_target_host::SystemClock;
use rand_core::TryRng;

use crate::device::Device;
use crate::record::KxEntry;

/// One algorithm and operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// AES-128-CBC encrypt.
    AesEncrypt,
    /// AES-128-CBC decrypt.
    AesDecrypt,
    /// HMAC-SHA256 sign.
    HmacSign,
    /// HMAC-SHA256 verify.
    HmacVerify,
    /// ECDSA-P256 sign.
    EcdsaSign,
    /// ECDSA-P256 verify.
    EcdsaVerify,
}

/// Every case, in the demo's order.
pub const CASES: [Case; 6] = [
    Case::AesEncrypt,
    Case::AesDecrypt,
    Case::HmacSign,
    Case::HmacVerify,
    Case::EcdsaSign,
    Case::EcdsaVerify,
];

impl Case {
    /// The record's name of the case.
    pub fn name(self) -> &'static str {
        match self {
            Case::AesEncrypt => "aes-cbc-encrypt",
            Case::AesDecrypt => "aes-cbc-decrypt",
            Case::HmacSign => "hmac-sha256-sign",
            Case::HmacVerify => "hmac-sha256-verify",
            Case::EcdsaSign => "ecdsa-p256-sign",
            Case::EcdsaVerify => "ecdsa-p256-verify",
        }
    }

    /// The case of a record name.
    pub fn from_name(name: &str) -> Option<Self> {
        CASES.into_iter().find(|c| c.name() == name)
    }

    /// What the license server is asked to grant.
    pub fn grant(self) -> (KxAlgorithm, KxOperation) {
        match self {
            Case::AesEncrypt => (KxAlgorithm::AesCbc, KxOperation::Encrypt),
            Case::AesDecrypt => (KxAlgorithm::AesCbc, KxOperation::Decrypt),
            Case::HmacSign => (KxAlgorithm::HmacSha256, KxOperation::Sign),
            Case::HmacVerify => (KxAlgorithm::HmacSha256, KxOperation::Verify),
            Case::EcdsaSign => (KxAlgorithm::EcdsaP256, KxOperation::Sign),
            Case::EcdsaVerify => (KxAlgorithm::EcdsaP256, KxOperation::Verify),
        }
    }
}

fn kx(e: Error) -> String {
    e.to_string()
}

fn server(e: ClientError) -> String {
    format!("server: {e}")
}

/// The license server's side of the keys it issued, over HTTP (`/sim/kx`).
struct Peer<'c>(&'c Client);

impl Peer<'_> {
    /// `op`: `aes-cbc-encrypt` or `aes-cbc-decrypt`.
    fn aes_cbc(
        &self,
        op: &str,
        kid: &[u8; 16],
        iv: &[u8],
        data: &[u8],
    ) -> Result<Vec<u8>, ClientError> {
        self.0.kx(kid, op, &[("iv", iv), ("data", data)])
    }

    fn hmac_sign(&self, kid: &[u8; 16], data: &[u8]) -> Result<[u8; 32], ClientError> {
        self.sign(kid, "hmac-sha256-sign", data)
    }

    fn hmac_verify(&self, kid: &[u8; 16], data: &[u8], tag: &[u8]) -> Result<bool, ClientError> {
        self.verify(kid, "hmac-sha256-verify", data, ("tag", tag))
    }

    fn ecdsa_sign(&self, kid: &[u8; 16], data: &[u8]) -> Result<[u8; 64], ClientError> {
        self.sign(kid, "ecdsa-p256-sign", data)
    }

    fn ecdsa_verify(&self, kid: &[u8; 16], data: &[u8], sig: &[u8]) -> Result<bool, ClientError> {
        self.verify(kid, "ecdsa-p256-verify", data, ("signature", sig))
    }

    fn sign<const N: usize>(
        &self,
        kid: &[u8; 16],
        op: &str,
        data: &[u8],
    ) -> Result<[u8; N], ClientError> {
        fixed(self.0.kx(kid, op, &[("data", data)])?)
    }

    fn verify(
        &self,
        kid: &[u8; 16],
        op: &str,
        data: &[u8],
        signature: (&str, &[u8]),
    ) -> Result<bool, ClientError> {
        Ok(self.0.kx(kid, op, &[("data", data), signature])? == [1])
    }
}

fn fixed<const N: usize>(v: Vec<u8>) -> Result<[u8; N], ClientError> {
    let len = v.len();
    <[u8; N]>::try_from(v)
        .map_err(|_| ClientError::Reply(format!("{len} bytes where {N} were expected")))
}

fn random<const N: usize>(device: &mut Device) -> Result<[u8; N], String> {
    let mut b = [0u8; N];
    device
        .rng
        .try_fill_bytes(&mut b)
        .map_err(|e| format!("rng: {e}"))?;
    Ok(b)
}

/// Prepare for `Op` on `kid` (the store's license, the device's keys, the system clock).
fn prep<'s, Op: Operation>(
    slot: &'s mut KeySlot,
    device: &mut Device,
    kid: &Kid,
) -> Result<drm_keyexchange::Context<'s, Op>, String> {
    prepare(slot, &mut device.store, &device.identity, &SystemClock, kid)
        .map_err(|e| format!("prepare: {e}"))
}

fn expect_refused(r: Result<(), Error>, what: &str) -> Result<(), String> {
    match r {
        Err(_) => Ok(()),
        Ok(()) => Err(format!("{what} was accepted")),
    }
}

/// First run: Prepare, Perform (against the server's side of the key, over HTTP), Close. Returns what to
/// record and a description.
pub fn perform_with_server(
    case: Case,
    kid: &Kid,
    device: &mut Device,
    servers: &Client,
) -> Result<(KxEntry, String), String> {
    let license = Peer(servers);
    let id = kid.to_bytes();
    let mut slot = KeySlot::new();
    let msg: [u8; 48] = random(device)?;
    let iv: [u8; 16] = random(device)?;
    let (input, extra, output, what) = match case {
        Case::AesEncrypt => {
            let ctx: AesCbcEncryptor<'_> = prep(&mut slot, device, kid)?;
            let mut data = msg;
            ctx.encrypt(&iv, &mut data).map_err(kx)?;
            ctx.close();
            let back = license
                .aes_cbc("aes-cbc-decrypt", &id, &iv, &data)
                .map_err(server)?;
            if back != msg {
                return Err("the server's decryption of the device's ciphertext differs".into());
            }
            (
                msg.to_vec(),
                iv.to_vec(),
                data.to_vec(),
                "server decrypts the device's 48 bytes back",
            )
        }
        Case::AesDecrypt => {
            let ct = license
                .aes_cbc("aes-cbc-encrypt", &id, &iv, &msg)
                .map_err(server)?;
            let ctx: AesCbcDecryptor<'_> = prep(&mut slot, device, kid)?;
            let mut data = ct.clone();
            ctx.decrypt(&iv, &mut data).map_err(kx)?;
            ctx.close();
            if data != msg {
                return Err("the device's decryption of the server's ciphertext differs".into());
            }
            (
                ct,
                iv.to_vec(),
                data,
                "device decrypts the server's ciphertext",
            )
        }
        Case::HmacSign => {
            let ctx: HmacSigner<'_> = prep(&mut slot, device, kid)?;
            let tag = ctx.sign(&msg).map_err(kx)?;
            ctx.close();
            if !license.hmac_verify(&id, &msg, &tag).map_err(server)? {
                return Err("the server does not accept the device's tag".into());
            }
            (
                msg.to_vec(),
                Vec::new(),
                tag.to_vec(),
                "server accepts the device's tag",
            )
        }
        Case::HmacVerify => {
            let tag = license.hmac_sign(&id, &msg).map_err(server)?;
            let ctx: HmacVerifier<'_> = prep(&mut slot, device, kid)?;
            ctx.verify(&msg, &tag).map_err(kx)?;
            let mut bad = tag;
            if let Some(b) = bad.first_mut() {
                *b ^= 1;
            }
            let refused = expect_refused(ctx.verify(&msg, &bad), "a wrong tag");
            ctx.close();
            refused?;
            (
                msg.to_vec(),
                tag.to_vec(),
                Vec::new(),
                "device accepts the server's tag, refuses a wrong one",
            )
        }
        Case::EcdsaSign => {
            let ctx: EcdsaSigner<'_> = prep(&mut slot, device, kid)?;
            let sig = ctx.sign(&msg).map_err(kx)?;
            ctx.close();
            if !license.ecdsa_verify(&id, &msg, &sig).map_err(server)? {
                return Err("the server does not accept the device's signature".into());
            }
            (
                msg.to_vec(),
                Vec::new(),
                sig.to_vec(),
                "server verifies the device's signature",
            )
        }
        Case::EcdsaVerify => {
            let sig = license.ecdsa_sign(&id, &msg).map_err(server)?;
            let ctx: EcdsaVerifier<'_> = prep(&mut slot, device, kid)?;
            ctx.verify(&msg, &sig).map_err(kx)?;
            let mut other = msg;
            if let Some(b) = other.first_mut() {
                *b ^= 1;
            }
            let refused = expect_refused(ctx.verify(&other, &sig), "a signature over other data");
            ctx.close();
            refused?;
            (
                msg.to_vec(),
                sig.to_vec(),
                Vec::new(),
                "device verifies the server's signature, refuses it on other data",
            )
        }
    };
    if !slot.is_clear() {
        return Err("the key slot is not clear after Close".into());
    }
    Ok((
        KxEntry {
            kid: *kid,
            op: case.name().to_owned(),
            input,
            extra,
            output,
        },
        format!("Prepare, Perform, Close: {what}; key slot zeroized"),
    ))
}

/// Later runs: the license found in the store again gives the result the server checked in the
/// first run (AES and HMAC, and ECDSA signing with RFC 6979 nonces, are deterministic).
pub fn perform_again(entry: &KxEntry, device: &mut Device) -> Result<String, String> {
    let case = Case::from_name(&entry.op).ok_or("unknown operation in the record")?;
    let kid = &entry.kid;
    let mut slot = KeySlot::new();
    let iv: [u8; 16] = entry.extra.as_slice().try_into().unwrap_or([0; 16]);
    let same = match case {
        Case::AesEncrypt => {
            let ctx: AesCbcEncryptor<'_> = prep(&mut slot, device, kid)?;
            let mut data = entry.input.clone();
            ctx.encrypt(&iv, &mut data).map_err(kx)?;
            ctx.close();
            data == entry.output
        }
        Case::AesDecrypt => {
            let ctx: AesCbcDecryptor<'_> = prep(&mut slot, device, kid)?;
            let mut data = entry.input.clone();
            ctx.decrypt(&iv, &mut data).map_err(kx)?;
            ctx.close();
            data == entry.output
        }
        Case::HmacSign => {
            let ctx: HmacSigner<'_> = prep(&mut slot, device, kid)?;
            let tag = ctx.sign(&entry.input).map_err(kx)?;
            ctx.close();
            tag.as_slice() == entry.output.as_slice()
        }
        Case::HmacVerify => {
            let ctx: HmacVerifier<'_> = prep(&mut slot, device, kid)?;
            let ok = ctx.verify(&entry.input, &entry.extra).is_ok();
            ctx.close();
            ok
        }
        Case::EcdsaSign => {
            let ctx: EcdsaSigner<'_> = prep(&mut slot, device, kid)?;
            let sig = ctx.sign(&entry.input).map_err(kx)?;
            ctx.close();
            sig.as_slice() == entry.output.as_slice()
        }
        Case::EcdsaVerify => {
            let ctx: EcdsaVerifier<'_> = prep(&mut slot, device, kid)?;
            let ok = ctx.verify(&entry.input, &entry.extra).is_ok();
            ctx.close();
            ok
        }
    };
    if !same {
        return Err("the result differs from the one the server checked in the first run".into());
    }
    Ok("license found again; Perform gives the result the server checked in the first run".into())
}

/// The one-operation policy: an AES-encrypt license refused for decrypt, and a content license
/// refused for any key exchange operation.
pub fn policy_enforced(
    device: &mut Device,
    encrypt_kid: &Kid,
    content_kid: &Kid,
) -> Result<String, String> {
    let (mut slot, mut slot2) = (KeySlot::new(), KeySlot::new());
    let r: Result<AesCbcDecryptor<'_>, Error> = prepare(
        &mut slot,
        &mut device.store,
        &device.identity,
        &SystemClock,
        encrypt_kid,
    );
    let other_op = match r {
        Err(Error::OperationNotAllowed) => "refused (operation not allowed)",
        Err(e) => {
            return Err(format!(
                "decrypt with the encrypt-only license: {e}, expected OperationNotAllowed"
            ));
        }
        Ok(_) => return Err("decrypt with the encrypt-only license was allowed".into()),
    };
    let r: Result<AesCbcDecryptor<'_>, Error> = prepare(
        &mut slot2,
        &mut device.store,
        &device.identity,
        &SystemClock,
        content_kid,
    );
    let content = match r {
        Err(Error::NotKeyExchangeLicense) => "refused (not a KeyExchangeLicense)",
        Err(e) => {
            return Err(format!(
                "key exchange with a content license: {e}, expected NotKeyExchangeLicense"
            ));
        }
        Ok(_) => return Err("a content license was usable through key exchange".into()),
    };
    Ok(format!(
        "decrypt with the encrypt-only license: {other_op}; a content license: {content}"
    ))
}
