#!/bin/sh
# Benchmark (issues 8 and 15): redsleuth against The Sleuth Kit and coreutils
# on the same warm images, and the log reader alone on the same logs.
# Appends a section to bench/RESULTS.md (RESULTS=... to write elsewhere).
#   bench/run.sh [FILES] [LOG_MB]      (defaults 250000 600)
# Images (made with make_image.sh when absent, in BENCH_DIR, default
# /tmp/rs-bench), one per SHAPES word (default "bench web"):
#   bench  issue 8's: 400 folders, one W3SVC1, 1 % long Code Red II lines
#   web    a web server's: ~1,800 folders, 92 daily logs over four W3SVC
#          instances, 100-130-byte lines, 0.73 % worm lines
# Builds compared in the same run (before/after on the same machine):
#   BINS="label=path/to/redsleuth ..."       default "redsleuth=$RS_BIN" (RS_BIN:
#                                            default $top/redsleuth)
#   LIBS="label=path/to/libredsleuth.a ..."  for bench/logscan (default: none;
#                                            a library older than
#                                            rs_iislog_set_hits_only reads
#                                            every record, as before)
# REPEAT (default 3): runs of each command; the median wall time and the
# largest peak RSS are reported (the machine may be shared: other jobs make
# single runs noisy).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
files=${1:-250000}; log_mb=${2:-600}
work=${BENCH_DIR:-/tmp/rs-bench}
mkdir -p "$work"
bins=${BINS:-"redsleuth=${RS_BIN:-$top/redsleuth}"}
libs=${LIBS:-}
shapes=${SHAPES:-"bench web"}
repeat=${REPEAT:-3}
res=${RESULTS:-$here/RESULTS.md}

once() { # name, command: one run; appends "wall-seconds peak-RSS-KiB" to $work/$name.runs
  name=$1; shift
  /usr/bin/time -v -o "$work/$name.time" sh -c "$*" > "$work/$name.out" 2> "$work/$name.err" || true
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/$name.time")
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  cpu=$(awk -F': ' '/User time|System time/{c+=$2} END {print c}' "$work/$name.time")
  echo "$secs $rss $cpu" >> "$work/$name.runs"
}
stats() { # name: "median min max largest-RSS-MiB median-CPU-seconds" of its runs
  c=$(sort -g -k3 "$work/$1.runs" | awk '{c[NR]=$3} END {print c[int((NR+1)/2)]}')
  sort -g "$work/$1.runs" | awk -v c="$c" '{w[NR]=$1; if ($2>r) r=$2} END {print w[int((NR+1)/2)], w[1], w[NR], int(r/1024), c}'
}
rmed() { # name-a name-b: median over the rounds of a's wall time / b's in the same round
  paste -d' ' "$work/$1.runs" "$work/$2.runs" | awk '$4>0 {print $1/$4}' | sort -g |
    awk '{v[NR]=$1} END {if (NR) printf "%.2f", v[int((NR+1)/2)]; else print "n/a"}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "n/a" }'; }
inum() { awk -F'\t' -v want="$1" '$2 ~ want {n=split($1,a," "); x=a[n]; sub(":","",x); print x}'; }

{
  echo
  echo "## Run of $(date -u +%Y-%m-%dT%H:%M:%SZ): $files files, $log_mb MB of logs per image"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r); load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Warm page cache. The commands run round-robin, $repeat rounds (each round runs every command once, so a load swing hits all of them); wall and CPU = medians (wall min-max) over the rounds, RSS = largest; a ratio is the median of the per-round wall-time ratios."
  echo "Builds: $bins${libs:+; log reader libraries: $libs}."
} >> "$res"

for shape in $shapes; do
  img=$work/$shape-$files.raw
  [ -f "$img" ] || "$here/make_image.sh" "$img" "$files" "$log_mb" "$shape"
  cat "$img" > /dev/null
  fls -r -p "$img" > "$work/fls-$shape.txt"
  logs=$(inum 'LogFiles/W3SVC[0-9]+/ex' < "$work/fls-$shape.txt" | tr '\n' ' ')
  # the logs as files, for the log reader alone (page-cached like the image)
  logdir=$work/logs-$shape; rm -rf "$logdir"; mkdir -p "$logdir"
  for i in $logs; do icat "$img" "$i" > "$logdir/$i.log"; done
  nlogs=$(echo $logs | wc -w); logbytes=$(cat "$logdir"/*.log | wc -c)
  grep_cr=$(cat "$logdir"/*.log | grep -c default.ida || true)
  ndirs=$(grep -c '^d/d' "$work/fls-$shape.txt" || true)
  {
    echo
    echo "### $shape image: $(du -h --apparent-size "$img" | cut -f1), $(wc -l < "$work/fls-$shape.txt") names in $ndirs folders, $nlogs logs of $logbytes bytes"
    echo
    echo "| command | wall s | (min-max) | CPU s (user+sys) | peak RSS MiB |"
    echo "|---|---|---|---|---|"
  } >> "$res"
  cmds=$work/$shape.cmds
  {
    echo "fls_rp|fls -r -p $img"
    echo "icat_grep|for i in $logs; do icat $img \$i; done | grep -c default.ida"
    echo "md5sum|md5sum $img"
    for b in $bins; do
      echo "${b%%=*}-nohash|${b#*=} scan --no-hash --json $img"
      echo "${b%%=*}-hash|${b#*=} scan --json $img"
    done
  } > "$cmds"
  while IFS='|' read -r name cmd; do rm -f "$work/$shape-$name.runs"; done < "$cmds"
  round=0
  while [ $round -lt "$repeat" ]; do
    while IFS='|' read -r name cmd; do once "$shape-$name" "$cmd" < /dev/null; done < "$cmds"
    round=$((round + 1))
  done
  while IFS='|' read -r name cmd; do
    set -- $(stats "$shape-$name")
    case $name in
      *-nohash) title="${name%-nohash} scan --no-hash" ;;
      *-hash) title="${name%-hash} scan (MD5, SHA-1, SHA-256)" ;;
      *) title=$name ;;
    esac
    echo "| \`$title\` | $1 | $2-$3 | $5 | $4 |" >> "$res"
  done < "$cmds"
  echo >> "$res"
  for b in $bins; do
    label=${b%%=*}
    cr=$(jq '.logs.hits.code_red_1 + .logs.hits.code_red_2 + .logs.hits.code_red_unknown' "$work/$shape-$label-nohash.out")
    r1=$(stats "$shape-$label-nohash" | cut -d' ' -f4); r2=$(stats "$shape-$label-hash" | cut -d' ' -f4)
    echo "- $label: scan --no-hash / fls -r -p = $(rmed "$shape-$label-nohash" "$shape-fls_rp") (target <= 0.5); scan with the three digests / md5sum = $(rmed "$shape-$label-hash" "$shape-md5sum") (target <= 1.0); scan --no-hash / icat of the logs | grep = $(rmed "$shape-$label-nohash" "$shape-icat_grep"); peak RSS $(( r1 > r2 ? r1 : r2 )) MiB (target <= 128); Code Red lines $cr, \`grep -c default.ida\` $grep_cr ($( [ "$cr" = "$grep_cr" ] && echo equal || echo DIFFERENT))" >> "$res"
  done
  if [ -n "$libs" ]; then
    {
      echo
      echo "Log reader alone (bench/logscan, 8 MiB reads of the $nlogs logs, one core; MB/s and lines/s of the parse, from the thread's CPU time, median of $repeat; wall with the reads beside):"
      echo
      echo "| library | mode | parse MB/s | M lines/s | wall with reads MB/s |"
      echo "|---|---|---|---|---|"
    } >> "$res"
    for l in $libs; do
      label=${l%%=*}; lib=${l#*=}
      gcc -std=c11 -O2 -D_GNU_SOURCE -I"$top/include" -o "$work/bench_logscan-$label" \
          "$here/logscan/bench_logscan.c" "$lib" -lm
      for mode in "" "-a"; do
        out=$("$work/bench_logscan-$label" $mode -r "$repeat" "$logdir"/*.log)
        m=$(echo "$out" | sed -n 's/^run 1 (\([a-z ]*\)).*/\1/p')
        med=$(echo "$out" | grep '^median')
        mbs=$(echo "$med" | sed -n 's/.*(CPU [0-9.]* s = \([0-9]*\) MB\/s, \([0-9.]*\) M lines\/s).*/\1 \2/p')
        wall=$(echo "$med" | sed -n 's/.*with reads [0-9.]* s = \([0-9]*\) MB\/s.*/\1/p')
        echo "| $label | $m | ${mbs% *} | ${mbs#* } | $wall |" >> "$res"
        [ "$m" = "all records" ] && break # an older library: one mode only
      done
    done
  fi
done
cat "$res"
