//! The Secure Delete challenge (PROTOCOL §4, the seed's example), written straight into a caller
//! buffer.
//!
//! ```text
//! soap:Envelope / soap:Body / ProcessDeleteLicenseData (protocols) / challenge
//!   / Challenge (messages)
//!     / DeleteLicenseData (protocols, Id="SignedData")   <- signed, canonical
//!         Version, SessionID, KIDS/KID..., EncryptedData (xmlenc)
//!     / Signature (xmldsig)
//!         SignedInfo (canonical), SignatureValue, KeyInfo/KeyValue/ECCKeyValue/PublicKey
//! ```
//!
//! `EncryptedData` and `Signature` are `drm_core::xml::dsig`'s, shared with the license
//! challenge. Nothing is buffered: the plaintext of `EncryptedData` (the device's certificate
//! chain in the `Data` shape of PROTOCOL §4) is produced, AES-128-CBC encrypted and base64
//! encoded on the fly, block by block, into the writer (no work buffer, which matters on a
//! Cortex-M0 with a few KiB of RAM); `DeleteLicenseData` and `SignedInfo` are hashed as they are
//! written. The same code runs on a [`CountingSink`] with placeholder values of the same lengths
//! to tell the size first.

use drm_core::crypto::backend::{
    Algorithms, BlockCipher, CbcEncryptor, Crypto, Hasher, HasherOf, Sha256Engine,
};
use drm_core::platform::{DeviceIdentity, TryCryptoRng};
use drm_core::secret::Secret32;
use drm_core::xml::dsig;
use drm_core::xml::ns;
use drm_core::xml::writer::{
    Attr, ByteSource, CountingSink, Sink, SliceSink, Step, Writer, WriterRef,
};
use drm_core::{Kid, SessionId};
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// The plaintext of `EncryptedData` is `DATA_OPEN ‖ base64(chain) ‖ DATA_CLOSE`: the license
/// request's `Data` shape without `Features` (PROTOCOL §4; note the spaces around the base64).
const DATA_OPEN: &[u8] = b"<Data><CertificateChains><CertificateChain> ";
const DATA_CLOSE: &[u8] = b" </CertificateChain></CertificateChains></Data>";

/// What a challenge is built from: the session, its KIDs, the device and the server key.
pub(crate) struct Request<'a, I: DeviceIdentity> {
    pub session: &'a SessionId,
    pub kids: &'a [Kid],
    pub identity: &'a I,
    pub server_key: &'a [u8; 64],
}

/// Where the random and secret-dependent values of a challenge come from: the RNG and the
/// device ([`Real`]), or placeholders of the same lengths for sizing ([`Placeholder`]).
trait Values {
    /// The secret point's x (`IV ‖ key`) and its ElGamal encryption to `server_key`.
    fn point<X: Crypto>(
        &mut self,
        crypto: &X,
        server_key: &[u8; 64],
    ) -> Result<(Secret32, [u8; 128])>;
    /// Writes `EncryptedData` with `wrapped` and `IV ‖ ciphertext`: `chain` in the `Data` shape
    /// encrypted with `point`.
    fn write_data<X: Crypto>(
        &self,
        crypto: &X,
        w: &mut WriterRef<'_, '_, HasherOf<X>>,
        wrapped: &[u8; 128],
        point: &Secret32,
        chain: &[u8],
    ) -> Result<()>;
    /// The signature of the `SignedInfo` digest.
    fn sign<I: DeviceIdentity>(
        &mut self,
        identity: &I,
        digest: &[u8; 32],
    ) -> drm_core::Result<[u8; 64]>;
}

struct Placeholder;

impl Values for Placeholder {
    fn point<X: Crypto>(&mut self, _: &X, _: &[u8; 64]) -> Result<(Secret32, [u8; 128])> {
        Ok((Secret32::from_bytes([0; 32]), [0; 128]))
    }
    /// Zeros of the length of the real data (nothing encrypted: only the length counts).
    fn write_data<X: Crypto>(
        &self,
        _: &X,
        w: &mut WriterRef<'_, '_, HasherOf<X>>,
        wrapped: &[u8; 128],
        _: &Secret32,
        chain: &[u8],
    ) -> Result<()> {
        let len = Plaintext::len(chain)
            .map(dsig::padded_len)
            .and_then(|n| n.checked_add(16))
            .ok_or(Error::Core(drm_core::Error::BufferTooSmall))?;
        Ok(dsig::write_encrypted_data(
            w,
            wrapped,
            core::iter::repeat_n(0, len),
        )?)
    }
    fn sign<I: DeviceIdentity>(&mut self, _: &I, _: &[u8; 32]) -> drm_core::Result<[u8; 64]> {
        Ok([0; 64])
    }
}

struct Real<'r, R: TryCryptoRng + ?Sized>(&'r mut R);

impl<R: TryCryptoRng + ?Sized> Values for Real<'_, R> {
    /// Not inlined: its stack (the deepest of the challenge on a Cortex-M0) is not below the
    /// writer's (see [`write_document`]).
    #[inline(never)]
    fn point<X: Crypto>(
        &mut self,
        crypto: &X,
        server_key: &[u8; 64],
    ) -> Result<(Secret32, [u8; 128])> {
        Ok(crypto.elgamal_encrypt_random_point(server_key, self.0)?)
    }
    fn write_data<X: Crypto>(
        &self,
        crypto: &X,
        w: &mut WriterRef<'_, '_, HasherOf<X>>,
        wrapped: &[u8; 128],
        point: &Secret32,
        chain: &[u8],
    ) -> Result<()> {
        let mut data = CbcIter::new(crypto, point, Plaintext::new(chain));
        Ok(dsig::write_encrypted_data_from(w, wrapped, &mut data)?)
    }
    #[inline(never)]
    fn sign<I: DeviceIdentity>(
        &mut self,
        identity: &I,
        digest: &[u8; 32],
    ) -> drm_core::Result<[u8; 64]> {
        identity.sign_digest(digest)
    }
}

/// The exact length of the challenge for `request`.
pub(crate) fn challenge_len<I: DeviceIdentity>(request: &Request<'_, I>) -> Result<usize> {
    let point = Placeholder.point(request.identity.crypto(), request.server_key)?;
    Ok(write_document(CountingSink::new(), request, &point, &mut Placeholder)?.len())
}

/// Writes the challenge for `request` into `out`; the number of bytes written.
/// [`Error::BufferTooSmall`] (with the size needed) when it does not fit.
///
/// One pass: the document is written straight into `out`, not sized first (sizing costs about as
/// much as writing, less the AES and the signature: a quarter of the whole with the fast P-256
/// backend). A buffer found too short while writing is zeroed (no partial challenge is left in
/// it) and only then is the size needed counted.
pub(crate) fn write_challenge<I: DeviceIdentity, R: TryCryptoRng + ?Sized>(
    request: &Request<'_, I>,
    rng: &mut R,
    out: &mut [u8],
) -> Result<usize> {
    let written = write_to_sink(request, rng, SliceSink::new(out)).map(|sink| sink.len());
    if written.is_err() {
        out.zeroize();
    }
    match written {
        Err(Error::Core(drm_core::Error::BufferTooSmall)) => Err(Error::BufferTooSmall {
            needed: challenge_len(request)?,
        }),
        written => written,
    }
}

/// Writes the challenge for `request` into `sink` (a UART, a file, a socket: no buffer for the
/// whole challenge) and gives the sink back.
pub(crate) fn write_to_sink<I: DeviceIdentity, R: TryCryptoRng + ?Sized, S: Sink>(
    request: &Request<'_, I>,
    rng: &mut R,
    sink: S,
) -> Result<S> {
    let mut values = Real(rng);
    let point = values.point(request.identity.crypto(), request.server_key)?;
    write_document(sink, request, &point, &mut values)
}

/// Elements open at once in a challenge: 11 (down to `EncryptedData`'s inner `KeyName`).
const DEPTH: usize = 12;
/// Namespace bindings in force at once in a challenge: 7 (soap, xsi, xsd, the protocols and
/// messages defaults, xmlenc, xmldsig), and an apex's copies.
const NS: usize = 12;

/// The challenge's writer: smaller than the default `Writer` (624 bytes of state instead of
/// 1,120 on a 32-bit target), since it is on the stack while the signature is computed.
type ChallengeWriter<'s, S, H> = Writer<'s, S, NS, DEPTH, H>;

/// The whole document into `sink`. The stack of a challenge is the deepest of three calls made
/// one after the other, none below another: the secret point and its encryption (by the caller,
/// before the writer exists), the document up to `SignedInfo` ([`write_signed_part`], its
/// encoders and the AES-CBC of `EncryptedData`), and the signature (below this frame only,
/// whose writer is small). Inlined together they needed 9.9 KB of a Cortex-M0 stack; see
/// `targets/qemu/scripts/sd-roundtrip` for the figures now.
#[inline(never)]
fn write_document<S: Sink, I: DeviceIdentity, V: Values>(
    mut sink: S,
    request: &Request<'_, I>,
    point: &(Secret32, [u8; 128]),
    values: &mut V,
) -> Result<S> {
    // The writer is over `&mut sink`, checked with `is_finished` and dropped where it is:
    // moving it (into `finish`, or `drop`) copies its 760 bytes into this frame, which is below
    // the signature.
    {
        let mut w = ChallengeWriter::<_, HasherOf<I::Crypto>>::new(&mut sink);
        let info_digest = write_signed_part(&mut w.view(), request, point, values)?;
        let signature = values.sign(request.identity, &info_digest)?;
        write_end(&mut w.view(), &signature, request.identity)?;
        if !w.is_finished() {
            return Err(Error::logic());
        }
    }
    Ok(sink)
}

/// The rest of the document after `SignedInfo`, in a frame of its own (see [`write_document`]).
#[inline(never)]
fn write_end<I: DeviceIdentity, H: Hasher>(
    w: &mut WriterRef<'_, '_, H>,
    signature: &[u8; 64],
    identity: &I,
) -> Result<()> {
    dsig::write_signature_end(w, signature, &identity.signing_public_key())?;
    // Challenge, challenge, ProcessDeleteLicenseData, Body, Envelope.
    w.steps(&[Step::close(5)])?;
    Ok(())
}

const fn p(local: &'static str) -> Step<'static> {
    Step::start(ns::PROTOCOLS, local, &[])
}

/// `DeleteLicenseData` up to `SessionID`.
static SIGNED_HEADER: [Step<'static>; 4] = [
    Step::apex(
        ns::PROTOCOLS,
        "DeleteLicenseData",
        &[Attr::new("Id", dsig::SIGNED_ID)],
    ),
    p("Version"),
    Step::text("1"),
    p("SessionID").after(1),
];

/// The document up to the end of `SignedInfo`; the digest of `SignedInfo`, to sign.
#[inline(never)]
fn write_signed_part<I: DeviceIdentity, V: Values>(
    w: &mut WriterRef<'_, 'static, HasherOf<I::Crypto>>,
    request: &Request<'_, I>,
    (point, wrapped): &(Secret32, [u8; 128]),
    values: &V,
) -> Result<[u8; 32]> {
    dsig::write_challenge_opening(w, "ProcessDeleteLicenseData")?;

    // The signed element, hashed as it is written.
    let crypto = request.identity.crypto();
    w.begin_digest_with(crypto.sha().hasher())?;
    w.steps(&SIGNED_HEADER)?;
    w.base64(request.session.to_bytes())?;
    w.steps(&[p("KIDS").after(1)])?;
    for kid in request.kids {
        w.steps(&[p("KID")])?;
        w.base64(kid.to_bytes())?;
        w.end()?;
    }
    w.end()?;
    values.write_data(
        crypto,
        w,
        wrapped,
        point,
        request.identity.certificate_chain(),
    )?;
    w.end()?;
    let digest = w.end_digest()?;
    Ok(dsig::write_signed_info(w, crypto.sha().hasher(), &digest)?)
}

/// The bytes of `DATA_OPEN ‖ base64(chain) ‖ DATA_CLOSE`, produced 48 chain bytes (64 symbols)
/// at a time, copied out in pieces ([`ByteSource`]).
struct Plaintext<'c> {
    chain: core::slice::Chunks<'c, u8>,
    open: &'static [u8],
    close: &'static [u8],
    text: [u8; 64],
    text_len: usize,
    text_pos: usize,
}

impl<'c> Plaintext<'c> {
    /// The number of bytes it produces for `chain`; `None` on overflow.
    fn len(chain: &[u8]) -> Option<usize> {
        drm_core::base64::encoded_len(chain.len())?
            .checked_add(DATA_OPEN.len())?
            .checked_add(DATA_CLOSE.len())
    }

    fn new(chain: &'c [u8]) -> Self {
        Self {
            chain: chain.chunks(48),
            open: DATA_OPEN,
            close: DATA_CLOSE,
            text: [0; 64],
            text_len: 0,
            text_pos: 0,
        }
    }
}

/// Copies as much of `from` as fits at `out[*n..]`; returns what is left of `from`.
fn take_into<'a>(from: &'a [u8], out: &mut [u8], n: &mut usize) -> &'a [u8] {
    let room = out.get_mut(*n..).unwrap_or_default();
    let k = room.len().min(from.len());
    let (now, later) = from.split_at(k);
    if let Some(dst) = room.get_mut(..k) {
        dst.copy_from_slice(now);
    }
    *n += k;
    later
}

impl ByteSource for Plaintext<'_> {
    fn fill(&mut self, out: &mut [u8]) -> drm_core::Result<usize> {
        let mut n = 0usize;
        while n < out.len() {
            if !self.open.is_empty() {
                self.open = take_into(self.open, out, &mut n);
            } else if self.text_pos < self.text_len {
                let pending = self
                    .text
                    .get(self.text_pos..self.text_len)
                    .unwrap_or_default();
                let left = take_into(pending, out, &mut n).len();
                self.text_pos = self.text_len - left;
            } else if let Some(piece) = self.chain.next() {
                // 48 bytes always encode to 64 symbols, so this cannot fail.
                self.text_len = drm_core::base64::encode(piece, &mut self.text).map_or(0, str::len);
                self.text_pos = 0;
            } else if !self.close.is_empty() {
                self.close = take_into(self.close, out, &mut n);
            } else {
                break;
            }
        }
        Ok(n)
    }
}

/// Blocks the Secure Delete challenge's CBC stream encrypts in one call into the cipher: each
/// call into the `aes` crate sets its backend up again (about 2,900 instructions on a Cortex-M4),
/// so a block at a time cost the challenge about 200,000 instructions more (`scripts/profile`).
/// Four blocks keep the buffer at 64 bytes of the Cortex-M0's tight stack.
const CBC_BATCH: usize = 4;

/// `IV ‖ AES-128-CBC(key, IV, PKCS#7(plaintext))` handed out a few blocks at a time (the key
/// schedule once). The key and the open blocks are zeroized when it is dropped.
struct CbcIter<C: BlockCipher, P: ByteSource> {
    cipher: CbcEncryptor<C>,
    plaintext: P,
    /// The blocks being handed out (the IV first, then up to [`CBC_BATCH`] ciphertext blocks).
    blocks: [[u8; 16]; CBC_BATCH],
    /// Bytes of `blocks` that hold output, and how many of them were handed out.
    len: usize,
    pos: usize,
    /// Whether the padded last block was encrypted already.
    done: bool,
}

impl<C: BlockCipher, P: ByteSource> CbcIter<C, P> {
    fn new<X: Crypto<Aes: drm_core::crypto::backend::AesEngine<Cipher = C>>>(
        crypto: &X,
        point: &Secret32,
        plaintext: P,
    ) -> Self {
        let (iv, key) = point.split_aes128();
        let mut blocks = [[0u8; 16]; CBC_BATCH];
        blocks[0] = *iv.expose_secret();
        Self {
            cipher: crypto.cbc_encryptor(&key, iv.expose_secret()),
            plaintext,
            blocks,
            len: 16,
            pos: 0,
            done: false,
        }
    }

    /// Reads up to [`CBC_BATCH`] blocks of plaintext, pads the last one (PKCS#7, when the
    /// plaintext ends in them), and encrypts them in place (chained to the previous ones).
    fn next_blocks(&mut self) -> drm_core::Result<bool> {
        if self.done {
            return Ok(false);
        }
        let plain = self.blocks.as_flattened_mut();
        let mut n = 0usize;
        while n < plain.len() {
            let got = self
                .plaintext
                .fill(plain.get_mut(n..).unwrap_or_default())?;
            if got == 0 {
                break;
            }
            n += got;
        }
        let mut len = n;
        if n < plain.len() {
            // PKCS#7: 1 to 16 bytes, each the pad length; this block is the last.
            let pad = 16 - n % 16;
            len = n + pad;
            let pad = u8::try_from(pad).unwrap_or(16);
            for slot in plain.get_mut(n..len).unwrap_or_default() {
                *slot = pad;
            }
            self.done = true;
        }
        let blocks = self.blocks.get_mut(..len / 16).unwrap_or_default();
        self.cipher.encrypt_blocks(blocks);
        self.len = len;
        self.pos = 0;
        Ok(true)
    }
}

impl<C: BlockCipher, P: ByteSource> ByteSource for CbcIter<C, P> {
    fn fill(&mut self, out: &mut [u8]) -> drm_core::Result<usize> {
        let mut n = 0usize;
        while n < out.len() {
            if self.pos == self.len && !self.next_blocks()? {
                break;
            }
            let output = self.blocks.as_flattened();
            let pending = output.get(self.pos..self.len).unwrap_or_default();
            let left = take_into(pending, out, &mut n).len();
            self.pos = self.len - left;
        }
        Ok(n)
    }
}

impl<C: BlockCipher, P: ByteSource> Drop for CbcIter<C, P> {
    fn drop(&mut self) {
        self.blocks.zeroize();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    extern crate std;
    use std::vec::Vec;

    use super::*;
    use drm_core::crypto::backend::RustCrypto;

    /// Everything `source` produces, taken in pieces of 1 to 7 bytes (so pieces fall across
    /// its blocks and its parts).
    fn drain(mut source: impl ByteSource) -> Vec<u8> {
        let mut out = Vec::new();
        for size in (1..=7).cycle() {
            let mut buf = [0u8; 7];
            let n = source.fill(&mut buf[..size]).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
        unreachable!()
    }

    #[test]
    fn cbc_iterator_equals_the_buffered_cbc_for_every_length() {
        let point = Secret32::from_bytes(core::array::from_fn(|i| i as u8 * 7 + 1));
        let (iv, key) = point.split_aes128();
        for len in 0..140usize {
            let msg: Vec<u8> = (0..len).map(|i| (i * 31) as u8).collect();
            let streamed = drain(CbcIter::new(
                &RustCrypto,
                &point,
                drm_core::xml::writer::FromIter(msg.iter().copied()),
            ));
            let mut buf = msg.clone();
            buf.resize(dsig::padded_len(len), 0);
            let n =
                drm_core::crypto::aes128_cbc_encrypt_pkcs7(&key, iv.expose_secret(), &mut buf, len)
                    .unwrap();
            assert_eq!(&streamed[..16], iv.expose_secret());
            assert_eq!(&streamed[16..], &buf[..n], "length {len}");
        }
    }

    #[test]
    fn plaintext_iterator_is_the_data_shape() {
        for len in [0usize, 1, 47, 48, 49, 200] {
            let chain: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let got = drain(Plaintext::new(&chain));
            let mut b64 = std::vec![0u8; drm_core::base64::encoded_len(len).unwrap()];
            let text = drm_core::base64::encode(&chain, &mut b64).unwrap();
            let want = [DATA_OPEN, text.as_bytes(), DATA_CLOSE].concat();
            assert_eq!(got, want, "chain of {len}");
        }
    }
}
