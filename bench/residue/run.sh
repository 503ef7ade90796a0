#!/bin/sh
# Builds bench_residue against the worktree's build/libredsleuth.a and runs it
# on SIZE_MB (default 1024) MiB of generated noise, best of RUNS (default 3).
# See bench/residue/RESULTS.md.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
lib=${LIBRS:-$top/build/libredsleuth.a}
gcc -std=c11 -O2 -D_GNU_SOURCE -I"$top/include" -o /tmp/bench_residue "$here/bench_residue.c" \
    "$lib" $(pkg-config --libs yara) -lm -lpthread
/tmp/bench_residue "$top/rules" "${SIZE_MB:-1024}" "${RUNS:-3}"
