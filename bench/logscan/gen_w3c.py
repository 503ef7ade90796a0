#!/usr/bin/env python3
"""Writes a synthetic IIS 5 W3C log for bench_logscan: a 20,000-line block (with its
header) repeated up to SIZE_MB. Lines come from bench/w3cgen.py.
Usage: gen_w3c.py OUT SIZE_MB [SHAPE [HIT_RATE]]
  SHAPE long (default: ~150-byte lines, 15 fields) or web (100-130 bytes, 11 fields);
  HIT_RATE the share of worm lines (default 0.01; 0 for a log without hits)."""
import os, random, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import w3cgen  # noqa: E402

out, size_mb = sys.argv[1], int(sys.argv[2])
shape = sys.argv[3] if len(sys.argv) > 3 else "long"
rate = float(sys.argv[4]) if len(sys.argv) > 4 else 0.01
rnd = random.Random(2001)
day = "2001-08-04"
lines = [w3cgen.line(rnd, shape, i, day, rate)[0] for i in range(20000)]
data = (w3cgen.header(shape, day) + "".join(lines)).encode("latin-1")
with open(out, "wb") as f:
    n = 0
    while n < size_mb * 1000 * 1000:
        f.write(data)
        n += len(data)
