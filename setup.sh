#!/bin/sh
# redsleuth set-up on Debian 12, as root.
#   ./setup.sh demo   install what is missing, build, analyse the bundled demo image
#   ./setup.sh test   install what is missing, build, run the whole test suite
set -eu
mode=${1:-demo}
cd "$(dirname "$0")"

build_pkgs="build-essential autoconf automake pkg-config libtsk-dev libregf-dev libbfio-dev
  libewf-dev libjansson-dev libssl-dev check xz-utils"
# Peer tools the tests compare against, and what the fixture checks use.
test_pkgs="sleuthkit libregf-utils ewf-tools unzip libhivex-bin regripper chromium"

pkgs=$build_pkgs
[ "$mode" = test ] && pkgs="$build_pkgs $test_pkgs"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq $missing >/dev/null
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --enable-werror
make -j"$(nproc)"

case "$mode" in
demo)
  mkdir -p out/demo
  img=fixtures/images/demo.raw.xz
  if [ -f "$img" ]; then
    xz -dc "$img" > out/demo/disk.raw
    chmod 0444 out/demo/disk.raw
    rc=0
    ./redsleuth scan --out-dir out/demo/report out/demo/disk.raw || rc=$?
    echo "setup: redsleuth exited $rc (0 clean, 10 indicators found, 11 partly unreadable)"
    echo "setup: reports written to out/demo/report/ (report.txt, report.html, ...)"
    case $rc in 0|10|11) exit 0 ;; *) exit "$rc" ;; esac
  else
    ./redsleuth -V
  fi
  ;;
test)
  make check
  ;;
*)
  echo "usage: $0 demo|test" >&2
  exit 2
  ;;
esac
