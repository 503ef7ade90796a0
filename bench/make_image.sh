#!/bin/sh
# Builds a large Windows-like NTFS image for the benchmark (never committed).
#   bench/make_image.sh OUT.raw FILES LOG_MB [SHAPE]
# FILES files in a Windows-like tree, LOG_MB megabytes of W3C logs with about
# 1% worm lines, and SYSTEM/SOFTWARE hives of a few MB. SHAPE: bench (issue 8:
# 400 folders, one W3SVC1) or web (a real server's shape: ~1,800 folders, 92
# daily logs over four W3SVC instances, 100-130-byte lines); see populate.py.
# Needs root (FUSE).
set -eu
out=$1; files=${2:-250000}; log_mb=${3:-600}; shape=${4:-bench}
here=$(cd "$(dirname "$0")" && pwd)
size_mb=$(( log_mb + files / 100 + 600 ))
rm -f "$out"
truncate -s "${size_mb}M" "$out"
mkntfs -F -Q -q -L BENCH "$out"
mnt=$(mktemp -d)
ntfs-3g -o big_writes "$out" "$mnt"
trap 'umount "$mnt" 2>/dev/null || true; rmdir "$mnt"' EXIT
/usr/bin/python3 "$here/populate.py" "$mnt" "$files" "$log_mb" "$here/.." "$shape"
sync
umount "$mnt"
trap - EXIT
rmdir "$mnt"
echo "bench: $out ($files files, $log_mb MB logs, $shape shape)"
