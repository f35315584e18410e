//! The XML reader on arbitrary bytes: every event, every attribute and every text decoded, and
//! the path helper over the same input. Must never panic.
#![no_main]

use drm_core::xml::path;
use drm_core::xml::reader::{Event, Reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = [0u8; 512];
    if let Ok(mut reader) = Reader::new(data) {
        while let Ok(Some(event)) = reader.next_event() {
            match event {
                Event::Start { name, .. } => {
                    let _ = name.ns.decode_into(&mut buf);
                    for a in reader.attributes() {
                        let _ = a.value.decode_into(&mut buf);
                        let _ = a.name.ns.chars().count();
                    }
                }
                Event::Text(t) => {
                    let _ = t.decode_into(&mut buf);
                    let _ = t.as_plain();
                }
                Event::End { .. } => {}
            }
        }
    }
    let soap = "http://schemas.xmlsoap.org/soap/envelope/";
    let steps = [(soap, "Envelope"), (soap, "Body"), ("", "a")];
    if let Ok(Some(found)) = path::find(data, &steps[..2], 0) {
        let _ = found.span();
    }
    if let Ok(Some(found)) = path::find(data, &[("", "a")], 0) {
        let _ = found.attribute("", "x");
        let _ = found.text_into(&mut buf);
    }
    let _ = path::count(data, &steps[2..]);
});
