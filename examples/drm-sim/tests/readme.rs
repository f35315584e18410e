//! The README's sample output of `drm-sim demo` (first and second run) is what the demo prints:
//! two real runs on a fresh state directory, compared line by line with the README's blocks
//! after ids, keys and counts are masked (they differ on every run). A `...` line in the README
//! stands for lines left out. Regenerate the samples from a real run when this fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;
use common::{ok, temp_dir};

/// Masks every run of lowercase hex digits and `-` that holds a digit (GUIDs, key
/// fingerprints, counts) as `#`.
fn shape(line: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().any(|c| c.is_ascii_digit()) {
            out.push('#');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in line.chars() {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) || c == '-' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The README's ```text blocks that show a demo run, in order.
fn readme_samples() -> Vec<Vec<String>> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```text\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").unwrap();
        if body.starts_with("drm-sim demo: state in") {
            blocks.push(body[..end].lines().map(str::to_owned).collect());
        }
        rest = &body[end + 3..];
    }
    blocks
}

/// Whether `got` matches `want`, where a `...` line of `want` stands for any lines.
fn matches(want: &[String], got: &[String]) -> Result<(), String> {
    let segments: Vec<&[String]> = want.split(|l| l == "...").collect();
    let mut at = 0;
    for (i, seg) in segments.iter().enumerate() {
        let found = if i == 0 {
            got.starts_with(seg).then_some(0)
        } else if i == segments.len() - 1 {
            (got.len() >= seg.len() + at && got.ends_with(seg)).then(|| got.len() - seg.len())
        } else {
            (at..=got.len().saturating_sub(seg.len())).find(|&k| got[k..].starts_with(seg))
        };
        let Some(k) = found else {
            let first = seg.first().map_or("", String::as_str);
            let near = got
                .iter()
                .skip(at)
                .zip(seg.iter())
                .find(|(g, w)| g != w)
                .map(|(g, w)| format!("\n  README: {w}\n  demo:   {g}"))
                .unwrap_or_default();
            return Err(format!(
                "README block part {i} (from `{first}`) not in the demo's output{near}"
            ));
        };
        at = k + seg.len();
    }
    Ok(())
}

#[test]
fn the_readme_shows_what_the_demo_prints() {
    let samples = readme_samples();
    assert_eq!(
        samples.len(),
        2,
        "the README shows a first and a second run"
    );
    let state = temp_dir("readme").join("drm-sim-state");
    let s = state.to_str().unwrap();
    for (run, sample) in samples.iter().enumerate() {
        let out = ok(&["demo", "--state", s]).replace(s, "target/drm-sim-state");
        let got: Vec<String> = out.lines().map(shape).collect();
        let want: Vec<String> = sample.iter().map(|l| shape(l)).collect();
        if let Err(e) = matches(&want, &got) {
            panic!(
                "run {} differs from the README's sample: {e}\n(regenerate the sample from \
                 `cargo run -p drm-sim --release -- demo` on a fresh state)",
                run + 1
            );
        }
    }
}

#[test]
fn the_shape_masks_only_ids_and_counts() {
    assert_eq!(
        shape("[kx ecdsa-p256-sign ] ok  session e31d1e00-cdeb-6ead-269e-b6f17a889801 (2 of 30)"),
        "[kx ecdsa-p#sign ] ok  session # (# of #)"
    );
    let l = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert!(matches(&l(&["a", "...", "z"]), &l(&["a", "b", "c", "z"])).is_ok());
    assert!(matches(&l(&["a", "...", "z"]), &l(&["a", "z"])).is_ok());
    assert!(matches(&l(&["a", "b"]), &l(&["a", "c"])).is_err());
    assert!(matches(&l(&["a", "...", "y"]), &l(&["a", "b", "z"])).is_err());
}
