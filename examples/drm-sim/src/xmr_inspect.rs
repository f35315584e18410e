//! `drm-sim xmr inspect FILE [--device-key FILE]`: an XMR license, object by object.
//!
//! The license is parsed by `drm_core::xmr` (the device's own parser) and its object tree shown
//! with the fields of every known object. With the device's encryption key: whether the license
//! is bound to it, whether the signature verifies and whether the key unwraps (the key itself is
//! never printed). Every license whose objects can be walked is shown, usable or not, with the
//! reasons it cannot be used (the parser's refusal — a required object missing, an unknown
//! must-understand object —, expired, not yet valid, not bound to the device, a signature that
//! fails); the exit status is 0 only for a usable license.

use std::fmt::Write as _;
use std::path::Path;

use drm_core::Error;
use drm_core::crypto;
use drm_core::ids::Kid;
use drm_core::platform::DeviceIdentity;
use drm_core::secret::{EccPrivateKey, HmacKey, Secret32};
use drm_core::xmr::{self, KeyExchangePolicy, LicenseKey, ParsedLicense};
use serde_json::{Value, json};

use crate::report::{CliError, Report, hex, id_json, id_text, now, read_exact, read_input, utc};

/// Deepest container nesting shown (a parsed license nests three deep).
const MAX_DEPTH: usize = 8;

/// One object of the tree.
struct Node {
    offset: usize,
    flags: u16,
    ty: u16,
    len: usize,
    fields: Vec<(&'static str, Value)>,
    children: Vec<Node>,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)?
        .try_into()
        .ok()
        .map(u16::from_be_bytes)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)?
        .try_into()
        .ok()
        .map(u32::from_be_bytes)
}

fn id16(b: &[u8], at: usize) -> Option<[u8; 16]> {
    b.get(at..at.checked_add(16)?)?.try_into().ok()
}

/// The name of an object type.
pub fn object_name(ty: u16) -> &'static str {
    match ty {
        xmr::OBJ_OUTER => "outer container",
        xmr::OBJ_GLOBAL_POLICY => "global policy container",
        xmr::OBJ_PLAYBACK_POLICY => "playback policy container",
        xmr::OBJ_OUTPUT_PROTECTION => "output protection levels",
        xmr::OBJ_KEY_MATERIAL => "key material container",
        xmr::OBJ_CONTENT_KEY => "content key",
        xmr::OBJ_SIGNATURE => "signature",
        xmr::OBJ_SETTINGS => "settings",
        xmr::OBJ_EXPIRATION => "expiration",
        xmr::OBJ_ISSUE_DATE => "issue date",
        xmr::OBJ_ECC_DEVICE_KEY => "ECC device key",
        xmr::OBJ_EXPIRATION_AFTER_FIRST_USE => "expiration after first use",
        xmr::OBJ_SECURITY_LEVEL => "security level",
        xmr::OBJ_REMOVAL_DATE => "removal date",
        xmr::OBJ_KEY_EXCHANGE_POLICY => "key exchange policy",
        xmr::OBJ_KEY_EXCHANGE_KEY => "key exchange key",
        _ => "unknown",
    }
}

fn flag_names(flags: u16) -> Vec<&'static str> {
    [
        (xmr::FLAG_MUST_UNDERSTAND, "must-understand"),
        (xmr::FLAG_CONTAINER, "container"),
        (xmr::FLAG_ALLOW_EXTERNAL_PARSE, "allow-external-parse"),
        (xmr::FLAG_BEST_EFFORT, "best-effort"),
        (xmr::FLAG_SECURE_STATE, "secure-state"),
    ]
    .iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, name)| *name)
    .collect()
}

fn key_type_name(value: u16) -> &'static str {
    match value {
        1 => "AES-128-CTR",
        3 => "AES-128-ECB",
        5 => "AES-128-CBC",
        6 => "key exchange",
        _ => "unknown",
    }
}

fn settings_names(bits: u16) -> Vec<&'static str> {
    [
        (xmr::SETTINGS_CANNOT_PERSIST, "cannot-persist"),
        (xmr::SETTINGS_ALLOW_BACKUP_RESTORE, "allow-backup-restore"),
        (xmr::SETTINGS_BASE_LICENSE, "base-license"),
        (xmr::SETTINGS_CANNOT_BIND, "cannot-bind"),
        (xmr::SETTINGS_TEMP_STORE_ONLY, "temp-store-only"),
    ]
    .iter()
    .filter(|(bit, _)| bits & bit != 0)
    .map(|(_, name)| *name)
    .collect()
}

fn date_json(seconds: u32) -> Value {
    json!({ "seconds": seconds, "utc": utc(u64::from(seconds)) })
}

fn begin_json(seconds: u32) -> Value {
    if seconds == 0 {
        json!({ "seconds": 0, "utc": "no begin" })
    } else {
        date_json(seconds)
    }
}

fn end_json(seconds: u32) -> Value {
    if seconds == xmr::NO_END {
        json!({ "seconds": seconds, "utc": "no end" })
    } else {
        date_json(seconds)
    }
}

/// Algorithm and operation names of a policy object's values.
fn kx_names(algorithm: u16, operation: u16) -> (&'static str, &'static str) {
    let a = match algorithm {
        1 => "AES-128-CBC",
        2 => "HMAC-SHA256",
        3 => "ECDSA-P256-SHA256",
        _ => "unknown",
    };
    let o = match operation {
        1 => "encrypt",
        2 => "decrypt",
        3 => "sign",
        4 => "verify",
        _ => "unknown",
    };
    (a, o)
}

/// The fields of a leaf object (never a key: wrapped keys show their length only).
fn leaf_fields(ty: u16, p: &[u8]) -> Vec<(&'static str, Value)> {
    let mut f = Vec::new();
    match ty {
        xmr::OBJ_OUTPUT_PROTECTION => {
            let levels: Vec<u16> = (0..5).filter_map(|i| be16(p, i * 2)).collect();
            f.push(("levels", json!(levels)));
        }
        xmr::OBJ_CONTENT_KEY => {
            if let Some(kid) = id16(p, 0) {
                f.push(("kid", id_json(&Kid::from_bytes(kid))));
            }
            if let Some(kt) = be16(p, 16) {
                f.push(("key_type", json!({"value": kt, "name": key_type_name(kt)})));
            }
            if let Some(ct) = be16(p, 18) {
                let name = if ct == xmr::CIPHER_ECC256 {
                    "ECC-256 (ElGamal)"
                } else {
                    "unknown"
                };
                f.push(("cipher_type", json!({"value": ct, "name": name})));
            }
            if let Some(len) = be16(p, 20) {
                f.push(("encrypted_key_len", json!(len)));
            }
        }
        xmr::OBJ_SIGNATURE => {
            if let Some(st) = be16(p, 0) {
                let name = match st {
                    xmr::SIG_AES_CMAC => "AES-128-CMAC",
                    xmr::SIG_HMAC_SHA256 => "HMAC-SHA256",
                    _ => "unknown",
                };
                f.push(("signature_type", json!({"value": st, "name": name})));
            }
            if let Some(len) = be16(p, 2) {
                f.push(("signature_len", json!(len)));
            }
        }
        xmr::OBJ_SETTINGS => {
            if let Some(bits) = be16(p, 0) {
                f.push(("bits", json!(format!("0x{bits:04x}"))));
                f.push(("names", json!(settings_names(bits))));
            }
        }
        xmr::OBJ_EXPIRATION => {
            if let (Some(b), Some(e)) = (be32(p, 0), be32(p, 4)) {
                f.push(("begin", begin_json(b)));
                f.push(("end", end_json(e)));
            }
        }
        xmr::OBJ_ISSUE_DATE | xmr::OBJ_REMOVAL_DATE => {
            if let Some(d) = be32(p, 0) {
                f.push(("date", date_json(d)));
            }
        }
        xmr::OBJ_EXPIRATION_AFTER_FIRST_USE => {
            if let Some(s) = be32(p, 0) {
                f.push(("seconds", json!(s)));
            }
        }
        xmr::OBJ_SECURITY_LEVEL => {
            if let Some(l) = be16(p, 0) {
                f.push(("min_security_level", json!(l)));
            }
        }
        xmr::OBJ_ECC_DEVICE_KEY => {
            if let Some(c) = be16(p, 0) {
                f.push(("curve", json!(if c == 1 { "P-256" } else { "unknown" })));
            }
            if let Some(k) = p.get(4..68) {
                f.push(("public_key", json!(hex(k))));
            }
        }
        xmr::OBJ_KEY_EXCHANGE_POLICY if be16(p, 0) == Some(2) => {
            // Format 2: the table (KEY-EXCHANGE-FORMAT §2.1).
            f.push(("policy_version", json!(2)));
            if let Some(count) = be16(p, 2) {
                f.push(("key_count", json!(count)));
            }
            let entries: Vec<Value> = p
                .get(4..)
                .unwrap_or_default()
                .chunks_exact(24)
                .filter_map(|e| {
                    let (i, a, o) = (be16(e, 0)?, be16(e, 2)?, be16(e, 4)?);
                    let (an, on) = kx_names(a, o);
                    Some(json!({
                        "key_index": i,
                        "algorithm": {"value": a, "name": an},
                        "operation": {"value": o, "name": on},
                        "key_id": id_json(&Kid::from_bytes(id16(e, 8)?)),
                    }))
                })
                .collect();
            f.push(("entries", json!(entries)));
        }
        xmr::OBJ_KEY_EXCHANGE_POLICY => {
            if let (Some(v), Some(a), Some(o)) = (be16(p, 0), be16(p, 2), be16(p, 4)) {
                let (an, on) = kx_names(a, o);
                f.push(("policy_version", json!(v)));
                f.push(("algorithm", json!({"value": a, "name": an})));
                f.push(("operation", json!({"value": o, "name": on})));
            }
        }
        xmr::OBJ_KEY_EXCHANGE_KEY => {
            if let Some(kid) = id16(p, 0) {
                f.push(("kid", id_json(&Kid::from_bytes(kid))));
            }
            if let Some(w) = be16(p, 16) {
                let name = if w == 1 {
                    "AES-128-CBC with CK"
                } else {
                    "unknown"
                };
                f.push(("wrap_algorithm", json!({"value": w, "name": name})));
            }
            if let Some(len) = be16(p, 18) {
                f.push(("key_len", json!(len)));
            }
        }
        _ => f.push(("payload_len", json!(p.len()))),
    }
    f
}

/// The objects in `bytes` (at file offset `base`). The license has been parsed already, so a
/// structural problem here is a bug; it is still reported as an error, not a panic.
fn walk(bytes: &[u8], base: usize, depth: usize) -> Result<Vec<Node>, CliError> {
    let bad = |at: usize| CliError::fail(format!("malformed object at offset {at}"));
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let offset = base.saturating_add(at);
        let (Some(flags), Some(ty), Some(len)) =
            (be16(bytes, at), be16(bytes, at + 2), be32(bytes, at + 4))
        else {
            return Err(bad(offset));
        };
        let len = usize::try_from(len).map_err(|_| bad(offset))?;
        let payload = at
            .checked_add(len)
            .and_then(|end| bytes.get(at.checked_add(8)?..end))
            .ok_or_else(|| bad(offset))?;
        let (fields, children) = if flags & xmr::FLAG_CONTAINER != 0 {
            if depth >= MAX_DEPTH {
                return Err(bad(offset));
            }
            (Vec::new(), walk(payload, offset + 8, depth + 1)?)
        } else {
            (leaf_fields(ty, payload), Vec::new())
        };
        out.push(Node {
            offset,
            flags,
            ty,
            len,
            fields,
            children,
        });
        at = at.saturating_add(len);
    }
    Ok(out)
}

fn node_json(n: &Node) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("offset".into(), json!(n.offset));
    obj.insert("type".into(), json!(format!("0x{:04x}", n.ty)));
    obj.insert("name".into(), json!(object_name(n.ty)));
    obj.insert("flags".into(), json!(flag_names(n.flags)));
    obj.insert("length".into(), json!(n.len));
    for (k, v) in &n.fields {
        obj.insert((*k).into(), v.clone());
    }
    if !n.children.is_empty() {
        obj.insert(
            "children".into(),
            Value::Array(n.children.iter().map(node_json).collect()),
        );
    }
    Value::Object(obj)
}

/// A JSON field value as compact text.
fn field_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => "none".into(),
        Value::Array(a) => a.iter().map(field_text).collect::<Vec<_>>().join(", "),
        Value::Object(m) => match (m.get("guid"), m.get("utc"), m.get("name")) {
            (Some(Value::String(g)), _, _) => {
                let b = m.get("base64").and_then(Value::as_str).unwrap_or_default();
                format!("{g} ({b})")
            }
            (_, Some(Value::String(u)), _) => u.clone(),
            (_, _, Some(Value::String(name))) => {
                let value = m.get("value").map(ToString::to_string).unwrap_or_default();
                format!("{name} ({value})")
            }
            _ => v.to_string(),
        },
        _ => v.to_string(),
    }
}

fn node_text(n: &Node, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    let _ = writeln!(
        out,
        "{pad}0x{:04x} {} @{} len {} [{}]",
        n.ty,
        object_name(n.ty),
        n.offset,
        n.len,
        flag_names(n.flags).join(",")
    );
    for (k, v) in &n.fields {
        let _ = writeln!(out, "{pad}    {k}: {}", field_text(v));
    }
    for c in &n.children {
        node_text(c, indent + 1, out);
    }
}

/// A device identity holding only the encryption key: enough to check binding, unwrap the key
/// and verify the signature. It has no signing key, chain or device secret and says so.
struct EncryptionKeyOnly {
    key: EccPrivateKey,
    public: [u8; 64],
}

impl DeviceIdentity for EncryptionKeyOnly {
    type Crypto = drm_core::crypto::backend::DefaultCrypto;
    fn crypto(&self) -> &Self::Crypto {
        &drm_core::crypto::backend::DEFAULT
    }
    fn certificate_chain(&self) -> &[u8] {
        &[]
    }
    fn security_level(&self) -> u32 {
        0
    }
    fn signing_public_key(&self) -> [u8; 64] {
        [0; 64]
    }
    fn encryption_public_key(&self) -> [u8; 64] {
        self.public
    }
    fn sign_digest(&self, _digest: &[u8; 32]) -> drm_core::Result<[u8; 64]> {
        Err(Error::Unsupported)
    }
    fn elgamal_decrypt(&self, ciphertext: &[u8; 128]) -> drm_core::Result<Secret32> {
        crypto::elgamal_decrypt(&self.key, ciphertext)
    }
    fn derive_key(&self, _purpose: &[u8]) -> drm_core::Result<HmacKey> {
        Err(Error::Unsupported)
    }
}

/// Loads `--device-key`: a 32-byte encryption key file, or a device identity directory (its
/// `encryption.key`).
fn load_device_key(path: &Path) -> Result<EncryptionKeyOnly, CliError> {
    let file = if path.is_dir() {
        path.join(drm_target_host::identity::ENCRYPTION_KEY_FILE)
    } else {
        path.to_path_buf()
    };
    let mut bytes = read_exact::<32>(&file, "device key")?;
    let key = EccPrivateKey::from_bytes(bytes);
    zeroize::Zeroize::zeroize(&mut bytes);
    let public = crypto::ecc_public_key(&key).map_err(|_| {
        CliError::fail(format!(
            "device key {}: not a valid P-256 private key",
            file.display()
        ))
    })?;
    Ok(EncryptionKeyOnly { key, public })
}

fn key_description(key: &LicenseKey) -> &'static str {
    match key {
        LicenseKey::Content(_) => "content key, AES-128 (16 bytes)",
        LicenseKey::KxAes128Cbc(_) => "key exchange key, AES-128-CBC (16 bytes)",
        LicenseKey::KxHmacSha256(_) => "key exchange key, HMAC-SHA256 (32 bytes)",
        LicenseKey::KxEcdsaPrivate(_) => "key exchange key, ECDSA-P256 private scalar (32 bytes)",
        LicenseKey::KxEcdsaPublic(_) => "key exchange key, ECDSA-P256 public key (64 bytes)",
        LicenseKey::KxWrapped => "key exchange keys (format 2), each unwrapped on its own",
    }
}

/// Every key of a format-2 license unwrapped on its own with the device key (`verify_key`, as
/// Prepare does): `Err` with the first refusal.
fn unwrap_each(parsed: ParsedLicense<'_>, device: &EncryptionKeyOnly) -> Result<(), Error> {
    for key in parsed.kx_keys() {
        xmr::verify_key(parsed, device, xmr::KeyRef::Index(key.index()))?;
    }
    Ok(())
}

fn key_json(key: &xmr::KxKey<'_>) -> Value {
    let mut v = policy_json(key.policy());
    if let Some(obj) = v.as_object_mut() {
        obj.insert("index".into(), json!(key.index()));
        obj.insert("id".into(), id_json(&key.id()));
    }
    v
}

fn policy_json(p: KeyExchangePolicy) -> Value {
    let (a, o) = kx_names(p.algorithm().value(), p.operation().value());
    json!({ "algorithm": a, "operation": o, "key_len": p.key_len() })
}

/// What the device key says about the license.
struct DeviceCheck {
    bound: bool,
    signature_valid: Option<bool>,
    key_unwraps: Option<bool>,
    key: Option<&'static str>,
    error: Option<String>,
}

fn check_with_device(parsed: ParsedLicense<'_>, device: &EncryptionKeyOnly) -> DeviceCheck {
    let bound = *parsed.device_key() == device.public;
    if !bound {
        return DeviceCheck {
            bound,
            signature_valid: None,
            key_unwraps: None,
            key: None,
            error: Some(Error::NotBound.to_string()),
        };
    }
    // The signature alone: CI from the ElGamal unwrap keys the CMAC over the signed bytes.
    // A type-2 (HMAC-SHA256) signature cannot be checked (its key is not public): no verdict.
    let signature_valid = device
        .elgamal_decrypt(parsed.content_key().encrypted_key())
        .ok()
        .filter(|_| parsed.signature_type() == xmr::SIG_AES_CMAC)
        .map(|x| {
            let (ci, _ck) = x.split_aes128();
            crypto::cmac_verify(&ci, parsed.signed_bytes(), parsed.signature()).is_ok()
        });
    // The whole of the device's check, key unwrap included (each key of a format-2 license).
    let checked = xmr::verify(parsed, device).and_then(|v| {
        if matches!(v.key(), LicenseKey::KxWrapped) {
            unwrap_each(parsed, device)?;
        }
        Ok(v)
    });
    match checked {
        Ok(verified) => DeviceCheck {
            bound,
            signature_valid,
            key_unwraps: Some(true),
            key: Some(key_description(verified.key())),
            error: None,
        },
        Err(e) => DeviceCheck {
            bound,
            signature_valid,
            key_unwraps: Some(false),
            key: None,
            error: Some(e.to_string()),
        },
    }
}

/// Runs the command.
pub fn run(file: &Path, device_key: Option<&Path>) -> Result<Report, CliError> {
    let bytes = read_input(file, "license")?;
    let device = device_key.map(load_device_key).transpose()?;
    let parsed = match ParsedLicense::parse(&bytes) {
        Ok(p) => p,
        Err(e) => return refused(file, &bytes, e),
    };

    let tree = walk(
        bytes.get(xmr::HEADER_LEN..).unwrap_or_default(),
        xmr::HEADER_LEN,
        0,
    )?;
    let lid = parsed.lid();
    let kid = parsed.kid();
    let now = now();
    let valid_now = parsed
        .expiration()
        .is_none_or(|(b, e)| u64::from(b) <= now && (e == xmr::NO_END || now < u64::from(e)));
    let mut summary = json!({
        "lid": id_json(&lid),
        "kid": id_json(&kid),
        "key_type": key_type_name(parsed.key_type().value()),
        "key_exchange": parsed.is_key_exchange(),
        "persistent": parsed.is_persistent(),
        "min_security_level": parsed.min_security_level(),
        "issue_date": parsed.issue_date().map(date_json),
        "expiration": parsed.expiration().map(|(b, e)| json!({"begin": begin_json(b), "end": end_json(e)})),
        "valid_now": valid_now,
        "key_exchange_policy": parsed.key_exchange_policy().map(policy_json),
        "key_exchange_format": parsed.kx_format(),
        "key_exchange_keys": parsed.kx_keys().map(|k| key_json(&k)).collect::<Vec<_>>(),
        "device_key": hex(parsed.device_key()),
    });

    let check = device.as_ref().map(|d| check_with_device(parsed, d));
    if let (Some(c), Some(obj)) = (&check, summary.as_object_mut()) {
        obj.insert(
            "device_check".into(),
            json!({
                "bound": c.bound,
                "signature_valid": c.signature_valid,
                "key_unwraps": c.key_unwraps,
                "key": c.key,
                "error": c.error,
            }),
        );
    }

    let mut text = heading(file, bytes.len());
    let _ = writeln!(text, "  LID:               {}", id_text(&lid));
    let _ = writeln!(text, "  KID:               {}", id_text(&kid));
    let _ = writeln!(
        text,
        "  key type:          {} ({})",
        key_type_name(parsed.key_type().value()),
        parsed.key_type().value()
    );
    if parsed.kx_format() == Some(2) {
        let _ = writeln!(
            text,
            "  keys:              {} (key exchange format 2)",
            parsed.kx_key_count()
        );
        for k in parsed.kx_keys() {
            let p = k.policy();
            let (a, o) = kx_names(p.algorithm().value(), p.operation().value());
            let _ = writeln!(
                text,
                "  key {}:             {}, {a}, {o} only ({} byte key)",
                k.index(),
                id_text(&k.id()),
                p.key_len()
            );
        }
    } else if let Some(p) = parsed.key_exchange_policy() {
        let (a, o) = kx_names(p.algorithm().value(), p.operation().value());
        let _ = writeln!(
            text,
            "  policy:            {a}, {o} only ({} byte key)",
            p.key_len()
        );
    }
    let _ = writeln!(text, "  persistent:        {}", parsed.is_persistent());
    let _ = writeln!(text, "  min security:      {}", parsed.min_security_level());
    match parsed.expiration() {
        Some((b, e)) => {
            let _ = writeln!(
                text,
                "  valid:             {} .. {} (now: {})",
                field_text(&begin_json(b)),
                field_text(&end_json(e)),
                if valid_now { "valid" } else { "NOT valid" }
            );
        }
        None => {
            let _ = writeln!(text, "  valid:             no expiration object");
        }
    }
    if let Some(d) = parsed.issue_date() {
        let _ = writeln!(text, "  issued:            {}", utc(u64::from(d)));
    }
    if let Some(c) = &check {
        let yn = |v: Option<bool>| match v {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "not checked",
        };
        let _ = writeln!(text, "  with the device key:");
        let _ = writeln!(text, "    bound to it:     {}", yn(Some(c.bound)));
        let _ = writeln!(
            text,
            "    signature:       {}",
            match c.signature_valid {
                Some(true) => "verifies",
                Some(false) => "DOES NOT verify",
                None => "not checked",
            }
        );
        let _ = writeln!(text, "    key unwraps:     {}", yn(c.key_unwraps));
        if let Some(k) = c.key {
            let _ = writeln!(text, "    key:             {k} (not printed)");
        }
    }
    let _ = writeln!(text, "objects:");
    for n in &tree {
        node_text(n, 1, &mut text);
    }

    // Why the device could not use it, each reason found (none: usable as far as checked).
    let mut reasons = Vec::new();
    if let Some((b, e)) = parsed.expiration() {
        if now < u64::from(b) {
            reasons.push(format!("not yet valid (begins {})", utc(u64::from(b))));
        } else if e != xmr::NO_END && now >= u64::from(e) {
            reasons.push(format!("expired ({})", utc(u64::from(e))));
        }
    }
    if let Some(e) = check.and_then(|c| c.error) {
        reasons.push(format!("the device key does not open this license: {e}"));
    }
    let usable = reasons.is_empty();
    let verdict = if usable {
        if device.is_some() {
            "yes (parsed, valid now, bound to the device key, signature and key checked)".to_owned()
        } else {
            "yes as far as checked without the device key (--device-key checks binding, signature \
             and key)"
                .to_owned()
        }
    } else {
        format!("NO: {}", reasons.join("; "))
    };
    text.insert_str(
        text.find('\n').map_or(0, |i| i + 1),
        &format!("  usable:            {verdict}\n"),
    );
    Ok(Report {
        text,
        json: json!({
            "file": file.display().to_string(),
            "length": bytes.len(),
            "usable": usable,
            "reasons": reasons,
            "summary": summary,
            "objects": tree.iter().map(node_json).collect::<Vec<_>>(),
        }),
        failure: (!usable)
            .then(|| format!("{}: cannot be used: {}", file.display(), reasons.join("; "))),
    })
}

/// The first line of the text report.
fn heading(file: &Path, len: usize) -> String {
    format!("XMR license {} ({len} bytes)\n", file.display())
}

/// A license the device's parser refuses: its objects are still shown when the object
/// structure itself can be walked, with the reason; exit status 1 either way.
fn refused(file: &Path, bytes: &[u8], e: Error) -> Result<Report, CliError> {
    let reason = format!("the device's parser refuses it: {e}");
    let tree = bytes
        .starts_with(b"XMR\0")
        .then(|| {
            walk(
                bytes.get(xmr::HEADER_LEN..).unwrap_or_default(),
                xmr::HEADER_LEN,
                0,
            )
        })
        .and_then(Result::ok)
        .filter(|t| !t.is_empty());
    let Some(tree) = tree else {
        return Err(CliError::fail(format!(
            "{}: not an XMR license: {e}",
            file.display()
        )));
    };
    let mut text = heading(file, bytes.len());
    let _ = writeln!(text, "  usable:            NO: {reason}");
    if let Some(lid) = id16(bytes, 8) {
        let _ = writeln!(text, "  LID:               {}", hex(&lid));
    }
    let _ = writeln!(text, "objects:");
    for n in &tree {
        node_text(n, 1, &mut text);
    }
    Ok(Report {
        text,
        json: json!({
            "file": file.display().to_string(),
            "length": bytes.len(),
            "usable": false,
            "reasons": [reason],
            "error_code": format!("0x{:08X}", e.code()),
            "objects": tree.iter().map(node_json).collect::<Vec<_>>(),
        }),
        failure: Some(format!("{}: cannot be used: {reason}", file.display())),
    })
}
