#!/bin/sh
# Benchmark (issue 17, "Speed"): `redsleuth scan --no-hash --unallocated IMG`
# against `blkls IMG > /dev/null` (The Sleuth Kit reading the same unallocated
# blocks) on the same warm image. Target: scan <= 0.5 x blkls.
#   bench/unalloc.sh [IMG]
# IMG: a raw NTFS volume image (default $BENCH_DIR/bench-250000.raw, made with
# make_image.sh 250000 600 when absent; BENCH_DIR default /tmp/rs-bench).
# RS_BIN: the redsleuth binary (default build/redsleuth); RS_BEFORE (optional):
# an older binary run the same way in the same rounds. REPEAT (default 3):
# runs of each command, the median wall time is reported (the machine may be
# shared). Appends a section to bench/RESULTS.md (RESULTS=... to write
# elsewhere) with the load average before and after.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
work=${BENCH_DIR:-/tmp/rs-bench}
img=${1:-$work/bench-250000.raw}
bin=${RS_BIN:-$top/build/redsleuth}
repeat=${REPEAT:-3}
res=${RESULTS:-$here/RESULTS.md}
mkdir -p "$work"
[ -x "$bin" ] || { echo "unalloc.sh: $bin: not built" >&2; exit 1; }
[ -f "$img" ] || sh "$here/make_image.sh" "$img" 250000 600
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

once() { # name, command: appends "wall-seconds peak-RSS-KiB" to $out/$name.runs
  name=$1; shift
  /usr/bin/time -v -o "$out/$name.time" sh -c "$*" > "$out/$name.out" 2> "$out/$name.err" || true
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$out/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$out/$name.time")
  echo "$wall" | awk -F: -v r="$rss" '{ s = (NF == 3) ? $1*3600+$2*60+$3 : $1*60+$2; print s, r }' \
    >> "$out/$name.runs"
}
median() { sort -n "$out/$1.runs" | awk '{ w[NR] = $1 } END { print w[int((NR + 1) / 2)] }'; }
maxrss() { awk '$2 > m { m = $2 } END { printf "%d", m / 1024 }' "$out/$1.runs"; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$img" > /dev/null   # warm the page cache: both commands read the same bytes
i=0
while [ "$i" -lt "$repeat" ]; do
  once blkls "blkls '$img' > /dev/null"
  rm -rf "$out/rs"
  once scan "'$bin' scan --no-hash --unallocated --allow-evidence-dir --out-dir '$out/rs' '$img' > /dev/null"
  if [ -n "${RS_BEFORE:-}" ]; then
    rm -rf "$out/rsb"
    once before "'$RS_BEFORE' scan --no-hash --unallocated --allow-evidence-dir --out-dir '$out/rsb' '$img' > /dev/null"
  fi
  rm -rf "$out/rs0"
  once scan0 "'$bin' scan --no-hash --allow-evidence-dir --out-dir '$out/rs0' '$img' > /dev/null"
  i=$((i + 1))
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
[ -f "$out/rs/report.json" ] || { echo "unalloc.sh: scan wrote no report:" >&2; cat "$out/scan.err" >&2; exit 1; }
searched=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sum(x.get('bytes_searched',0) for x in (r.get('residue') or {}).get('regions',[]) if x.get('kind')=='unallocated'))" "$out/rs/report.json")
ub=$(blkls "$img" | wc -c)
tb=$(median blkls); ts=$(median scan); t0=$(median scan0)
ratio=$(awk -v a="$ts" -v b="$tb" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
ratio0=$(awk -v a="$ts" -v z="$t0" -v b="$tb" 'BEGIN { printf "%.2f", (b > 0) ? (a - z) / b : 0 }')
{
  echo
  echo "### --unallocated vs blkls ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(basename "$img"), $(nproc) cores)"
  echo
  echo "Image $(du -m --apparent-size "$img" | cut -f1) MiB; blkls output $((ub / 1048576)) MiB;"
  echo "scan searched $((searched / 1048576)) MiB of unallocated clusters. Warm cache, median of $repeat."
  echo "Load average (1/5/15 min) before: $load0, after: $load1 (machine shared with other jobs)."
  echo
  echo "| command | wall s | peak RSS MiB |"
  echo "|---|---|---|"
  echo "| \`redsleuth scan --no-hash --unallocated\` | $ts | $(maxrss scan) |"
  echo "| \`redsleuth scan --no-hash\` (same scan without the option) | $t0 | $(maxrss scan0) |"
  [ -n "${RS_BEFORE:-}" ] && echo "| before (\`$RS_BEFORE\`) \`scan --no-hash --unallocated\` | $(median before) | $(maxrss before) |"
  echo "| \`blkls IMG > /dev/null\` | $tb | $(maxrss blkls) |"
  echo
  echo "- scan --unallocated / blkls: $ratio (target <= 0.5)"
  echo "- (scan --unallocated - scan) / blkls, the option's own cost: $ratio0"
  [ -n "${RS_BEFORE:-}" ] && awk -v a="$(median before)" -v z="$t0" -v b="$tb" 'BEGIN { printf "- before: scan --unallocated / blkls %.2f, the option'"'"'s own cost %.2f\n", a / b, (a - z) / b }'
  [ -f "$out/rsb/report.json" ] && python3 -c "
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
pick = lambda r: (r.get('residue'), (r.get('logs') or {}).get('carved'),
                  [f for f in r.get('findings', []) if f.get('check', '').startswith('RESIDUE-')])
print('- before and after: residue regions, carved lines and RESIDUE findings equal:', 'yes' if pick(a) == pick(b) else 'NO')" "$out/rs/report.json" "$out/rsb/report.json"
} | tee -a "$res"
