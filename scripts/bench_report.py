#!/usr/bin/env python3
"""Part of scripts/bench: turns the raw measurements in DIR (llvm-size and llvm-nm output of the
footprint firmwares, the bench_ops logs, hds.md) into Markdown: the firmware sections on stdout,
the targets table in DIR/targets.md. Never invents a number: what is missing is said to be.

    bench_report.py DIR QUICK
"""

import re
import sys
from pathlib import Path

DIR = Path(sys.argv[1])
QUICK = sys.argv[2] == "1"

FP_BINS = ["fp_base", "fp_core", "fp_hds", "fp_keyexchange", "fp_securedelete", "fp_all"]
FP_WHAT = {
    "fp_base": "board runtime alone (start-up, harness, defmt over semihosting)",
    "fp_core": "drm-core: acquisition challenge, license parse and verify",
    "fp_hds": "drm-hds: format, put, get, delete, mount",
    "fp_keyexchange": "drm-keyexchange (with drm-core, drm-hds): license storage, Prepare/Perform/Close × 6",
    "fp_securedelete": "drm-securedelete (with drm-core, drm-hds): session, remove, challenge, response",
    "fp_all": "all four crates: every operation above",
}
CONFIGS = [("mps2-an386", "z"), ("mps2-an386", "s"), ("microbit", "z"), ("microbit", "s")]
CORE = {"mps2-an386": "M4F", "microbit": "M0"}
KIB = 1024


def sections(f):
    """Section sizes of an `llvm-size -A` output file: {name: bytes}."""
    sec = {}
    for line in f.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith(".") and parts[1].isdigit():
            sec[parts[0]] = int(parts[1])
    return sec


def flash_of(f):
    """Flash (`.text` + `.rodata`) of an `llvm-size -A` output file, or None when missing."""
    if not f.exists():
        return None
    sec = sections(f)
    return sec.get(".text", 0) + sec.get(".rodata", 0)


def log_ops(f):
    """{operation: (stack, instructions)} from the `bench NAME stack=.. instructions=..` lines
    of a bench_ops log (empty when the log is missing)."""
    ops = {}
    if f.exists():
        for line in f.read_text().splitlines():
            m = re.match(r"^bench (.+) stack=(\d+) instructions=(\d+)$", line)
            if m:
                ops[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return ops


def size_of(board, opt, fp):
    """(flash, static RAM) of one footprint firmware, or None when not measured."""
    f = DIR / "fp" / f"{board}-{opt}-{fp}.size"
    if not f.exists():
        return None
    sec = sections(f)
    storage = 0
    s = DIR / "fp" / f"{board}-{opt}-{fp}.storage"
    if s.exists():
        for line in s.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2:
                storage += int(parts[1], 16)
    flash = sec.get(".text", 0) + sec.get(".rodata", 0)
    ram = sec.get(".data", 0) + sec.get(".bss", 0) + sec.get(".uninit", 0) - storage
    return flash, ram


def ops_of(opt):
    """{operation: (stack, instructions)} from bench_ops at opt-level `opt`, and its info."""
    f = DIR / "ops" / f"{opt}.log"
    if not f.exists():
        return None, {}
    ops, info = log_ops(f), {}
    for line in f.read_text().splitlines():
        m = re.match(r"^bench-info (.*)$", line)
        if m:
            for kv in m.group(1).split():
                k, v = kv.split("=")
                info[k] = int(v)
    return ops, info


def n(x):
    return f"{x:,}"


out = []
targets = []
P = out.append

# ---- footprint ----
P("## Footprint: flash and static RAM\n")
P("Firmwares `targets/qemu/firmware/src/bin/fp_*.rs` (release, LTO, `codegen-units = 1`, "
  "`panic = \"abort\"`; opt-level as the column says, through `CARGO_PROFILE_RELEASE_OPT_LEVEL`), "
  "measured with `llvm-size -A` (llvm-tools). Flash = `.text` + `.rodata`; static RAM = `.data` + "
  "`.bss`, without the board's simulated flash (`drm_board::flash::STORAGE`, from `llvm-nm -S`: it "
  "stands in for the real NOR flash). Each firmware's `.rodata` also holds the test vectors it "
  "uses (licenses, certificate chain). Δ = minus `fp_base`. M4F: mps2-an386 "
  "(`thumbv7em-none-eabihf`); M0: microbit (`thumbv6m-none-eabi`). The kit itself has no "
  "statics: its RAM is the stack (next section) and the objects the caller owns (a `Store` is "
  "in the HDS section's RAM column).\n")
td = next((ops_of(o)[1].get("test_data") for o in ["z", "s"] if ops_of(o)[0]), None)
if td:
    P(f"Test data `fp_all` carries (certificate chain, six licenses, the 1 KiB message, a tag and "
      f"a signature over it; counted by `bench_ops`): {n(td)} bytes.\n")
cols = [c for c in CONFIGS if size_of(c[0], c[1], "fp_base")]
missing = [c for c in CONFIGS if c not in cols]
if cols:
    P("| firmware | what | " + " | ".join(f"{CORE[b]} \"{o}\" flash (Δ) | {CORE[b]} \"{o}\" RAM"
                                         for b, o in cols) + " |")
    P("|---|---|" + "---|---|" * len(cols))
    for fp in FP_BINS:
        cells = []
        for b, o in cols:
            v, base = size_of(b, o, fp), size_of(b, o, "fp_base")
            if v is None:
                cells += ["not measured", "not measured"]
                continue
            d = "" if fp == "fp_base" else f" ({v[0] - base[0]:+,})"
            cells += [f"{n(v[0])}{d}", n(v[1])]
        P(f"| `{fp}` | {FP_WHAT[fp]} | " + " | ".join(cells) + " |")
    P("")
for b, o in missing:
    P(f"{CORE[b]} at opt-level \"{o}\": **not measured{' in the quick run' if QUICK else ''}**.\n")

top = DIR / "fp" / "mps2-an386-z-fp_all.top"
if not top.exists():
    top = DIR / "fp" / "mps2-an386-s-fp_all.top"
if top.exists():
    opt = top.name.split("-")[2]
    P(f"The largest functions and constants of `fp_all` (M4F, \"{opt}\"; `llvm-nm -S --size-sort`; "
      "kind t = code, r = read-only data; the `ops::` functions hold the kit's code LTO inlined "
      "into them):\n")
    P("| bytes | kind | symbol |")
    P("|---|---|---|")
    for line in reversed(top.read_text().splitlines()):
        parts = line.split(None, 3)
        if len(parts) == 4:
            name = re.sub(r"::h[0-9a-f]{16}$", "", parts[3])
            for a, b in [("$LT$", "<"), ("$GT$", ">"), ("$C$", ","), ("$u20$", " "),
                         ("$RF$", "&"), ("..", "::")]:
                name = name.replace(a, b)
            if len(name) > 110:
                name = name[:107] + "..."
            P(f"| {n(int(parts[1], 16))} | {parts[2]} | `{name.replace('|', '/')}` |")
    P("")

allz = size_of("mps2-an386", "z", "fp_all")
basez = size_of("mps2-an386", "z", "fp_base")
if allz:
    kit = allz[0] - basez[0]
    ok = allz[0] <= 64 * KIB
    targets.append((
        "whole kit ≤ 64 KiB flash (M4F, \"z\")",
        f"`fp_all`: {n(allz[0])} bytes ({n(kit)} without the board runtime)",
        "met" if ok else f"**not met**: {n(allz[0] - 64 * KIB)} bytes over "
        f"({'the kit alone is within' if kit <= 64 * KIB else 'the kit alone is ' + n(kit - 64 * KIB) + ' bytes over'})"))
else:
    targets.append(("whole kit ≤ 64 KiB flash (M4F, \"z\")", "–", "**not measured**"))

# ---- stack and instructions ----
P("## Peak stack and instructions per operation (QEMU, Cortex-M4F)\n")
P("Firmware `targets/qemu/firmware/src/bin/bench_ops.rs` on the mps2-an386 under "
  "`qemu-system-arm -icount shift=0`; the Secure Delete part runs against the host's simulated "
  "server (`drm-tests` example `sd_qemu_host`, as `scripts/sd-roundtrip` does), every other input "
  "comes from the simulated license server at build time (`firmware/build_keyexchange.rs`). Peak "
  "stack: the free stack is painted before each operation; the figure is the deepest word written "
  "below the caller's stack pointer. Instructions: SysTick ticks × 40 (25 MHz SysTick, one "
  "instruction per virtual ns; ±40). Perform runs on 1 KiB (verify: the server's tag/signature "
  "of that 1 KiB); the store holds 64 records of 64 bytes for the HDS lines and the six "
  "KeyExchangeLicenses for Prepare.\n")
runs = {o: ops_of(o) for o in ["z", "s"]}
have = [o for o in ["z", "s"] if runs[o][0]]
if have:
    names = []
    for o in have:
        for k in runs[o][0]:
            if k not in names:
                names.append(k)
    P("| operation | " + " | ".join(f"peak stack \"{o}\" | instructions \"{o}\"" for o in have) + " |")
    P("|---|" + "---|---|" * len(have))
    for k in names:
        cells = []
        for o in have:
            v = runs[o][0].get(k)
            cells += [n(v[0]), n(v[1])] if v else ["–", "–"]
        P(f"| {k} | " + " | ".join(cells) + " |")
    P("")
for o in ["z", "s"]:
    if o not in have:
        P(f"Opt-level \"{o}\": **not measured{' in the quick run' if QUICK else ''}**.\n")

sizes = {}
for o in have:
    f = DIR / "ops" / f"{o}.log"
    for line in f.read_text().splitlines():
        m = re.match(r"^bench-size (.+)=(\d+)$", line)
        if m:
            sizes[m.group(1)] = int(m.group(2))
if sizes:
    P("The objects a caller owns (in a static or on its stack), on the M4F "
      "(`core::mem::size_of`, printed by `bench_ops`):\n")
    P("| object | bytes |")
    P("|---|---|")
    for k, v in sizes.items():
        P(f"| `{k.split(' (')[0]}`{' (' + k.split(' (', 1)[1] if ' (' in k else ''} | {n(v)} |")
    P("")

# ---- the kit's overhead ----
UNWRAP = ["raw elgamal decrypt", "raw aes-128-cmac of a license"]
PAIRS = [
    ("perform aes-cbc encrypt 1 KiB", ["raw aes-128-cbc encrypt 1 KiB"], 1.05),
    ("perform aes-cbc decrypt 1 KiB", ["raw aes-128-cbc decrypt 1 KiB"], 1.05),
    ("perform hmac-sha256 sign 1 KiB", ["raw hmac-sha256 1 KiB"], 1.05),
    ("perform hmac-sha256 verify 1 KiB", ["raw hmac-sha256 verify 1 KiB"], 1.05),
    ("perform ecdsa-p256 sign 1 KiB", ["raw sha-256 1 KiB", "raw ecdsa-p256 sign digest"], 1.05),
    ("perform ecdsa-p256 verify 1 KiB", ["raw ecdsa-p256 verify 1 KiB"], 1.05),
    ("prepare aes-cbc encrypt", UNWRAP, None),
    ("prepare aes-cbc decrypt", UNWRAP, None),
    ("prepare hmac-sha256 sign", UNWRAP, None),
    ("prepare hmac-sha256 verify", UNWRAP, None),
    ("prepare ecdsa-p256 sign", UNWRAP, None),
    ("prepare ecdsa-p256 verify", UNWRAP, None),
    ("challenge generation (secure delete)",
     ["raw elgamal encrypt", "raw p-256 point decompress of the rejected draws",
      "raw ecdsa-p256 sign digest", "raw sha-256 of the challenge length",
      "raw aes-128-cbc encrypt of the encrypted length"], 1.10),
]
P("## The kit's overhead: instructions beside the raw RustCrypto primitives\n")
P("Each kit operation beside the raw RustCrypto calls it is made of, measured in the same "
  "firmware (`bench_ops`): AES-CBC with its key schedule, HMAC with its key set-up, ECDSA sign = "
  "SHA-256 of the message + RFC 6979 signature of the digest. Challenge generation's primitives: "
  "one ElGamal encryption (k·G and M + k·Q, with the decompression of M), the square roots of "
  "the draws of M's x that were not the x of a point (the firmware replays the challenge's RNG "
  "and decompresses those draws again: "
  f"{runs['s'][1].get('rejected_draws', '?') if runs['s'][0] else '?'} of them with its seed, "
  "where one is expected on average), one signature of a digest, SHA-256 over as many bytes as the whole challenge (more than it hashes: an upper bound "
  "for that part) and AES-128-CBC over its encrypted data (length from the chain: "
  f"{runs['s'][1].get('encrypted_len', '?') if runs['s'][0] else '?'} bytes, challenge "
  f"{runs['s'][1].get('challenge_len', '?') if runs['s'][0] else '?'} bytes). ECDSA verify: the kit "
  "verifies the server's signature with the license's key, the raw line the firmware's own with "
  "another key (same message length); the cost does not depend on the key. Prepare (from the "
  "store, the anti-rollback clock saved) beside the license's unwrap: the ElGamal decryption of "
  "its content key (C2 − d·C1) and the AES-128-CMAC of a license of the same size (an ECDSA "
  "signing key is checked to be in [1, n) by a range check, not by computing d·G). Prepare's "
  "other work (parsing, the HDS reads and the clock's write with their HMACs) is in the ratio.\n")
if have:
    P("| kit operation | raw primitives | " + " | ".join(f"kit \"{o}\" | raw \"{o}\" | ratio \"{o}\"" for o in have) + " | target |")
    P("|---|---|" + "---|---|---|" * len(have) + "---|")
    for kit, raws, limit in PAIRS:
        cells = []
        for o in have:
            ops = runs[o][0]
            if kit in ops and all(r in ops for r in raws):
                k = ops[kit][1]
                r = sum(ops[x][1] for x in raws)
                cells += [n(k), n(r), f"{k / r:.3f}"]
            else:
                cells += ["–", "–", "–"]
        lim = f"≤ {limit:.2f}" if limit else "none"
        P(f"| {kit} | {' + '.join(raws)} | " + " | ".join(cells) + f" | {lim} |")
    P("")
    # Targets at "z" (the opt-level for size and stack) and, for instructions, both.
    for kit, raws, limit in PAIRS:
        if limit is None:
            continue
        for o in have:
            ops = runs[o][0]
            if kit in ops and all(r in ops for r in raws):
                k, r = ops[kit][1], sum(ops[x][1] for x in raws)
                ratio = k / r
                what = "Perform overhead ≤ 5 %" if limit == 1.05 else "challenge generation ≤ 1.10 × its primitives"
                targets.append((
                    f"{what}: {kit} (\"{o}\")",
                    f"{ratio:.3f} × ({n(k)} vs {n(r)} instructions)",
                    "met" if ratio <= limit else
                    f"**not met**: {ratio / limit - 1:+.1%} over the limit ({n(k - int(r * limit))} instructions)"))
else:
    P("**Not measured** (bench_ops did not run).\n")
    targets.append(("Perform overhead ≤ 5 %; challenge ≤ 1.10 ×", "–", "**not measured**"))

# ---- the compact RustCrypto backends ----
COMPACT = [("sha2", "SHA-256 compact"), ("aes", "AES compact"), ("sha2-aes", "both compact"),
           ("kit-sha256", "the kit's compact SHA-256"),
           ("kit-sha256-aes", "the kit's compact SHA-256, AES compact")]
SHOWN = ["raw sha-256 1 KiB", "raw aes-128-cbc encrypt 1 KiB", "raw aes-128-cbc decrypt 1 KiB",
         "perform hmac-sha256 sign 1 KiB", "hds put", "hds get", "hds mount",
         "license storage (deliver 6 licenses)", "prepare aes-cbc decrypt",
         "challenge generation (secure delete)", "response processing (secure delete)"]


def compact_of(name):
    """(fp_all flash, fp_base flash, ops, flags, fp_all flash at "s") of one compact variant,
    or None."""
    d = DIR / "compact"
    sizes = [flash_of(d / f"{name}-{fp}.size") for fp in ["fp_all", "fp_base"]]
    if None in sizes:
        return None
    ops = log_ops(d / f"{name}.log")
    flags = (d / f"{name}.flags").read_text().strip() if (d / f"{name}.flags").exists() else "?"
    return sizes[0], sizes[1], ops, flags, flash_of(d / f"{name}-s-fp_all.size")


P("## Compact RustCrypto backends: flash against instructions (M4F, \"z\")\n")
P("`sha2` and `aes` have a smaller, slower software backend, chosen by a `--cfg` flag in the "
  "firmware's rustflags (for example `[target.thumbv7em-none-eabihf] rustflags = [...]` in its "
  "`.cargo/config.toml`; the kit's code does not change). The kit's own compact SHA-256 "
  "(`drm_core::crypto::backend::CompactSha256`) is chosen by a cargo feature instead, drm-core's "
  "`sha256-compact` (every SHA-256 of the kit goes through the backend, RFC 6979 nonces "
  "included, so `sha2` is left out of the image). `scripts/bench` builds `fp_base`, "
  "`fp_all` and `bench_ops` once per variant (`CARGO_TARGET_THUMBV7EM_NONE_EABIHF_RUSTFLAGS`, "
  "own target directory) and runs `bench_ops` as above, and `fp_base` and `fp_all` at \"s\" "
  "too (flash only). Default = the sections above (no flag). "
  "Instructions: × = the variant's count over the default's. The ratio targets compare the "
  "kit's operations with RustCrypto's raw primitives (`sha2` unrolled in the builds with the "
  "kit's compact SHA-256): for those builds a ratio over the limit is the compact hash's cost, "
  "not an overhead of the kit.\n")
variants = [(n, w, compact_of(n)) for n, w in COMPACT]
variants = [(n, w, v) for n, w, v in variants if v]
dz, bz = size_of("mps2-an386", "z", "fp_all"), size_of("mps2-an386", "z", "fp_base")
if variants and dz and runs["z"][0]:
    zops = runs["z"][0]
    ds = size_of("mps2-an386", "s", "fp_all")
    P("| backends | rustflags / features | `fp_all` flash | vs default | kit alone (minus `fp_base`) | "
      "`fp_all` at \"s\" | vs default at \"s\" | ratio targets (Perform ≤ 1.05, challenge ≤ 1.10) |")
    P("|---|---|---|---|---|---|---|---|")
    zt = [t for t in targets if " × (" in t[1] and t[0].endswith('("z")')]
    zstatus = "all met" if zt and all(t[2] == "met" for t in zt) else "see Targets"
    P(f"| default | none | {n(dz[0])} | – | {n(dz[0] - bz[0])} | {n(ds[0]) if ds else '–'} | – | "
      f"{zstatus} |")
    for name, what, (fa, fb, ops, flags, fs) in variants:
        bad = []
        for kit, raws, limit in PAIRS:
            if limit is None:
                continue
            if kit in ops and all(r in ops for r in raws):
                k, r = ops[kit][1], sum(ops[x][1] for x in raws)
                if k / r > limit:
                    bad.append(f"{kit} {k / r:.3f}")
            else:
                bad.append(f"{kit} not measured")
        status = "all met" if not bad else "**not met**: " + "; ".join(bad)
        s_cells = f"{n(fs)} | {fs - ds[0]:+,}" if fs and ds else "– | –"
        P(f"| {what} | `{flags}` | {n(fa)} | {fa - dz[0]:+,} | {n(fa - fb)} | {s_cells} | {status} |")
    P("")
    P("| operation | default instructions | " +
      " | ".join(f"{w} | ×" for _, w, _ in variants) + " |")
    P("|---|---|" + "---|---|" * len(variants))
    for k in SHOWN:
        if k not in zops:
            continue
        cells = [n(zops[k][1])]
        for _, _, (_, _, ops, _, _) in variants:
            v = ops.get(k)
            cells += [n(v[1]), f"{v[1] / zops[k][1]:.2f}"] if v and zops[k][1] else ["–", "–"]
        P(f"| {k} | " + " | ".join(cells) + " |")
    P("")
    both = next((v for name, _, v in variants if name == "sha2-aes"), None)
    for i, t in enumerate(targets):
        if both and t[0].startswith("whole kit ≤ 64 KiB flash"):
            targets[i] = (t[0], t[1] + f"; with the compact SHA-256 and AES backends {n(both[0])} "
                          f"(next section)", t[2])
else:
    P(f"**Not measured{' in the quick run' if QUICK else ''}**.\n")

# ---- the fast P-256 backend (p256-cm4) ----
FAST_BOARDS = [("mps2-an386", "M4F"), ("mps2-an505", "M33")]
FAST_SHOWN = ["kit ecdsa-p256 sign digest", "kit ecdsa-p256 verify digest", "kit elgamal decrypt",
              "raw ecdsa-p256 sign digest", "raw ecdsa-p256 verify 1 KiB", "raw elgamal decrypt",
              "raw elgamal encrypt", "raw p-256 d·G", "raw p-256 point decompress",
              "prepare aes-cbc encrypt", "prepare aes-cbc decrypt", "prepare hmac-sha256 sign",
              "prepare hmac-sha256 verify", "prepare ecdsa-p256 sign", "prepare ecdsa-p256 verify",
              "perform ecdsa-p256 sign 1 KiB", "perform ecdsa-p256 verify 1 KiB",
              "license storage (deliver 6 licenses)", "challenge generation (secure delete)",
              "response processing (secure delete)"]


def fast_of(board, label):
    """(ops, fp_all flash, fp_base flash) of one board and backend ("fast" or "default")."""
    d = DIR / "fast"
    if board == "mps2-an386" and label == "default":
        ops = runs["z"][0] or {}
        fa, fb = size_of("mps2-an386", "z", "fp_all"), size_of("mps2-an386", "z", "fp_base")
        return ops, fa[0] if fa else None, fb[0] if fb else None
    fa, fb = (flash_of(d / f"{board}-{label}-{fp}.size") for fp in ["fp_all", "fp_base"])
    return log_ops(d / f"{board}-{label}.log"), fa, fb


def fast_s_flash(board, label):
    """`fp_all` flash at "s" of one board and backend (the M4F default's is the footprint
    section's)."""
    if board == "mps2-an386" and label == "default":
        s = size_of("mps2-an386", "s", "fp_all")
        return s[0] if s else None
    return flash_of(DIR / "fast" / f"{board}-{label}-s-fp_all.size")


P("## Fast P-256 backend: `p256-cm4` on the M4F and the M33 (\"z\")\n")
P("drm-core's feature `p256-cm4` builds the kit's P-256 (scalar multiplications, ECDSA sign and "
  "verify, decompression, ElGamal's point addition) on Emil Lenngren's P256-Cortex-M4 assembly "
  "as the `p256-cm4` crate has it (kept in `third_party/p256-cm4` with three fixes and one "
  "addition, `third_party/README.md`); RustCrypto stays the default and the reference. Same "
  "firmware as above (`bench_ops`, `-icount shift=0`), built at \"z\" with `--features "
  "BOARD,p256-cm4` in its own target directory; M4F: mps2-an386, M33: mps2-an505 "
  "(`thumbv8m.main-none-eabihf`, `target-cpu=cortex-m33`). In that build the raw P-256 lines are "
  "the assembly called directly; `kit ...` lines are drm-core's own functions (conversions and "
  "checks included). Both backends give the same bytes: `targets/qemu/firmware/src/bin/"
  "p256_backends.rs` and the `kat` suite, run by `scripts/run-suites` on both boards.\n")
cols = []
for board, core in FAST_BOARDS:
    for label in ["default", "fast"]:
        ops, fa, fb = fast_of(board, label)
        if ops:
            cols.append((board, core, label, ops, fa, fb))
if len(cols) >= 2:
    head = []
    for _, core, label, _, _, _ in cols:
        head.append(f"{core} {'RustCrypto' if label == 'default' else 'p256-cm4'}")
    P("| operation | " + " | ".join(head) + " |")
    P("|---|" + "---|" * len(cols))
    for k in FAST_SHOWN:
        cells = []
        for board, _, label, ops, _, _ in cols:
            v = ops.get(k)
            base = next((c[3].get(k) for c in cols if c[0] == board and c[2] == "default"), None)
            if v is None:
                cells.append("–")
            elif label == "fast" and base:
                cells.append(f"{n(v[1])} ({base[1] / v[1]:.1f}× fewer)")
            else:
                cells.append(n(v[1]))
        P(f"| {k} | " + " | ".join(cells) + " |")
    P("| `fp_all` flash | " + " | ".join(n(c[4]) if c[4] else "–" for c in cols) + " |")
    P("| `fp_all` flash at \"s\" | " + " | ".join(
        (lambda f: n(f) if f else "–")(fast_s_flash(c[0], c[2])) for c in cols) + " |")
    P("| kit alone (`fp_all` − `fp_base`) | " +
      " | ".join(n(c[4] - c[5]) if c[4] and c[5] else "–" for c in cols) + " |")
    P("| deepest operation's peak stack | " + " | ".join(
        (lambda kv: f"{n(kv[1][0])} ({kv[0]})")(max(((k, v) for k, v in c[3].items()
                                                     if not k.startswith(("raw ", "("))),
                                                    key=lambda kv: kv[1][0]))
        for c in cols) + " |")
    P("")
    # The targets, per board with the fast backend.
    LIMITS = [("ECDSA sign (kit) ≤ 0.4 M", ["kit ecdsa-p256 sign digest"], 400_000),
              ("ECDSA verify (kit) ≤ 0.9 M", ["kit ecdsa-p256 verify digest"], 900_000),
              ("ElGamal decrypt (kit) ≤ 0.8 M", ["kit elgamal decrypt"], 800_000),
              ("Prepare of any algorithm ≤ 1.0 M", [k for k in FAST_SHOWN if k.startswith("prepare")], 1_000_000),
              ("delivering 6 licenses ≤ 8 M", ["license storage (deliver 6 licenses)"], 8_000_000),
              ("Secure Delete challenge ≤ 2.5 M", ["challenge generation (secure delete)"], 2_500_000)]
    for board, core, label, ops, _, _ in cols:
        if label != "fast":
            continue
        for what, keys, limit in LIMITS:
            have_all = [k for k in keys if k in ops]
            if not have_all:
                targets.append((f"p256-cm4 {core}: {what}", "–", "**not measured**"))
                continue
            worst = max(have_all, key=lambda k: ops[k][1])
            v = ops[worst][1]
            got = f"{n(v)} instructions" + (f" ({worst}, the largest)" if len(keys) > 1 else "")
            targets.append((f"p256-cm4 {core}: {what}", got,
                            "met" if v <= limit else f"**not met**: {n(v - limit)} over ({v / limit - 1:+.1%})"))
        for kit, raws, limit in PAIRS:
            if limit is None:
                continue
            if kit in ops and all(r in ops for r in raws):
                k, r = ops[kit][1], sum(ops[x][1] for x in raws)
                targets.append((f"p256-cm4 {core}: {kit} ≤ {limit:.2f} × its primitives",
                                f"{k / r:.3f} × ({n(k)} vs {n(r)})",
                                "met" if k / r <= limit else
                                f"**not met**: {k / r / limit - 1:+.1%} over the limit ({n(k - int(r * limit))} instructions)"))
else:
    P(f"**Not measured{' in the quick run' if QUICK else ''}**.\n")

# ---- constant time ----
P("## Constant time: the P-256 operations with a secret scalar (QEMU `-icount`)\n")
P("Firmware `targets/qemu/firmware/src/bin/ct_p256.rs` under `-icount shift=0`: for 32 random "
  "secrets, the instructions of `d·G` (a public key), ECDSA signing of a fixed digest (the RFC "
  "6979 nonce is secret too) and ElGamal decryption of a fixed ciphertext, through drm-core's "
  "functions, with each backend (\"z\"). SysTick counts 40 instructions a tick, so a spread of "
  "one tick (40) is the resolution, not a dependence on the secret. `scripts/run-suites` runs "
  "the same firmware on every board and backend and fails when a spread is over one tick.\n")
P("The spread cannot see a dependence smaller than a tick. The exact check is "
  "`targets/qemu/scripts/ct-trace BOARD [--p256-cm4]` (run by `scripts/test` on all four boards "
  "and both P-256 backends): QEMU's execution trace of the same firmware, without `-icount`, "
  "compared block by block between secrets; it passes only when every block runs the same "
  "number of times for every secret. It found a branch on a secret in RustCrypto's field and "
  "scalar inversion on the Cortex-M0 (crypto-bigint's safegcd, 10 to 30 instructions per "
  "operation), fixed in `third_party/crypto-bigint` (`third_party/README.md`).\n")
ct_rows = []
for board, core in FAST_BOARDS:
    for label in ["default", "fast"]:
        f = DIR / "ct" / f"{board}-{label}.log"
        if not f.exists():
            continue
        for line in f.read_text().splitlines():
            m = re.match(r"^ct (.+) backend=(\S+) min=(\d+) max=(\d+) spread=(\d+)$", line)
            if m:
                ct_rows.append((core, m.group(2), m.group(1), int(m.group(3)), int(m.group(4)),
                                int(m.group(5))))
if ct_rows:
    P("| board | backend | operation | fewest instructions | most | spread |")
    P("|---|---|---|---:|---:|---:|")
    for core, backend, name, lo, hi, spread in ct_rows:
        P(f"| {core} | {backend} | {name} | {n(lo)} | {n(hi)} | {n(spread)} |")
    P("")
    worst = max(ct_rows, key=lambda r: r[5])
    targets.append(("constant time: the same instructions for 32 secrets (spread ≤ one tick, 40), "
                    "every backend, M4F and M33",
                    f"largest spread {n(worst[5])} ({worst[0]} {worst[1]} {worst[2]})",
                    "met" if worst[5] <= 40 else f"**not met**: {worst[0]} {worst[1]} {worst[2]}"))
else:
    P(f"**Not measured{' in the quick run' if QUICK else ''}**.\n")

z = runs["z"][0]
if z:
    kit_ops = {k: v for k, v in z.items() if not k.startswith(("raw ", "("))}
    worst = max(kit_ops.items(), key=lambda kv: kv[1][0])
    ok = worst[1][0] <= 8 * KIB
    targets.append((
        "whole kit ≤ 8 KiB peak stack (M4F, \"z\")",
        f"deepest operation: {worst[0]}, {n(worst[1][0])} bytes",
        "met" if ok else f"**not met**: {n(worst[1][0] - 8 * KIB)} bytes over; over 8 KiB: " +
        ", ".join(f"{k} ({n(v[0])})" for k, v in kit_ops.items() if v[0] > 8 * KIB)))
else:
    targets.append(("whole kit ≤ 8 KiB peak stack (M4F, \"z\")", "–",
                    f"**not measured{' in the quick run' if QUICK else ''}**"))

# HDS read bound: hds-compare's line.
hds = DIR / "hds.md"
line = None
if hds.exists():
    for l in hds.read_text().splitlines():
        if l.startswith("1,000 records of 64 bytes:"):
            line = l
if line:
    m = re.search(r"— \*\*(met|NOT met)\*\*(.*)$", line)
    targets.insert(0, ("HDS hit ≤ 2 reads, miss 1 read ≤ 512 bytes at 1,000 records",
                       line.split(":", 1)[1].split("—")[0].strip(),
                       (m.group(1) + m.group(2)) if m else "see the HDS section"))
else:
    targets.insert(0, ("HDS hit ≤ 2 reads, miss 1 read ≤ 512 bytes at 1,000 records", "–",
                       f"**not measured{' in the quick run (50 records only)' if QUICK else ''}**"))

t = ["## Targets\n", "| target | measured | result |", "|---|---|---|"]
t += [f"| {a} | {b} | {c} |" for a, b, c in targets]
(DIR / "targets.md").write_text("\n".join(t) + "\n")
print("\n".join(out))
