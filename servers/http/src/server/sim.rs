//! The simulation's own endpoints under `/sim/` (JSON, not PlayReady): what a content provider's
//! key management and back office would do beside a license server, so that a device in another
//! process can run the demo's checks. The crate's README lists them.

use drm_servers::license_server::Grant;
use drm_servers::xmr::{KxAlgorithm, KxOperation};
use drm_servers::{Id16, ServerError};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Answer, App, MAX_GRANTS};
use crate::{hex, unhex};

/// Where the simulation's endpoints start.
pub const PREFIX: &str = "/sim/";

const JSON: &str = "application/json";

fn answer(status: StatusCode, value: &Value, outcome: impl Into<String>) -> Answer {
    Answer {
        status,
        content_type: JSON,
        body: value.to_string(),
        outcome: outcome.into(),
    }
}

fn refuse(status: StatusCode, message: &str) -> Answer {
    answer(
        status,
        &json!({ "error": message }),
        format!("refused: {message}"),
    )
}

/// The algorithm and operation names `/sim/grant` and `/sim/kx` use.
#[must_use]
pub fn kx_names(algorithm: KxAlgorithm, operation: KxOperation) -> (&'static str, &'static str) {
    let a = match algorithm {
        KxAlgorithm::AesCbc => "aes-cbc",
        KxAlgorithm::HmacSha256 => "hmac-sha256",
        KxAlgorithm::EcdsaP256 => "ecdsa-p256",
    };
    let o = match operation {
        KxOperation::Encrypt => "encrypt",
        KxOperation::Decrypt => "decrypt",
        KxOperation::Sign => "sign",
        KxOperation::Verify => "verify",
    };
    (a, o)
}

fn kx_parse(algorithm: &str, operation: &str) -> Option<(KxAlgorithm, KxOperation)> {
    let a = match algorithm {
        "aes-cbc" => KxAlgorithm::AesCbc,
        "hmac-sha256" => KxAlgorithm::HmacSha256,
        "ecdsa-p256" => KxAlgorithm::EcdsaP256,
        _ => return None,
    };
    let o = match operation {
        "encrypt" => KxOperation::Encrypt,
        "decrypt" => KxOperation::Decrypt,
        "sign" => KxOperation::Sign,
        "verify" => KxOperation::Verify,
        _ => return None,
    };
    Some((a, o))
}

fn field<'v>(v: &'v Value, name: &str) -> Result<&'v str, String> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no string field {name:?}"))
}

fn bytes(v: &Value, name: &str) -> Result<Vec<u8>, String> {
    unhex(field(v, name)?).ok_or_else(|| format!("{name:?} is not hex"))
}

fn id(v: &Value, name: &str) -> Result<Id16, String> {
    Id16::try_from(bytes(v, name)?.as_slice()).map_err(|_| format!("{name:?} is not 16 bytes"))
}

/// Handles one `/sim/` request.
pub(crate) fn handle(app: &App, method: &Method, path: &str, body: &[u8]) -> Answer {
    let rest = path.strip_prefix(PREFIX).unwrap_or("");
    match (method, rest) {
        (&Method::GET, "info") => answer(
            StatusCode::OK,
            &json!({
                "license_server_key": hex(&app.keys.license.public()),
                "secure_delete_server_key": hex(&app.keys.secure_delete.public()),
                "root": hex(&app.keys.root),
            }),
            "info",
        ),
        (&Method::GET, "records") => {
            let t = app.backend.totals();
            answer(
                StatusCode::OK,
                &json!({
                    "devices": t.devices,
                    "sessions": t.sessions,
                    "sessions_deleted": t.sessions_deleted,
                    "licenses_issued": t.licenses_issued,
                    "licenses_deleted": t.licenses_deleted,
                    "live_persistent": t.live_persistent,
                }),
                "records",
            )
        }
        (&Method::GET, r) if r.starts_with("devices/") => {
            let Some(device) = r
                .strip_prefix("devices/")
                .and_then(unhex)
                .and_then(|b| Id16::try_from(b.as_slice()).ok())
            else {
                return refuse(StatusCode::BAD_REQUEST, "the device is not 32 hex digits");
            };
            let d = app.backend.device(&device).unwrap_or_default();
            let deleted = d.sessions.values().filter(|s| s.deleted).count();
            let issued: usize = d.sessions.values().map(|s| s.kids.len()).sum();
            let counted: u64 = d
                .sessions
                .values()
                .map(|s| u64::from(s.counted_deleted))
                .sum();
            answer(
                StatusCode::OK,
                &json!({
                    "sessions": d.sessions.len(),
                    "sessions_deleted": deleted,
                    "licenses_issued": issued,
                    "licenses_deleted": counted,
                    "live_persistent": d.live_persistent,
                }),
                "device",
            )
        }
        (&Method::POST, "grant") => match grant(app, body) {
            Ok(what) => answer(StatusCode::OK, &json!({ "granted": what }), what),
            Err(e) => refuse(StatusCode::BAD_REQUEST, &e),
        },
        (&Method::POST, "kx") => match kx(app, body) {
            Ok(v) => answer(StatusCode::OK, &v, "kx"),
            Err(e) => refuse(StatusCode::BAD_REQUEST, &e),
        },
        (&Method::GET | &Method::POST, _) => {
            refuse(StatusCode::NOT_FOUND, &format!("no endpoint {path}"))
        }
        _ => refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("{method} is not GET or POST"),
        ),
    }
}

fn grant(app: &App, body: &[u8]) -> Result<String, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let kid = id(&v, "kid")?;
    let (g, what) = match field(&v, "kind")? {
        "content" => (Grant::content(), "content".to_owned()),
        "key-exchange" => {
            let (a, o) = kx_parse(field(&v, "algorithm")?, field(&v, "operation")?)
                .ok_or("unknown algorithm or operation")?;
            let (a_name, o_name) = kx_names(a, o);
            (
                Grant::key_exchange(a, o),
                format!("key-exchange {a_name} {o_name}"),
            )
        }
        k => return Err(format!("unknown kind {k:?}")),
    };
    let mut grants = crate::server::lock(&app.grants);
    if grants.len() >= MAX_GRANTS && !grants.contains_key(&kid) {
        return Err(format!("{MAX_GRANTS} grants registered already"));
    }
    grants.insert(kid, g);
    Ok(what)
}

/// The server's side of a key exchange key: the inverse of the device's operation.
fn kx(app: &App, body: &[u8]) -> Result<Value, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let kid = id(&v, "kid")?;
    let data = bytes(&v, "data")?;
    let server = crate::server::lock(&app.license);
    let e = |e: ServerError| e.to_string();
    let iv = || -> Result<[u8; 16], String> {
        <[u8; 16]>::try_from(bytes(&v, "iv")?.as_slice())
            .map_err(|_| "\"iv\" is not 16 bytes".into())
    };
    let out = match field(&v, "op")? {
        "aes-cbc-encrypt" => {
            json!({ "output": hex(&server.aes_cbc_encrypt(&kid, &iv()?, &data).map_err(e)?) })
        }
        "aes-cbc-decrypt" => {
            json!({ "output": hex(&server.aes_cbc_decrypt(&kid, &iv()?, &data).map_err(e)?) })
        }
        "hmac-sha256-sign" => json!({ "output": hex(&server.hmac_sign(&kid, &data).map_err(e)?) }),
        "hmac-sha256-verify" => {
            json!({ "valid": server.hmac_verify(&kid, &data, &bytes(&v, "tag")?).map_err(e)? })
        }
        "ecdsa-p256-sign" => json!({ "output": hex(&server.ecdsa_sign(&kid, &data).map_err(e)?) }),
        "ecdsa-p256-verify" => json!({
            "valid": server.ecdsa_verify(&kid, &data, &bytes(&v, "signature")?).map_err(e)?
        }),
        op => return Err(format!("unknown op {op:?}")),
    };
    Ok(out)
}
