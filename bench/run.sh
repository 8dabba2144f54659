#!/usr/bin/env bash
# The benchmark, end to end, on throwaway services (PostgreSQL primary + streaming
# replica + Redis on loopback, see scripts/services.sh): migrate, seed the demo data and
# a scaled data set, start gunicorn on a free 127.0.0.1 port, run bench/load.py against
# it, stop gunicorn, then EXPLAIN ANALYZE the list queries (bench/explain.py).
#
#   bench/run.sh                          (or: make bench)
#   USERS=1000 POSTS=10000 bench/run.sh   smaller data set
# Knobs: USERS POSTS FOLLOWS_PER_USER WORKERS THREADS LOAD_THREADS REQUESTS DURATION
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_SERVICES_STATE:-}" ]; then
  exec scripts/services.sh run "$0" "$@"
fi

BIN=.venv/bin
USERS=${USERS:-10000}
POSTS=${POSTS:-100000}
FOLLOWS_PER_USER=${FOLLOWS_PER_USER:-20}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-4}
LOAD_THREADS=${LOAD_THREADS:-8}
REQUESTS=${REQUESTS:-6000}
DURATION=${DURATION:-90}
READER=scale7      # a person who follows FOLLOWS_PER_USER accounts
POPULAR=scale1     # the most followed account of the scaled data set
PASSWORD="bench-$RANDOM-$RANDOM"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
GUNICORN_PID=
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=config.settings DJANGO_DEBUG=False
export DJANGO_SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | base64)"
export DJANGO_SECURE_SSL_REDIRECT=False DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_MEDIA_ROOT="$WORK/media"
# collectstatic belongs to the image build; whitenoise warns that it has not run.
export PYTHONWARNINGS="ignore:No directory at"

step() { echo; echo "== $* ($(date -u +%H:%M:%S))"; }

step "migrate and seed the demo data"
timeout 120 $BIN/python manage.py migrate --noinput -v0
timeout 120 $BIN/python manage.py seed >/dev/null

step "seed_scale: $USERS users, $POSTS posts, $FOLLOWS_PER_USER follows per user"
start=$SECONDS
timeout 300 $BIN/python manage.py seed_scale --users "$USERS" --posts "$POSTS" \
  --follows-per-user "$FOLLOWS_PER_USER" --password "$PASSWORD"
echo "seed_scale took $((SECONDS - start)) s"
# Fresh statistics for the planner, as autovacuum would give them later; then the
# replica, which serves the reads, must have replayed everything.
timeout 120 $BIN/python manage.py shell -v0 -c \
  "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
timeout 60 "$TEST_SERVICES_SCRIPT" wait-replica
$BIN/python manage.py shell -v0 -c "
from django.db import connection
cursor = connection.cursor()
for table in ('users_user', 'social_follow', 'social_post'):
    cursor.execute(f'SELECT count(*), pg_size_pretty(pg_total_relation_size(%s)) FROM {table}', [table])
    print(table, *cursor.fetchone())"

step "gunicorn: $WORKERS workers x $THREADS threads"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=$WORKERS GUNICORN_THREADS=$THREADS \
  $BIN/gunicorn config.wsgi -c config/gunicorn.conf.py >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
echo "gunicorn pid $GUNICORN_PID on 127.0.0.1:$PORT"

step "load"
timeout $((DURATION + 120)) $BIN/python bench/load.py --port "$PORT" --master-pid "$GUNICORN_PID" \
  --login "$READER" --password "$PASSWORD" --popular "$POPULAR" --threads "$LOAD_THREADS" \
  --requests "$REQUESTS" --duration "$DURATION" || { tail -n 30 "$WORK/gunicorn.log"; exit 1; }
if grep -q Traceback "$WORK/gunicorn.log"; then
  echo "gunicorn logged errors:"; grep -A8 Traceback "$WORK/gunicorn.log" | head -n 40
fi
kill -TERM "$GUNICORN_PID"; wait "$GUNICORN_PID" || true; GUNICORN_PID=

step "EXPLAIN ANALYZE of the list queries, page 1 and page 50"
LOG_LEVEL=WARNING timeout 120 $BIN/python bench/explain.py --user "$READER" --popular "$POPULAR" ${PLANS:+--plans}
