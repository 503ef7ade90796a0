#!/bin/sh
# Builds the libFuzzer harnesses with clang (ASan + UBSan) and runs each for
# SECONDS (default 20) on its committed seed corpus. Prints, per harness, the
# executions and coverage libFuzzer reports; exits non-zero on any crash,
# leak or timeout. New corpus units go to out/fuzz/corpus-<h> (not to the
# committed seeds). Leaks inside libregf/libtsk themselves are suppressed by
# fuzz/lsan.supp (never our own code's).
# Then `tear` (fuzz/tear.py, a few seconds, not time-boxed): MFT records of a
# fixture image torn at random with a fixed seed, each mutant scanned by the
# sanitizer-built redsleuth (RS_SAN_BIN, default build-san/redsleuth, built
# here with clang when missing); no sanitizer report, a parseable report
# and exit 0/10/11 are required.
#   fuzz/run.sh [SECONDS] [HARNESS...]
# Harnesses: pe iislog metabase hive escape carve scan evt collname tear (default: all).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
secs=${1:-20}
[ $# -gt 0 ] && shift
harnesses=${*:-"pe iislog metabase hive escape carve scan evt collname tear"}
out=${FUZZ_OUT:-$top/out/fuzz}
mkdir -p "$out"
cc=${CLANG:-clang}
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$top/include -I$top/src/lib $(pkg-config --cflags tsk libregf libbfio libevt jansson)"
util="$top/src/lib/util/diag.c $top/src/lib/util/buf.c $top/src/lib/util/rtime.c $top/src/lib/util/escape.c"
regf_libs="-l:libregf.a -l:libbfio.a -lpthread -Wl,--exclude-libs,libregf.a:libbfio.a"
# libevt with its own libyal helpers (as in Makefile.am), before libbfio.a
evt_obj=$out/libevt-private.o
sh "$top/src/lib/sources/libevt-private.sh" "$(pkg-config --variable=libdir libevt)/libevt.a" "$evt_obj"
# vhdi.c is linked with libvhdi.a into one object of its own, as in the build
# (src/lib/evidence/vhdi-private.sh)
lib_all=$(find "$top/src/lib" -name '*.c' ! -name vhdi.c | sort | tr '\n' ' ')
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for h in $harnesses; do
  if [ "$h" = tear ]; then
    bin=${RS_SAN_BIN:-$top/build-san/redsleuth}
    if [ ! -x "$bin" ]; then
      bin=$out/redsleuth-san
      # shellcheck disable=SC2086
      $cc -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
        -I"$top/include" -I"$top/src/lib" $(pkg-config --cflags tsk libregf libbfio jansson) \
        -o "$bin" "$top"/src/cli/*.c $lib_all $(pkg-config --libs tsk) -lewf $regf_libs -lcrypto -larchive -lyara -lm -ljansson
    fi
    python3 "$here/tear.py" --bin "$bin" --out "$out/tear" || status=1
    continue
  fi
  u=$util
  # libFuzzer checks every input for leaks itself; the exit-time check
  # would only re-count the suppressed library leaks of a long run (LSan
  # gives up suppressing past a few thousand and fails the run)
  asan="leak_check_at_exit=0:suppressions=$here/asan.supp${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  case $h in
    pe) src="$top/src/lib/sources/pe.c"; libs="" ;;
    iislog) src="$top/src/lib/sources/iislog.c $top/src/lib/sources/iislog_classify.c $top/src/lib/sources/iislog_scan.c $top/src/lib/sources/logagg.c $top/src/lib/sources/tz.c"; libs="-lm" ;;
    metabase) src="$top/src/lib/sources/metabase.c $top/src/lib/sources/hive.c $top/src/lib/sources/memio.c $top/src/lib/sources/registry.c $top/src/lib/sources/tz.c"; libs="$regf_libs" ;;
    hive) src="$top/src/lib/sources/hive.c $top/src/lib/sources/memio.c $top/src/lib/sources/registry.c $top/src/lib/sources/metabase.c $top/src/lib/sources/tz.c"; libs="$regf_libs" ;;
    escape) src=""; libs="" ;;
    # the carver with small line and header limits: small inputs reach the
    # limits and the pieces-versus-whole oracle
    carve) src="-DRS_CARVE_LINE_MAX=64 -DRS_CARVE_HDR_BACK=512 $top/src/lib/sources/carve.c $top/src/lib/sources/prefilter.c $top/src/lib/sources/iislog.c $top/src/lib/sources/iislog_classify.c $top/src/lib/sources/iislog_scan.c $top/src/lib/sources/logagg.c $top/src/lib/sources/tz.c"; libs="-lm" ;;
    # the whole library (util is in lib_all already)
    # libtsk has no frame pointers: only the slow unwinder sees through it to
    # the function names that lsan.supp matches
    scan) $cc $flags -c -o "$out/vhdi-glue.o" "$top/src/lib/evidence/vhdi.c"
          sh "$top/src/lib/evidence/vhdi-private.sh" "$out/vhdi-private.o" "$out/vhdi-glue.o" \
            "$($cc -print-file-name=libvhdi.a)" "$cc"
          src="$lib_all $out/vhdi-private.o"; u=""; libs="$(pkg-config --libs tsk) -lewf $evt_obj $regf_libs -lcrypto -lyara -larchive -lm"
          asan="fast_unwind_on_malloc=0:malloc_context_size=12:$asan" ;;
    # EVT (libevt from memory), Dr. Watson and UrlScan parsers, the section 11 table
    evt) src="$top/src/lib/sources/evt.c $top/src/lib/sources/memio.c $top/src/lib/sources/drwatson.c $top/src/lib/sources/urlscan.c $top/src/lib/sources/iislog.c $top/src/lib/sources/iislog_classify.c $top/src/lib/sources/iislog_scan.c $top/src/lib/sources/logagg.c $top/src/lib/sources/tz.c $top/src/lib/analysis/evt_table.c"
         libs="$evt_obj $regf_libs -lm" ;;
    # the archive entry-name reader of collections (no dependencies)
    collname) src="$top/src/lib/evidence/collect_name.c"; libs="" ;;
    *) echo "fuzz: unknown harness $h" >&2; exit 2 ;;
  esac
  # shellcheck disable=SC2086
  $cc $flags -o "$out/fuzz_$h" "$here/fuzz_$h.c" $src $u $libs -ljansson
  corpus=$out/corpus-$h
  mkdir -p "$corpus"
  [ -d "$here/corpus/$h" ] && cp -n "$here/corpus/$h"/* "$corpus/" 2>/dev/null || true
  log=$out/fuzz_$h.log
  if ASAN_OPTIONS=$asan "$out/fuzz_$h" -max_total_time="$secs" -max_len=1048576 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/crash-$h-" "$corpus" > "$log" 2>&1; then
    r=ok
  else
    r=FAILED; status=1
  fi
  execs=$(awk '/stat::number_of_executed_units/{print $2}' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  echo "fuzz: $h $r execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} seconds=$secs"
  [ "$r" = ok ] || tail -30 "$log"
done
exit $status
