//! The XML reader and writer compared with an independent parser, `roxmltree`.
//!
//! - Reader: on a corpus of documents (namespaces, prefixes, entities and character references,
//!   CDATA, comments, both quote styles, whitespace normalisation), the reader's events, with
//!   adjacent text joined, equal roxmltree's tree walked in document order; documents roxmltree
//!   rejects are rejected too; DTDs, entity declarations, entity bombs, processing instructions,
//!   depth, size, name and attribute bombs are refused with the typed error.
//! - Writer: pseudo-random documents written by the writer parse with roxmltree to exactly the
//!   tree that was written (so every escape round-trips), and read back the same with the reader.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use drm_core::Error;
use drm_core::xml::reader::{Event, Reader};
use drm_core::xml::writer::{Attr, CountingSink, Name, SliceSink, Writer};

/// One node of a document in a form both parsers can produce.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// namespace, local name, attributes sorted as (namespace, local, value).
    Start(String, String, Vec<(String, String, String)>),
    Text(String),
    End(String, String),
}

fn push_text(items: &mut Vec<Item>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Item::Text(t)) = items.last_mut() {
        t.push_str(text);
    } else {
        items.push(Item::Text(text.to_owned()));
    }
}

fn with_roxmltree(xml: &str) -> Result<Vec<Item>, roxmltree::Error> {
    let doc = roxmltree::Document::parse(xml)?;
    let mut items = Vec::new();
    walk(doc.root_element(), &mut items);
    Ok(items)
}

fn walk(node: roxmltree::Node<'_, '_>, items: &mut Vec<Item>) {
    let ns = node.tag_name().namespace().unwrap_or("").to_owned();
    let local = node.tag_name().name().to_owned();
    let mut attrs: Vec<_> = node
        .attributes()
        .map(|a| {
            (
                a.namespace().unwrap_or("").to_owned(),
                a.name().to_owned(),
                a.value().to_owned(),
            )
        })
        .collect();
    attrs.sort();
    items.push(Item::Start(ns.clone(), local.clone(), attrs));
    for child in node.children() {
        if child.is_element() {
            walk(child, items);
        } else if child.is_text() {
            push_text(items, child.text().unwrap_or(""));
        }
    }
    items.push(Item::End(ns, local));
}

fn decoded(t: drm_core::xml::reader::RawText<'_>) -> String {
    t.chars().collect()
}

fn with_reader(xml: &[u8]) -> Result<Vec<Item>, Error> {
    let mut r = Reader::new(xml)?;
    let mut items = Vec::new();
    while let Some(event) = r.next_event()? {
        match event {
            Event::Start { name, .. } => {
                let mut attrs: Vec<_> = r
                    .attributes()
                    .map(|a| {
                        (
                            decoded(a.name.ns),
                            a.name.local.to_owned(),
                            decoded(a.value),
                        )
                    })
                    .collect();
                attrs.sort();
                items.push(Item::Start(decoded(name.ns), name.local.to_owned(), attrs));
            }
            Event::End { name, .. } => {
                items.push(Item::End(decoded(name.ns), name.local.to_owned()))
            }
            Event::Text(t) => push_text(&mut items, &decoded(t)),
        }
    }
    Ok(items)
}

const SEED_RESPONSE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope
  xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <soap:Body>
    <ProcessDeleteLicenseDataResponse
      xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols">
      <ProcessDeleteLicenseDataResult>
        <Response
          xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols/messages">
          <DeleteLicenseResponse
            xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols">
            <Version>1</Version>
            <SessionID>BASE_64_ENCODED_SESSION_ID</SessionID>
          </DeleteLicenseResponse>
        </Response>
      </ProcessDeleteLicenseDataResult>
    </ProcessDeleteLicenseDataResponse>
  </soap:Body>
</soap:Envelope>
"#;

const CORPUS: &[&str] = &[
    SEED_RESPONSE,
    "<a/>",
    "\u{FEFF}<a></a>",
    "<?xml version='1.0'?>\n<!-- before --><a>x</a><!-- after -->\n\n",
    "<?xml version=\"1.1\" encoding=\"UTF-8\" standalone=\"yes\"?><a/>",
    "<a x='single' y=\"double\" z='it&apos;s \"q\"' w=\"it's &quot;q&quot;\"/>",
    "<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x1F600;&#233;</a>",
    "<a>text<![CDATA[ <cdata> & ]] ]>]]>more<!-- gone -->tail</a>",
    "<a>line\r\nend\rcr\nlf&#13;&#xD;ref</a>",
    "<a v=\"tab\tnl\ncr\rcrlf\r\nref&#9;&#10;&#13;\"/>",
    "<p:a xmlns:p=\"urn:p\" xmlns=\"urn:d\"><b/><p:c p:x=\"1\" x=\"2\"/><d xmlns=\"\"/></p:a>",
    "<a xmlns=\"urn:a\"><b xmlns=\"urn:b\"><c/></b><c/></a>",
    "<a xmlns:p=\"urn:1\"><p:b xmlns:p=\"urn:2\"><p:c/></p:b><p:d/></a>",
    "<a xml:lang=\"en\" xml:space=\"preserve\">  </a>",
    "<a xmlns:xml=\"http://www.w3.org/XML/1998/namespace\" xml:lang=\"x\"/>",
    "<a xmlns=\"urn:&amp;amp\"><b/></a>",
    "<a  x = '1'\n\ty\t=\"2\"  ></a >",
    "<\u{e9}l\u{e8}ve n\u{b7}o-m.e_1=\"\u{4e2d}\u{6587}\">\u{10000}</\u{e9}l\u{e8}ve>",
    "<a><b><c><d><e>deep</e></d></c></b></a>",
    "<a>]]&gt; ]] &gt; ] ]</a>",
    "<a>x<!---->y</a>",
];

const BROKEN: &[&str] = &[
    "",
    "   ",
    "<a>",
    "</a>",
    "<a></b>",
    "<a><b></a></b>",
    "<a/><b/>",
    "<a/>x",
    "x<a/>",
    "<a x=1/>",
    "<a x='1' x='2'/>",
    "<a x='1'y='2'/>",
    "<a x='<'/>",
    "<a>&#0;</a>",
    "<a>&#xFFFE;</a>",
    "<a>&#;</a>",
    "<a>&#x;</a>",
    "<a>&amp</a>",
    "<a>& b</a>",
    "<a>]]></a>",
    "<a><!-- x -- y --></a>",
    "<a><!-- x ---></a>",
    "<p:a/>",
    "<a p:x='1'/>",
    "<xmlns:a/>",
    "<a xmlns:xml='urn:other'/>",
    "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>",
    "<a xmlns:p='u' xmlns:q='u' p:x='1' q:x='2'/>",
    "<1a/>",
    "<a:b:c xmlns:a='u'/>",
    "<a><![CDATA[x</a>",
    "<a>\u{1}</a>",
    "<a\u{0}/>",
    "<?xml encoding='utf-8'?><a/>",
    "<a/><!-- unterminated",
    "<a></a\n",
];

#[test]
fn reader_matches_roxmltree_on_the_corpus() {
    for xml in CORPUS {
        let expected = with_roxmltree(xml).unwrap_or_else(|e| panic!("roxmltree on {xml:?}: {e}"));
        let got = with_reader(xml.as_bytes()).unwrap_or_else(|e| panic!("reader on {xml:?}: {e}"));
        assert_eq!(got, expected, "{xml:?}");
    }
}

#[test]
fn reader_rejects_what_roxmltree_rejects() {
    for xml in BROKEN {
        assert!(
            roxmltree::Document::parse(xml).is_err(),
            "roxmltree accepts {xml:?}"
        );
        assert_eq!(
            with_reader(xml.as_bytes()),
            Err(Error::XmlMalformed),
            "{xml:?}"
        );
    }
    // Stricter than roxmltree, as Namespaces in XML 1.0 §3 requires: no undeclared prefix, no
    // binding of the `xmlns` prefix.
    for xml in ["<a xmlns:p=''/>", "<a xmlns:xmlns='u'/>"] {
        assert!(roxmltree::Document::parse(xml).is_ok(), "{xml:?}");
        assert_eq!(
            with_reader(xml.as_bytes()),
            Err(Error::XmlMalformed),
            "{xml:?}"
        );
    }
    // Not UTF-8.
    assert_eq!(with_reader(b"<a>\xff</a>"), Err(Error::XmlMalformed));
}

#[test]
fn reader_refuses_dtds_entities_and_processing_instructions() {
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">\
<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\
<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]><lolz>&lol2;</lolz>";
    for xml in [
        laughs,
        "<!DOCTYPE a><a/>",
        "<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a>&x;</a>",
        "<?xml version='1.0'?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"http://x/\">]><a>&x;</a>",
        "<a><!DOCTYPE a></a>",
        "<a><!ENTITY x 'y'></a>",
        "<a>&x;</a>",
        "<a v='&lol;'/>",
        "<?xml-stylesheet href='x'?><a/>",
        "<a><?php echo 1; ?></a>",
        "<a/><?pi?>",
        "\n<?xml version='1.0'?><a/>",
        "<?xml version='1.0'?><?xml version='1.0'?><a/>",
    ] {
        assert_eq!(
            with_reader(xml.as_bytes()),
            Err(Error::XmlForbidden),
            "{xml:?}"
        );
    }
}

#[test]
fn reader_limits_depth_size_names_and_attributes() {
    // Depth: the default reader takes 32 levels, refuses 33, and an 80,000-deep bomb.
    let nest = |n: usize| "<a>".repeat(n) + &"</a>".repeat(n);
    assert!(with_reader(nest(32).as_bytes()).is_ok());
    assert_eq!(with_reader(nest(33).as_bytes()), Err(Error::XmlTooDeep));
    let bomb = "<a>".repeat(80_000);
    assert_eq!(with_reader(bomb.as_bytes()), Err(Error::XmlTooDeep));
    // Size: over the default 256 KiB, refused before reading.
    let big = format!("<a>{}</a>", "x".repeat(256 * 1024));
    assert_eq!(Reader::new(big.as_bytes()).err(), Some(Error::XmlTooLarge));
    // Names: 128 bytes pass, 129 do not.
    let name = |n: usize| format!("<{0}></{0}>", "n".repeat(n));
    assert!(with_reader(name(128).as_bytes()).is_ok());
    assert_eq!(with_reader(name(129).as_bytes()), Err(Error::XmlTooLarge));
    // Attributes: 16 pass, 17 do not; namespace declarations count, and 33 bindings do not fit.
    let attrs = |n: usize| {
        let a: String = (0..n).map(|i| format!(" a{i}='{i}'")).collect();
        format!("<a{a}/>")
    };
    assert!(with_reader(attrs(16).as_bytes()).is_ok());
    assert_eq!(with_reader(attrs(17).as_bytes()), Err(Error::XmlTooLarge));
    let bindings: String = (0..3)
        .map(|e| {
            let decls: String = (0..11)
                .map(|i| format!(" xmlns:p{e}x{i}='urn:{i}'"))
                .collect();
            format!("<e{decls}>")
        })
        .collect::<String>()
        + &"</e>".repeat(3);
    assert_eq!(with_reader(bindings.as_bytes()), Err(Error::XmlTooLarge));
    // A long text is fine within the size limit.
    let text = format!("<a>{}</a>", "&amp;".repeat(40_000));
    assert!(with_reader(text.as_bytes()).is_ok());
}

/// xorshift64*, enough to vary the documents.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const NAMESPACES: &[(&str, &str)] = &[
    ("", ""),
    ("", "urn:default"),
    ("", "urn:other"),
    ("p", "urn:p"),
    ("q", "urn:q&\"<>"),
    ("p", "urn:p2"),
];
const LOCALS: &[&str] = &["a", "B", "c1", "d-e", "f.g", "_h", "\u{e9}t\u{e9}"];
const PIECES: &[&str] = &[
    "x",
    " ",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "]]>",
    "\u{e9}",
    "\u{10348}",
    "&amp;",
    "abc",
];

fn random_text(rng: &mut Rng) -> String {
    (0..rng.below(5)).map(|_| rng.pick(PIECES)).collect()
}

/// Writes a random element tree; records the expected items.
fn write_random<S: drm_core::xml::writer::Sink>(
    w: &mut Writer<'static, S>,
    rng: &mut Rng,
    depth: usize,
    in_apex: bool,
    items: &mut Vec<Item>,
    strings: &mut Vec<&'static str>,
) {
    // Inside an apex no element is in no namespace (under a default namespace it cannot be
    // canonical, and the writer refuses it).
    let (prefix, ns) = if in_apex {
        rng.pick(&NAMESPACES[1..])
    } else {
        rng.pick(NAMESPACES)
    };
    let local = rng.pick(LOCALS);
    let mut attrs: Vec<Attr<'static, 'static>> = Vec::new();
    for _ in 0..rng.below(4) {
        let name = match rng.below(3) {
            0 => Name::new("", rng.pick(LOCALS)),
            1 => Name::prefixed("xml", drm_core::xml::ns::XML, rng.pick(&["lang", "space"])),
            _ => {
                let (p, u) = rng.pick(&NAMESPACES[3..]);
                Name::prefixed(p, u, rng.pick(LOCALS))
            }
        };
        if attrs.iter().any(|a| {
            (a.name.ns, a.name.local) == (name.ns, name.local)
                || (a.name.prefix == name.prefix && a.name.ns != name.ns)
        }) || (name.prefix == prefix && name.ns != ns && !prefix.is_empty())
        {
            continue;
        }
        let value: &'static str = Box::leak(random_text(rng).into_boxed_str());
        strings.push(value);
        attrs.push(Attr { name, value });
    }
    let apex = rng.below(4) == 0 && !ns.is_empty() && !in_apex;
    let name = if prefix.is_empty() {
        Name::new(ns, local)
    } else {
        Name::prefixed(prefix, ns, local)
    };
    if apex {
        w.start_apex(name, &attrs).unwrap();
    } else {
        w.start(name, &attrs).unwrap();
    }
    let mut sorted: Vec<_> = attrs
        .iter()
        .map(|a| {
            (
                a.name.ns.to_owned(),
                a.name.local.to_owned(),
                a.value.to_owned(),
            )
        })
        .collect();
    sorted.sort();
    items.push(Item::Start(ns.to_owned(), local.to_owned(), sorted));
    for _ in 0..rng.below(if depth < 4 { 4 } else { 1 }) {
        if rng.below(2) == 0 {
            let text = random_text(rng);
            w.text(&text).unwrap();
            // roxmltree normalises nothing in text written as references.
            push_text(items, &text);
        } else {
            write_random(w, rng, depth + 1, in_apex || apex, items, strings);
        }
    }
    w.end().unwrap();
    items.push(Item::End(ns.to_owned(), local.to_owned()));
}

#[test]
fn writer_output_parses_back_to_what_was_written() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut buf = vec![0u8; 1 << 16];
    for round in 0..500 {
        let mut items = Vec::new();
        let mut strings = Vec::new();
        let mut w = Writer::new(SliceSink::new(&mut buf));
        if round % 2 == 0 {
            w.declaration().unwrap();
        }
        write_random(&mut w, &mut rng, 0, false, &mut items, &mut strings);
        let out = w.finish().unwrap().into_written();
        let text = std::str::from_utf8(out).unwrap().to_owned();
        let parsed = with_roxmltree(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(parsed, items, "{text}");
        assert_eq!(with_reader(text.as_bytes()).unwrap(), items, "{text}");
        assert!(!text.contains("/>"), "{text}");
    }
}

#[test]
fn counting_sink_matches_and_small_buffers_fail_cleanly() {
    fn doc<S: drm_core::xml::writer::Sink>(w: &mut Writer<'static, S>) -> drm_core::Result<()> {
        w.declaration()?;
        w.start_declaring(
            Name::prefixed("soap", drm_core::xml::ns::SOAP, "Envelope"),
            &[],
            &[
                ("xsi", drm_core::xml::ns::XSI),
                ("xsd", drm_core::xml::ns::XSD),
            ],
        )?;
        w.start(Name::prefixed("soap", drm_core::xml::ns::SOAP, "Body"), &[])?;
        w.leaf(Name::new("urn:x", "V"), &[Attr::new("Id", "a&b")], "1 < 2")?;
        w.end()?;
        w.end()
    }
    let mut counter = Writer::new(CountingSink::new());
    doc(&mut counter).unwrap();
    let need = drm_core::xml::writer::Sink::len(counter.finish().as_ref().unwrap());
    let mut buf = vec![0u8; need];
    let mut w = Writer::new(SliceSink::new(&mut buf));
    doc(&mut w).unwrap();
    let out = w.finish().unwrap().into_written().to_vec();
    assert_eq!(out.len(), need);
    let text = String::from_utf8(out).unwrap();
    assert!(roxmltree::Document::parse(&text).is_ok(), "{text}");
    assert!(text.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" \
xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soap:Body>"
    ), "{text}");
    for short in [0, 1, need / 2, need - 1] {
        let mut small = vec![0u8; short];
        let mut w = Writer::new(SliceSink::new(&mut small));
        assert_eq!(doc(&mut w), Err(Error::BufferTooSmall));
    }
}
