#!/bin/sh
# Issue 20 item 6: peak RSS of `scan --timeline-hits` against a log of many
# worm requests. Builds a FAT16 image holding one W3C log of LINES root.exe
# requests (default 300,000, about 26 MB; one a second from 4,096 addresses,
# every eighth answered 200), then runs, under /usr/bin/time -v, `scan
# --no-hash --out-dir` without and with --timeline-hits, and counts the hit
# entries in every output. Not a unit test (tests/check_scan.c has the
# regression test); needs mtools and dosfstools.
#   bench/hits/run.sh [LINES]
set -eu
lines=${1:-300000}
here=$(cd "$(dirname "$0")" && pwd)
rs=${RS_BIN:-$here/../../build/redsleuth}
work=${BENCH_DIR:-/tmp/rs-bench-hits}
mkdir -p "$work"
mkdir -p "$work/evidence"
img=$work/evidence/hits-$lines.raw
log=$work/ex010806.log
if [ ! -f "$img" ]; then
  awk -v n="$lines" 'BEGIN {
    printf "#Software: Microsoft Internet Information Services 5.0\r\n#Version: 1.0\r\n"
    printf "#Date: 2001-08-06 00:00:00\r\n"
    printf "#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status\r\n"
    for (i = 0; i < n; i++) {
      t = i % 86400
      printf "2001-08-%02d %02d:%02d:%02d 198.51.%d.%d - 10.0.0.1 80 GET /scripts/root.exe /c+dir %d\r\n",
             6 + int(i / 86400), int(t / 3600), int(t % 3600 / 60), t % 60,
             int(i % 4096 / 256), i % 256, i % 8 ? 404 : 200
    }
  }' > "$log"
  mb=$(( $(stat -c %s "$log") / 1048576 + 32 ))
  rm -f "$img"
  truncate -s "${mb}M" "$img"
  mkfs.vfat -F 16 -n HITS "$img" >/dev/null
  export MTOOLS_SKIP_CHECK=1
  mmd -i "$img" ::/WINNT ::/WINNT/system32 ::/WINNT/system32/LogFiles ::/WINNT/system32/LogFiles/W3SVC1
  mcopy -i "$img" "$log" ::/WINNT/system32/LogFiles/W3SVC1/ex010806.log
  rm -f "$log"
fi
echo "image: $img ($lines lines)"
for mode in plain hits; do
  out=$work/out-$mode
  rm -rf "$out"
  flag=; [ $mode = hits ] && flag=--timeline-hits
  /usr/bin/time -v -o "$work/$mode.time" "$rs" scan --no-hash $flag --out-dir "$out" "$img" \
    >/dev/null 2>"$work/$mode.err" || true
  rss=$(awk -F': ' '/Maximum resident set size/{print int($2/1024)}' "$work/$mode.time")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/$mode.time")
  jsonl=$(grep -c '"Request Time"' "$out/timeline.jsonl" || true)
  txt=$(grep -c '  iislog  Request Time' "$out/report.txt" || true)
  html=$(grep -c '<td>Request Time</td>' "$out/report.html" || true)
  json=$(grep -c '"timestamp_desc": "Request Time"' "$out/report.json" || true)
  size=$(du -k "$out/report.json" | cut -f1)
  echo "$mode: peak RSS ${rss} MiB, wall $wall; Request Time entries: report.json $json" \
       "(${size} KiB), timeline.jsonl $jsonl, report.txt $txt, report.html $html"
done
