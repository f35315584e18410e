#!/usr/bin/env bash
# Checks challenges built by the drm-tests templates, drm-core's own AcquireLicense challenge and
# drm-securedelete's own Secure Delete challenges,
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
# drm-securedelete's own Secure Delete challenges (remove, and generate_challenge after a remount).
cargo run -q -p drm-tests --example write_sd_client_challenge -- "$out"
for c in client_sd_challenge client_sd_challenge_again; do
    target/venv/bin/python tests/python/verify_challenge.py "$out/$c.xml" "$out/client_sd_server.key"
done
# The check is not vacuous: the same challenge with its Version changed must fail.
sed 's|<Version>1</Version>|<Version>2</Version>|' "$out/client_sd_challenge.xml" >"$out/client_sd_tampered.xml"
if target/venv/bin/python tests/python/verify_challenge.py "$out/client_sd_tampered.xml" "$out/client_sd_server.key"; then
    echo "FAIL: a tampered Secure Delete challenge verified"
    exit 1
fi
echo "ok: the tampered Secure Delete challenge was refused (the FAIL line above is expected)"
