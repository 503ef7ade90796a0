#!/bin/sh
# Builds bench_logscan against the worktree's libredsleuth.a (LIBRS=... for
# another, e.g. build/libredsleuth.a or a previous build's), makes three
# ~600 MB synthetic W3C logs in /tmp (unless they exist: a web server's
# 100-130-byte lines without hits and with 0.73 % worm lines, and issue 8's
# 150-byte lines with 1 %) and times the reader on each, hits-only and full
# road, against `grep -c default.ida` on the same page-cached file.
#   bench/logscan/run.sh [RUNS]     (default 5; medians are printed)
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
runs=${1:-5}
dir=${LOGDIR:-/tmp}
gcc -std=c11 -O2 -D_GNU_SOURCE -I"$top/include" -o /tmp/bench_logscan "$here/bench_logscan.c" \
    "${LIBRS:-$top/libredsleuth.a}" -lm
for spec in "web 0" "web 0.0073" "long 0.01"; do
  set -- $spec
  log=$dir/redsleuth_bench_$1_$2.log
  [ -f "$log" ] || python3 "$here/gen_w3c.py" "$log" "${SIZE_MB:-600}" "$1" "$2"
  cat "$log" > /dev/null   # warm the page cache
  echo "== $log ($(wc -c < "$log") bytes)"
  /tmp/bench_logscan -r "$runs" "$log" | tail -2
  /tmp/bench_logscan -a -r "$runs" "$log" | tail -1
  LC_ALL=C /usr/bin/time -f "LC_ALL=C grep -c default.ida: %e s" grep -c default.ida "$log" || true
done
