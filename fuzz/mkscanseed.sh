#!/bin/sh
# Builds fuzz/corpus/scan/w2k-mini.fat: a 256 KiB FAT12 volume (no
# partition table) with the smallest Windows 2000 + IIS tree that makes
# rs_scan() reach every source: SYSTEM/SOFTWARE hives, MetaBase.bin, a W3C
# log, root.exe = cmd.exe, a trojan explorer.exe (all from fixtures/out).
# Needs dosfstools and mtools. Deterministic: fixed serial, fixed mtimes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/../fixtures/out
s=$fx/w2k-cr2-used
img=$here/corpus/scan/w2k-mini.fat
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$here/corpus/scan"
rm -f "$img"
mkfs.vfat -C -F 12 -i 2001C0DE -n W2KMINI "$img" 256 >/dev/null
cp "$s/hives/SYSTEM" "$s/hives/SOFTWARE" "$s/metabase/MetaBase.bin" \
   "$s/logs/ex010804.log" "$tmp/"
cp "$fx/pe/cmd_w2k.exe" "$tmp/cmd.exe"
cp "$fx/pe/cmd_w2k.exe" "$tmp/root.exe"
cp "$fx/pe/trojan_explorer.exe" "$tmp/explorer.exe"
touch -d '2001-08-04 12:00:00' "$tmp"/*
export MTOOLS_SKIP_CHECK=1
m() { "$@" -i "$img"; }
for d in WINNT WINNT/system32 WINNT/system32/config WINNT/system32/inetsrv \
         WINNT/system32/LogFiles WINNT/system32/LogFiles/W3SVC1 Inetpub Inetpub/scripts; do
  mmd -i "$img" "::/$d"
done
mcopy -m -i "$img" "$tmp/SYSTEM" "$tmp/SOFTWARE" ::/WINNT/system32/config/
mcopy -m -i "$img" "$tmp/cmd.exe" ::/WINNT/system32/
mcopy -m -i "$img" "$tmp/MetaBase.bin" ::/WINNT/system32/inetsrv/
mcopy -m -i "$img" "$tmp/ex010804.log" ::/WINNT/system32/LogFiles/W3SVC1/
mcopy -m -i "$img" "$tmp/root.exe" ::/Inetpub/scripts/
mcopy -m -i "$img" "$tmp/explorer.exe" ::/
ls -l "$img"
