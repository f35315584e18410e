#!/usr/bin/env python3
"""Lower bound on the erases of a log-structured store (FORMAT.md part II, "Cost budget").

A ring of segments written at its head, the oldest segment (FIFO) or the emptiest one (greedy)
reclaimed when the free segments run out, every item one fixed size, nothing else on the flash
(no index, no checkpoints: the bound any format-2 layout pays at least). Workload of the
hds-compare bench: fill n random keys, then updates of random keys. Prints erases per fill and
per update for a few item sizes.

    python3 drm-hds/design/gc_bound.py
"""
import random


def sim(segs, seg_size, n, item, updates, policy, seed=1, reserve=1):
    random.seed(seed)
    per = seg_size // item
    pages = [[] for _ in range(segs)]
    live = {}
    order, free = [0], list(range(1, segs))
    head = 0
    erases = 0

    def append(k):
        nonlocal head
        if len(pages[head]) >= per:
            while len(free) <= reserve:
                reclaim()
            head = free.pop(0)
            order.append(head)
        pages[head].append(k)
        live[k] = (head, len(pages[head]) - 1)

    def alive(p):
        return [k for i, k in enumerate(pages[p]) if live.get(k) == (p, i)]

    def reclaim():
        nonlocal erases
        if policy == "fifo":
            v = order[0]
        else:
            v = min((p for p in order if p != head), key=lambda p: len(alive(p)))
        order.remove(v)
        moved = alive(v)
        pages[v] = []
        erases += 1
        free.append(v)
        for k in moved:
            append(k)

    for k in range(n):
        append(k)
    e0 = erases
    for _ in range(updates):
        append(random.randrange(n))
    return e0 / n, (erases - e0) / updates


def main():
    for item in (128, 136, 144, 160, 192):
        for policy in ("fifo", "greedy"):
            f, u = sim(62, 4096, 1000, item, 2000, policy)
            _, u20 = sim(62, 4096, 1000, item, 20000, policy)
            print(
                f"1000 items of {item} B, 62 x 4 KiB segments, {policy:6}: "
                f"erases / fill {f:.3f}, / update {u:.3f} (2,000 updates), {u20:.3f} (20,000)"
            )


if __name__ == "__main__":
    main()
