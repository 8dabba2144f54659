#!/usr/bin/env bash
# The benchmark, end to end (bench/README.md): for each data size, a PostgreSQL primary
# with its streaming replica on loopback (one Redis, two databases per size), the product and
# its floor (bench/floor.py) under the same gunicorn settings; all sizes' servers run at
# once, and wrk loads them in interleaved rounds (per endpoint: each size, product then
# floor), so that the drift of a shared machine over minutes stays out of the ratios of
# the largest size to the smallest and of the product to the floor; then
# bench/RESULTS.md and bench/latency.png.
#
#   make bench                                  both sizes, throwaway data
#   BENCH_DATA_DIR=/var/tmp/bench make bench    keep the seeded data there and reuse it
#   SIZES="1000:10000" ROUNDS=1 DURATION=2 bench/run.sh   a quick look
# Knobs: SIZES ("users:posts ..."), ROUNDS, DURATION (s per wrk run), CONNECTIONS,
#        WRK_THREADS, WORKERS, THREADS, WORKER_CLASS, RANDOM_SEED, BENCH_DATA_DIR, ONLY,
#        EXPLAIN=1 (also EXPLAIN ANALYZE the list queries, bench/explain.py)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_OS_USER=${PG_OS_USER:-pgtest}   # PostgreSQL refuses to run as root
SIZES=${SIZES:-"1000:10000 100000:1000000"}
RANDOM_SEED=${RANDOM_SEED:-1}
export ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-3} CONNECTIONS=${CONNECTIONS:-32}
export WRK_THREADS=${WRK_THREADS:-2} ONLY=${ONLY:-}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-1}
WORKER_CLASS=${WORKER_CLASS:-sync}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
chmod 755 "$WORK"
PIDS=()          # gunicorn masters
PG_DIRS=()       # running data directories, stopped in reverse order
REDIS_PID=
log() { echo "bench: $* ($(date -u +%H:%M:%S))" >&2; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd "$WORK" && runuser -u "$PG_OS_USER" -- "$@"); else "$@"; fi
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
psql_su() { local port=$1; shift; "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }

# pg_start DIR PORT [extra -c settings]: ports are given on the command line, so a kept
# data directory starts on whatever ports are free today.
pg_start() {
  local dir=$1 port=$2; shift 2
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir.log" -w -t 120 \
    -o "-p $port -k $WORK -c listen_addresses=127.0.0.1 $*" start >/dev/null \
    || { tail -n 20 "$dir.log" >&2; exit 1; }
  PG_DIRS+=("$dir")
}
# The primary's port changes from run to run; the last setting in the file wins.
replica_follows() {
  echo "primary_conninfo = 'host=127.0.0.1 port=$2 user=postgres'" >>"$1/postgresql.auto.conf"
}
pg_stop_all() {
  local i
  for ((i = ${#PG_DIRS[@]} - 1; i >= 0; i--)); do
    as_pg "$PG_BIN/pg_ctl" -D "${PG_DIRS[$i]}" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  done
  PG_DIRS=()
}
stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  PIDS=()
}
cleanup() {
  set +e
  stop_servers
  [ -n "$REDIS_PID" ] && kill -TERM "$REDIS_PID" 2>/dev/null
  pg_stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Tools the benchmark needs, installed the way scripts/services.sh installs redis.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 "${missing[@]}"; } >&2
fi
$BIN/python -c 'import matplotlib' 2>/dev/null || $BIN/pip install --quiet -r bench/requirements.txt
if [ "$(id -u)" -eq 0 ]; then
  id -u "$PG_OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER" \
    || id -u "$PG_OS_USER" >/dev/null
  chown "$PG_OS_USER" "$WORK"
fi

export DJANGO_SETTINGS_MODULE=config.settings DJANGO_DEBUG=False
export DJANGO_SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64)"
export DJANGO_SECURE_SSL_REDIRECT=False DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_MEDIA_ROOT="$WORK/media" LOG_LEVEL=${LOG_LEVEL:-INFO}
# The tokens of the benchmark's readers must outlive the run.
export JWT_ACCESS_MINUTES=600
# collectstatic belongs to the image build; whitenoise warns that it has not run.
export PYTHONWARNINGS="ignore:No directory at"
export GUNICORN_WORKERS=$WORKERS GUNICORN_THREADS=$THREADS GUNICORN_WORKER_CLASS=$WORKER_CLASS

# One Redis, empty (nothing saved); each size's servers get two databases of their own:
# the cache, and the throttle counters (THROTTLE_REDIS_URL, else database 1 for all).
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --databases 64 --logfile "$WORK/redis.log" --dir "$WORK" &
REDIS_PID=$!

# Per size, by index: what phase 3 needs once the load has run.
NAMES=() PRIMARY_PORTS=() REPLICA_PORTS=()
# use_size I: the environment of size I (its databases, its Redis databases), which
# manage.py, bench/prepare.py, the gunicorns and bench/explain.py read.
use_size() {
  export DATABASE_URL="postgres://app@127.0.0.1:${PRIMARY_PORTS[$1]}/app"
  export DATABASE_REPLICA_URLS="postgres://app@127.0.0.1:${REPLICA_PORTS[$1]}/app"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$((2 * $1))"
  export THROTTLE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$((2 * $1 + 1))"
}

# Phase 1, size by size: data, readers and URLs, both servers started; no load yet.
i=0
for size in $SIZES; do
  users=${size%%:*} posts=${size##*:}
  name="posts-$posts"
  data=${BENCH_DATA_DIR:+$BENCH_DATA_DIR/$name}
  data=${data:-$WORK/$name}
  marker="users=$users posts=$posts random-seed=$RANDOM_SEED"
  primary_port=$(free_port) replica_port=$(free_port)
  NAMES+=("$name") PRIMARY_PORTS+=("$primary_port") REPLICA_PORTS+=("$replica_port")
  use_size "$i"
  # pg_stat_statements counts the statements each request sends (both servers). Memory as
  # a production server would be set (pgtune's starting point: a quarter of RAM for
  # shared_buffers, most of the rest for the planner's cache estimate), for both sizes:
  # the 1M data set (~1 GB with indexes, docs/SCALING.md) fits PostgreSQL's own cache.
  stats="-c shared_preload_libraries=pg_stat_statements -c max_connections=200"
  stats="$stats -c shared_buffers=2GB -c effective_cache_size=16GB"

  if [ -f "$data/seeded" ] && [ "$(cat "$data/seeded")" = "$marker" ]; then
    log "$name: reusing the data in $data"
    pg_start "$data/primary" "$primary_port" "$stats"
    replica_follows "$data/replica" "$primary_port"
    pg_start "$data/replica" "$replica_port" "$stats"
    timeout 600 $BIN/python manage.py migrate --noinput -v0
  else
    log "$name: seeding $users users, $posts posts into $data"
    rm -rf "$data"; mkdir -p "$data"; chmod 755 "$data"
    [ "$(id -u)" -eq 0 ] && chown "$PG_OS_USER" "$data"
    as_pg "$PG_BIN/initdb" -D "$data/primary" --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 \
      --no-sync --no-instructions >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; exit 1; }
    cat >>"$data/primary/postgresql.conf" <<EOF
wal_level = replica
max_wal_senders = 10
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    echo "host replication all 127.0.0.1/32 trust" >>"$data/primary/pg_hba.conf"
    pg_start "$data/primary" "$primary_port" "$stats"
    psql_su "$primary_port" -d postgres -c "CREATE ROLE app LOGIN CREATEDB" -c "CREATE DATABASE app OWNER app"
    psql_su "$primary_port" -d app -c "CREATE EXTENSION pg_stat_statements"
    timeout 600 $BIN/python manage.py migrate --noinput -v0
    timeout 600 $BIN/python manage.py seed >/dev/null
    start=$SECONDS
    timeout 1800 $BIN/python manage.py seed_scale --users "$users" --posts "$posts" --random-seed "$RANDOM_SEED"
    log "$name: seed_scale took $((SECONDS - start)) s"
    psql_su "$primary_port" -d app -c "VACUUM ANALYZE"
    # The replica is a copy of the seeded primary: nothing left to replay.
    as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$data/replica" \
      -R -X stream --checkpoint=fast --no-sync >"$WORK/basebackup.log" 2>&1 \
      || { cat "$WORK/basebackup.log" >&2; exit 1; }
    printf 'hot_standby = on\nhot_standby_feedback = on\n' >>"$data/replica/postgresql.conf"
    replica_follows "$data/replica" "$primary_port"
    pg_start "$data/replica" "$replica_port" "$stats"
    echo "$marker" >"$data/seeded"
  fi

  # The readers, their tokens and the URLs to load (written to the primary, so wait
  # for the replica to have them).
  $BIN/python bench/prepare.py >"$WORK/targets-$name.json"
  for _ in $(seq 600); do
    lsn=$(psql_su "$primary_port" -d app -c "SELECT pg_current_wal_flush_lsn()")
    [ "$(psql_su "$replica_port" -d app -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && break
    sleep 0.2
  done

  # Both servers inherit this size's DATABASE_URL, DATABASE_REPLICA_URLS and Redis URLs.
  app_port=$(free_port) floor_port=$(free_port)
  GUNICORN_BIND="127.0.0.1:$app_port" $BIN/gunicorn config.wsgi -c config/gunicorn.conf.py --no-control-socket \
    >"$WORK/app-$name.log" 2>&1 &
  app_pid=$!
  PIDS+=("$app_pid")
  GUNICORN_BIND="127.0.0.1:$floor_port" $BIN/gunicorn bench.floor:application -c config/gunicorn.conf.py --no-control-socket \
    >"$WORK/floor-$name.log" 2>&1 &
  floor_pid=$!
  PIDS+=("$floor_pid")
  for port in "$app_port" "$floor_port"; do
    for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.2; done
  done
  printf '{"name": "%s", "users": %d, "posts": %d, "targets": "%s", "app": "%s", "floor": "%s", "pg": [%d, %d], "app_pid": %d, "floor_pid": %d, "out": "%s"}\n' \
    "$name" "$users" "$posts" "$WORK/targets-$name.json" "http://127.0.0.1:$app_port" \
    "http://127.0.0.1:$floor_port" "$primary_port" "$replica_port" "$app_pid" "$floor_pid" \
    "$WORK/results-$name.json" >>"$WORK/sizes.jsonl"
  i=$((i + 1))
done

# Phase 2: every size in one load, in interleaved rounds (bench/load.py).
log "load: ${NAMES[*]} interleaved ($ROUNDS rounds x $DURATION s per endpoint, size and server)"
$BIN/python bench/load.py "$WORK/sizes.jsonl" \
  || { for name in "${NAMES[@]}"; do tail -n 30 "$WORK/app-$name.log" "$WORK/floor-$name.log"; done; exit 1; }

# Phase 3, size by size: EXPLAIN (EXPLAIN=1) and the errors the servers logged.
for i in "${!NAMES[@]}"; do
  name=${NAMES[$i]}
  use_size "$i"
  if [ -n "${EXPLAIN:-}" ]; then
    log "$name: EXPLAIN ANALYZE of the list queries, page 1 and page 50"
    read -r popular heavy < <($BIN/python -c 'import json, sys
readers = json.load(open(sys.argv[1]))["readers"]
print(readers["popular"][0], readers["heavy follower"][0])' "$WORK/targets-$name.json")
    LOG_LEVEL=WARNING $BIN/python bench/explain.py --user "$heavy" --popular "$popular" --plans
  fi
  if grep -q Traceback "$WORK/app-$name.log" "$WORK/floor-$name.log"; then
    log "$name: errors logged:"; grep -h -A12 Traceback "$WORK/app-$name.log" "$WORK/floor-$name.log" | head -n 60
  fi
done
stop_servers
pg_stop_all

$BIN/python bench/report.py --workers "$WORKERS" --threads "$THREADS" --worker-class "$WORKER_CLASS" \
  "$WORK"/results-*.json
