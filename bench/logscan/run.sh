#!/bin/sh
# Builds bench_logscan against the worktree's libredsleuth.a, makes a ~600 MB
# synthetic W3C log in /tmp (unless it exists) and times the parser against
# `grep -c default.ida` on the same, page-cached file.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
log=${LOG:-/tmp/redsleuth_bench_w3c.log}
[ -f "$log" ] || python3 "$here/gen_w3c.py" "$log" "${SIZE_MB:-600}"
gcc -std=c11 -O2 -D_GNU_SOURCE -I"$top/include" -o /tmp/bench_logscan "$here/bench_logscan.c" \
    "${LIBRS:-$top/libredsleuth.a}"
ls -l "$log"
cat "$log" > /dev/null   # warm the page cache
/tmp/bench_logscan "$log" 3
for i in 1 2 3; do
  /usr/bin/time -f "grep -c default.ida: %e s" grep -c default.ida "$log"
done
for i in 1 2 3; do
  LC_ALL=C /usr/bin/time -f "LC_ALL=C grep -c default.ida: %e s" grep -c default.ida "$log"
done
