#!/bin/sh
# A real one-node Slurm cluster for contrib/slurm/redsleuth-array.sh: munged,
# slurmctld and slurmd run in the foreground (started in the background
# here) on localhost, with their key, configuration, state, spool and logs in
# WORK (the munge socket in a folder of its own under /tmp). The array is submitted over LIST, the gather job is waited for (at
# most TIMEOUT seconds), and every daemon started here is stopped by its pid.
#   tests/slurm/run.sh WORK LIST OUT REDSLEUTH [TIMEOUT]
# stdout: the submit line, then "task ID STATE EXIT" per array task and
# "gather STATE EXIT", as slurmctld reports them. Exit 0 when the gather job
# ended (OUT/summary.jsonl is the caller's to check); 77 when Slurm cannot
# run here (the reason on stderr); 1 on any other failure.
set -u
work=$1 list=$2 out=$3 rs=$4 limit=${5:-240}
here=$(cd "$(dirname "$0")" && pwd)
array=$here/../../contrib/slurm/redsleuth-array.sh

skip() {
  echo "slurm test skipped: $*" >&2
  exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (slurmd runs each job as its owner)"
for p in munged mungekey slurmctld slurmd sbatch scontrol squeue scancel python3; do
  command -v "$p" >/dev/null 2>&1 || skip "$p not installed (apt-get install slurm-wlm munge)"
done

mkdir -p "$work/key" "$work/run" "$work/etc" "$work/state" "$work/spool" "$work/log" || exit 1
chmod 0700 "$work/key"
# munged wants every folder above its socket open to all (WORK may be under
# a private temporary folder): the socket gets a folder of its own
sockdir=$(mktemp -d /tmp/rs-munge-XXXXXX) || exit 1
chmod 0755 "$sockdir"
pids=""
jobs=""
stop() {
  # jobs first (slurmstepd ends with its job), then the daemons, by pid
  if [ -n "$jobs" ]; then
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null
    i=0
    while [ $i -lt 30 ] && [ -n "$(squeue -h -j "$(echo $jobs | tr ' ' ,)" 2>/dev/null)" ]; do
      sleep 1
      i=$((i + 1))
    done
  fi
  for p in $pids; do
    kill -TERM "$p" 2>/dev/null
  done
  for p in $pids; do
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
      sleep 0.1
      i=$((i + 1))
    done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  pids=""
  rm -rf "$sockdir"
}
trap stop EXIT
trap 'exit 1' INT TERM HUP

logtail() {
  for f in "$work"/log/*; do
    echo "--- $f" >&2
    tail -n 15 "$f" >&2
  done
}

mungekey -c -k "$work/key/munge.key" >/dev/null 2>"$work/log/mungekey.err" ||
  skip "mungekey cannot create a key: $(cat "$work/log/mungekey.err")"
sock=$sockdir/munge.sock
munged -F --key-file="$work/key/munge.key" --socket="$sock" --pid-file="$work/run/munged.pid" \
  --log-file="$work/log/munged.log" --seed-file="$work/key/munged.seed" \
  >"$work/log/munged.out" 2>&1 &
pids="$pids $!"
i=0
until [ -S "$sock" ]; do
  [ $i -lt 100 ] || { logtail; skip "munged did not open its socket in 10 s"; }
  kill -0 "$!" 2>/dev/null || { logtail; skip "munged exited: $(tail -n 1 "$work/log/munged.out")"; }
  sleep 0.1
  i=$((i + 1))
done

# two free TCP ports on localhost
ports=$(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
set -- $ports
mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
: >"$work/etc/plugstack.conf"
conf=$work/etc/slurm.conf
cat >"$conf" <<EOF
ClusterName=redsleuth-test
SlurmctldHost=localhost
SlurmctldPort=$1
SlurmdPort=$2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool/slurmd.%n
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
PlugStackConfig=$work/etc/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"
slurmctld -D -f "$conf" >"$work/log/slurmctld.out" 2>&1 &
ctld=$!
pids="$ctld $pids"
slurmd -D -f "$conf" -N localhost >"$work/log/slurmd.out" 2>&1 &
pids="$! $pids"
i=0
until [ "$(scontrol show node localhost 2>/dev/null | grep -c 'State=IDLE ')" = 1 ]; do
  [ $i -lt 60 ] || { logtail; skip "the node did not come up idle in 60 s"; }
  kill -0 "$ctld" 2>/dev/null || { logtail; skip "slurmctld exited"; }
  sleep 1
  i=$((i + 1))
done
echo "slurm: cluster up in ${i} s" >&2

sub=$(REDSLEUTH=$rs "$array" submit "$list" "$out" 2>&1) || { echo "$sub" >&2; exit 1; }
echo "$sub"
jid=$(echo "$sub" | sed -n 's/.*array job \([0-9]*\),.*/\1/p')
gid=$(echo "$sub" | sed -n 's/.*gather job \([0-9]*\);.*/\1/p')
[ -n "$jid" ] && [ -n "$gid" ] || { echo "no job ids in: $sub" >&2; exit 1; }
jobs="$jid $gid"
t0=$(date +%s)
while :; do
  st=$(scontrol -o show job "$gid" 2>/dev/null | sed -n 's/.* JobState=\([A-Z_]*\) .*/\1/p')
  case $st in
  COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE) break ;;
  esac
  if [ $(($(date +%s) - t0)) -ge "$limit" ]; then
    echo "slurm: the gather job is still ${st:-unknown} after $limit s" >&2
    squeue >&2
    logtail
    exit 1
  fi
  sleep 1
done
echo "slurm: jobs ended in $(($(date +%s) - t0)) s" >&2
scontrol -o show job "$jid" | sed -n 's/.* ArrayTaskId=\([0-9]*\) .* JobState=\([A-Z_]*\) .* ExitCode=\([0-9:]*\) .*/task \1 \2 \3/p' | sort -n -k2
scontrol -o show job "$gid" | sed -n 's/.* JobState=\([A-Z_]*\) .* ExitCode=\([0-9:]*\) .*/gather \1 \2/p'
jobs=""
exit 0
