#!/bin/sh
# Builds a large Windows-like NTFS image for the benchmark (never committed).
#   bench/make_image.sh OUT.raw FILES LOG_MB
# FILES files in a Windows-like tree, LOG_MB megabytes of W3C logs with about
# 1% worm lines, and SYSTEM/SOFTWARE hives of a few MB. Needs root (FUSE).
set -eu
out=$1; files=${2:-250000}; log_mb=${3:-600}
here=$(cd "$(dirname "$0")" && pwd)
size_mb=$(( log_mb + files / 100 + 600 ))
rm -f "$out"
truncate -s "${size_mb}M" "$out"
mkntfs -F -Q -q -L BENCH "$out"
mnt=$(mktemp -d)
ntfs-3g -o big_writes "$out" "$mnt"
trap 'umount "$mnt" 2>/dev/null || true; rmdir "$mnt"' EXIT
/usr/bin/python3 "$here/populate.py" "$mnt" "$files" "$log_mb" "$here/.."
sync
umount "$mnt"
trap - EXIT
rmdir "$mnt"
echo "bench: $out ($files files, $log_mb MB logs)"
