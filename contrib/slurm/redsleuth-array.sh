#!/bin/sh
# redsleuth on a Slurm cluster: one array task per image, one results folder
# per image, and one summary gathered when every task has ended.
#
#   redsleuth-array.sh submit LIST OUT [SCAN OPTION...]
#
# LIST holds one evidence path per line (blank lines and lines starting with
# # are skipped; relative paths are relative to the folder you submit from).
# OUT is the results folder, on storage every node sees. Each image gets
# OUT/NAME, NAME being the evidence file name without its extension, made
# unique with -2, -3, ... in list order: the folders `redsleuth scan --batch`
# makes. A folder holds the reports, stdout.txt, stderr.txt and exit_code.txt.
# SCAN OPTIONs go to every `redsleuth scan` (e.g. --case 2001-042).
#
# `submit` sends two jobs: the array (one task per image; a task succeeds on
# exit 0, 10 or 11: those are results, not failures) and a gather job with
# --dependency=afterany on it, so it runs however the tasks ended. The gather
# writes OUT/summary.jsonl, one line per image in list order, in the shape of
# --batch's summary.jsonl (evidence, out_dir, exit_code, killed, verdict,
# counts, error), and exits 11 when any image could not be analysed.
# exit_code is null and killed true for a task that never finished (time
# limit, scancel, node failure). Slurm's own logs: OUT/slurm-*.out.
#
# Environment: REDSLEUTH, the redsleuth binary (default: the one on PATH; it
# must be at the same path on every node); RS_ARRAY_MAX, tasks at once
# (default 20); Slurm's SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...
# override the #SBATCH lines below. The gather needs python3 (for JSON).
#
# A scan uses two cores (the media hash runs beside the analysis) and stays
# under 128 MiB whatever the image size (bench/RESULTS.md).
#SBATCH --job-name=redsleuth
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=02:00:00
set -eu

usage() {
  echo "usage: $0 submit LIST OUT [SCAN OPTION...]" >&2
  exit 2
}

# The images of LIST in order, two lines each: the result folder's name and
# the evidence path. The name rule is src/cli/batch.c's job_name().
entries() {
  LC_ALL=C awk '
    { sub(/\r.*/, ""); p = $0; sub(/^[ \t]+/, "", p)
      if (p == "" || substr(p, 1, 1) == "#") next
      b = p; sub(/.*\//, "", b); b = substr(b, 1, 199)
      if (match(b, /\.[^.]*$/) && RSTART > 1) b = substr(b, 1, RSTART - 1)
      gsub(/[\001-\037]/, "_", b)
      name = b
      for (k = 2; name in seen; k++) name = b "-" k
      seen[name] = 1
      print name; print p }' "$1"
}

abspath() {
  case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac
}

mode=${1:-}
[ $# -ge 3 ] || usage
shift
list=$1 out=$2
shift 2

case $mode in
submit)
  [ -r "$list" ] || { echo "redsleuth-array: cannot read the list $list" >&2; exit 2; }
  list=$(abspath "$list")
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  n=$(( $(entries "$list" | wc -l) / 2 ))
  [ "$n" -gt 0 ] || { echo "redsleuth-array: $list lists no image" >&2; exit 2; }
  rs=$(command -v "${REDSLEUTH:-redsleuth}") ||
    { echo "redsleuth-array: ${REDSLEUTH:-redsleuth} not found (set REDSLEUTH)" >&2; exit 2; }
  export REDSLEUTH="$rs"
  self=$(abspath "$0")
  jid=$(sbatch --parsable --array="1-$n%${RS_ARRAY_MAX:-20}" --output="$out/slurm-%A_%a.out" \
    "$self" task "$list" "$out" "$@")
  jid=${jid%%;*}
  gid=$(sbatch --parsable --dependency="afterany:$jid" --job-name=redsleuth-gather \
    --cpus-per-task=1 --mem=256M --time=00:30:00 --output="$out/slurm-%j-gather.out" \
    "$self" gather "$list" "$out")
  gid=${gid%%;*}
  echo "redsleuth-array: $n image(s): array job $jid, gather job $gid; summary in $out/summary.jsonl"
  ;;
task)
  id=${SLURM_ARRAY_TASK_ID:?task mode runs as a Slurm array task}
  name=$(entries "$list" | sed -n "$((2 * id - 1))p")
  img=$(entries "$list" | sed -n "$((2 * id))p")
  [ -n "$name" ] || { echo "redsleuth-array: $list has no image $id" >&2; exit 2; }
  dir=$out/$name
  mkdir -p "$dir"
  rm -f "$dir/exit_code.txt"
  rc=0
  # --force: the folder is this task's (it already holds stdout.txt and stderr.txt)
  "${REDSLEUTH:-redsleuth}" scan --force "$@" --out-dir "$dir" "$img" >"$dir/stdout.txt" 2>"$dir/stderr.txt" || rc=$?
  echo "$rc" >"$dir/exit_code.txt"
  echo "redsleuth-array: task $id: $img -> $dir: exit $rc"
  case $rc in 0 | 10 | 11) exit 0 ;; *) exit "$rc" ;; esac
  ;;
gather)
  entries "$list" | python3 -c '
import json, os, sys
out = sys.argv[1]
lines = sys.stdin.buffer.read().decode("utf-8", "surrogateescape").split("\n")
rc = 0
summary = []
for i in range(0, len(lines) - 1, 2):
    name, img = lines[i], lines[i + 1]
    d = out + "/" + name
    s = {"evidence": img, "out_dir": d}
    try:
        with open(d + "/exit_code.txt") as f:
            s["exit_code"] = int(f.read().strip())
        s["killed"] = False
    except (OSError, ValueError):
        s["exit_code"] = None
        s["killed"] = True
    try:
        with open(d + "/report.json", encoding="utf-8") as f:
            r = json.load(f)
    except (OSError, ValueError):
        r = None
    rep = r if isinstance(r, dict) else {}
    verdict = rep.get("verdict")
    s["verdict"] = verdict.get("status") if isinstance(verdict, dict) else None
    def size(k):
        v = rep.get(k)
        return len(v) if isinstance(v, list) else 0
    logs = rep.get("logs")
    s["counts"] = {"findings": size("findings"), "unreadable": size("unreadable"),
                   "hits": logs.get("hits") if isinstance(logs, dict) else None}
    if r is None:
        last = ""
        try:
            with open(d + "/stderr.txt", encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.strip("\n"):
                        last = line.rstrip("\n")
        except OSError:
            pass
        s["error"] = last or ("the Slurm task ended before redsleuth did (time limit, "
                              "scancel or node failure)" if s["killed"] else "no report")
    if s["exit_code"] not in (0, 10, 11):
        rc = 11
    summary.append(json.dumps(s, separators=(",", ":"), ensure_ascii=False))
text = "".join(l + "\n" for l in summary)
with open(out + "/summary.jsonl.part", "w", encoding="utf-8", errors="surrogateescape") as f:
    f.write(text)
os.replace(out + "/summary.jsonl.part", out + "/summary.jsonl")
sys.stdout.write(text)
sys.exit(rc)
' "$out"
  ;;
*)
  usage
  ;;
esac
