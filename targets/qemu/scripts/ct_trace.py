#!/usr/bin/env python3
"""Exact constant-time check of a ct_p256 firmware from QEMU's execution trace.

QEMU (without -icount, with `-d exec,nochain`) logs every translation block it runs. ct_p256
calls each secret-scalar operation through one `count` function per operation, once per secret.
This reads the trace from a FIFO, cuts it at the entries of those functions, and compares, per
operation, how many times each block ran for each secret: a constant-time operation runs the
same blocks the same number of times whatever the secret. Any block whose count differs is a
secret-dependent branch, reported with its address and function. Exact to one instruction, where
the SysTick measurement of ct_p256 resolves 40.

usage: ct_trace.py FIFO ELF NM SECRETS [ALLOW...]
  NM       llvm-nm to read the symbols with
  SECRETS  how many secrets to compare (the first ones; the firmware is stopped after them)
  ALLOW    demangled function-name prefixes whose differences are known and reported, not
           failed (each must be explained where the caller passes it)
Exit 0 when every difference is in an allowed function, 1 otherwise.
"""
import collections
import re
import signal
import subprocess
import sys

from elf_symbols import Symbols

fifo, elf, nm, secrets = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
allow = sys.argv[5:]

symbols = Symbols(nm, elf)
function = symbols.function
counts = []
caller = (0, 0)
for addr, size, name in symbols.syms:
    if name.startswith("ct_p256::count::"):
        counts.append(addr)
    if name.startswith("ct_p256::secret_scalar_operations"):
        caller = (addr, addr + size)
if len(counts) != 3:
    sys.exit(f"ct_trace: expected 3 count functions in {elf}, found {len(counts)}")


pat = re.compile(rb"\[[0-9a-f]+/([0-9a-f]+)/")
order = []  # count function addresses in the order first seen: the operations
runs = collections.defaultdict(list)  # op address -> [Counter per secret]
cur = None
with open(fifo, "rb") as f:
    for line in f:
        m = pat.search(line)
        if not m:
            continue
        pc = int(m.group(1), 16)
        if pc in counts:
            if pc not in order:
                order.append(pc)
            if len(runs[pc]) >= secrets:
                if all(len(runs[a]) >= secrets for a in counts):
                    break
                cur = None
                continue
            cur = collections.Counter()
            runs[pc].append(cur)
        if caller[0] <= pc < caller[1]:
            cur = None  # back in the test loop: between operations
        if cur is not None:
            cur[pc] += 1
subprocess.run(["pkill", "-f", "qemu-system-arm.*ct_p256"], check=False)

names = ["d·G", "ecdsa sign digest", "elgamal decrypt"]
failed = False
for op, name in zip(order, names):
    per = runs[op]
    if len(per) < 2:
        print(f"ct-trace {name}: only {len(per)} run(s) traced")
        failed = True
        continue
    base = per[0]
    blocks = sum(base.values())
    diff = {}
    for i, c in enumerate(per[1:], 1):
        for pc in set(c) | set(base):
            if c[pc] != base[pc]:
                diff.setdefault(pc, set()).update((base[pc], c[pc]))
    if not diff:
        print(f"ct-trace {name}: {len(per)} secrets, {blocks} blocks each: the same blocks the same number of times")
        continue
    fns = collections.Counter(function(pc) for pc in diff)
    bad = [f for f in fns if not any(f.startswith(a) for a in allow)]
    verdict = "FAIL" if bad else "known"
    print(f"ct-trace {name}: {len(per)} secrets: {len(diff)} blocks run a secret-dependent number of times ({verdict})")
    for pc in sorted(diff):
        counts_seen = sorted(diff[pc])
        print(f"  {pc:#x} in {function(pc)}: {counts_seen[0]}..{counts_seen[-1]} times")
    failed |= bool(bad)
sys.exit(1 if failed else 0)
