#!/bin/sh
# Regenerates the committed seed corpora in fuzz/corpus/<harness>/ from the
# fixtures and ../shared/realdata (absent realdata is skipped). Crash
# reproducers already there (crash-*, leak-*, timeout-*) are kept.
#   fuzz/mkcorpus.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
fx=$top/fixtures/out
real=$top/../shared/realdata
c=$here/corpus
mkdir -p "$c/pe" "$c/iislog" "$c/metabase" "$c/hive" "$c/escape" "$c/scan" "$c/evt"

# PE: every small fixture stand-in, one idq.dll per size family, realdata.
for f in "$fx"/pe/*.exe "$fx"/pe/admin_nimda.dll "$fx"/pe/idq_5.0.2195.1.dll; do
  cp "$f" "$c/pe/$(basename "$f")"
done
[ -d "$real/pe" ] && for f in "$real"/pe/*; do cp "$f" "$c/pe/real-$(basename "$f")"; done

# IIS logs: fuzz_iislog.c reads one control byte first:
#   bits 0-1 file name (0 ex*.log, 1 in*.log, 2 nc*.log, 3 x.log), bits 2-3
#   format hint (0 = detect), bit 6 zone known, bits 4-5 chunk size.
# Each log gets its matching name, detection, a known zone, and two chunkings.
ctl_for() {
  case $(basename "$1") in
    ex*) echo 0 ;; in*) echo 1 ;; nc*) echo 2 ;; *) echo 3 ;;
  esac
}
seed_log() { # file tag
  n=$(ctl_for "$1")
  for ch in 0 48; do
    b=$((n | 64 | ch))
    { printf "\\$(printf %o "$b")"; cat "$1"; } > "$c/iislog/$2-c$b"
  done
}
for f in "$fx"/*/logs/*; do
  s=$(basename "$(dirname "$(dirname "$f")")")
  seed_log "$f" "$s-$(basename "$f")"
done
[ -d "$real/logs" ] && for f in "$real"/logs/*; do seed_log "$f" "real-$(basename "$f")"; done

# MetaBase.bin of every scenario (duplicates dropped below).
for f in "$fx"/*/metabase/MetaBase.bin; do
  s=$(basename "$(dirname "$(dirname "$f")")")
  cp "$f" "$c/metabase/$s-MetaBase.bin"
done

# Hives of every scenario. realdata NTUSER.DAT (786 KB) is left out: it is
# a user hive (neither SYSTEM nor SOFTWARE) and would take a quarter of the
# corpus budget; the real SYSTEM hive is xz-packed (30 MB unpacked).
for f in "$fx"/*/hives/*; do
  s=$(basename "$(dirname "$(dirname "$f")")")
  cp "$f" "$c/hive/$s-$(basename "$f")"
done

# Escapers: hostile strings (controls, bidi, invalid UTF-8, HTML, pipes).
printf 'TFTP<img src=x onerror=alert(1)>|x' > "$c/escape/html"
printf 'TFTP9"\033[31m|\n1' > "$c/escape/ansi"
printf 'C:\\WINNT\\system32\\x41\\u{202e}\\\\' > "$c/escape/backslashes"
printf 'a\342\200\256b\342\200\217c\342\200\250d\302\205e' > "$c/escape/bidi"
printf '\377\376\300\200\355\240\200\364\220\200\200\341\200' > "$c/escape/badutf8"
printf '<b>Example</b> & "Co" '"'"'x'"'"'\177\001' > "$c/escape/entities"

# Event logs, Dr. Watson and UrlScan logs (fuzz_evt.c feeds every input to
# all three readers), plus a cut log and one whose first record's size points
# past the end of the file.
for f in "$fx"/evt/*/*; do
  cp "$f" "$c/evt/$(basename "$(dirname "$f")")-$(basename "$f")"
done
head -c 300 "$fx/evt/w2k/SysEvent.Evt" > "$c/evt/cut-SysEvent.Evt"
{ head -c 48 "$fx/evt/w2k/AppEvent.Evt"; printf '\377\377\000\000'; tail -c +53 "$fx/evt/w2k/AppEvent.Evt"; } \
  > "$c/evt/pastend-AppEvent.Evt"

# Drop duplicate seeds (same bytes) within each harness.
for d in "$c"/*; do
  ( cd "$d" && sha256sum -- * 2>/dev/null | sort | awk 'seen[$1]++ {print $2}' | xargs -r rm -f -- )
done
du -sh "$c"/* "$c"
