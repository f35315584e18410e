//! The simulated license server (PROTOCOL §6, §2, §2.1 and `docs/KEY-EXCHANGE-FORMAT.md`).
//!
//! It reads an `AcquireLicense` challenge with `roxmltree`, checks that `LA` and `SignedInfo` are
//! canonical, the digest and the signature, decrypts `EncryptedData` with its own private key,
//! verifies the device chain to the trusted root and that its signing key is `KeyInfo`'s, and
//! then issues what its policy says for the KIDs asked for. It answers with a signed
//! `AcquireLicenseResponse`, or with a SOAP fault.
//!
//! Project choices where PROTOCOL is silent:
//! - `ResponseID` is base64 of 16 bytes, and those 16 bytes are also the **SessionID** of the
//!   persistent licenses issued in the response (recorded in the [`Backend`]);
//! - `LicenseResponse` carries `Id="SignedData"`, which the signature's `Reference` names;
//! - the `Signature` beside it is the same element as the challenge's, `KeyInfo` included.
//!
//! For every KeyExchangeLicense it issues, the server keeps its side of the key, so tests can run
//! the inverse operation ([`LicenseServer::aes_cbc_encrypt`] and the like). Keys are kept by key
//! id: a format-1 license's key by the license's KID, each key of a format-2 license
//! ([`GrantKind::KeyExchangeMulti`]) by its own key id.

use std::collections::HashMap;

use roxmltree::Node;

use crate::backend::Backend;
use crate::crypto::{
    KeyPair, PublicKeyBytes, aes_cbc_decrypt_nopad, aes_cbc_encrypt_nopad, ct_eq, ecdsa_verify,
    hmac_sha256,
};
use crate::error::{STATUS_SERVICE_SPECIFIC, ServerError};
use crate::pki::{DeviceInfo, ServerIdentity, verify_device_chain};
use crate::secure_delete::Reply;
use crate::soap::{
    NS_DSIG, NS_MESSAGES, NS_PROTOCOLS, NS_XML, NS_XMLENC, b64, base64_array, base64_of,
    body_element, check_signature, decrypt_encrypted_data, envelope, expect_children, fault,
    only_child, parse, parse_data, signature_element, text,
};
use crate::xmr::{
    Defect, KxAlgorithm, KxKeySpec, KxOperation, LicenseKey, LicenseSpec, build_license,
};
use crate::{Id16, TestRng};

/// What to issue for one KID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The kind of license and its key.
    pub kind: GrantKind,
    /// `(begin, end)`; `None`: no expiration object.
    pub expiration: Option<(u32, u32)>,
    /// Seconds of an expiration-after-first-use object; `None`: none.
    pub expiration_after_first_use: Option<u32>,
    /// Issue date; `None`: none.
    pub issue_date: Option<u32>,
    /// Minimum security level of the client.
    pub min_security_level: u16,
    /// Persistent (counted in the backend, part of the response's session) or not.
    pub persistent: bool,
    /// Deliberate flaws of the license.
    pub defects: Vec<Defect>,
    /// Bind to this encryption key instead of the requesting device's (another device's license).
    pub bind_to: Option<PublicKeyBytes>,
}

/// The kind of license of a [`Grant`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantKind {
    /// A content license of this key type (1, 3 or 5); `key: None` draws a random key.
    Content {
        /// Key type.
        key_type: u16,
        /// The content key, or `None` for a random one.
        key: Option<[u8; 16]>,
    },
    /// A KeyExchangeLicense; the server draws the key and keeps its side of it.
    KeyExchange {
        /// Algorithm.
        algorithm: KxAlgorithm,
        /// The one operation the client may perform.
        operation: KxOperation,
    },
    /// A format-2 KeyExchangeLicense of several keys (KEY-EXCHANGE-FORMAT §2.1): key index `i`
    /// is `keys[i]`, with that key id, algorithm and operation. The server draws each key and
    /// keeps its side by its key id.
    KeyExchangeMulti {
        /// Key id, algorithm and operation of each key, in index order.
        keys: Vec<(Id16, KxAlgorithm, KxOperation)>,
    },
}

impl GrantKind {
    /// The feature a client must have announced (`features`, as in its challenge) for a license
    /// of this kind, when it has not: `KeyExchange` for any KeyExchangeLicense, and
    /// `KeyExchangeMultiple` too for one of several keys. `None`: the client may have it.
    #[must_use]
    pub fn feature_needed(&self, features: &[String]) -> Option<&'static str> {
        let needs: &[&'static str] = match self {
            Self::Content { .. } => &[],
            Self::KeyExchange { .. } => &["KeyExchange"],
            Self::KeyExchangeMulti { .. } => &["KeyExchange", "KeyExchangeMultiple"],
        };
        needs
            .iter()
            .copied()
            .find(|name| !features.iter().any(|f| f == name))
    }
}

impl Grant {
    /// A persistent content license (AES-128-CTR, random key), level 150, no expiration.
    #[must_use]
    pub fn content() -> Self {
        Self {
            kind: GrantKind::Content {
                key_type: crate::xmr::KEY_TYPE_AES_CTR,
                key: None,
            },
            expiration: None,
            expiration_after_first_use: None,
            issue_date: None,
            min_security_level: 150,
            persistent: true,
            defects: Vec::new(),
            bind_to: None,
        }
    }

    /// A persistent KeyExchangeLicense, level 150, no expiration.
    #[must_use]
    pub fn key_exchange(algorithm: KxAlgorithm, operation: KxOperation) -> Self {
        Self {
            kind: GrantKind::KeyExchange {
                algorithm,
                operation,
            },
            ..Self::content()
        }
    }

    /// A persistent format-2 KeyExchangeLicense holding `keys` (key id, algorithm, operation;
    /// key index `i` is `keys[i]`), level 150, no expiration.
    #[must_use]
    pub fn key_exchange_multi(keys: &[(Id16, KxAlgorithm, KxOperation)]) -> Self {
        Self {
            kind: GrantKind::KeyExchangeMulti {
                keys: keys.to_vec(),
            },
            ..Self::content()
        }
    }

    /// With an expiration object.
    #[must_use]
    pub fn expires(mut self, begin: u32, end: u32) -> Self {
        self.expiration = Some((begin, end));
        self
    }

    /// With an expiration-after-first-use object: usable for `seconds` from the first use.
    #[must_use]
    pub fn expires_after_first_use(mut self, seconds: u32) -> Self {
        self.expiration_after_first_use = Some(seconds);
        self
    }

    /// With a minimum security level.
    #[must_use]
    pub fn level(mut self, level: u16) -> Self {
        self.min_security_level = level;
        self
    }

    /// Persistent or not.
    #[must_use]
    pub fn persistent(mut self, persistent: bool) -> Self {
        self.persistent = persistent;
        self
    }

    /// With a deliberate flaw.
    #[must_use]
    pub fn defect(mut self, defect: Defect) -> Self {
        self.defects.push(defect);
        self
    }
}

/// What a policy decides for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Issue these licenses (KID, grant).
    Issue(Vec<(Id16, Grant)>),
    /// Answer with a SOAP fault with this status.
    Fault(u32),
}

/// A deliberate flaw of the response, for the client's response-processing tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseDefect {
    /// Leave out `LicenseNonce`.
    NoNonce,
    /// A `LicenseNonce` other than the challenge's.
    WrongNonce,
    /// Change one byte of `LicenseResponse` after signing.
    TamperAfterSigning,
    /// Sign with a key that is not the chain's sign-response key.
    WrongSigningKey,
}

/// A valid license request, as a policy sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseRequest {
    /// The device, from its verified chain.
    pub device: DeviceInfo,
    /// The KIDs of the content header, in order.
    pub kids: Vec<Id16>,
    /// `LicenseNonce`.
    pub nonce: [u8; 16],
    /// `ClientTime`.
    pub client_time: u64,
    /// The features the client announced.
    pub features: Vec<String>,
}

/// One license the server issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedLicense {
    /// KID.
    pub kid: Id16,
    /// LID.
    pub lid: Id16,
    /// What was asked for.
    pub grant: Grant,
    /// The XMR bytes.
    pub xmr: Vec<u8>,
}

/// What a valid request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseOutcome {
    /// The request.
    pub request: LicenseRequest,
    /// The licenses in the response.
    pub licenses: Vec<IssuedLicense>,
    /// The response's `ResponseID` bytes, also the SessionID of its persistent licenses.
    pub session_id: Id16,
}

/// The server's side of a key exchange key.
#[derive(Clone)]
enum ServerKey {
    /// AES-128 or HMAC key: both sides hold the same.
    Shared(Vec<u8>),
    /// The client verifies: the server holds the private key and signs.
    Private(KeyPair),
    /// The client signs: the server holds the public key and verifies.
    Public(PublicKeyBytes),
}

/// A policy: decides what to issue for a valid request.
pub type Policy = Box<dyn FnMut(&LicenseRequest) -> Decision + Send>;

/// The simulated license server.
pub struct LicenseServer {
    backend: Backend,
    key: KeyPair,
    root: PublicKeyBytes,
    identity: ServerIdentity,
    grants: HashMap<Id16, Grant>,
    policy: Option<Policy>,
    response_defects: Vec<ResponseDefect>,
    keys: HashMap<Id16, (KxAlgorithm, ServerKey)>,
    content_keys: HashMap<Id16, [u8; 16]>,
    rng: TestRng,
}

impl core::fmt::Debug for LicenseServer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LicenseServer")
            .field("grants", &self.grants.len())
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

fn kx_error(msg: &str) -> ServerError {
    ServerError::Structure(msg.to_owned())
}

impl LicenseServer {
    /// A server with the private key challenges are encrypted to, the trusted root of device
    /// chains, its own identity (chain and sign-response key) and the shared backend.
    #[must_use]
    pub fn new(
        backend: Backend,
        key: KeyPair,
        root: PublicKeyBytes,
        identity: ServerIdentity,
        rng: TestRng,
    ) -> Self {
        Self {
            backend,
            key,
            root,
            identity,
            grants: HashMap::new(),
            policy: None,
            response_defects: Vec::new(),
            keys: HashMap::new(),
            content_keys: HashMap::new(),
            rng,
        }
    }

    /// The server's public key (`X‖Y`), which a client must encrypt to.
    #[must_use]
    pub fn public_key(&self) -> PublicKeyBytes {
        self.key.public()
    }

    /// The server's certificate chain (`SigningCertificateChain`).
    #[must_use]
    pub fn chain(&self) -> &[u8] {
        &self.identity.chain
    }

    /// Without a policy: issue `grant` whenever `kid` is asked for.
    pub fn grant(&mut self, kid: Id16, grant: Grant) {
        self.grants.insert(kid, grant);
    }

    /// Replaces the grants by a policy that decides each request.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = Some(policy);
    }

    /// Flaws to put in every response from now on.
    pub fn set_response_defects(&mut self, defects: Vec<ResponseDefect>) {
        self.response_defects = defects;
    }

    /// Handles one request body.
    pub fn handle(&mut self, request: &[u8]) -> Reply<LicenseOutcome> {
        let result = self.check(request).and_then(|req| self.issue(req));
        match result {
            Ok((xml, outcome)) => Reply {
                xml,
                outcome: Ok(outcome),
            },
            Err(e) => Reply {
                xml: fault(e.status(), &e.to_string()),
                outcome: Err(e),
            },
        }
    }

    fn check(&self, request: &[u8]) -> Result<LicenseRequest, ServerError> {
        let doc = parse(request)?;
        let acquire = body_element(&doc, NS_PROTOCOLS, "AcquireLicense")?;
        let challenge = only_child(acquire, NS_PROTOCOLS, "challenge")?;
        let inner = only_child(challenge, NS_MESSAGES, "Challenge")?;
        let parts = expect_children(inner, &[(NS_PROTOCOLS, "LA"), (NS_DSIG, "Signature")])?;
        let (Some(la), Some(signature)) = (parts.first(), parts.get(1)) else {
            return Err(ServerError::Structure("Challenge".into()));
        };
        if la.attribute((NS_XML, "space")) != Some("preserve") {
            return Err(ServerError::Structure(
                "LA lacks xml:space=\"preserve\"".into(),
            ));
        }
        let key_info_key = check_signature(*la, *signature)?;

        let fields = expect_children(
            *la,
            &[
                (NS_PROTOCOLS, "Version"),
                (NS_PROTOCOLS, "ContentHeader"),
                (NS_PROTOCOLS, "CLIENTINFO"),
                (NS_PROTOCOLS, "LicenseNonce"),
                (NS_PROTOCOLS, "ClientTime"),
                (NS_XMLENC, "EncryptedData"),
            ],
        )?;
        let [version, header, client_info, nonce, time, encrypted] = fields.as_slice() else {
            return Err(ServerError::Structure("LA".into()));
        };
        if text(*version)? != "1" {
            return Err(ServerError::Structure("Version is not 1".into()));
        }
        let kids = content_header_kids(*header)?;
        only_child(*client_info, NS_PROTOCOLS, "CLIENTVERSION")?;
        let nonce: [u8; 16] = base64_array(*nonce)?;
        let client_time = text(*time)?
            .parse::<u64>()
            .map_err(|_| ServerError::Structure("ClientTime is not a number".into()))?;

        let plaintext = decrypt_encrypted_data(*encrypted, &self.key)?;
        let payload = parse_data(&plaintext)?;
        let device = verify_device_chain(&payload.chain, &self.root).map_err(ServerError::Chain)?;
        if device.signing_key != key_info_key {
            return Err(ServerError::KeyMismatch);
        }
        Ok(LicenseRequest {
            device,
            kids,
            nonce,
            client_time,
            features: payload.features,
        })
    }

    fn issue(&mut self, request: LicenseRequest) -> Result<(String, LicenseOutcome), ServerError> {
        let decision = match &mut self.policy {
            Some(policy) => policy(&request),
            None => {
                let issue: Vec<(Id16, Grant)> = request
                    .kids
                    .iter()
                    .filter_map(|k| self.grants.get(k).map(|g| (*k, g.clone())))
                    .collect();
                if issue.is_empty() {
                    Decision::Fault(STATUS_SERVICE_SPECIFIC)
                } else {
                    Decision::Issue(issue)
                }
            }
        };
        let grants = match decision {
            Decision::Issue(grants) => grants,
            Decision::Fault(status) => return Err(ServerError::Refused(status)),
        };
        // A client gets only the kinds of license it announced it can use
        // (KEY-EXCHANGE-FORMAT §4), checked before anything is drawn or recorded.
        for (_, grant) in &grants {
            if let Some(feature) = grant.kind.feature_needed(&request.features) {
                return Err(ServerError::FeatureNotAnnounced(feature));
            }
        }

        let mut licenses = Vec::new();
        for (kid, grant) in grants {
            let lid: Id16 = self.rng.array();
            let (key, server_side) = self.draw_key(&grant.kind);
            let spec = LicenseSpec {
                lid,
                kid,
                key,
                expiration: grant.expiration,
                expiration_after_first_use: grant.expiration_after_first_use,
                issue_date: grant.issue_date,
                min_security_level: grant.min_security_level,
                persistent: grant.persistent,
                playback_container: matches!(grant.kind, GrantKind::Content { .. }),
                defects: grant.defects.clone(),
            };
            let bind_to = grant.bind_to.unwrap_or(request.device.encryption_key);
            let built = build_license(&spec, &bind_to, &mut self.rng)
                .map_err(|_| ServerError::Refused(crate::error::STATUS_INTERNAL_ERROR))?;
            match (&spec.key, server_side) {
                (LicenseKey::Content { key, .. }, _) => {
                    self.content_keys.insert(kid, *key);
                }
                (LicenseKey::KeyExchange { algorithm, .. }, Some(side)) => {
                    self.keys.insert(kid, (*algorithm, side));
                }
                (LicenseKey::KeyExchange { .. }, None) => {}
                // draw_key keeps each key's side as it draws it.
                (LicenseKey::KeyExchangeMulti { .. }, _) => {}
            }
            licenses.push(IssuedLicense {
                kid,
                lid,
                grant,
                xmr: built.bytes,
            });
        }

        let session_id: Id16 = self.rng.array();
        let persistent: Vec<Id16> = licenses
            .iter()
            .filter(|l| l.grant.persistent)
            .map(|l| l.kid)
            .collect();
        self.backend
            .record_issue(&request.device.cert_id, &session_id, &persistent)?;

        let xml = self.response_xml(&licenses, &request.nonce, &session_id);
        Ok((
            xml,
            LicenseOutcome {
                request,
                licenses,
                session_id,
            },
        ))
    }

    fn draw_key(&mut self, kind: &GrantKind) -> (LicenseKey, Option<ServerKey>) {
        match kind {
            GrantKind::Content { key_type, key } => {
                let key = key.unwrap_or_else(|| self.rng.array());
                (
                    LicenseKey::Content {
                        key_type: *key_type,
                        key,
                    },
                    None,
                )
            }
            GrantKind::KeyExchange {
                algorithm,
                operation,
            } => {
                let (client, server) = self.draw_kx_key(*algorithm, *operation);
                let key = LicenseKey::KeyExchange {
                    algorithm: *algorithm,
                    operation: *operation,
                    key: client,
                };
                (key, Some(server))
            }
            GrantKind::KeyExchangeMulti { keys } => {
                let mut specs = Vec::with_capacity(keys.len());
                for (index, (id, algorithm, operation)) in keys.iter().enumerate() {
                    let (client, server) = self.draw_kx_key(*algorithm, *operation);
                    self.keys.insert(*id, (*algorithm, server));
                    let index = u16::try_from(index).unwrap_or(u16::MAX);
                    specs.push(KxKeySpec::new(index, *id, *algorithm, *operation, client));
                }
                (LicenseKey::KeyExchangeMulti { keys: specs }, None)
            }
        }
    }

    /// Draws a key exchange key: the client's key and the server's side of it.
    fn draw_kx_key(
        &mut self,
        algorithm: KxAlgorithm,
        operation: KxOperation,
    ) -> (Vec<u8>, ServerKey) {
        match algorithm {
            KxAlgorithm::AesCbc => {
                let k = self.rng.array::<16>().to_vec();
                (k.clone(), ServerKey::Shared(k))
            }
            KxAlgorithm::HmacSha256 => {
                let k = self.rng.array::<32>().to_vec();
                (k.clone(), ServerKey::Shared(k))
            }
            KxAlgorithm::EcdsaP256 => {
                let pair = KeyPair::generate(&mut self.rng);
                if operation == KxOperation::Verify {
                    (pair.public().to_vec(), ServerKey::Private(pair))
                } else {
                    (
                        pair.secret_bytes().to_vec(),
                        ServerKey::Public(pair.public()),
                    )
                }
            }
        }
    }

    fn response_xml(
        &mut self,
        licenses: &[IssuedLicense],
        nonce: &[u8; 16],
        session: &Id16,
    ) -> String {
        let has = |d: ResponseDefect| self.response_defects.contains(&d);
        let mut body = format!(
            "<LicenseResponse xmlns=\"{NS_PROTOCOLS}\" Id=\"SignedData\"><Version>1</Version><Licenses>"
        );
        for l in licenses {
            body.push_str(&format!("<License>{}</License>", b64(&l.xmr)));
        }
        body.push_str("</Licenses>");
        if !has(ResponseDefect::NoNonce) {
            let nonce = if has(ResponseDefect::WrongNonce) {
                self.rng.array()
            } else {
                *nonce
            };
            body.push_str(&format!("<LicenseNonce>{}</LicenseNonce>", b64(&nonce)));
        }
        body.push_str(&format!(
            "<ResponseID>{}</ResponseID><SigningCertificateChain>{}</SigningCertificateChain></LicenseResponse>",
            b64(session),
            b64(&self.identity.chain)
        ));
        let signer = if has(ResponseDefect::WrongSigningKey) {
            KeyPair::generate(&mut self.rng)
        } else {
            self.identity.signing.clone()
        };
        let signature = signature_element(&body, &signer);
        if has(ResponseDefect::TamperAfterSigning) {
            body = body.replacen("<Version>1</Version>", "<Version>2</Version>", 1);
        }
        envelope(&format!(
            "<AcquireLicenseResponse xmlns=\"{NS_PROTOCOLS}\"><AcquireLicenseResult>\
<Response xmlns=\"{NS_MESSAGES}\">{body}{signature}</Response></AcquireLicenseResult>\
</AcquireLicenseResponse>"
        ))
    }

    /// The content key issued for `kid`, if any.
    #[must_use]
    pub fn content_key(&self, kid: &Id16) -> Option<[u8; 16]> {
        self.content_keys.get(kid).copied()
    }

    fn shared_key(&self, kid: &Id16, algorithm: KxAlgorithm) -> Result<&[u8], ServerError> {
        match self.keys.get(kid) {
            Some((a, ServerKey::Shared(k))) if *a == algorithm => Ok(k),
            _ => Err(kx_error("no such key exchange key for this algorithm")),
        }
    }

    fn aes_key(&self, kid: &Id16) -> Result<[u8; 16], ServerError> {
        self.shared_key(kid, KxAlgorithm::AesCbc)?
            .try_into()
            .map_err(|_| kx_error("AES key is not 16 bytes"))
    }

    /// AES-128-CBC encryption (no padding) with the key of `kid`'s KeyExchangeLicense.
    ///
    /// # Errors
    /// No AES key for `kid`, or `data` not a whole number of blocks.
    pub fn aes_cbc_encrypt(
        &self,
        kid: &Id16,
        iv: &[u8; 16],
        data: &[u8],
    ) -> Result<Vec<u8>, ServerError> {
        aes_cbc_encrypt_nopad(&self.aes_key(kid)?, iv, data)
            .ok_or_else(|| kx_error("partial block"))
    }

    /// AES-128-CBC decryption (no padding) with the key of `kid`'s KeyExchangeLicense.
    ///
    /// # Errors
    /// No AES key for `kid`, or `data` not a whole number of blocks.
    pub fn aes_cbc_decrypt(
        &self,
        kid: &Id16,
        iv: &[u8; 16],
        data: &[u8],
    ) -> Result<Vec<u8>, ServerError> {
        aes_cbc_decrypt_nopad(&self.aes_key(kid)?, iv, data)
            .ok_or_else(|| kx_error("partial block"))
    }

    /// HMAC-SHA256 tag with the key of `kid`'s KeyExchangeLicense.
    ///
    /// # Errors
    /// No HMAC key for `kid`.
    pub fn hmac_sign(&self, kid: &Id16, data: &[u8]) -> Result<[u8; 32], ServerError> {
        Ok(hmac_sha256(
            self.shared_key(kid, KxAlgorithm::HmacSha256)?,
            data,
        ))
    }

    /// Checks an HMAC-SHA256 tag (constant time) with the key of `kid`'s KeyExchangeLicense.
    ///
    /// # Errors
    /// No HMAC key for `kid`.
    pub fn hmac_verify(&self, kid: &Id16, data: &[u8], tag: &[u8]) -> Result<bool, ServerError> {
        Ok(ct_eq(&self.hmac_sign(kid, data)?, tag))
    }

    /// ECDSA-P256-SHA256 signature (raw `r‖s`) with the private key kept for `kid`'s "verify"
    /// KeyExchangeLicense (the client holds the public key).
    ///
    /// # Errors
    /// No private key for `kid`.
    pub fn ecdsa_sign(&self, kid: &Id16, msg: &[u8]) -> Result<[u8; 64], ServerError> {
        match self.keys.get(kid) {
            Some((KxAlgorithm::EcdsaP256, ServerKey::Private(pair))) => Ok(pair.sign(msg)),
            _ => Err(kx_error("no ECDSA private key for this KID")),
        }
    }

    /// Verifies an ECDSA-P256-SHA256 signature (raw `r‖s`) with the public side of `kid`'s
    /// ECDSA key (either license direction).
    ///
    /// # Errors
    /// No ECDSA key for `kid`.
    pub fn ecdsa_verify(
        &self,
        kid: &Id16,
        msg: &[u8],
        signature: &[u8],
    ) -> Result<bool, ServerError> {
        let public = self
            .ecdsa_public_key(kid)
            .ok_or_else(|| kx_error("no ECDSA key for this KID"))?;
        Ok(ecdsa_verify(&public, msg, signature))
    }

    /// The public side (`X‖Y`) of `kid`'s ECDSA key (either license direction): for a verifier
    /// in another process, such as the C ABI test's fixture.
    #[must_use]
    pub fn ecdsa_public_key(&self, kid: &Id16) -> Option<PublicKeyBytes> {
        match self.keys.get(kid) {
            Some((KxAlgorithm::EcdsaP256, ServerKey::Private(pair))) => Some(pair.public()),
            Some((KxAlgorithm::EcdsaP256, ServerKey::Public(public))) => Some(*public),
            _ => None,
        }
    }
}

/// The KIDs of a `ContentHeader`'s `WRMHEADER`: every `KID` element below it, its `VALUE`
/// attribute (header 4.1+) or its text (4.0), base64 of 16 bytes.
fn content_header_kids(header: Node<'_, '_>) -> Result<Vec<Id16>, ServerError> {
    let kids: Vec<Id16> = header
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "KID")
        .map(|n| match n.attribute("VALUE") {
            Some(v) => base64::Engine::decode(&base64::engine::general_purpose::STANDARD, v.trim())
                .ok()
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
                .ok_or_else(|| kx_error("KID VALUE is not base64 of 16 bytes")),
            None => base64_of(n)?
                .try_into()
                .map_err(|_| kx_error("KID is not base64 of 16 bytes")),
        })
        .collect::<Result<_, _>>()?;
    if kids.is_empty() {
        return Err(kx_error("ContentHeader names no KID"));
    }
    Ok(kids)
}
