#!/bin/sh
# Makes OUT, one relocatable object holding libevt with its OWN copies of the
# libyal helpers (libcdata, libcerror, libfdata, libuna, ...) bound inside it:
# only the libevt_* entry points stay global. Used by Makefile.am and
# fuzz/run.sh; docs/evtlogs.md ("Linking") says why.
#
# libevt.a embeds the same helper libraries as libregf.a, at other versions
# (libevt 20200926, libregf 20201007). Linked side by side as plain archives,
# libevt's calls would bind to whichever copy the linker met first, object by
# object: libevt would run on libregf's libcdata/libfdata, mixing two
# versions of one library inside one process (the trap of fixture-recipes.md
# section 0 in another form). Here every member of libevt.a that its public
# functions reach is linked into one object (ld -r), then every symbol except
# libevt_* is made local (objcopy), so libevt's calls can only reach its own
# copies. libbfio stays undefined: it comes from libbfio.a, as for libregf.
#   libevt-private.sh /usr/lib/x86_64-linux-gnu/libevt.a OUT.o
set -eu
[ $# -eq 2 ] || { echo "usage: $0 LIBEVT.a OUT.o" >&2; exit 2; }
ar=$1
out=$2
LD=${LD:-ld}
NM=${NM:-nm}
OBJCOPY=${OBJCOPY:-objcopy}
[ -f "$ar" ] || { echo "$0: $ar: no such archive (install libevt-dev)" >&2; exit 1; }
# every public libevt_ function, as an undefined symbol that pulls its member
undef=$($NM -g --defined-only "$ar" 2>/dev/null | awk '$2 == "T" && $3 ~ /^libevt_/ { print "-u", $3 }')
[ -n "$undef" ] || { echo "$0: $ar defines no libevt_ functions" >&2; exit 1; }
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2086
$LD -r $undef -o "$tmp" "$ar"
$OBJCOPY -w --keep-global-symbol='libevt_*' "$tmp" "$out"
# nothing but libevt_ may be defined globally now
if $NM -g --defined-only "$out" | awk '{ print $3 }' | grep -v '^libevt_' | grep -q .; then
  echo "$0: symbols other than libevt_* are still global in $out" >&2
  rm -f "$out"
  exit 1
fi
