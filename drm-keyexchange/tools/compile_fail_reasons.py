#!/usr/bin/env python3
"""Checks that each `compile_fail,EXXXX` example of drm-keyexchange/src/context.rs fails with the
error code it names. Stable rustdoc passes a compile_fail example that fails for any reason (a
typo would do); this builds each example as a small crate and compares the error codes.

    python3 drm-keyexchange/tools/compile_fail_reasons.py      (from the repository root)
"""
import pathlib, re, subprocess, sys, tempfile

root = pathlib.Path(__file__).resolve().parents[2]
source = (root / "drm-keyexchange/src/context.rs").read_text()
blocks = re.findall(r"//! ```compile_fail,(E\d+)\n(.*?)//! ```\n", source, re.S)
if not blocks:
    sys.exit("no compile_fail examples found")
failed = 0
with tempfile.TemporaryDirectory() as tmp:
    crate = pathlib.Path(tmp)
    (crate / "src").mkdir()
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "cf"\nversion = "0.1.0"\nedition = "2024"\n[workspace]\n'
        f'[dependencies]\ndrm-keyexchange = {{ path = "{root}/drm-keyexchange" }}\n'
        f'drm-core = {{ path = "{root}/drm-core" }}\n'
    )
    # The workspace's lock file: the same dependency versions as the workspace, no index update.
    (crate / "Cargo.lock").write_text((root / "Cargo.lock").read_text())
    for code, block in blocks:
        lines = [l[4:] if l.startswith("//! ") else l[3:] for l in block.splitlines()]
        lines = [l[2:] if l.startswith("# ") else l for l in lines]
        uses = [l for l in lines if l.startswith("use ")]
        body = [l for l in lines if not l.startswith("use ")]
        (crate / "src/main.rs").write_text(
            "\n".join(uses) + "\n#[allow(unused, unreachable_code)]\nfn main() {\n"
            + "\n".join(body) + "\n}\n"
        )
        r = subprocess.run(
            ["cargo", "build", "--quiet", "--target-dir", str(root / "target/compile-fail")],
            cwd=crate, capture_output=True, text=True,
        )
        got = sorted(set(re.findall(r"error\[(E\d+)\]", r.stderr)))
        ok = r.returncode != 0 and code in got
        failed += not ok
        print(f"{'ok' if ok else 'FAILED'}: expected {code}, got {got or 'success'}")
sys.exit(1 if failed else 0)
