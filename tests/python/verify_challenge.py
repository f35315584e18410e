#!/usr/bin/env python3
"""Independent check of a PlayReady-style signed challenge with a standard XML stack.

Usage: verify_challenge.py CHALLENGE.xml SERVER_KEY

CHALLENGE.xml is a Secure Delete challenge (PROTOCOL.md section 4) or an AcquireLicense
challenge (section 6): the signed element is the one with Id="SignedData" (DeleteLicenseData
or LA). SERVER_KEY holds the server's P-256 private scalar: 64 hex digits, or 32 raw bytes.

Checks, with lxml's exclusive XML canonicalisation and the `cryptography` package:
  1. DigestValue == SHA-256(exc-c14n(signed element)), and the element's bytes in the document
     are already canonical;
  2. SignatureValue (raw r||s) verifies over exc-c14n(SignedInfo) with the KeyInfo public key;
  3. EncryptedData decrypts: ElGamal on P-256 with the server key gives a point P, whose x gives
     IV = x[0:16] and key = x[16:32]; the data is IV || AES-128-CBC(PKCS#7);
and prints the length of the certificate chain inside. Exits non-zero on the first failure.
The elliptic-curve point arithmetic (which `cryptography` does not expose) is written out here.
"""

import base64
import hashlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from lxml import etree

NS = {
    "dsig": "http://www.w3.org/2000/09/xmldsig#",
    "enc": "http://www.w3.org/2001/04/xmlenc#",
}

# P-256 (SEC 2 / FIPS 186-4).
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
A = P - 3
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def on_curve(pt):
    x, y = pt
    return (y * y - (x * x * x + A * x + B)) % P == 0


def add(p1, p2):
    """Affine point addition; None is the point at infinity."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return (x3, (lam * (x1 - x3) - y1) % P)


def mul(k, pt):
    out = None
    while k:
        if k & 1:
            out = add(out, pt)
        pt = add(pt, pt)
        k >>= 1
    return out


def point(b):
    if len(b) != 64:
        raise ValueError("a point is 64 bytes")
    pt = (int.from_bytes(b[:32], "big"), int.from_bytes(b[32:], "big"))
    if not on_curve(pt):
        raise ValueError("not a P-256 point")
    return pt


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def one(el, path):
    found = el.xpath(path, namespaces=NS)
    if len(found) != 1:
        fail(f"expected one {path}, found {len(found)}")
    return found[0]


def b64(el, path):
    return base64.b64decode(one(el, path).text.strip(), validate=True)


def read_key(path):
    raw = open(path, "rb").read()
    text = raw.strip()
    try:
        d = int(text.decode("ascii"), 16) if len(text) == 64 else int.from_bytes(raw, "big")
    except (UnicodeDecodeError, ValueError):
        d = int.from_bytes(raw, "big")
    if not 0 < d < N:
        fail("server key is not a P-256 private scalar")
    return d


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    raw = open(argv[1], "rb").read()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(raw, parser)
    d = read_key(argv[2])

    signed = one(root, "//*[@Id='SignedData']")
    signature = one(root, "//dsig:Signature")
    signed_info = one(signature, "dsig:SignedInfo")

    # 1. Digest over the exclusive canonical form; the document must hold it as it is.
    c14n = etree.tostring(signed, method="c14n", exclusive=True)
    if c14n not in raw:
        fail("the signed element is not in canonical form in the document")
    digest = b64(signature, "dsig:SignedInfo/dsig:Reference/dsig:DigestValue")
    if hashlib.sha256(c14n).digest() != digest:
        fail("DigestValue does not match")
    print(f"digest ok ({etree.QName(signed).localname}, {len(c14n)} canonical bytes)")

    # 2. Signature: raw r||s to DER, verified with the KeyInfo key.
    public = b64(signature, "dsig:KeyInfo/dsig:KeyValue/dsig:ECCKeyValue/dsig:PublicKey")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + public)
    sig = b64(signature, "dsig:SignatureValue")
    if len(sig) != 64:
        fail("SignatureValue is not 64 bytes")
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    si = etree.tostring(signed_info, method="c14n", exclusive=True)
    try:
        key.verify(der, si, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        fail("SignatureValue does not verify")
    print("signature ok")

    # 3. EncryptedData: ElGamal, then AES-128-CBC with PKCS#7.
    enc = one(signed, "enc:EncryptedData")
    if one(enc, "dsig:KeyInfo/enc:EncryptedKey/dsig:KeyInfo/dsig:KeyName").text != "WMRMServer":
        fail("KeyName is not WMRMServer")
    wrapped = b64(enc, "dsig:KeyInfo/enc:EncryptedKey/enc:CipherData/enc:CipherValue")
    if len(wrapped) != 128:
        fail("EncryptedKey is not 128 bytes")
    c1, c2 = point(wrapped[:64]), point(wrapped[64:])
    neg = mul(d, c1)
    m = add(c2, (neg[0], (-neg[1]) % P))
    x = m[0].to_bytes(32, "big")
    iv, aes_key = x[:16], x[16:]
    data = b64(enc, "enc:CipherData/enc:CipherValue")
    if data[:16] != iv:
        fail("the IV in front of the data is not x[0:16]")
    dec = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    padded = dec.update(data[16:]) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    plaintext = unpadder.update(padded) + unpadder.finalize()
    payload = etree.fromstring(plaintext, parser)
    chain = base64.b64decode(one(payload, "/Data/CertificateChains/CertificateChain").text.strip())
    if chain[:4] != b"CHAI" or int.from_bytes(chain[8:12], "big") != len(chain):
        fail("the certificate chain header is wrong")
    features = [f.get("Name") for f in payload.xpath("/Data/Features/Feature")]
    print(f"decrypted ok: certificate chain of {len(chain)} bytes, features {features}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
