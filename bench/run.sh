#!/bin/sh
# Issue 8 benchmark: redsleuth against The Sleuth Kit and coreutils on the
# same warm image, at 1/4, 1/2 and full size. Writes bench/RESULTS.md.
#   bench/run.sh [FILES] [LOG_MB]      (defaults 250000 600)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
files=${1:-250000}; log_mb=${2:-600}
work=${BENCH_DIR:-/tmp/rs-bench}
mkdir -p "$work"
rs=${RS_BIN:-$top/redsleuth}  # RS_BIN: a build outside the source tree (build/redsleuth)
res=${RESULTS:-$here/RESULTS.md}
t() { # name, command...: wall seconds and peak RSS (KiB) into $work/$name.time
  name=$1; shift
  /usr/bin/time -v -o "$work/$name.time" sh -c "$*" >/dev/null 2>"$work/$name.err" || true
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/$name.time")
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  echo "$name $secs $rss"
}
{
  echo "# Benchmark results"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo "Each command runs once on a warm page cache (one untimed warm-up read first)."
  echo
} > "$res"
for frac in 4 2 1; do
  n=$((files / frac)); m=$((log_mb / frac))
  img=$work/bench-$n.raw
  [ -f "$img" ] || "$here/make_image.sh" "$img" "$n" "$m"
  cat "$img" > /dev/null
  inum() { awk -F'\t' -v want="$1" '$2 ~ want {n=split($1,a," "); x=a[n]; sub(":","",x); print x}'; }
  fls -r -p "$img" > "$work/fls-$n.txt"
  logs=$(inum 'LogFiles/W3SVC1/ex' < "$work/fls-$n.txt" | tr '\n' ' ')
  hivedir=$work/hives-$n; mkdir -p "$hivedir"
  icat "$img" "$(inum '^WINNT/system32/config/SYSTEM$' < "$work/fls-$n.txt")" > "$hivedir/SYSTEM"
  icat "$img" "$(inum '^WINNT/system32/config/SOFTWARE$' < "$work/fls-$n.txt")" > "$hivedir/SOFTWARE"
  {
    echo "## $n files, $m MB of logs ($(du -h --apparent-size "$img" | cut -f1) image)"
    echo
    echo "| command | wall s | peak RSS MiB |"
    echo "|---|---|---|"
  } >> "$res"
  out=$(mktemp -d)
  for row in \
    "scan_nohash|$rs scan --no-hash --json $img" \
    "scan_hash|$rs scan --json $img" \
    "scan_tlfull|rm -rf $out/tl; $rs scan --no-hash --timeline full --out-dir $out/tl $img" \
    "fls_rp|fls -r -p $img" \
    "fls_m|fls -r -m / $img" \
    "fls_m_mactime|fls -r -m / $img | mactime -b - -d" \
    "icat_grep|for i in $logs; do icat $img \$i; done | grep -c default.ida" \
    "regripper|regripper -r $hivedir/SYSTEM -a; regripper -r $hivedir/SOFTWARE -a" \
    "md5sum|md5sum $img" "sha1sum|sha1sum $img" "sha256sum|sha256sum $img"; do
    name=${row%%|*}; cmd=${row#*|}
    set -- $(t "$name" "$cmd")
    echo "| \`$name\` | $2 | $(( $3 / 1024 )) |" >> "$res"
    eval "r_$name=$2"
  done
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "n/a" }'; }
  slow=$(printf '%s\n' "$r_md5sum" "$r_sha1sum" "$r_sha256sum" | sort -g | tail -1)
  {
    echo
    echo "- scan --no-hash / fls -r -p: $(ratio "$r_scan_nohash" "$r_fls_rp") (target <= 1.0)"
    echo "- scan with hashes / slowest single digest: $(ratio "$r_scan_hash" "$slow") (target <= 1.1)"
    echo "- scan --timeline full (every file's MACB as a body file, plus the whole analysis) / fls -r -m: $(ratio "$r_scan_tlfull" "$r_fls_m") (target <= 1.0)"
    echo "- scan --no-hash (walk + hives + all logs + verdict) / icat of the logs | grep -c default.ida: $(ratio "$r_scan_nohash" "$r_icat_grep") (target <= 1.0)"
    echo "- peak RSS of scan: $(awk -F': ' '/Maximum resident/{print int($2/1024)}' "$work/scan_hash.time") MiB (target <= 128)"
    echo
  } >> "$res"
  rm -rf "$out"
done
cat "$res"
