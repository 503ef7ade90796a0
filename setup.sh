#!/bin/sh
# redsleuth set-up on Debian 12, as root.
#   ./setup.sh demo   install what is missing, build, analyse the bundled demo image
#   ./setup.sh test   install what is missing, build, run the whole test suite:
#                     the shipped build (in the caller's time zone, then again in
#                     Asia/Tokyo), an ASan+UBSan build, and a fuzz smoke run
set -eu
mode=${1:-demo}
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

build_pkgs="build-essential autoconf automake pkg-config libtsk-dev libregf-dev libbfio-dev
  libewf-dev libevt-dev libjansson-dev libssl-dev check xz-utils libvhdi-dev libyara-dev libarchive-dev"
# Peer tools the tests compare against, the HTML renderer, the fuzzing toolchain, and
# the fixture generator's tools (a test regenerates every fixture and compares),
# hivexregedit (libwin-hivex-perl: hives edited by a peer tool).
test_pkgs="sleuthkit libregf-utils ewf-tools unzip zip libhivex-bin libwin-hivex-perl regripper chromium
  python3-pefile clang libclang-rt-14-dev afflib-tools
  ntfs-3g gcc-mingw-w64-i686 mtools dosfstools fdisk libfaketime libevt-utils
  qemu-utils slurm-wlm munge"

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
if [ -f config.status ]; then
  echo "setup: the source folder holds an in-tree build; builds go to build/ (run 'make distclean' here)" >&2
  make distclean >/dev/null
fi
jobs=$(nproc)
mkdir -p build
(cd build && { [ -f Makefile ] || ../configure --enable-werror >/dev/null; } && make -j"$jobs" >/dev/null)

case "$mode" in
demo)
  # the evidence and the reports in separate folders: redsleuth refuses to
  # write reports inside the folder holding the evidence
  mkdir -p out/demo/evidence
  img=fixtures/out/w2k-cr2-used/disk.raw.xz
  if [ -f "$img" ]; then
    rm -f out/demo/evidence/disk.raw
    xz -dc "$img" > out/demo/evidence/disk.raw
    chmod 0444 out/demo/evidence/disk.raw
    rc=0
    # --force: the demo's own report folder is rewritten on every run (a
    # non-empty --out-dir is refused otherwise, issue 13)
    build/redsleuth scan --force --out-dir out/demo/report out/demo/evidence/disk.raw || rc=$?
    echo "setup: redsleuth exited $rc (0 clean, 10 indicators found, 11 partly unreadable)"
    echo "setup: reports in out/demo/report/: report.txt report.html report.json timeline.jsonl timeline.body manifest.sha256"
    case $rc in 0|10|11) exit 0 ;; *) exit "$rc" ;; esac
  else
    build/redsleuth -V
  fi
  ;;
test)
  (cd build && make -j"$jobs" check)
  # The suite must not depend on the machine's zone or locale: once more in a
  # zone far from UTC (the caller's may well be UTC), the plain build only.
  echo "setup: plain suite again under TZ=Asia/Tokyo LC_ALL=C.UTF-8"
  (cd build && TZ=Asia/Tokyo LC_ALL=C.UTF-8 make -j"$jobs" check)
  echo "setup: sanitizer build (ASan + UBSan)"
  mkdir -p build-san
  (cd build-san && { [ -f Makefile ] || ../configure --enable-werror --enable-sanitizers >/dev/null; } &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$top/tests/lsan.supp:print_suppressions=0 CK_TIMEOUT_MULTIPLIER=5 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 make -j"$jobs" check)
  echo "setup: fuzz smoke run"
  FUZZ_OUT=$top/out/fuzz fuzz/run.sh "${FUZZ_SECONDS:-15}"
  ;;
*)
  echo "usage: $0 demo|test" >&2
  exit 2
  ;;
esac
