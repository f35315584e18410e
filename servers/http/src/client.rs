//! The device side's HTTP client (ureq, synchronous): posts a challenge as PlayReady clients do
//! (POST, `Content-Type: text/xml; charset=utf-8`, a quoted `SOAPAction`) and reads the answer,
//! fault or not; and the simulation's `/sim/` calls. Plain HTTP to a loopback address only, no
//! proxy, one connection per request, every call bounded by a timeout.

use std::time::Duration;

use drm_servers::Id16;
use drm_servers::backend::Totals;
use drm_servers::xmr::{KxAlgorithm, KxOperation};
use serde_json::{Value, json};

use crate::{
    ACTION_ACQUIRE_LICENSE, ACTION_SECURE_DELETE, LICENSE_PATH, MAX_BODY, OUTCOME_HEADER,
    SECURE_DELETE_PATH, SOAP_CONTENT_TYPE, hex, unhex,
};

/// Why a call did not get an answer it could use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientError {
    /// The URL is not `http://127.0.0.1:PORT` or `http://localhost:PORT`.
    Url(String),
    /// No answer: connection refused or reset, timeout, malformed HTTP, body over the limit.
    Transport(String),
    /// An answer that is not what the call expects (a `/sim/` error, JSON that does not parse).
    Reply(String),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Url(m) => write!(f, "server URL: {m}"),
            Self::Transport(m) => write!(f, "HTTP: {m}"),
            Self::Reply(m) => write!(f, "server reply: {m}"),
        }
    }
}

impl std::error::Error for ClientError {}

/// A SOAP answer: its HTTP status, its body (a response or a fault) and the simulation's
/// outcome header (what the server says it did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapReply {
    /// HTTP status (200, or a fault's status).
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// The `X-Drm-Sim-Outcome` header, if any.
    pub outcome: Option<String>,
}

/// The servers' public side, from `/sim/info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    /// The key license challenges are encrypted to.
    pub license_server_key: [u8; 64],
    /// The key Secure Delete challenges are encrypted to.
    pub secure_delete_server_key: [u8; 64],
    /// The root the servers verify device chains to.
    pub root: [u8; 64],
}

/// A client of one server (both simulated servers are on one port).
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

/// The timeout of one call when none is given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

fn transport(e: &ureq::Error) -> ClientError {
    ClientError::Transport(e.to_string())
}

/// Checks that `url` is plain HTTP to a loopback host and returns it without a trailing `/`.
///
/// # Errors
/// [`ClientError::Url`].
pub fn loopback_url(url: &str) -> Result<String, ClientError> {
    let base = url.trim_end_matches('/');
    let Some(rest) = base.strip_prefix("http://") else {
        return Err(ClientError::Url(format!("{url:?} is not http://HOST:PORT")));
    };
    let Some((host, port)) = rest.rsplit_once(':') else {
        return Err(ClientError::Url(format!("{url:?} names no port")));
    };
    if !matches!(host, "127.0.0.1" | "localhost") {
        return Err(ClientError::Url(format!(
            "{url:?}: only 127.0.0.1 and localhost are allowed (the servers listen on loopback only)"
        )));
    }
    if port.parse::<u16>().map_or(true, |p| p == 0) {
        return Err(ClientError::Url(format!("{url:?}: {port:?} is not a port")));
    }
    Ok(base.to_owned())
}

impl Client {
    /// A client of the server at `url` (`http://127.0.0.1:PORT`), with [`DEFAULT_TIMEOUT`].
    ///
    /// # Errors
    /// [`ClientError::Url`].
    pub fn new(url: &str) -> Result<Self, ClientError> {
        Self::with_timeout(url, DEFAULT_TIMEOUT)
    }

    /// The same with another timeout for each call (connect, send and receive together).
    ///
    /// # Errors
    /// [`ClientError::Url`].
    pub fn with_timeout(url: &str, timeout: Duration) -> Result<Self, ClientError> {
        let base = loopback_url(url)?;
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_idle_connections(0)
            .max_redirects(0)
            .proxy(None)
            .build();
        Ok(Self {
            agent: ureq::Agent::new_with_config(config),
            base,
        })
    }

    /// The server's URL.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Posts a license acquisition challenge.
    ///
    /// # Errors
    /// [`ClientError::Transport`].
    pub fn acquire_license(&self, challenge: &[u8]) -> Result<SoapReply, ClientError> {
        self.soap(LICENSE_PATH, ACTION_ACQUIRE_LICENSE, challenge)
    }

    /// Posts a Secure Delete challenge.
    ///
    /// # Errors
    /// [`ClientError::Transport`].
    pub fn secure_delete(&self, challenge: &[u8]) -> Result<SoapReply, ClientError> {
        self.soap(SECURE_DELETE_PATH, ACTION_SECURE_DELETE, challenge)
    }

    /// Posts `body` to `path` with `SOAPAction: "action"`.
    ///
    /// # Errors
    /// [`ClientError::Transport`].
    pub fn soap(&self, path: &str, action: &str, body: &[u8]) -> Result<SoapReply, ClientError> {
        let mut resp = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", SOAP_CONTENT_TYPE)
            .header("SOAPAction", format!("\"{action}\""))
            .send(body)
            .map_err(|e| transport(&e))?;
        let status = resp.status().as_u16();
        let outcome = resp
            .headers()
            .get(OUTCOME_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = read_body(&mut resp)?;
        Ok(SoapReply {
            status,
            body,
            outcome,
        })
    }

    fn sim(&self, path: &str, body: Option<&Value>) -> Result<Value, ClientError> {
        let url = format!("{}{}{path}", self.base, crate::sim::PREFIX);
        let resp = match body {
            Some(b) => self
                .agent
                .post(url)
                .header("Content-Type", "application/json")
                .send(b.to_string()),
            None => self.agent.get(url).call(),
        };
        let mut resp = resp.map_err(|e| transport(&e))?;
        let status = resp.status().as_u16();
        let body = read_body(&mut resp)?;
        let v: Value = serde_json::from_slice(&body)
            .map_err(|e| ClientError::Reply(format!("{path}: not JSON: {e}")))?;
        if status != 200 {
            let msg = v.get("error").and_then(Value::as_str).unwrap_or("?");
            return Err(ClientError::Reply(format!("{path}: {status}: {msg}")));
        }
        Ok(v)
    }

    /// The servers' keys and root (`/sim/info`).
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn info(&self) -> Result<ServerInfo, ClientError> {
        let v = self.sim("info", None)?;
        let key = |name: &str| -> Result<[u8; 64], ClientError> {
            v.get(name)
                .and_then(Value::as_str)
                .and_then(unhex)
                .and_then(|b| <[u8; 64]>::try_from(b.as_slice()).ok())
                .ok_or_else(|| ClientError::Reply(format!("info: no {name}")))
        };
        Ok(ServerInfo {
            license_server_key: key("license_server_key")?,
            secure_delete_server_key: key("secure_delete_server_key")?,
            root: key("root")?,
        })
    }

    /// The sums over every device (`/sim/records`).
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn records(&self) -> Result<Totals, ClientError> {
        totals(&self.sim("records", None)?)
    }

    /// What the servers know of one device (`/sim/devices/CERTID`); `devices` is 1 if they know
    /// it, else 0.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn device(&self, cert_id: &Id16) -> Result<Totals, ClientError> {
        let mut v = self.sim(&format!("devices/{}", hex(cert_id)), None)?;
        let known = v.get("sessions").and_then(Value::as_u64).unwrap_or(0) > 0;
        if let Some(o) = v.as_object_mut() {
            o.insert("devices".into(), json!(u64::from(known)));
        }
        totals(&v)
    }

    /// Registers what to issue for `kid`: a KeyExchangeLicense (`/sim/grant`). KIDs not
    /// registered get a persistent content license.
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn grant_key_exchange(
        &self,
        kid: &Id16,
        algorithm: KxAlgorithm,
        operation: KxOperation,
    ) -> Result<(), ClientError> {
        let (a, o) = crate::sim::kx_names(algorithm, operation);
        self.sim(
            "grant",
            Some(&json!({"kid": hex(kid), "kind": "key-exchange", "algorithm": a, "operation": o})),
        )
        .map(|_| ())
    }

    /// The server's side of `kid`'s key exchange key (`/sim/kx`): `op` is one of
    /// `aes-cbc-encrypt`, `aes-cbc-decrypt`, `hmac-sha256-sign`, `hmac-sha256-verify`,
    /// `ecdsa-p256-sign`, `ecdsa-p256-verify`; `fields` are `data` and, as the op needs, `iv`,
    /// `tag` or `signature`. Returns `output` as bytes, or `valid` as one byte (0 or 1).
    ///
    /// # Errors
    /// [`ClientError`].
    pub fn kx(
        &self,
        kid: &Id16,
        op: &str,
        fields: &[(&str, &[u8])],
    ) -> Result<Vec<u8>, ClientError> {
        let mut req = json!({"kid": hex(kid), "op": op});
        if let Some(o) = req.as_object_mut() {
            for (name, bytes) in fields {
                o.insert((*name).into(), json!(hex(bytes)));
            }
        }
        let v = self.sim("kx", Some(&req))?;
        if let Some(valid) = v.get("valid").and_then(Value::as_bool) {
            return Ok(vec![u8::from(valid)]);
        }
        v.get("output")
            .and_then(Value::as_str)
            .and_then(unhex)
            .ok_or_else(|| ClientError::Reply("kx: no output".into()))
    }
}

/// The body of `resp`, at most [`MAX_BODY`] bytes.
fn read_body(resp: &mut ureq::http::Response<ureq::Body>) -> Result<Vec<u8>, ClientError> {
    resp.body_mut()
        .with_config()
        .limit(MAX_BODY as u64)
        .read_to_vec()
        .map_err(|e| transport(&e))
}

fn totals(v: &Value) -> Result<Totals, ClientError> {
    let n = |name: &str| {
        v.get(name)
            .and_then(Value::as_u64)
            .ok_or_else(|| ClientError::Reply(format!("no count {name:?}")))
    };
    Ok(Totals {
        devices: n("devices")?,
        sessions: n("sessions")?,
        sessions_deleted: n("sessions_deleted")?,
        licenses_issued: n("licenses_issued")?,
        licenses_deleted: n("licenses_deleted")?,
        live_persistent: n("live_persistent")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_urls() {
        assert_eq!(
            loopback_url("http://127.0.0.1:8080/"),
            Ok("http://127.0.0.1:8080".into())
        );
        assert!(loopback_url("http://localhost:1").is_ok());
        for bad in [
            "https://127.0.0.1:8080",
            "http://0.0.0.0:8080",
            "http://10.0.0.1:80",
            "http://127.0.0.1",
            "http://127.0.0.1:0",
            "http://127.0.0.1:99999",
            "127.0.0.1:80",
        ] {
            assert!(
                matches!(loopback_url(bad), Err(ClientError::Url(_))),
                "{bad}"
            );
        }
    }
}
