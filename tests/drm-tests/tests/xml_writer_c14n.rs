//! drm-core's canonical XML writer against the servers' independent exclusive canonicalisation
//! (`drm_servers::soap::exclusive_c14n`, written from the W3C recommendation over roxmltree): the
//! bytes the writer emits for a signed (apex) element are its exclusive canonical form inside the
//! whole document, and the digest the writer computes while writing is the SHA-256 of that form.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use drm_core::xml::ns;
use drm_core::xml::writer::{Attr, Name, SliceSink, Writer};
use drm_servers::crypto::sha256;
use drm_servers::soap::{check_canonical, exclusive_c14n, raw};
use roxmltree::Document;

type W<'b> = Writer<'static, SliceSink<'b>>;

/// The node with attribute `Id` = `id`.
fn by_id<'a, 'i>(doc: &'a Document<'i>, id: &str) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.attribute("Id") == Some(id))
        .unwrap_or_else(|| panic!("no Id={id}"))
}

/// A Secure Delete–shaped challenge (PROTOCOL §4, the seed's element structure) with two signed
/// parts; returns the document and the two digests the writer computed.
fn challenge(buf: &mut [u8]) -> (String, [u8; 32], [u8; 32]) {
    let p = |l| Name::new(ns::PROTOCOLS, l);
    let d = |l| Name::new(ns::DSIG, l);
    let e = |l| Name::new(ns::XMLENC, l);
    let mut w: W<'_> = Writer::new(SliceSink::new(buf));
    w.declaration().unwrap();
    w.start_declaring(
        Name::prefixed("soap", ns::SOAP, "Envelope"),
        &[],
        &[("xsi", ns::XSI), ("xsd", ns::XSD)],
    )
    .unwrap();
    w.start(Name::prefixed("soap", ns::SOAP, "Body"), &[])
        .unwrap();
    w.start(p("ProcessDeleteLicenseData"), &[]).unwrap();
    w.start(p("challenge"), &[]).unwrap();
    w.start(Name::new(ns::MESSAGES, "Challenge"), &[]).unwrap();

    w.begin_digest().unwrap();
    w.start_apex(
        p("DeleteLicenseData"),
        &[
            Attr::new("Id", "SignedData"),
            Attr::xml("space", "preserve"),
        ],
    )
    .unwrap();
    w.leaf(p("Version"), &[], "1").unwrap();
    w.leaf(p("SessionID"), &[], "AQIDBAUGBwgJCgsMDQ4PEA==")
        .unwrap();
    w.start(p("KIDS"), &[]).unwrap();
    w.leaf(p("KID"), &[], "ERERERERERERERERERERERE=").unwrap();
    w.leaf(p("KID"), &[], "IiIiIiIiIiIiIiIiIiIiIiI=").unwrap();
    w.end().unwrap();
    w.start(
        e("EncryptedData"),
        &[Attr::new(
            "Type",
            "http://www.w3.org/2001/04/xmlenc#Element",
        )],
    )
    .unwrap();
    w.empty(
        e("EncryptionMethod"),
        &[Attr::new(
            "Algorithm",
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
        )],
    )
    .unwrap();
    w.start(d("KeyInfo"), &[]).unwrap();
    w.start(e("EncryptedKey"), &[]).unwrap();
    w.start(d("KeyInfo"), &[]).unwrap();
    w.leaf(d("KeyName"), &[], "WMRMServer").unwrap();
    w.end().unwrap();
    w.end().unwrap();
    w.end().unwrap();
    w.start(e("CipherData"), &[]).unwrap();
    w.leaf(e("CipherValue"), &[], "AAAA").unwrap();
    w.end().unwrap();
    w.end().unwrap();
    w.end().unwrap();
    let signed_digest = w.end_digest().unwrap();

    w.start(d("Signature"), &[]).unwrap();
    w.begin_digest().unwrap();
    w.start_apex(d("SignedInfo"), &[]).unwrap();
    w.empty(
        d("CanonicalizationMethod"),
        &[Attr::new(
            "Algorithm",
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        )],
    )
    .unwrap();
    w.start(d("Reference"), &[Attr::new("URI", "#SignedData")])
        .unwrap();
    w.leaf(d("DigestValue"), &[], "digest").unwrap();
    w.end().unwrap();
    w.end().unwrap();
    let info_digest = w.end_digest().unwrap();
    w.leaf(d("SignatureValue"), &[], "sig").unwrap();
    w.end().unwrap();
    for _ in 0..5 {
        w.end().unwrap();
    }
    let out = w.finish().unwrap().into_written();
    (
        String::from_utf8(out.to_vec()).unwrap(),
        signed_digest,
        info_digest,
    )
}

#[test]
fn signed_parts_are_exclusive_canonical_and_digests_match() {
    let mut buf = vec![0u8; 8192];
    let (xml, signed_digest, info_digest) = challenge(&mut buf);
    let doc = Document::parse(&xml).unwrap();
    let signed = by_id(&doc, "SignedData");
    check_canonical(signed, "DeleteLicenseData").unwrap();
    assert_eq!(sha256(exclusive_c14n(signed).as_bytes()), signed_digest);
    let info = doc
        .descendants()
        .find(|n| n.has_tag_name((ns::DSIG, "SignedInfo")))
        .unwrap();
    check_canonical(info, "SignedInfo").unwrap();
    assert_eq!(sha256(exclusive_c14n(info).as_bytes()), info_digest);
    // The apex declares its namespace again although the document has it in force already.
    assert!(raw(info).starts_with("<SignedInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\">"));
    assert!(raw(signed).starts_with(
        "<DeleteLicenseData xmlns=\"http://schemas.microsoft.com/DRM/2007/03/protocols\" \
Id=\"SignedData\" xml:space=\"preserve\"><Version>1</Version>"
    ));
}

#[test]
fn tricky_apex_elements_equal_their_exclusive_c14n() {
    let mut buf = vec![0u8; 8192];
    let mut w: W<'_> = Writer::new(SliceSink::new(&mut buf));
    w.start_declaring(
        Name::new("urn:outer", "root"),
        &[],
        &[("unused", "urn:unused")],
    )
    .unwrap();
    w.start(Name::prefixed("p", "urn:p", "mid"), &[]).unwrap();
    // Apex 1: prefixes on element and attributes, escapes, an undeclared default inside.
    w.start_apex(
        Name::prefixed("p", "urn:p", "a1"),
        &[
            Attr::new("Id", "one"),
            Attr::new("z", "q\"uote\ttab\nnl\rcr<&>'"),
            Attr {
                name: Name::prefixed("q", "urn:q", "b"),
                value: "2",
            },
            Attr {
                name: Name::prefixed("r", "urn:a-first", "b"),
                value: "1",
            },
            Attr::xml("lang", "en"),
        ],
    )
    .unwrap();
    w.text("text & <markup> ]]> \r\n\u{e9}\u{1F600}").unwrap();
    w.start(Name::prefixed("p", "urn:p", "same"), &[]).unwrap();
    w.start(Name::prefixed("p", "urn:p-other", "rebound"), &[])
        .unwrap();
    w.empty(Name::new("urn:default", "dflt"), &[]).unwrap();
    w.end().unwrap();
    w.end().unwrap();
    w.start(Name::new("urn:d", "d"), &[]).unwrap();
    // An apex inside an apex would declare urn:d again: refused.
    assert_eq!(
        w.start_apex(Name::new("urn:d", "x"), &[]),
        Err(drm_core::Error::InvalidArgument)
    );
    w.start(Name::new("urn:d", "a2"), &[Attr::new("Id", "two")])
        .unwrap();
    w.leaf(
        Name::new("urn:d", "leaf"),
        &[Attr {
            name: Name::prefixed("q", "urn:q", "x"),
            value: "",
        }],
        "",
    )
    .unwrap();
    w.end().unwrap();
    w.end().unwrap();
    w.end().unwrap();
    // A second apex beside the first, under a rebinding of its prefix.
    w.start(Name::prefixed("p", "urn:p-else", "between"), &[])
        .unwrap();
    w.start_apex(
        Name::prefixed("p", "urn:p", "a3"),
        &[Attr::new("Id", "four")],
    )
    .unwrap();
    w.empty(Name::prefixed("p", "urn:p", "in"), &[]).unwrap();
    w.end().unwrap();
    w.end().unwrap();
    w.end().unwrap();
    // Outside any apex: an element in no namespace undeclares the default.
    w.empty(Name::new("", "plain"), &[Attr::new("Id", "three")])
        .unwrap();
    w.end().unwrap();
    let xml = String::from_utf8(w.finish().unwrap().into_written().to_vec()).unwrap();
    let doc = Document::parse(&xml).unwrap();
    for id in ["one", "four"] {
        let node = by_id(&doc, id);
        assert_eq!(raw(node), exclusive_c14n(node), "{id} in {xml}");
    }
    let plain = by_id(&doc, "three");
    assert_eq!(plain.tag_name().namespace().unwrap_or(""), "");
    assert!(raw(plain).starts_with("<plain xmlns=\"\""), "{xml}");
    assert!(raw(by_id(&doc, "four")).starts_with("<p:a3 xmlns:p=\"urn:p\" Id=\"four\"><p:in>"));
}
