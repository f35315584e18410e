#!/usr/bin/env bash
# Checks challenges built by the drm-tests templates, and drm-core's own AcquireLicense challenge,
# with verify_challenge.py (lxml exclusive canonicalisation and `cryptography`), in a virtual
# environment under target/venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/pycheck
python3 -m venv target/venv
target/venv/bin/pip install -q -r tests/python/requirements.txt
cargo run -q -p drm-tests --example write_challenges -- "$out"
for c in sd_challenge la_challenge; do
    target/venv/bin/python tests/python/verify_challenge.py "$out/$c.xml" "$out/server.key"
done
# drm-core's own client challenge (drm_core::acquire), same checks.
cargo run -q -p drm-tests --example write_client_challenge -- "$out"
target/venv/bin/python tests/python/verify_challenge.py "$out/client_la_challenge.xml" "$out/client_server.key"
