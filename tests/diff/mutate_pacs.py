#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mutate_pacs.py - deterministic mutants of PAC files, as input for
diff_pac.py when no fuzzer corpus is at hand.

    mutate_pacs.py --out DIR [--count N] [--seed S] PAC_FILE...

Writes N files (default 2000) named m<seed>-<i>-<kind>.pac into DIR, each a
seed PAC with one mutation, cycling through:

  flip      one random bit flipped
  byte      one random byte set to 0x00, 0xff, 0x7f, 0x80 or a random value
  u32       one 4-aligned little-endian word set to 0, 1, 2, 0x7fffffff,
            0xffffffff, its value +-1, or a random value
  truncate  the PAC cut short at a random length
  extend    1-16 random bytes appended
  header    a random field of the buffer table (type, size, offset,
            offset high half) set to a nearby or random value

Uses only the standard library; any python3 will do.
"""

import argparse
import os
import random
import struct
import sys


def mutate(rng, data, kind):
    b = bytearray(data)
    n = len(b)
    if kind == "flip":
        i = rng.randrange(n)
        b[i] ^= 1 << rng.randrange(8)
    elif kind == "byte":
        i = rng.randrange(n)
        b[i] = rng.choice((0x00, 0xff, 0x7f, 0x80, rng.randrange(256)))
    elif kind == "u32":
        i = rng.randrange(n // 4) * 4
        old = struct.unpack_from("<I", b, i)[0]
        new = rng.choice((0, 1, 2, 0x7fffffff, 0xffffffff,
                          (old + 1) & 0xffffffff, (old - 1) & 0xffffffff,
                          rng.getrandbits(32)))
        struct.pack_into("<I", b, i, new)
    elif kind == "truncate":
        del b[rng.randrange(n):]
    elif kind == "extend":
        b += bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif kind == "header":
        count = struct.unpack_from("<I", b, 0)[0]
        count = max(1, min(count, (n - 8) // 16))
        entry = 8 + 16 * rng.randrange(count)
        field = rng.choice((0, 4, 8, 12))
        old = struct.unpack_from("<I", b, entry + field)[0]
        new = rng.choice(((old + rng.choice((-8, -2, -1, 1, 2, 8))) &
                          0xffffffff, 0, rng.getrandbits(32),
                          rng.randrange(20)))
        struct.pack_into("<I", b, entry + field, new)
    return bytes(b)


KINDS = ("flip", "byte", "u32", "truncate", "extend", "header")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("pacs", nargs="+")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = []
    for p in args.pacs:
        with open(p, "rb") as f:
            d = f.read()
        if len(d) >= 24:
            seeds.append(d)
    if not seeds:
        sys.exit("mutate_pacs: no usable seed PAC (24 bytes at least)")
    os.makedirs(args.out, exist_ok=True)
    for i in range(args.count):
        kind = KINDS[i % len(KINDS)]
        data = mutate(rng, rng.choice(seeds), kind)
        name = "m%d-%05d-%s.pac" % (args.seed, i, kind)
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
