#!/usr/bin/env bash
# harness.sh: a private single-node SLURM on 127.0.0.1 for jobtrail's live tests.
#
#   harness.sh start DIR   write configs under DIR, start munged, mariadbd, slurmdbd, slurmctld,
#                          slurmd (in that order), wait until the node is idle; prints the
#                          environment the clients need (`eval "$(harness.sh start DIR)"`)
#   harness.sh stop DIR    cancel the jobs, stop every daemon it started, by PID (TERM, then
#                          KILL after a bounded wait), also the job step daemons of its slurmd
#   harness.sh env DIR     print that environment again
#   harness.sh ctld-stop DIR | ctld-start DIR   stop / restart slurmctld alone (outage tests)
#
# It never touches another SLURM installation: its own SLURM_CONF (DIR/etc), state, spool, log
# and munge folders and key, its own munge socket and MariaDB socket (no TCP), its own ports
# (JT_SLURM_PORT, default 16817: slurmctld; +1 slurmd, +2 slurmdbd, +3 MariaDB on 127.0.0.1). `start` refuses when DIR holds a live daemon
# it did not record, when one of its ports is already taken, or when DIR is not empty and not
# its own. /etc/slurm, /etc/munge, /run/munge and the system MariaDB are left alone.
#
# Needs root (daemons run as the slurm, munge and mysql users of Debian's packages) and
# scripts/install-slurm.sh's packages. Every wait is bounded (JT_SLURM_WAIT_S, default 60).
set -euo pipefail

cmd=${1:-}
DIR=${2:-}
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 start|stop|env|ctld-stop|ctld-start DIR" >&2; exit 2; }
case "$DIR" in /*) ;; *) DIR="$(pwd)/$DIR" ;; esac

PORT=${JT_SLURM_PORT:-16817}
WAIT_S=${JT_SLURM_WAIT_S:-60}
CLUSTER=jtcluster
NODE=jtnode
CONF=$DIR/etc/slurm.conf
MUNGE_SOCKET=$DIR/munge/munge.socket
MYSQL_SOCKET=$DIR/mysql/mysqld.sock
RUN=$DIR/run
MARKER=$DIR/.jobtrail-slurm-harness
DB_PASS=jobtrail-test-only
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[slurm-harness %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# ---- processes: a daemon is ours when its pid file (under DIR) names a live process of that
# program; a zombie counts as stopped (PID 1 may reap late).
alive() { [ "$(cat /proc/"$1"/comm 2>/dev/null)" = "$2" ] && ! grep -q '^State:.*Z' /proc/"$1"/status 2>/dev/null; }
pid_of() {
  local p
  p=$(cat "$1" 2>/dev/null || true)
  [[ "$p" =~ ^[0-9]+$ ]] && alive "$p" "$2" && echo "$p"
}
wait_for() { # wait_for SECONDS WHAT CMD...
  local seconds=$1 what=$2 end
  shift 2
  end=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || {
      log "timed out after ${seconds}s waiting for $what"
      return 1
    }
    sleep 0.2
  done
}
stop_pid() { # stop_pid PIDFILE COMM
  local p i
  p=$(pid_of "$1" "$2") || {
    rm -f "$1"
    return 0
  }
  kill -TERM "$p" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    alive "$p" "$2" || break
    sleep 0.1
  done
  if alive "$p" "$2"; then
    log "$2 ($p) ignored TERM for 15 s: KILL"
    kill -KILL "$p" 2>/dev/null || true
  fi
  rm -f "$1"
  log "stopped $2 (pid $p)"
}
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

client_env() {
  echo "export SLURM_CONF='$CONF'"
  echo "export JT_SLURM_DIR='$DIR'"
}
export SLURM_CONF=$CONF

# ---- refusal: nothing of anyone else's is touched
check_ours() {
  if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && [ ! -e "$MARKER" ]; then
    die "$DIR is not empty and was not made by this harness: refusing"
  fi
  local f
  for f in "$RUN"/*.pid; do
    [ -e "$f" ] || continue
    local comm
    comm=$(basename "$f" .pid)
    if pid_of "$f" "$comm" >/dev/null; then die "$comm already runs from $DIR (pid file $f): stop it first"; fi
  done
  for p in "$PORT" $((PORT + 1)) $((PORT + 2)) $((PORT + 3)); do
    if port_taken "$p"; then die "port $p on 127.0.0.1 is taken (another SLURM?): refusing (set JT_SLURM_PORT)"; fi
  done
}

write_configs() {
  install -d -m 755 "$DIR" "$DIR/etc" "$RUN" "$DIR/log"
  touch "$MARKER"
  install -d -o slurm -g slurm -m 755 "$DIR/ctld" "$DIR/log/slurm"
  install -d -m 755 "$DIR/spool"
  install -d -o munge -g munge -m 755 "$DIR/munge" # clients reach the socket in it
  install -d -o mysql -g mysql -m 755 "$DIR/mysql"
  local cpus mem_mb
  cpus=${JT_SLURM_CPUS:-8} # more than the machine has: parallel one-CPU test jobs
  mem_mb=$(awk '/MemTotal/{print int($2/1024/2)}' /proc/meminfo)
  [ "$mem_mb" -gt 4096 ] && mem_mb=4096
  cat >"$CONF" <<EOF
# Written by jobtrail tests/slurm/harness.sh: a private test cluster on 127.0.0.1
ClusterName=$CLUSTER
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET,cred_expire=10
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$DIR/log/slurm/slurmctld.log
SlurmdLogFile=$DIR/log/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
MailProg=/bin/true
CommunicationParameters=NoInAddrAny
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=10
ReturnToService=2
KillWait=2
MinJobAge=300
MessageTimeout=5
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$((PORT + 2))
# the munge socket for slurmdbd connections (AuthInfo covers the controller only)
AccountingStoragePass=$MUNGE_SOCKET
JobCompType=jobcomp/none
SlurmdParameters=config_overrides
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  # slurmdbd reads slurmdbd.conf next to SLURM_CONF; it must be SlurmUser's, mode 600.
  install -o slurm -g slurm -m 600 /dev/stdin "$DIR/etc/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$((PORT + 2))
SlurmUser=slurm
DebugLevel=info
LogFile=$DIR/log/slurm/slurmdbd.log
PidFile=$RUN/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$((PORT + 3))
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=$DB_PASS
EOF
}

start_munge() {
  [ -s "$DIR/munge/munge.key" ] || {
    dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
    chown munge:munge "$DIR/munge/munge.key"
    chmod 600 "$DIR/munge/munge.key"
  }
  runuser -u munge -- munged --socket="$MUNGE_SOCKET" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" \
    --seed-file="$DIR/munge/munged.seed" </dev/null >>"$DIR/log/munged.out" 2>&1 ||
    die "munged did not start: $(tail -3 "$DIR/munge/munged.log" 2>/dev/null)"
  wait_for "$WAIT_S" munged bash -c "munge -S '$MUNGE_SOCKET' -n | unmunge -S '$MUNGE_SOCKET'" ||
    die "munge does not work"
  cp "$DIR/munge/munged.pid" "$RUN/munged.pid"
  log "munged up (pid $(cat "$RUN/munged.pid"))"
}

start_mariadb() {
  if [ ! -d "$DIR/mysql/data/mysql" ]; then
    install -d -o mysql -g mysql -m 755 "$DIR/mysql/data"
    mariadb-install-db --user=mysql --datadir="$DIR/mysql/data" --auth-root-authentication-method=socket \
      --skip-test-db >>"$DIR/log/mariadb.log" 2>&1 || die "mariadb-install-db failed: see $DIR/log/mariadb.log"
  fi
  setsid mariadbd --no-defaults --user=mysql --datadir="$DIR/mysql/data" --socket="$MYSQL_SOCKET" \
    --pid-file="$DIR/mysql/mariadbd.pid" --bind-address=127.0.0.1 --port=$((PORT + 3)) \
    --skip-name-resolve --innodb-buffer-pool-size=64M \
    --log-error="$DIR/mysql/mariadb.err" </dev/null >>"$DIR/log/mariadb.log" 2>&1 &
  wait_for "$WAIT_S" mariadb mariadb-admin --socket="$MYSQL_SOCKET" ping ||
    die "mariadbd did not start: see $DIR/mysql/mariadb.err"
  cp "$DIR/mysql/mariadbd.pid" "$RUN/mariadbd.pid"
  # root authenticates by the unix socket; slurmdbd (as the slurm user) by password over TCP
  mariadb --socket="$MYSQL_SOCKET" -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
    CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1'; FLUSH PRIVILEGES;"
  log "mariadbd up (pid $(cat "$RUN/mariadbd.pid"))"
}

sacctmgr_ok() { sacctmgr -n list cluster; }
start_slurmdbd() {
  slurmdbd </dev/null >>"$DIR/log/slurmdbd.out" 2>&1 || die "slurmdbd failed: see $DIR/log/slurm/slurmdbd.log"
  wait_for "$WAIT_S" slurmdbd sacctmgr_ok || die "slurmdbd does not answer: see $DIR/log/slurm/slurmdbd.log"
  if ! sacctmgr -n -P list cluster format=cluster | grep -qx "$CLUSTER"; then
    sacctmgr -i add cluster "$CLUSTER" >/dev/null
  fi
  log "slurmdbd up (pid $(cat "$RUN/slurmdbd.pid"))"
}

node_ready() { sinfo -h -n "$NODE" -o '%T' | grep -Eq '^(idle|mixed|allocated)$'; }
start_slurmctld() {
  slurmctld </dev/null >>"$DIR/log/slurmctld.out" 2>&1 || die "slurmctld failed: see $DIR/log/slurm/slurmctld.log"
  wait_for "$WAIT_S" slurmctld scontrol ping || die "slurmctld does not answer: see $DIR/log/slurm/slurmctld.log"
  log "slurmctld up (pid $(cat "$RUN/slurmctld.pid"))"
}
start_slurmd() {
  slurmd -N "$NODE" </dev/null >>"$DIR/log/slurmd.out" 2>&1 || die "slurmd failed: see $DIR/log/slurm/slurmd.log"
  if ! wait_for "$WAIT_S" "node $NODE" node_ready; then
    scontrol update NodeName="$NODE" State=RESUME || true
    wait_for 10 "node $NODE after resume" node_ready || die "node not usable: $(sinfo -R)"
  fi
  log "slurmd up (pid $(cat "$RUN/slurmd.pid")), node $NODE ready"
}

# Job step daemons are detached from slurmd; ours carry our SLURM_CONF in their environment.
our_stepds() {
  local f p
  for f in $(grep -lx slurmstepd /proc/[0-9]*/comm 2>/dev/null); do
    p=${f#/proc/}
    p=${p%/comm}
    alive "$p" slurmstepd && tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "SLURM_CONF=$CONF" && echo "$p"
  done
  true
}
no_stepds() { [ -z "$(our_stepds)" ]; }

stop_all() {
  if pid_of "$RUN/slurmctld.pid" slurmctld >/dev/null; then
    local jobs
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086 # job ids, one word each
      scancel $jobs 2>/dev/null || true
      wait_for 20 "jobs to end" bash -c '[ -z "$(squeue -h 2>/dev/null)" ]' || true
    fi
  fi
  stop_pid "$RUN/slurmd.pid" slurmd
  stop_pid "$RUN/slurmctld.pid" slurmctld
  wait_for 5 "slurmstepd to exit" no_stepds || true
  local p
  for p in $(our_stepds); do
    log "killing leftover slurmstepd $p"
    kill -KILL "$p" 2>/dev/null || true
  done
  stop_pid "$RUN/slurmdbd.pid" slurmdbd
  stop_pid "$RUN/mariadbd.pid" mariadbd
  stop_pid "$RUN/munged.pid" munged
}

case "$cmd" in
  start)
    [ "$(id -u)" = 0 ] || die "must run as root (daemons run as slurm, munge, mysql)"
    command -v slurmctld >/dev/null && command -v slurmdbd >/dev/null && command -v munged >/dev/null &&
      command -v mariadbd >/dev/null || die "SLURM packages missing: run scripts/install-slurm.sh"
    check_ours
    write_configs
    # From here on, a failure stops what was started.
    trap 'log "start failed: stopping what was started"; stop_all' ERR EXIT
    start_munge
    start_mariadb
    start_slurmdbd
    start_slurmctld
    start_slurmd
    trap - ERR EXIT
    client_env
    ;;
  stop)
    [ -e "$MARKER" ] || die "$DIR is not a harness folder"
    stop_all
    ;;
  env) client_env ;;
  ctld-stop)
    p=$(pid_of "$RUN/slurmctld.pid" slurmctld) || die "slurmctld is not running"
    kill -KILL "$p"
    wait_for 10 "slurmctld to die" bash -c "! grep -qx slurmctld /proc/$p/comm 2>/dev/null || grep -q '^State:.*Z' /proc/$p/status"
    rm -f "$RUN/slurmctld.pid"
    log "slurmctld killed (pid $p)"
    ;;
  ctld-start) start_slurmctld ;;
  *)
    echo "usage: $0 start|stop|env|ctld-stop|ctld-start DIR" >&2
    exit 2
    ;;
esac
