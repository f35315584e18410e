//! The simulated Secure Delete server (PROTOCOL §4, the seed's challenge and response examples).
//!
//! It reads the challenge with `roxmltree` to the element and namespace of the seed's example,
//! checks that `DeleteLicenseData` and `SignedInfo` are canonical, the digest and the signature
//! (with `KeyInfo`'s key), decrypts `EncryptedData` with its own private key, verifies the chain
//! inside to the trusted root and that the leaf's signing key is `KeyInfo`'s, then records the
//! deletion in the [`Backend`] and answers with the seed's response.

use roxmltree::Node;

use crate::backend::{Backend, DeleteResult};
use crate::crypto::{KeyPair, PublicKeyBytes};
use crate::error::{STATUS_SERVICE_SPECIFIC, ServerError};
use crate::pki::{DeviceInfo, verify_device_chain};
use crate::soap::{
    NS_DSIG, NS_MESSAGES, NS_PROTOCOLS, NS_XMLENC, b64, base64_array, body_element,
    check_signature, decrypt_encrypted_data, elements, envelope, expect_children, fault, is,
    only_child, parse, parse_data, text,
};
use crate::{Id16, TestRng};

/// How the server answers a valid challenge (to test the client's response processing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnswerMode {
    /// The seed's response with the challenge's SessionID.
    #[default]
    Correct,
    /// The seed's response with another (random) SessionID.
    OtherSessionId,
    /// The seed's response with this `Version`.
    WrongVersion(u32),
    /// A SOAP fault with this status; the deletion is not recorded.
    Fault(u32),
    /// A response that is not well-formed XML.
    Malformed,
}

/// What a valid challenge said and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteOutcome {
    /// The device, from its verified chain.
    pub device: DeviceInfo,
    /// The challenge's SessionID.
    pub session_id: Id16,
    /// The challenge's KIDs.
    pub kids: Vec<Id16>,
    /// What it did to the backend (`None` when told to answer with a fault).
    pub result: Option<DeleteResult>,
}

/// A server's answer: the response body, and why it accepted or refused.
#[derive(Debug, Clone)]
pub struct Reply<T> {
    /// The response body (an XML document).
    pub xml: String,
    /// What the request did, or why it was refused (the body is then a fault).
    pub outcome: Result<T, ServerError>,
}

/// The simulated Secure Delete server.
#[derive(Debug)]
pub struct SecureDeleteServer {
    backend: Backend,
    key: KeyPair,
    root: PublicKeyBytes,
    mode: AnswerMode,
    rng: TestRng,
}

impl SecureDeleteServer {
    /// A server with the private key its challenges are encrypted to, the trusted root of device
    /// chains, and the shared backend.
    #[must_use]
    pub fn new(backend: Backend, key: KeyPair, root: PublicKeyBytes, rng: TestRng) -> Self {
        Self {
            backend,
            key,
            root,
            mode: AnswerMode::Correct,
            rng,
        }
    }

    /// Sets how valid challenges are answered from now on.
    pub fn set_answer_mode(&mut self, mode: AnswerMode) {
        self.mode = mode;
    }

    /// The server's public key (`X‖Y`), which a client must encrypt to.
    #[must_use]
    pub fn public_key(&self) -> PublicKeyBytes {
        self.key.public()
    }

    /// Handles one request body.
    pub fn handle(&mut self, request: &[u8]) -> Reply<DeleteOutcome> {
        let checked = self.check(request).and_then(|(device, session_id, kids)| {
            let result = match self.mode {
                AnswerMode::Fault(_) => None,
                _ => Some(
                    self.backend
                        .record_delete(&device.cert_id, &session_id, &kids)?,
                ),
            };
            Ok((device, session_id, kids, result))
        });
        match checked {
            Err(e) => Reply {
                xml: fault(e.status(), &e.to_string()),
                outcome: Err(e),
            },
            Ok((device, session_id, kids, result)) => {
                let xml = match self.mode {
                    AnswerMode::Correct => response(1, &session_id),
                    AnswerMode::OtherSessionId => response(1, &self.rng.array()),
                    AnswerMode::WrongVersion(v) => response(v, &session_id),
                    AnswerMode::Fault(status) => fault(status, "refused by test configuration"),
                    AnswerMode::Malformed => {
                        let mut r = response(1, &session_id);
                        r.truncate(r.len() / 2);
                        r
                    }
                };
                let outcome = match self.mode {
                    AnswerMode::Fault(status) if status != 0 => Err(ServerError::Refused(status)),
                    AnswerMode::Fault(_) => Err(ServerError::Refused(STATUS_SERVICE_SPECIFIC)),
                    _ => Ok(DeleteOutcome {
                        device,
                        session_id,
                        kids,
                        result,
                    }),
                };
                Reply { xml, outcome }
            }
        }
    }

    fn check(&self, request: &[u8]) -> Result<(DeviceInfo, Id16, Vec<Id16>), ServerError> {
        let doc = parse(request)?;
        let process = body_element(&doc, NS_PROTOCOLS, "ProcessDeleteLicenseData")?;
        let challenge = only_child(process, NS_PROTOCOLS, "challenge")?;
        let inner = only_child(challenge, NS_MESSAGES, "Challenge")?;
        let parts = expect_children(
            inner,
            &[(NS_PROTOCOLS, "DeleteLicenseData"), (NS_DSIG, "Signature")],
        )?;
        let (Some(data), Some(signature)) = (parts.first(), parts.get(1)) else {
            return Err(ServerError::Structure("Challenge".into()));
        };
        let key_info_key = check_signature(*data, *signature)?;

        let fields = expect_children(
            *data,
            &[
                (NS_PROTOCOLS, "Version"),
                (NS_PROTOCOLS, "SessionID"),
                (NS_PROTOCOLS, "KIDS"),
                (NS_XMLENC, "EncryptedData"),
            ],
        )?;
        let [version, session, kids, encrypted] = fields.as_slice() else {
            return Err(ServerError::Structure("DeleteLicenseData".into()));
        };
        if text(*version)? != "1" {
            return Err(ServerError::Structure("Version is not 1".into()));
        }
        let session_id: Id16 = base64_array(*session)?;
        let kids = parse_kids(*kids)?;

        let plaintext = decrypt_encrypted_data(*encrypted, &self.key)?;
        let payload = parse_data(&plaintext)?;
        let device = verify_device_chain(&payload.chain, &self.root).map_err(ServerError::Chain)?;
        if device.signing_key != key_info_key {
            return Err(ServerError::KeyMismatch);
        }
        Ok((device, session_id, kids))
    }
}

fn parse_kids(node: Node<'_, '_>) -> Result<Vec<Id16>, ServerError> {
    let kids = elements(node)?;
    if kids.is_empty() {
        return Err(ServerError::Structure("KIDS is empty".into()));
    }
    kids.into_iter()
        .map(|k| {
            if is(k, NS_PROTOCOLS, "KID") {
                base64_array(k)
            } else {
                Err(ServerError::Structure(
                    "KIDS holds a non-KID element".into(),
                ))
            }
        })
        .collect()
}

/// The seed's Secure Delete response.
#[must_use]
pub fn response(version: u32, session_id: &Id16) -> String {
    envelope(&format!(
        "<ProcessDeleteLicenseDataResponse xmlns=\"{NS_PROTOCOLS}\"><ProcessDeleteLicenseDataResult>\
<Response xmlns=\"{NS_MESSAGES}\"><DeleteLicenseResponse xmlns=\"{NS_PROTOCOLS}\">\
<Version>{version}</Version><SessionID>{}</SessionID></DeleteLicenseResponse></Response>\
</ProcessDeleteLicenseDataResult></ProcessDeleteLicenseDataResponse>",
        b64(session_id)
    ))
}
