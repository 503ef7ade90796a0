#!/bin/sh
# Links the compiled libvhdi glue (vhdi.c) with libvhdi.a into one object
# whose only global symbols are rs_vhdi_*:
#   vhdi-private.sh OUT.o GLUE.o LIBVHDI.a [CC [NM [OBJCOPY]]]
# libvhdi.a carries its own copies of libbfio, libcdata, libcerror, ... in
# versions that differ from libregf's and libewf's (fixture-recipes.md
# section 0). `ld -r` pulls in what the glue needs and binds libvhdi's
# calls to its own helpers once and for all; every symbol but rs_vhdi_* is
# then renamed with the prefix rs_own_vhdi_ and made local, so no other
# library's calls can reach these copies and nm never shows two definitions
# of one libyal name. The undefined symbols left are libc's.
set -eu
out=$1 glue=$2 lib=$3
cc=${4:-cc} nm=${5:-nm} objcopy=${6:-objcopy}
tmp=$out.r.o
map=$out.map
trap 'rm -f "$tmp" "$map"' EXIT
$cc -r -nostdlib -o "$tmp" "$glue" "$lib"
"$nm" --defined-only "$tmp" |
  awk '$3 ~ /^lib[a-z0-9_]+$/ && $3 !~ /^rs_vhdi_/ { print $3, "rs_own_vhdi_" $3 }' | sort -u > "$map"
"$objcopy" --redefine-syms="$map" --wildcard --keep-global-symbol='rs_vhdi_*' "$tmp" "$out"
