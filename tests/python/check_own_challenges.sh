#!/usr/bin/env bash
# Checks challenges built by the drm-tests templates with verify_challenge.py (lxml exclusive
# canonicalisation and `cryptography`), in a virtual environment under target/venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/pycheck
python3 -m venv target/venv
target/venv/bin/pip install -q -r tests/python/requirements.txt
cargo run -q -p drm-tests --example write_challenges -- "$out"
for c in sd_challenge la_challenge; do
    target/venv/bin/python tests/python/verify_challenge.py "$out/$c.xml" "$out/server.key"
done
