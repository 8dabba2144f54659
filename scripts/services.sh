#!/usr/bin/env bash
# Throwaway real services on loopback for the test suite: a PostgreSQL primary,
# a streaming replica of it, Redis, and PgBouncer (transaction pooling) in front of
# the primary. Nothing is persistent or secured (trust
# auth, fsync off): the whole state lives in one temp dir that `run` deletes.
#
#   services.sh run CMD [ARGS...]        start everything, run CMD with
#                                        DATABASE_URL, DATABASE_REPLICA_URLS, REDIS_URL,
#                                        PGBOUNCER_URL (the primary through PgBouncer),
#                                        TEST_SERVICES_STATE, TEST_SERVICES_SCRIPT set,
#                                        always tear down, exit with CMD's status
#   services.sh stop|start primary|replica|redis   (needs $TEST_SERVICES_STATE)
#   services.sh lag SECONDS              recovery_min_apply_delay on the replica (0 = off)
#   services.sh wait-replica             wait until the replica replayed all primary WAL
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_OS_USER=${PG_OS_USER:-pgtest}   # PostgreSQL refuses to run as root; used only when we are root
TIMEOUT=30                         # upper bound (s) for every wait below
SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
export PGCONNECT_TIMEOUT=5         # so a dead server makes psql fail instead of hang

log() { echo "services: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# Print the tail of a service log, then die: the log usually says why it failed.
fail() { log "ERROR: $2; last lines of $1:"; tail -n 30 "$1" >&2 2>/dev/null || true; exit 1; }

# Run PostgreSQL server tools as the unprivileged user when we are root. cd into
# $STATE so that tools do not warn about an unreadable cwd such as /root.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd "$STATE" && runuser -u "$PG_OS_USER" -- "$@"); else "$@"; fi
}
# Superuser SQL over TCP: trust auth means no OS user switch is needed for clients.
psql_su() { local port=$1; shift; timeout "$TIMEOUT" "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"; }

# wait_until LOGFILE DESCRIPTION CMD...: poll CMD every 0.1 s, give up after $TIMEOUT s.
wait_until() {
  local logf=$1 desc=$2 deadline=$((SECONDS + TIMEOUT)); shift 2
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || fail "$logf" "timed out after ${TIMEOUT}s waiting for $desc"
    sleep 0.1
  done
}
# A process is gone when kill -0 fails or it is a zombie (our init may not reap).
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

port_of() {
  case $1 in primary) echo "$PRIMARY_PORT" ;; replica) echo "$REPLICA_PORT" ;; redis) echo "$REDIS_PORT" ;;
    *) die "unknown service '$1' (primary|replica|redis)" ;; esac
}

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$STATE/$1" status >/dev/null 2>&1; }
pg_start() {  # idempotent; pg_ctl -w returns once the server accepts connections
  local port; port=$(port_of "$1")
  pg_running "$1" && return 0
  as_pg "$PG_BIN/pg_ctl" -D "$STATE/$1" -l "$STATE/$1.log" -w -t "$TIMEOUT" start >/dev/null \
    || fail "$STATE/$1.log" "$1 did not start"
  wait_until "$STATE/$1.log" "$1 to accept connections" "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres
  log "$1 on 127.0.0.1:$port"
}
pg_stop() {  # $2: fast for tests (clean restart later), immediate for teardown (data is discarded)
  pg_running "$1" || return 0
  # -w waits until postmaster.pid is removed, i.e. the postmaster and all backends exited
  as_pg "$PG_BIN/pg_ctl" -D "$STATE/$1" -m "${2:-fast}" -w -t "$TIMEOUT" stop >/dev/null \
    || fail "$STATE/$1.log" "$1 did not stop"
  log "$1 stopped"
}

redis_ping() { [ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
redis_start() {
  redis_ping && return 0
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" --dir "$STATE" >/dev/null \
    || fail "$STATE/redis.log" "redis did not start"
  wait_until "$STATE/redis.log" "redis to answer PING" redis_ping
  log "redis on 127.0.0.1:$REDIS_PORT"
}
PGBOUNCER=${PGBOUNCER:-/usr/sbin/pgbouncer}
pgbouncer_start() {
  # Any database name is passed through to the primary; trust auth, like the servers.
  printf '"app" ""\n"postgres" ""\n' >"$STATE/pgbouncer.users"
  cat >"$STATE/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$PRIMARY_PORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $STATE/pgbouncer.users
pool_mode = transaction
max_client_conn = 500
default_pool_size = 40
; A primary outage is answered at once, as without PgBouncer (the app's connect_timeout):
; no client waits over 3 s for a server, and a primary that is back is tried within 1 s.
server_connect_timeout = 2
server_login_retry = 1
query_wait_timeout = 3
logfile = $STATE/pgbouncer.log
pidfile = $STATE/pgbouncer.pid
EOF
  as_pg "$PGBOUNCER" -d -q "$STATE/pgbouncer.ini" || fail "$STATE/pgbouncer.log" "pgbouncer did not start"
  wait_until "$STATE/pgbouncer.log" "pgbouncer to accept connections" \
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U app -d app
  log "pgbouncer (transaction pooling) on 127.0.0.1:$PGBOUNCER_PORT"
}
pgbouncer_stop() {
  local pid; pid=$(cat "$STATE/pgbouncer.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_until "$STATE/pgbouncer.log" "pgbouncer (pid $pid) to exit" gone "$pid"
  log "pgbouncer stopped"
}

redis_stop() {
  local pid; pid=$(cat "$STATE/redis.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || true   # no persistence configured, so TERM exits at once
  wait_until "$STATE/redis.log" "redis (pid $pid) to exit" gone "$pid"
  rm -f "$STATE/redis.pid"; log "redis stopped"
}

setup() {
  if [ "$(id -u)" -eq 0 ]; then
    # `|| id` tolerates a concurrent run creating the same user first
    id -u "$PG_OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER" \
      || id -u "$PG_OS_USER" >/dev/null
    chown "$PG_OS_USER" "$STATE"
  fi
  chmod 755 "$STATE"
  command -v redis-server >/dev/null || { log "installing redis-server";
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 redis-server; } >&2
    command -v redis-server >/dev/null || die "redis-server is not available"; }
  [ -x "$PGBOUNCER" ] || { log "installing pgbouncer";
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 pgbouncer; } >&2
    [ -x "$PGBOUNCER" ] || die "pgbouncer is not available"; }
  # The browser test drives Debian's Chromium (Playwright's own download is not used).
  [ -x /usr/bin/chromium ] || { log "installing chromium";
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 chromium; } >&2
    [ -x /usr/bin/chromium ] || die "chromium is not available"; }
  # Let the kernel pick free ports (all bound at once so they differ); concurrent
  # runs on one machine therefore do not collide. The system python starts fastest.
  read -r PRIMARY_PORT REPLICA_PORT REDIS_PORT PGBOUNCER_PORT <<<"$("$(command -v /usr/bin/python3 || command -v python3)" -c 'import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')"
  printf 'PRIMARY_PORT=%s\nREPLICA_PORT=%s\nREDIS_PORT=%s\nPGBOUNCER_PORT=%s\n' \
    "$PRIMARY_PORT" "$REPLICA_PORT" "$REDIS_PORT" "$PGBOUNCER_PORT" >"$STATE/env"
  printf 'export %s=%q\n' >>"$STATE/env" \
    DATABASE_URL "postgres://app@127.0.0.1:$PRIMARY_PORT/app" \
    DATABASE_REPLICA_URLS "postgres://app@127.0.0.1:$REPLICA_PORT/app" \
    REDIS_URL "redis://127.0.0.1:$REDIS_PORT/0" PGBOUNCER_URL "postgres://app@127.0.0.1:$PGBOUNCER_PORT/app" \
    TEST_SERVICES_STATE "$STATE" TEST_SERVICES_SCRIPT "$SCRIPT"

  # --no-sync and the fsync/full_page_writes settings: speed over durability, data is throwaway.
  as_pg "$PG_BIN/initdb" -D "$STATE/primary" --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 \
    --no-sync --no-instructions >"$STATE/initdb.log" 2>&1 || fail "$STATE/initdb.log" "initdb failed"
  cat >>"$STATE/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$STATE'
max_connections = 200
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  echo "host replication all 127.0.0.1/32 trust" >>"$STATE/primary/pg_hba.conf"
  pg_start primary
  # app may create/drop databases (Django creates test_app) but is not a superuser.
  psql_su "$PRIMARY_PORT" -c "CREATE ROLE app LOGIN CREATEDB" -c "CREATE DATABASE app OWNER app" \
    || fail "$STATE/primary.log" "creating role/database app failed"

  # -C -S: a replication slot keeps the WAL the replica misses while a test has it stopped,
  # so `start replica` always resumes streaming. -R writes primary_conninfo + standby.signal.
  as_pg timeout 120 "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$STATE/replica" \
    -R -X stream -C -S replica --checkpoint=fast --no-sync >"$STATE/basebackup.log" 2>&1 \
    || fail "$STATE/basebackup.log" "pg_basebackup failed"
  # postgresql.conf was copied from the primary; later lines override earlier ones.
  printf 'port = %s\nhot_standby = on\nhot_standby_feedback = on\n' "$REPLICA_PORT" >>"$STATE/replica/postgresql.conf"
  pg_start replica
  redis_start
  pgbouncer_start
}

teardown() {
  set +e; trap '' INT TERM   # finish cleaning up even if interrupted again
  if [ -n "${PRIMARY_PORT:-}" ]; then
    local n pid
    for n in replica primary; do
      ( pg_stop "$n" immediate ) 2>/dev/null   # subshell: its `exit` on failure must not end the trap
      # Backstop if pg_ctl failed: kill the postmaster; its children exit on postmaster death.
      pid=$(head -n1 "$STATE/$n/postmaster.pid" 2>/dev/null) && kill -KILL "$pid" 2>/dev/null
    done
    ( redis_stop ) 2>/dev/null
    ( pgbouncer_stop ) 2>/dev/null
  fi
  rm -rf "$STATE" && log "stopped all, removed $STATE"
}

# Signal during CMD: give CMD a moment to finish its own cleanup (pytest drops test
# databases) while the services are still up, then make sure it is gone and exit.
on_signal() {
  if [ -n "${CHILD:-}" ]; then
    # Ctrl-C in a terminal already reached CMD (same process group); a TERM may be ours alone.
    if [ "$1" = TERM ]; then kill -TERM "$CHILD" 2>/dev/null || true; fi
    local i
    for i in $(seq 100); do
      gone "$CHILD" && break
      if [ "$i" = 50 ]; then kill -TERM "$CHILD" 2>/dev/null || true; fi
      sleep 0.1
    done
    kill -KILL "$CHILD" 2>/dev/null || true
  fi
  exit "$2"   # EXIT trap tears down
}

cmd_run() {
  [ $# -gt 0 ] || die "usage: $0 run CMD [ARGS...]"
  STATE=$(mktemp -d "${TMPDIR:-/tmp}/test-services.XXXXXX")
  trap teardown EXIT
  trap 'on_signal INT 130' INT
  trap 'on_signal TERM 143' TERM
  local t0=$SECONDS rc=0
  setup
  log "ready in $((SECONDS - t0))s, state in $STATE"
  # shellcheck source=/dev/null
  . "$STATE/env"   # exports the URLs for CMD (the *_PORT lines stay unexported)
  # CMD runs in the background so that `wait` is interruptible by our traps. A
  # non-interactive bash makes background jobs ignore INT/QUIT and read /dev/null;
  # undo both so CMD behaves as if in the foreground (Ctrl-C, pdb).
  ( trap - INT QUIT; exec "$@" ) <&0 &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=
  exit "$rc"
}

load_state() {
  STATE=${TEST_SERVICES_STATE:?TEST_SERVICES_STATE is not set (use: $0 run CMD)}
  [ -f "$STATE/env" ] || die "no services state in $STATE"
  # shellcheck source=/dev/null
  . "$STATE/env"
}

cmd_lag() {
  [[ ${1:-} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "usage: $0 lag SECONDS"
  local ms; ms=$(awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }')
  # ALTER SYSTEM only writes postgresql.auto.conf, so it works on a hot standby too.
  local alter="ALTER SYSTEM SET recovery_min_apply_delay = $ms"
  [ "$ms" = 0 ] && alter="ALTER SYSTEM RESET recovery_min_apply_delay"
  psql_su "$REPLICA_PORT" -c "$alter" -c "SELECT pg_reload_conf()" >/dev/null \
    || fail "$STATE/replica.log" "cannot change the replica's apply delay (is it running?)"
  # The reload is asynchronous. A new session forks from the postmaster, so once it sees
  # the new value the postmaster has already passed SIGHUP on to the startup process.
  lag_is() { [ "$(psql_su "$REPLICA_PORT" -c "SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'")" = "$1" ]; }
  wait_until "$STATE/replica.log" "replica to reload its config" lag_is "$ms"
  log "replica apply delay ${1}s"
}

cmd_wait_replica() {
  # With synchronous_commit=off recent commits may still sit in WAL buffers, so
  # pg_current_wal_lsn() could be behind them. Commit a transaction that writes WAL
  # (a transactional logical message; a bare txid_current() would still commit
  # asynchronously) with synchronous_commit=on: that flushes all WAL before it too.
  local lsn
  lsn=$(psql_su "$PRIMARY_PORT" -c "SET synchronous_commit = on" \
    -c "SELECT pg_logical_emit_message(true, 'services.sh', 'wait-replica')" \
    -c "SELECT pg_current_wal_lsn()" | tail -n1) || fail "$STATE/primary.log" "cannot query primary"
  replayed() { [ "$(psql_su "$REPLICA_PORT" -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ]; }
  wait_until "$STATE/replica.log" "replica to replay up to $lsn" replayed
}

case ${1:-} in
  run) shift; cmd_run "$@" ;;
  start|stop)
    [ $# -eq 2 ] || die "usage: $0 $1 primary|replica|redis"
    load_state; port_of "$2" >/dev/null
    if [ "$2" = redis ]; then "redis_$1"; else "pg_$1" "$2"; fi ;;
  lag) load_state; cmd_lag "${2:-}" ;;
  wait-replica) load_state; cmd_wait_replica ;;
  *) die "usage: $0 run CMD [ARGS...] | start|stop primary|replica|redis | lag SECONDS | wait-replica" ;;
esac
