#!/usr/bin/env python3
"""Instruction profile of one call in a firmware, from QEMU's execution trace.

QEMU with `-d in_asm,exec,nochain` logs each translation block once when it translates it (its
instructions) and every time it runs it. This reads that log from a FIFO, takes the window that
starts at the first block run in a function whose demangled name contains START and ends at the
first block run after it in a function whose name contains STOP, and
prints the instructions run in the window per function, largest first, with their share. The
total is the window's instruction count (without -icount: the same instructions, counted
exactly rather than timed).

usage: profile.py FIFO ELF NM START STOP [TOP [CALLEE...]]
Each CALLEE (a substring of function names, for example memcpy) is also reported by caller: the
function of the block run just before each entry into it (the block that ends with the call),
with the instructions run until the trace leaves the CALLEEs (what they call among themselves is
counted for the first one entered).
Exit 0 when the window was found and closed, 1 otherwise.
"""
import collections
import re
import sys

from elf_symbols import Symbols

fifo, elf, nm, start, stop = sys.argv[1:6]
top = int(sys.argv[6]) if len(sys.argv) > 6 else 40
callees = sys.argv[7:]

function = Symbols(nm, elf).function

insn_re = re.compile(r"^0x([0-9a-f]+):\s+((?:[0-9a-f]{4} ?)+)\s+(\S+)")
exec_re = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")
size = {}  # block start pc -> instructions (latest translation)
ends_call = {}  # block start pc -> return address, when the block ends with a call (bl, blx)
stack = []  # the calls open in the window: (return address, callee)
inclusive = collections.Counter()  # instructions run in each function and what it called
prev_pc = None
block = None
block_len = 0
state = 0  # 0 before the window, 1 in it, 2 after it
per_fn = collections.Counter()
by_caller = collections.Counter()
prev_fn = None
attributed = None  # (callee, caller) the current blocks are counted for
names = {}
total = 0
with open(fifo, errors="replace") as log:
    for line in log:
        if line.startswith("IN:"):
            block, block_len = None, 0
            continue
        m = insn_re.match(line)
        if m:
            pc = int(m.group(1), 16)
            if block is None:
                block = pc
            block_len += 1
            size[block] = block_len
            nbytes = len(m.group(2).replace(" ", "")) // 2
            if m.group(3) in ("bl", "blx"):
                ends_call[block] = pc + nbytes
            else:
                ends_call.pop(block, None)
            continue
        m = exec_re.match(line)
        if not m:
            continue
        pc = int(m.group(1), 16)
        fn = names.get(pc)
        if fn is None:
            fn = names[pc] = function(pc)
        if state == 0:
            if start in fn:
                state = 1
            else:
                continue
        elif stop in fn:
            state = 2
            break
        n = size.get(pc, 0)
        per_fn[fn] += n
        total += n
        # The shadow call stack: a block after a call block is the callee's; a block at a return
        # address of the stack returns there (tail calls stay in their caller's entry).
        if prev_pc is not None and prev_pc in ends_call:
            stack.append((ends_call[prev_pc], fn))
        else:
            for depth in range(len(stack) - 1, max(len(stack) - 8, -1), -1):
                if stack[depth][0] == pc:
                    del stack[depth:]
                    break
        prev_pc = pc
        for f in {f for _, f in stack} | {fn}:
            inclusive[f] += n
        if callees:
            if attributed and not any(c in fn for c in callees):
                attributed = None
            if attributed is None and fn != prev_fn and any(c in fn for c in callees):
                attributed = (fn, prev_fn)
            if attributed:
                by_caller[attributed] += n
            prev_fn = fn

if state != 2:
    sys.exit(f"profile: window {'not found' if state == 0 else 'not closed'}")
print(f"profile: {total} instructions from the first block of *{start}* to the first of *{stop}*")
for fn, n in per_fn.most_common(top):
    print(f"{n:>10} {100 * n / total:5.1f}%  {fn}")
if callees:
    print("by caller:")
    for (fn, caller), n in by_caller.most_common(top):
        print(f"{n:>10} {100 * n / total:5.1f}%  {fn[:60]} <- {caller}")
print("inclusive (with what each calls, from a shadow call stack of bl/blx and their returns):")
for fn, n in inclusive.most_common(top):
    print(f"{n:>10} {100 * n / total:5.1f}%  {fn}")
