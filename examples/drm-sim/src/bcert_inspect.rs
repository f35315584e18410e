//! `drm-sim bcert inspect FILE [--root FILE]`: a BCert chain, certificate by certificate.
//!
//! The chain is parsed by `drm_core::bcert` (the device's own parser): a chain it refuses is a
//! one-line error. Each certificate's signature is checked against the issuer key it names;
//! with `--root` (a 64-byte public key `X ‖ Y`), the whole chain is verified to that root as the
//! device would verify it.

use std::fmt::Write as _;
use std::path::Path;

use drm_core::bcert::{self, Certificate, CertificateChain};
use drm_core::crypto;
use drm_core::ids::{Id, KeyIdKind};
use serde_json::{Value, json};

use crate::report::{CliError, Report, fingerprint, hex, now, read_exact, read_input, utc};

fn cert_type_name(t: u32) -> &'static str {
    match t {
        bcert::CERT_TYPE_DEVICE => "device",
        bcert::CERT_TYPE_ISSUER => "issuer",
        11 => "server",
        _ => "other",
    }
}

fn usage_name(u: u32) -> String {
    match u {
        bcert::USAGE_SIGN => "sign".into(),
        bcert::USAGE_ENCRYPT_KEY => "encrypt-key".into(),
        bcert::USAGE_ISSUER_ALL => "issuer-all".into(),
        bcert::USAGE_ISSUER_DEVICE => "issuer-device".into(),
        bcert::USAGE_ISSUER_SIGNER => "issuer-signer".into(),
        bcert::USAGE_SIGN_RESPONSE => "sign-response".into(),
        other => format!("0x{other:x}"),
    }
}

fn expiration_text(e: u32) -> String {
    if e == bcert::NO_EXPIRATION {
        "never".into()
    } else {
        utc(u64::from(e))
    }
}

/// Who signed certificate `i`: the next certificate up, the given root, or an unknown key.
fn issuer_of(certs: &[Certificate<'_>], i: usize, root: Option<&[u8; 64]>) -> String {
    let key = certs.get(i).map(Certificate::issuer_key);
    let next = certs.get(i + 1);
    match (key, next) {
        (Some(k), Some(n)) if n.keys().any(|nk| nk.public_key() == k) => {
            format!("certificate {} ({})", i + 1, cert_type_name(n.cert_type()))
        }
        (Some(k), _) if root == Some(k) => "the given root".into(),
        (Some(k), _) => format!("key {} (not in this chain)", fingerprint(k)),
        (None, _) => "unknown".into(),
    }
}

/// Runs the command.
pub fn run(file: &Path, root_file: Option<&Path>) -> Result<Report, CliError> {
    let bytes = read_input(file, "chain")?;
    let chain = CertificateChain::parse(&bytes)
        .map_err(|e| CliError::fail(format!("{}: not a valid BCert chain: {e}", file.display())))?;
    let root = root_file
        .map(|p| read_exact::<64>(p, "root key"))
        .transpose()?;
    if let (Some(r), Some(p)) = (&root, root_file)
        && !crypto::is_valid_public_key(r)
    {
        return Err(CliError::fail(format!(
            "root key {}: not a P-256 point",
            p.display()
        )));
    }

    let certs = chain.certificates();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "BCert chain {} ({} bytes): version {}, flags 0x{:x}, {} certificate(s), leaf first",
        file.display(),
        bytes.len(),
        chain.version(),
        chain.flags(),
        certs.len()
    );
    let mut json_certs = Vec::new();
    let mut bad_signatures = Vec::new();
    for (i, c) in certs.iter().enumerate() {
        let sig_ok =
            crypto::ecdsa_p256_verify(c.issuer_key(), c.signed_bytes(), c.signature()).is_ok();
        if !sig_ok {
            bad_signatures.push(i);
        }
        let issuer = issuer_of(certs, i, root.as_ref());
        let id = Id::<KeyIdKind>::from_bytes(*c.cert_id());
        let _ = writeln!(
            text,
            "  [{i}] {} certificate, security level {}, {} bytes",
            cert_type_name(c.cert_type()),
            c.security_level(),
            c.bytes().len()
        );
        let _ = writeln!(text, "      cert id:     {id}");
        let _ = writeln!(
            text,
            "      expires:     {}",
            expiration_text(c.expiration())
        );
        let mut keys = Vec::new();
        for (k, key) in c.keys().enumerate() {
            let usages: Vec<String> = key.usages().map(usage_name).collect();
            let _ = writeln!(
                text,
                "      key {k}:       P-256 {} usages [{}]",
                fingerprint(key.public_key()),
                usages.join(", ")
            );
            keys.push(json!({
                "public_key": hex(key.public_key()),
                "fingerprint": fingerprint(key.public_key()),
                "flags": key.flags(),
                "usages": usages,
            }));
        }
        let _ = writeln!(
            text,
            "      signature:   {} (signed by {issuer})",
            if sig_ok {
                "verifies"
            } else {
                "DOES NOT verify"
            }
        );
        json_certs.push(json!({
            "index": i,
            "cert_type": {"value": c.cert_type(), "name": cert_type_name(c.cert_type())},
            "cert_id": hex(c.cert_id()),
            "security_level": c.security_level(),
            "flags": c.flags(),
            "expiration": {"seconds": c.expiration(), "utc": expiration_text(c.expiration())},
            "client_id": hex(c.client_id()),
            "public_key_digest": hex(c.public_key_digest()),
            "keys": keys,
            "issuer_key": hex(c.issuer_key()),
            "signed_by": issuer,
            "signature_valid": sig_ok,
        }));
    }

    let mut failure = bad_signatures.first().map(|i| {
        format!(
            "{}: the signature of certificate {i} does not verify",
            file.display()
        )
    });
    let root_json: Value = match &root {
        None => {
            let _ = writeln!(text, "  root: not checked (give --root FILE)");
            Value::Null
        }
        Some(r) => {
            let result = chain.clone().verify(r, Some(now()));
            let _ = writeln!(
                text,
                "  chain to root {}: {}",
                fingerprint(r),
                match &result {
                    Ok(_) => "VALID".to_string(),
                    Err(e) => format!("INVALID ({e})"),
                }
            );
            if let Err(e) = &result {
                failure.get_or_insert_with(|| {
                    format!(
                        "{}: the chain does not verify to the given root: {e}",
                        file.display()
                    )
                });
            }
            json!({
                "fingerprint": fingerprint(r),
                "chain_valid": result.is_ok(),
                "error": result.err().map(|e| e.to_string()),
            })
        }
    };
    Ok(Report {
        text,
        json: json!({
            "file": file.display().to_string(),
            "length": bytes.len(),
            "version": chain.version(),
            "flags": chain.flags(),
            "certificates": json_certs,
            "root": root_json,
        }),
        failure,
    })
}
