#!/usr/bin/env python3
"""Where a firmware's flash goes, by crate and by module of the kit's crates.

    scripts/size_table.py [--markdown] LABEL=ELF...
    scripts/size_table.py --panics [--markdown] LABEL=ELF...

Reads `llvm-nm -S` of each ELF (the llvm-tools of the pinned toolchain), keeps the symbols in
flash (text and read-only data: nm types t, T, r, R), demangles Rust's legacy symbol names
(`_ZN...E` with `$LT$`-style escapes; of a v0 name `_R...` only its crate), and charges each symbol to the crate that its path
begins with; for a trait impl (`<A as B>::f`), to the crate of the type A. Symbols with no
crate path (compiler-generated, C runtime) are "(no crate path)". The kit's own crates
(`drm_*` but the board) are split by module too. Prints one table per ELF, or with
--markdown one Markdown table with a column per ELF. With --panics: the call sites of core's
panic entry points (bounds checks, unwrap/expect, panic!, assert, slice length checks) in the
disassembly (llvm-objdump -d), by the crate of the calling function (the board's own panic
handler aside).
"""
import glob
import os
import re
import subprocess
import sys

ESCAPES = {"$LT$": "<", "$GT$": ">", "$u20$": " ", "$RF$": "&", "$BP$": "*", "$C$": ",",
           "$u7b$": "{", "$u7d$": "}", "$u5b$": "[", "$u5d$": "]", "$u27$": "'", "$LP$": "(",
           "$RP$": ")", "$u3b$": ";", "$u22$": '"', "$u7e$": "~", "$SP$": "@"}
KIT = ("drm_core", "drm_hds", "drm_keyexchange", "drm_securedelete")
CRYPTO = ("p256", "primeorder", "elliptic_curve", "ecdsa", "crypto_bigint", "rfc6979", "sha2",
          "aes", "cbc", "cmac", "hmac", "digest", "cipher", "subtle", "ff", "group", "zeroize",
          "block_buffer", "inout", "dbl", "hybrid_array", "crypto_common", "universal_hash",
          "signature", "ctutils", "cpubits", "rand_core")


def llvm_tool(name):
    sysroot = subprocess.check_output(["rustc", "--print", "sysroot"], text=True).strip()
    hits = glob.glob(os.path.join(sysroot, f"lib/rustlib/*/bin/{name}"))
    if not hits:
        sys.exit(f"{name} not found: rustup component add llvm-tools")
    return hits[0]


def llvm_nm():
    return llvm_tool("llvm-nm")


PANIC = re.compile(r"panic|_fail\b|_fail$|unwrap_failed|expect_failed|len_mismatch_fail|index_fail")


def panic_sites(elf):
    """Call sites of core's panic entry points (bounds checks, unwrap, panic!, assert), by the
    crate of the calling function: {crate: count}, and {callee: count}."""
    out = subprocess.check_output([llvm_tool("llvm-objdump"), "-d", "--no-show-raw-insn", elf],
                                  text=True)
    callers, callees, current = {}, {}, "(no crate path)"
    for line in out.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if head:
            current = owner(demangle(head.group(1)))[0]
            continue
        call = re.search(r"\sbl?(?:\.w)?\s+0x[0-9a-f]+ <([^>+]+)(?:\+0x[0-9a-f]+)?>", line)
        if call and PANIC.search(call.group(1)) and "drm_board" not in call.group(1):
            callee = demangle(call.group(1))
            callers[current] = callers.get(current, 0) + 1
            callees[callee] = callees.get(callee, 0) + 1
    return callers, callees


def demangle(name):
    """A readable path of a legacy-mangled (or already demangled) Rust symbol."""
    name = re.sub(r"(\.llvm\.\d+|\.\d+)+$", "", name)
    v0 = re.match(r"^_R.*?C(?:s[0-9A-Za-z]*_)?(\d+)", name)
    if v0:
        # v0 mangling: the first crate root names the crate; the rest is left undecoded.
        start = v0.end()
        return name[start:start + int(v0.group(1))] + "::(v0 symbol)"
    m = re.match(r"^_ZN(.*)E$", name)
    if m:
        body, parts = m.group(1), []
        while body and body[0].isdigit():
            n = re.match(r"^(\d+)", body).group(1)
            body = body[len(n):]
            parts.append(body[: int(n)])
            body = body[int(n):]
        if parts and re.match(r"^h[0-9a-f]{16}$", parts[-1]):
            parts.pop()
        name = "::".join(parts)
    for k, v in ESCAPES.items():
        name = name.replace(k, v)
    name = name.replace("..", "::")
    if name.startswith("_<"):
        name = name[1:]
    return name


def owner(path):
    """(crate, module) a symbol path is charged to."""
    # `<A as B>::f` where A has no crate path (a primitive, a generic parameter, a reference to
    # one): charged to B, the trait's crate.
    m = re.match(r"^<([^<>]*?) as (.*)", path)
    if m and "::" not in m.group(1):
        path = m.group(2)
    p = path.lstrip("<&*").lstrip()
    p = re.sub(r"^(mut |dyn |const )+", "", p)
    segs = re.split(r"::|[ <>,&*()\[\];]", p)
    segs = [s for s in segs if s]
    if len(segs) < 2 or "::" not in p:
        return "(no crate path)", None
    crate = segs[0]
    if crate.startswith("fp_") or crate in ("bench_ops", "demo"):
        crate = "(the firmware's own main)"
    module = segs[1] if crate in KIT and len(segs) > 2 else None
    return crate, module


def measure(elf):
    out = subprocess.check_output([llvm_nm(), "-S", elf], text=True)
    crates, modules, total = {}, {}, 0
    for line in out.splitlines():
        f = line.split(None, 3)
        if len(f) != 4 or f[2] not in "tTrR":
            continue
        size = int(f[1], 16)
        total += size
        crate, module = owner(demangle(f[3]))
        crates[crate] = crates.get(crate, 0) + size
        if module:
            key = f"{crate}::{module}"
            modules[key] = modules.get(key, 0) + size
    return crates, modules, total


def group(crate):
    if crate in KIT:
        return "kit"
    if crate in CRYPTO:
        return "crypto"
    return "other"


def main():
    args = sys.argv[1:]
    markdown = "--markdown" in args
    panics = "--panics" in args
    args = [a for a in args if a not in ("--markdown", "--panics")]
    if panics:
        for a in args:
            label, _, elf = a.partition("=")
            callers, callees = panic_sites(elf)
            total = sum(callers.values())
            if markdown:
                by = ", ".join(f"`{c}` {n}" for c, n in sorted(callers.items(), key=lambda x: -x[1]))
                print(f"| {label} | {total} | {by} |")
            else:
                print(f"{label}: {total} panic call sites")
                for c, n in sorted(callers.items(), key=lambda x: -x[1]):
                    print(f"  {n:>4}  from {c}")
                for c, n in sorted(callees.items(), key=lambda x: -x[1]):
                    print(f"  {n:>4}  to {c}")
        return
    if not args:
        sys.exit(__doc__)
    runs = []
    for a in args:
        label, _, elf = a.partition("=")
        runs.append((label, measure(elf)))
    crates = sorted({c for _, (cs, _, _) in runs for c in cs},
                    key=lambda c: (["kit", "crypto", "other"].index(group(c)),
                                   -max(r[1][0].get(c, 0) for r in runs)))
    mods = sorted({m for _, (_, ms, _) in runs for m in ms},
                  key=lambda m: (m.split("::")[0], -max(r[1][1].get(m, 0) for r in runs)))
    labels = [l for l, _ in runs]
    if markdown:
        print("| part | " + " | ".join(labels) + " |")
        print("|---|" + "---:|" * len(labels))
        for g in ("kit", "crypto", "other"):
            sums = [sum(v for c, v in cs.items() if group(c) == g) for _, (cs, _, _) in runs]
            name = {"kit": "**the kit's own crates**", "crypto": "**crypto crates (RustCrypto)**",
                    "other": "**everything else** (core, board runtime, compiler)"}[g]
            print(f"| {name} | " + " | ".join(f"**{s:,}**" for s in sums) + " |")
            for c in crates:
                if group(c) != g:
                    continue
                print(f"| `{c}` | " + " | ".join(f"{r[1][0].get(c, 0):,}" for r in runs) + " |")
                for m in mods:
                    if m.split("::")[0] == c:
                        print(f"| &nbsp;&nbsp;`{m}` | "
                              + " | ".join(f"{r[1][1].get(m, 0):,}" for r in runs) + " |")
        print("| all symbols in flash | " + " | ".join(f"{t:,}" for _, (_, _, t) in runs) + " |")
    else:
        for label, (cs, ms, total) in runs:
            print(f"{label}: {total} bytes in flash symbols")
            for c in crates:
                if c in cs:
                    print(f"  {cs[c]:>8}  {c}")
            for m in mods:
                if m in ms:
                    print(f"  {ms[m]:>8}    {m}")


if __name__ == "__main__":
    main()
