#!/usr/bin/env python3
"""Torn MFT records, end to end (issue 20): each mutant is a copy of a
fixture image in which RECORDS random MFT records (of any NTFS volume) are
torn the way an interrupted multi-sector write tears them: either the last
two bytes of one sector of the record, or the record's update sequence
number itself, stop matching, so NTFS (and TSK) must refuse the record.
Mutant 0 tears only the first volume's root directory (entry 5), the case
that was read after free before issue 20.
Every mutant is scanned with a sanitizer-built redsleuth, which must print
no sanitizer report, write a parseable JSON report naming the damage under
"unreadable", and exit 0, 10 or 11 (11 whenever something was torn).

Deterministic: the records and the kind of tear come from --seed only
(random.Random(seed).random(), whose sequence Python keeps stable). Where
the records lie comes from TSK's fsstat/istat, never from our own parser.
A failing mutant is kept in --out with its stderr; passing ones are removed.

  fuzz/tear.py --bin BUILD-SAN/redsleuth --out DIR [--scenario S]
               [--mutants M] [--records N] [--seed SEED]
"""
import argparse
import json
import lzma
import os
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SAN_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
             "UndefinedBehaviorSanitizer")


def tsk(*args):
    r = subprocess.run(args, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit("tear: %s failed: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def mft_records(img, part):
    """(image byte offset, record size) of every MFT record of the NTFS
    volume at sector part, from $MFT's own runs as istat lists them."""
    cs = int(re.search(r"Cluster Size: (\d+)", tsk("fsstat", "-o", str(part), img)).group(1))
    with open(img, "rb") as f:
        f.seek(part * 512)
        boot = f.read(512)
    c = int.from_bytes(boot[0x40:0x41], "little", signed=True)
    rsz = 1 << -c if c < 0 else c * cs
    data = tsk("istat", "-o", str(part), img, "0").split("Type: $DATA", 1)[1]
    head, body = data.split("\n", 1)
    size = int(re.search(r"size: (\d+)", head).group(1))
    clusters = []
    for line in body.split("\n"):
        if not re.match(r"^\d", line):
            break
        clusters += [int(x) for x in line.split()]
    out = []
    for i in range(size // rsz):
        b = i * rsz
        if b // cs < len(clusters):
            out.append(part * 512 + clusters[b // cs] * cs + b % cs)
    return out, rsz


def tear(f, off, rsz, rng):
    """Tears the record at off if it is one (FILE, fixups intact); returns
    a description, or None when the slot holds no intact record."""
    f.seek(off)
    rec = bytearray(f.read(rsz))
    if rec[:4] != b"FILE":
        return None
    usa, cnt = int.from_bytes(rec[4:6], "little"), int.from_bytes(rec[6:8], "little")
    if cnt < 2 or usa + 2 * cnt > rsz or (cnt - 1) * 512 > rsz:
        return None
    usn = rec[usa:usa + 2]
    if any(rec[k * 512 - 2:k * 512] != usn for k in range(1, cnt)):
        return None
    if rng.random() < 0.5:
        k = 1 + int(rng.random() * (cnt - 1))  # one sector's tail
        at, what = k * 512 - 2, "sector %d tail" % (k - 1)
    else:
        at, what = usa, "update sequence number"
    f.seek(off + at)
    f.write(bytes([rec[at] ^ 0xFF, rec[at + 1] ^ 0xA5]))
    return what


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scenario", default="w2k-cr2-infected")
    ap.add_argument("--mutants", type=int, default=8)
    ap.add_argument("--records", type=int, default=4)
    ap.add_argument("--seed", type=int, default=20)
    a = ap.parse_args()
    t0 = time.monotonic()
    fx = os.path.join(TOP, "fixtures", "out", a.scenario)
    os.makedirs(a.out, exist_ok=True)
    for old in os.listdir(a.out):  # a previous run's failures
        if old.startswith("mutant-"):
            os.remove(os.path.join(a.out, old))
    base = os.path.join(a.out, "base.raw")
    with lzma.open(os.path.join(fx, "disk.raw.xz")) as src, open(base, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    with open(os.path.join(fx, "answer.json")) as f:
        parts = [v["start_sector"] for v in json.load(f)["volumes"] if v["fs_type"] == "ntfs"]
    slots = []
    for p in parts:
        offs, rsz = mft_records(base, p)
        slots += [(p, i, o, rsz) for i, o in enumerate(offs)]
    rng = random.Random(a.seed)
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
    env["LSAN_OPTIONS"] = "suppressions=%s:print_suppressions=0" % os.path.join(
        TOP, "tests", "lsan.supp")
    env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
    env["TZ"] = "UTC"
    exits, torn_total, bad = {}, 0, 0
    for m in range(a.mutants):
        img = os.path.join(a.out, "mutant-%d.raw" % m)
        shutil.copyfile(base, img)
        done = []
        with open(img, "r+b") as f:
            if m == 0:  # issue 20's case first: the first volume's root directory alone
                p, i, off, rsz = next(x for x in slots if x[0] == parts[0] and x[1] == 5)
                done.append((p, i, tear(f, off, rsz, rng)))
            for _ in range(50 * a.records):
                if m == 0:
                    break
                if len(done) == a.records:
                    break
                p, i, off, rsz = slots[int(rng.random() * len(slots))]
                if any(d[0] == p and d[1] == i for d in done):
                    continue
                what = tear(f, off, rsz, rng)
                if what:
                    done.append((p, i, what))
        torn_total += len(done)
        desc = ", ".join("vol@%d entry %d (%s)" % d for d in done)
        try:
            r = subprocess.run([a.bin, "scan", "--no-hash", "--json", img], capture_output=True,
                               env=env, timeout=120, check=False)
            rc, out, err = r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, out, err = "timeout", b"", "timed out after 120 s"
        exits[rc] = exits.get(rc, 0) + 1
        why = []
        if rc not in (0, 10, 11):
            why.append("exit %s" % rc)
        if any(s in err for s in SAN_MARKS):
            why.append("sanitizer report")
        try:
            rep = json.loads(out)
            status = rep["verdict"]["status"]
            unreadable = rep["unreadable"]
            if not isinstance(status, str) or not isinstance(unreadable, list):
                raise ValueError("verdict.status or unreadable of the wrong type")
            if done and (rc != 11 or not unreadable):
                why.append("%d torn record(s) not reported (exit %s, %d unreadable)" %
                           (len(done), rc, len(unreadable)))
        except (ValueError, KeyError, TypeError) as e:
            why.append("no parseable report (%s)" % e)
        if why:
            bad += 1
            with open(img + ".stderr", "w") as f:
                f.write(err)
            print("tear: mutant %d FAILED (%s): %s; kept %s" % (m, "; ".join(why), desc, img))
            print("\n".join(err.splitlines()[:30]))
        else:
            os.remove(img)
    os.remove(base)
    ex = ",".join("%s:%d" % (k, v) for k, v in sorted(exits.items(), key=str))
    print("fuzz: tear %s mutants=%d records=%d exits=%s seed=%d seconds=%.0f" %
          ("ok" if bad == 0 else "FAILED", a.mutants, torn_total, ex, a.seed,
           time.monotonic() - t0))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
