//! The XML side shared by both servers (PROTOCOL §4 and §6): namespaces and method URIs, strict
//! navigation over a `roxmltree` document, exclusive canonicalisation of a signed element, the
//! XML-signature check, `EncryptedData` (both ways) and the SOAP envelope and fault.
//!
//! Nothing here panics on input: every lookup returns a [`ServerError`].

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use p256::ProjectivePoint;
use p256::elliptic_curve::point::AffineCoordinates;
use roxmltree::{Document, Node, NodeType, ParsingOptions};

use crate::crypto::{
    KeyPair, PublicKeyBytes, aes_cbc_decrypt_pkcs7, aes_cbc_encrypt_pkcs7, ct_eq, ecdsa_verify,
    elgamal_encrypt, point_from_bytes, sha256,
};
use crate::error::ServerError;
use crate::rng::TestRng;

/// SOAP 1.1 envelope namespace.
pub const NS_SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// XML Schema instance namespace.
pub const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// XML Schema namespace.
pub const NS_XSD: &str = "http://www.w3.org/2001/XMLSchema";
/// PlayReady protocols namespace.
pub const NS_PROTOCOLS: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols";
/// PlayReady messages namespace.
pub const NS_MESSAGES: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols/messages";
/// XML-signature namespace.
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// XML-encryption namespace.
pub const NS_XMLENC: &str = "http://www.w3.org/2001/04/xmlenc#";
/// The `xml:` namespace.
pub const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";

/// `CanonicalizationMethod` algorithm, as in the seed's example.
pub const ALG_C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// `SignatureMethod` algorithm.
pub const ALG_ECDSA_SHA256: &str =
    "http://schemas.microsoft.com/DRM/2007/03/protocols#ecdsa-sha256";
/// `DigestMethod` algorithm.
pub const ALG_SHA256: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols#sha256";
/// `EncryptedData` algorithm.
pub const ALG_AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
/// `EncryptedKey` algorithm.
pub const ALG_ECC256: &str = "http://schemas.microsoft.com/DRM/2007/03/protocols#ecc256";
/// `EncryptedData` `Type`.
pub const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
/// The key name of the server's key.
pub const KEY_NAME: &str = "WMRMServer";

/// Largest request the servers read.
pub const MAX_REQUEST: usize = 1 << 20;

/// The production WMRMServer public key (PROTOCOL §4), `X‖Y`: the client's default.
pub const WMRM_SERVER_PUBLIC_KEY: PublicKeyBytes = [
    0xc8, 0xb6, 0xaf, 0x16, 0xee, 0x94, 0x1a, 0xad, 0xaa, 0x53, 0x89, 0xb4, 0xaf, 0x2c, 0x10, 0xe3,
    0x56, 0xbe, 0x42, 0xaf, 0x17, 0x5e, 0xf3, 0xfa, 0xce, 0x93, 0x25, 0x4e, 0x7b, 0x0b, 0x3d, 0x9b,
    0x98, 0x2b, 0x27, 0xb5, 0xcb, 0x23, 0x41, 0x32, 0x6e, 0x56, 0xaa, 0x85, 0x7d, 0xbf, 0xd5, 0xc6,
    0x34, 0xce, 0x2c, 0xf9, 0xea, 0x74, 0xfc, 0xa8, 0xf2, 0xaf, 0x59, 0x57, 0xef, 0xee, 0xa5, 0x62,
];

fn structure(msg: impl Into<String>) -> ServerError {
    ServerError::Structure(msg.into())
}

/// Standard base64 with padding.
#[must_use]
pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Parses a request: UTF-8, at most [`MAX_REQUEST`] bytes, well-formed, no DTD.
///
/// # Errors
/// [`ServerError::Xml`].
pub fn parse(request: &[u8]) -> Result<Document<'_>, ServerError> {
    if request.len() > MAX_REQUEST {
        return Err(ServerError::Xml(format!(
            "request of {} bytes",
            request.len()
        )));
    }
    let text = core::str::from_utf8(request).map_err(|e| ServerError::Xml(e.to_string()))?;
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|e| ServerError::Xml(e.to_string()))
}

/// Whether `node` is the element `{ns}name` (`ns` empty: no namespace).
#[must_use]
pub fn is(node: Node<'_, '_>, ns: &str, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node.tag_name().namespace().unwrap_or("") == ns
}

/// The element children of `node`; any other child but whitespace text is an error.
///
/// # Errors
/// [`ServerError::Structure`] for text or other nodes among the elements.
pub fn elements<'a, 'i>(node: Node<'a, 'i>) -> Result<Vec<Node<'a, 'i>>, ServerError> {
    let mut out = Vec::new();
    for child in node.children() {
        match child.node_type() {
            NodeType::Element => out.push(child),
            NodeType::Text if child.text().is_some_and(|t| t.trim().is_empty()) => {}
            _ => {
                return Err(structure(format!(
                    "unexpected content in {}",
                    node.tag_name().name()
                )));
            }
        }
    }
    Ok(out)
}

/// The element children of `node`, which must be exactly `expected` (namespace, name), in order.
///
/// # Errors
/// [`ServerError::Structure`] naming the first difference.
pub fn expect_children<'a, 'i>(
    node: Node<'a, 'i>,
    expected: &[(&str, &str)],
) -> Result<Vec<Node<'a, 'i>>, ServerError> {
    let children = elements(node)?;
    if children.len() != expected.len() {
        return Err(structure(format!(
            "{} has {} children, expected {}",
            node.tag_name().name(),
            children.len(),
            expected.len()
        )));
    }
    for (child, (ns, name)) in children.iter().zip(expected) {
        if !is(*child, ns, name) {
            return Err(structure(format!(
                "in {}: found {{{}}}{}, expected {{{ns}}}{name}",
                node.tag_name().name(),
                child.tag_name().namespace().unwrap_or(""),
                child.tag_name().name()
            )));
        }
    }
    Ok(children)
}

/// The only element child of `node`, which must be `{ns}name`.
///
/// # Errors
/// [`ServerError::Structure`].
pub fn only_child<'a, 'i>(
    node: Node<'a, 'i>,
    ns: &str,
    name: &str,
) -> Result<Node<'a, 'i>, ServerError> {
    expect_children(node, &[(ns, name)])?
        .into_iter()
        .next()
        .ok_or_else(|| structure(name))
}

/// The text content of a leaf element (no element children), trimmed.
///
/// # Errors
/// [`ServerError::Structure`] if it has element children.
pub fn text<'a>(node: Node<'a, '_>) -> Result<&'a str, ServerError> {
    if node.children().any(|c| !c.is_text()) {
        return Err(structure(format!(
            "{} is not a text element",
            node.tag_name().name()
        )));
    }
    Ok(node.text().unwrap_or("").trim())
}

/// The base64 content of a leaf element.
///
/// # Errors
/// [`ServerError::Structure`] if it is not valid padded base64.
pub fn base64_of(node: Node<'_, '_>) -> Result<Vec<u8>, ServerError> {
    B64.decode(text(node)?)
        .map_err(|_| structure(format!("{} is not base64", node.tag_name().name())))
}

/// The base64 content of a leaf element, exactly `N` bytes.
///
/// # Errors
/// [`ServerError::Structure`] if it is not base64 of `N` bytes.
pub fn base64_array<const N: usize>(node: Node<'_, '_>) -> Result<[u8; N], ServerError> {
    base64_of(node)?
        .try_into()
        .map_err(|_| structure(format!("{} is not {N} bytes", node.tag_name().name())))
}

/// Requires attribute `name` (no namespace) of `node` to be `value`.
///
/// # Errors
/// [`ServerError::Structure`].
pub fn expect_attr(node: Node<'_, '_>, name: &str, value: &str) -> Result<(), ServerError> {
    match node.attribute(name) {
        Some(v) if v == value => Ok(()),
        other => Err(structure(format!(
            "{}/@{name} is {other:?}, expected {value:?}",
            node.tag_name().name()
        ))),
    }
}

/// The exact bytes of an element in the document text.
#[must_use]
pub fn raw<'i>(node: Node<'_, 'i>) -> &'i str {
    node.document().input_text().get(node.range()).unwrap_or("")
}

fn qname_at(input: &str, start: usize) -> &str {
    let rest = input.get(start..).unwrap_or("");
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/' || c == '=')
        .unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// The exclusive XML canonicalisation (without comments) of the element `node` as apex, written
/// from the W3C recommendation for the subset the protocol uses: elements, attributes, namespace
/// declarations and text. A namespace declaration is output where it is visibly used and not
/// already in force in the output; declarations first (default first, then by prefix), then
/// attributes ordered by namespace URI and local name; no self-closing tags.
#[must_use]
pub fn exclusive_c14n(node: Node<'_, '_>) -> String {
    let mut out = String::new();
    c14n_element(node, &[], &mut out);
    out
}

fn c14n_element(node: Node<'_, '_>, in_force: &[(String, String)], out: &mut String) {
    let input = node.document().input_text();
    let qname = qname_at(input, node.range().start + 1);
    let prefix = qname.split_once(':').map_or("", |(p, _)| p);
    let uri = node.tag_name().namespace().unwrap_or("");

    let mut used: Vec<(String, String)> = vec![(prefix.to_owned(), uri.to_owned())];
    let mut attrs = Vec::new();
    for a in node.attributes() {
        let aq = input.get(a.range_qname()).unwrap_or(a.name());
        let ns = a.namespace().unwrap_or("");
        if let Some((p, _)) = aq.split_once(':')
            && ns != NS_XML
        {
            used.push((p.to_owned(), ns.to_owned()));
        }
        attrs.push((ns, a.name(), aq, a.value()));
    }
    let current = |p: &str| {
        in_force
            .iter()
            .rev()
            .find(|(q, _)| q == p)
            .map_or("", |(_, u)| u.as_str())
            .to_owned()
    };
    let mut declare: Vec<(String, String)> = Vec::new();
    for (p, u) in used {
        if current(&p) != u && !declare.iter().any(|(q, _)| *q == p) {
            declare.push((p, u));
        }
    }
    declare.sort();
    attrs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

    out.push('<');
    out.push_str(qname);
    for (p, u) in &declare {
        out.push_str(if p.is_empty() { " xmlns" } else { " xmlns:" });
        out.push_str(p);
        out.push_str("=\"");
        escape_attr(u, out);
        out.push('"');
    }
    for (_, _, aq, v) in &attrs {
        out.push(' ');
        out.push_str(aq);
        out.push_str("=\"");
        escape_attr(v, out);
        out.push('"');
    }
    out.push('>');
    let mut scope = in_force.to_vec();
    scope.extend(declare);
    for child in node.children() {
        match child.node_type() {
            NodeType::Element => c14n_element(child, &scope, out),
            NodeType::Text => escape_text(child.text().unwrap_or(""), out),
            _ => {}
        }
    }
    out.push_str("</");
    out.push_str(qname);
    out.push('>');
}

/// Checks that a signed element is in canonical form as PROTOCOL requires: its bytes in the
/// document equal its exclusive canonicalisation, and no whitespace stands between elements.
///
/// # Errors
/// [`ServerError::NotCanonical`].
pub fn check_canonical(node: Node<'_, '_>, what: &'static str) -> Result<(), ServerError> {
    let whitespace_between = node.descendants().any(|n| {
        n.is_text()
            && n.text().is_some_and(|t| t.trim().is_empty())
            && n.parent()
                .is_some_and(|p| p.children().any(|c| c.is_element()))
    });
    if whitespace_between || raw(node) != exclusive_c14n(node) {
        return Err(ServerError::NotCanonical(what));
    }
    Ok(())
}

/// Checks the XML signature `signature` (a `{dsig}Signature` element) over the element `signed`
/// (PROTOCOL §4): structure and method URIs of `SignedInfo`, both elements canonical,
/// `DigestValue` = SHA-256 of `signed`'s bytes, `SignatureValue` = raw `r‖s` ECDSA-P256-SHA256
/// over `SignedInfo`'s bytes with the `KeyInfo` key. Returns that key.
///
/// # Errors
/// The first check that fails.
pub fn check_signature(
    signed: Node<'_, '_>,
    signature: Node<'_, '_>,
) -> Result<PublicKeyBytes, ServerError> {
    let [signed_info, value, key_info] = children3(
        signature,
        [
            (NS_DSIG, "SignedInfo"),
            (NS_DSIG, "SignatureValue"),
            (NS_DSIG, "KeyInfo"),
        ],
    )?;
    let [c14n, method, reference] = children3(
        signed_info,
        [
            (NS_DSIG, "CanonicalizationMethod"),
            (NS_DSIG, "SignatureMethod"),
            (NS_DSIG, "Reference"),
        ],
    )?;
    expect_attr(c14n, "Algorithm", ALG_C14N)?;
    expect_attr(method, "Algorithm", ALG_ECDSA_SHA256)?;
    expect_attr(reference, "URI", "#SignedData")?;
    let refs = expect_children(
        reference,
        &[(NS_DSIG, "DigestMethod"), (NS_DSIG, "DigestValue")],
    )?;
    let (Some(digest_method), Some(digest_value)) = (refs.first(), refs.get(1)) else {
        return Err(structure("Reference"));
    };
    expect_attr(*digest_method, "Algorithm", ALG_SHA256)?;
    let key_value = only_child(key_info, NS_DSIG, "KeyValue")?;
    let ecc = only_child(key_value, NS_DSIG, "ECCKeyValue")?;
    let public: PublicKeyBytes = base64_array(only_child(ecc, NS_DSIG, "PublicKey")?)?;

    expect_attr(signed, "Id", "SignedData")?;
    check_canonical(signed, "the signed element")?;
    check_canonical(signed_info, "SignedInfo")?;
    let digest: [u8; 32] = base64_array(*digest_value)?;
    if !ct_eq(&digest, &sha256(raw(signed).as_bytes())) {
        return Err(ServerError::Digest);
    }
    let sig: [u8; 64] = base64_array(value)?;
    if !ecdsa_verify(&public, raw(signed_info).as_bytes(), &sig) {
        return Err(ServerError::Signature);
    }
    Ok(public)
}

fn children3<'a, 'i>(
    node: Node<'a, 'i>,
    names: [(&str, &str); 3],
) -> Result<[Node<'a, 'i>; 3], ServerError> {
    let v = expect_children(node, &names)?;
    v.try_into().map_err(|_| structure(node.tag_name().name()))
}

/// Decrypts an `EncryptedData` element (PROTOCOL §4) with the server's private key: the
/// `EncryptedKey` is ElGamal of a point `P`; `IV = x(P)[0..16]`, `key = x(P)[16..32]`; the data
/// is `IV ‖ AES-128-CBC(PKCS#7)`. The IV in front of the data must be the one of `P`.
///
/// # Errors
/// [`ServerError::Structure`] for the shape, [`ServerError::Decrypt`] for the crypto.
pub fn decrypt_encrypted_data(node: Node<'_, '_>, key: &KeyPair) -> Result<Vec<u8>, ServerError> {
    if !is(node, NS_XMLENC, "EncryptedData") {
        return Err(structure("expected EncryptedData"));
    }
    expect_attr(node, "Type", TYPE_ELEMENT)?;
    let [method, key_info, cipher_data] = children3(
        node,
        [
            (NS_XMLENC, "EncryptionMethod"),
            (NS_DSIG, "KeyInfo"),
            (NS_XMLENC, "CipherData"),
        ],
    )?;
    expect_attr(method, "Algorithm", ALG_AES128_CBC)?;
    let encrypted_key = only_child(key_info, NS_XMLENC, "EncryptedKey")?;
    let [key_method, inner_info, key_cipher] = children3(
        encrypted_key,
        [
            (NS_XMLENC, "EncryptionMethod"),
            (NS_DSIG, "KeyInfo"),
            (NS_XMLENC, "CipherData"),
        ],
    )?;
    expect_attr(key_method, "Algorithm", ALG_ECC256)?;
    if text(only_child(inner_info, NS_DSIG, "KeyName")?)? != KEY_NAME {
        return Err(structure("KeyName is not WMRMServer"));
    }
    let wrapped: [u8; 128] = base64_array(only_child(key_cipher, NS_XMLENC, "CipherValue")?)?;
    let data = base64_of(only_child(cipher_data, NS_XMLENC, "CipherValue")?)?;

    let point = key.elgamal_decrypt(&wrapped).ok_or(ServerError::Decrypt)?;
    let x = point.x();
    let (iv, aes_key) = x.split_at(16);
    let (front, body) = data.split_at_checked(16).ok_or(ServerError::Decrypt)?;
    if front != iv {
        return Err(ServerError::Decrypt);
    }
    let (Ok(iv), Ok(aes_key)) = (<[u8; 16]>::try_from(iv), <[u8; 16]>::try_from(aes_key)) else {
        return Err(ServerError::Decrypt);
    };
    aes_cbc_decrypt_pkcs7(&aes_key, &iv, body).ok_or(ServerError::Decrypt)
}

/// Builds an `EncryptedData` element of `plaintext` to `server_key` (PROTOCOL §4), as a client
/// does: for tests that build challenges, and for an independent check of the client's.
///
/// # Errors
/// If `server_key` is not a P-256 point.
pub fn encrypted_data_element(
    plaintext: &[u8],
    server_key: &PublicKeyBytes,
    rng: &mut TestRng,
) -> Result<String, ServerError> {
    let server = point_from_bytes(server_key).ok_or(ServerError::Decrypt)?;
    let p = (ProjectivePoint::GENERATOR * *rng.scalar()).to_affine();
    let x: [u8; 32] = p.x().into();
    let (iv, key) = x.split_at(16);
    let (Ok(iv), Ok(key)) = (<[u8; 16]>::try_from(iv), <[u8; 16]>::try_from(key)) else {
        return Err(ServerError::Decrypt);
    };
    let mut data = iv.to_vec();
    data.extend_from_slice(&aes_cbc_encrypt_pkcs7(&key, &iv, plaintext));
    let wrapped = elgamal_encrypt(&server, &p, rng);
    Ok(format!(
        "<EncryptedData xmlns=\"{NS_XMLENC}\" Type=\"{TYPE_ELEMENT}\">\
<EncryptionMethod Algorithm=\"{ALG_AES128_CBC}\"></EncryptionMethod>\
<KeyInfo xmlns=\"{NS_DSIG}\"><EncryptedKey xmlns=\"{NS_XMLENC}\">\
<EncryptionMethod Algorithm=\"{ALG_ECC256}\"></EncryptionMethod>\
<KeyInfo xmlns=\"{NS_DSIG}\"><KeyName>{KEY_NAME}</KeyName></KeyInfo>\
<CipherData><CipherValue>{}</CipherValue></CipherData></EncryptedKey></KeyInfo>\
<CipherData><CipherValue>{}</CipherValue></CipherData></EncryptedData>",
        b64(&wrapped),
        b64(&data)
    ))
}

/// Builds the `Signature` element over the canonical bytes `signed_element` with `key`
/// (PROTOCOL §4): `SignedInfo` with the seed's method URIs and a reference to `#SignedData`,
/// `SignatureValue` raw `r‖s`, `KeyInfo` with the public key.
#[must_use]
pub fn signature_element(signed_element: &str, key: &KeyPair) -> String {
    let signed_info = signed_info(signed_element);
    let sig = key.sign(signed_info.as_bytes());
    assemble_signature(&signed_info, &sig, &key.public())
}

/// The `SignedInfo` element for `signed_element`.
#[must_use]
pub fn signed_info(signed_element: &str) -> String {
    format!(
        "<SignedInfo xmlns=\"{NS_DSIG}\">\
<CanonicalizationMethod Algorithm=\"{ALG_C14N}\"></CanonicalizationMethod>\
<SignatureMethod Algorithm=\"{ALG_ECDSA_SHA256}\"></SignatureMethod>\
<Reference URI=\"#SignedData\"><DigestMethod Algorithm=\"{ALG_SHA256}\"></DigestMethod>\
<DigestValue>{}</DigestValue></Reference></SignedInfo>",
        b64(&sha256(signed_element.as_bytes()))
    )
}

/// A `Signature` element from its parts (for tests that sign one thing and name another key).
#[must_use]
pub fn assemble_signature(signed_info: &str, signature: &[u8], public: &[u8]) -> String {
    format!(
        "<Signature xmlns=\"{NS_DSIG}\">{signed_info}<SignatureValue>{}</SignatureValue>\
<KeyInfo xmlns=\"{NS_DSIG}\"><KeyValue><ECCKeyValue><PublicKey>{}</PublicKey></ECCKeyValue>\
</KeyValue></KeyInfo></Signature>",
        b64(signature),
        b64(public)
    )
}

/// The plaintext of `EncryptedData` (PROTOCOL §6): `<Data><CertificateChains><CertificateChain>
/// base64 </CertificateChain></CertificateChains><Features>…</Features></Data>`.
#[must_use]
pub fn data_plaintext(chain: &[u8], features: &[&str]) -> String {
    let mut f = String::new();
    if !features.is_empty() {
        f.push_str("<Features>");
        for name in features {
            f.push_str(&format!("<Feature Name=\"{name}\"></Feature>"));
        }
        f.push_str("</Features>");
    }
    format!(
        "<Data><CertificateChains><CertificateChain> {} </CertificateChain></CertificateChains>{f}</Data>",
        b64(chain)
    )
}

/// What the `Data` plaintext holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPayload {
    /// The device's certificate chain.
    pub chain: Vec<u8>,
    /// The `Name` of each `Features/Feature` element, in order.
    pub features: Vec<String>,
}

/// Parses the `Data` plaintext (PROTOCOL §6); `Features` is optional.
///
/// # Errors
/// [`ServerError::Xml`] or [`ServerError::Structure`].
pub fn parse_data(plaintext: &[u8]) -> Result<DataPayload, ServerError> {
    let doc = parse(plaintext)?;
    let data = doc.root_element();
    if data.tag_name().name() != "Data" || data.tag_name().namespace().is_some() {
        return Err(structure("plaintext root is not Data"));
    }
    let children = elements(data)?;
    let mut iter = children.iter();
    let chains = iter.next().filter(|n| is(**n, "", "CertificateChains"));
    let chains = chains.ok_or_else(|| structure("no CertificateChains"))?;
    let chain = base64_of(only_child(*chains, "", "CertificateChain")?)?;
    let mut features = Vec::new();
    if let Some(f) = iter.next() {
        if !is(*f, "", "Features") {
            return Err(structure("unexpected element after CertificateChains"));
        }
        for feature in elements(*f)? {
            if !is(feature, "", "Feature") {
                return Err(structure("Features holds a non-Feature element"));
            }
            let name = feature
                .attribute("Name")
                .ok_or_else(|| structure("Feature without Name"))?;
            features.push(name.to_owned());
        }
    }
    if iter.next().is_some() {
        return Err(structure("unexpected element in Data"));
    }
    Ok(DataPayload { chain, features })
}

/// A SOAP envelope around `body_content`, with the XML declaration and the envelope's three
/// namespace declarations in the seed's order (soap, xsi, xsd as in the seed's response).
#[must_use]
pub fn envelope(body_content: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"{NS_SOAP}\" \
xmlns:xsi=\"{NS_XSI}\" xmlns:xsd=\"{NS_XSD}\"><soap:Body>{body_content}</soap:Body></soap:Envelope>"
    )
}

/// A SOAP fault with `faultstring` and `detail/Exception/StatusCode` (PROTOCOL §6). The status is
/// written `0x` and eight lowercase hex digits.
#[must_use]
pub fn fault(status: u32, message: &str) -> String {
    let mut escaped = String::new();
    escape_text(message, &mut escaped);
    envelope(&format!(
        "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>{escaped}</faultstring>\
<detail><Exception><StatusCode>0x{status:08x}</StatusCode></Exception></detail></soap:Fault>"
    ))
}

/// The body element of a SOAP request, which must be `{ns}name` and the only child of
/// `soap:Body`, itself the only child of `soap:Envelope`.
///
/// # Errors
/// [`ServerError::Structure`].
pub fn body_element<'a, 'i>(
    doc: &'a Document<'i>,
    ns: &str,
    name: &str,
) -> Result<Node<'a, 'i>, ServerError> {
    let envelope = doc.root_element();
    if !is(envelope, NS_SOAP, "Envelope") {
        return Err(structure("root is not soap:Envelope"));
    }
    let body = only_child(envelope, NS_SOAP, "Body")?;
    only_child(body, ns, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n_of(xml: &str, name: &str) -> String {
        let doc = Document::parse(xml).unwrap();
        let node = doc.descendants().find(|n| n.has_tag_name(name)).unwrap();
        exclusive_c14n(node)
    }

    #[test]
    fn exclusive_c14n_cases() {
        // Redundant declarations dropped, attributes sorted, text escaped, no self-closing tags.
        let doc = "<a xmlns=\"u\"><b xmlns=\"u\" y=\"2\" x=\"1\">t&amp;&lt;&gt;</b><c/></a>";
        assert_eq!(
            c14n_of(doc, "a"),
            "<a xmlns=\"u\"><b x=\"1\" y=\"2\">t&amp;&lt;&gt;</b><c></c></a>"
        );
        // An apex gets the declarations it uses from its ancestors.
        assert_eq!(
            c14n_of(doc, "b"),
            "<b xmlns=\"u\" x=\"1\" y=\"2\">t&amp;&lt;&gt;</b>"
        );
        // Prefixes: only visibly used ones, where first used.
        let doc = "<p:a xmlns:p=\"u\" xmlns:q=\"v\"><p:b q:z=\"1\"/></p:a>";
        assert_eq!(
            c14n_of(doc, "a"),
            "<p:a xmlns:p=\"u\"><p:b xmlns:q=\"v\" q:z=\"1\"></p:b></p:a>"
        );
        // Namespace declarations first; unqualified attributes before xml:space.
        let doc = "<a xml:space=\"preserve\" Id=\"x\" xmlns=\"u\"></a>";
        assert_eq!(
            c14n_of(doc, "a"),
            "<a xmlns=\"u\" Id=\"x\" xml:space=\"preserve\"></a>"
        );
        // Un-declaring the default namespace is kept.
        let doc = "<a xmlns=\"u\"><b xmlns=\"\"></b></a>";
        assert_eq!(c14n_of(doc, "a"), "<a xmlns=\"u\"><b xmlns=\"\"></b></a>");
        // Attribute value escapes.
        let doc = "<a v=\"&quot;&#9;&#10;&lt;\"></a>";
        assert_eq!(c14n_of(doc, "a"), "<a v=\"&quot;&#x9;&#xA;&lt;\"></a>");
    }

    #[test]
    fn canonical_check_compares_bytes() {
        let doc = Document::parse("<r><a xmlns=\"u\" Id=\"x\"><b></b></a></r>").unwrap();
        let a = doc.descendants().find(|n| n.has_tag_name("a")).unwrap();
        assert!(check_canonical(a, "a").is_ok());
        for bad in [
            "<r><a Id=\"x\" xmlns=\"u\"><b></b></a></r>",
            "<r><a xmlns=\"u\" Id=\"x\"><b/></a></r>",
            "<r><a xmlns=\"u\" Id='x'><b></b></a></r>",
            "<r><a xmlns=\"u\" Id=\"x\"> <b></b></a></r>",
        ] {
            let doc = Document::parse(bad).unwrap();
            let a = doc.descendants().find(|n| n.has_tag_name("a")).unwrap();
            assert_eq!(
                check_canonical(a, "a"),
                Err(ServerError::NotCanonical("a")),
                "{bad}"
            );
        }
    }

    #[test]
    fn data_payload_round_trip_and_shape_errors() {
        let p = data_plaintext(b"CHAIN", &["KeyExchange"]);
        assert!(p.contains("<CertificateChain> Q0hBSU4= </CertificateChain>"));
        let d = parse_data(p.as_bytes()).unwrap();
        assert_eq!(
            (d.chain.as_slice(), d.features.as_slice()),
            (&b"CHAIN"[..], &["KeyExchange".to_owned()][..])
        );
        assert!(
            parse_data(data_plaintext(b"x", &[]).as_bytes())
                .unwrap()
                .features
                .is_empty()
        );
        for bad in [
            "<Data></Data>",
            "<Data><CertificateChains></CertificateChains></Data>",
            "<Data><CertificateChains><CertificateChain>!!</CertificateChain></CertificateChains></Data>",
            "<Data xmlns=\"u\"><CertificateChains><CertificateChain>QQ==</CertificateChain></CertificateChains></Data>",
            "<Data><CertificateChains><CertificateChain>QQ==</CertificateChain></CertificateChains><X></X></Data>",
        ] {
            assert!(parse_data(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn production_wmrm_key_is_a_p256_point() {
        assert!(point_from_bytes(&WMRM_SERVER_PUBLIC_KEY).is_some());
        assert_eq!(crate::crypto::hex(&WMRM_SERVER_PUBLIC_KEY[..4]), "c8b6af16");
        assert_eq!(
            crate::crypto::hex(&WMRM_SERVER_PUBLIC_KEY[60..]),
            "efeea562"
        );
    }

    #[test]
    fn fault_is_well_formed_and_escaped() {
        let f = fault(0x8004_C601, "bad <thing> & more");
        let doc = Document::parse(&f).unwrap();
        let code = doc
            .descendants()
            .find(|n| n.has_tag_name("StatusCode"))
            .unwrap();
        assert_eq!(code.text(), Some("0x8004c601"));
        let s = doc
            .descendants()
            .find(|n| n.has_tag_name("faultstring"))
            .unwrap();
        assert_eq!(s.text(), Some("bad <thing> & more"));
        assert!(
            doc.descendants()
                .any(|n| n.has_tag_name((NS_SOAP, "Fault")))
        );
    }

    #[test]
    fn encrypted_data_round_trip_and_wrong_key() {
        let mut rng = TestRng::from_seed(30);
        let server = KeyPair::generate(&mut rng);
        let xml = encrypted_data_element(b"hello", &server.public(), &mut rng).unwrap();
        let doc = Document::parse(&xml).unwrap();
        assert_eq!(
            decrypt_encrypted_data(doc.root_element(), &server).unwrap(),
            b"hello"
        );
        let other = KeyPair::generate(&mut rng);
        assert_eq!(
            decrypt_encrypted_data(doc.root_element(), &other),
            Err(ServerError::Decrypt)
        );
        assert!(check_canonical(doc.root_element(), "EncryptedData").is_ok());
    }
}
