#!/usr/bin/env bash
# The soak, end to end, on throwaway services (PostgreSQL primary + streaming replica +
# Redis on loopback, see scripts/services.sh): migrate, seed the demo data (the menu),
# create the soak's users, start gunicorn with several workers on a free 127.0.0.1
# port, run scripts/soak.py (many clients reading and writing, then the integrity
# checks), stop gunicorn. Exits non-zero when a check fails or a request got a 5xx.
#
#   scripts/soak.sh                     (or: make soak; about 4 minutes)
#   DURATION=60 CLIENTS=8 scripts/soak.sh   a shorter one
# Knobs: DURATION (s of traffic, 180) CLIENTS (24) AUTHORS (120) WORKERS (3) THREADS (4)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${TEST_SERVICES_STATE:-}" ]; then
  exec scripts/services.sh run "$0" "$@"
fi

BIN=.venv/bin
DURATION=${DURATION:-180}
CLIENTS=${CLIENTS:-24}
AUTHORS=${AUTHORS:-120}
WORKERS=${WORKERS:-3}
THREADS=${THREADS:-4}
PASSWORD="soak-$RANDOM-$RANDOM-$RANDOM"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
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
export DJANGO_SECRET_KEY="soak-only-$(head -c 24 /dev/urandom | base64)"
export DJANGO_SECURE_SSL_REDIRECT=False DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_MEDIA_ROOT="$WORK/media"
export PYTHONWARNINGS="ignore:No directory at"
export SOAK_PASSWORD=$PASSWORD SOAK_CLIENTS=$CLIENTS SOAK_AUTHORS=$AUTHORS

step() { echo; echo "== $* ($(date -u +%H:%M:%S))"; }

step "migrate, seed the demo data, create $CLIENTS soak users and $AUTHORS authors"
timeout 120 $BIN/python manage.py migrate --noinput -v0
timeout 120 $BIN/python manage.py seed >/dev/null
# The clients log in over HTTP, with one password hash for all (hashing it per user
# would take most of a minute). The authors, which only post (5 a day each), get their
# access tokens here: many logins would only measure the password hasher.
USERS=$(timeout 60 $BIN/python manage.py shell -v0 -c "
import json, os
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from rest_framework_simplejwt.tokens import AccessToken
User = get_user_model()
password = make_password(os.environ['SOAK_PASSWORD'])
names = [f'soak{n}' for n in range(int(os.environ['SOAK_CLIENTS']))]
User.objects.bulk_create(User(username=name, email=f'{name}@example.com', password=password) for name in names)
authors = User.objects.bulk_create(
    User(username=f'author{n}', email=f'author{n}@example.com') for n in range(int(os.environ['SOAK_AUTHORS']))
)
tokens = {author.username: str(AccessToken.for_user(author)) for author in authors}
with open('$WORK/authors.json', 'w') as file:
    json.dump(tokens, file)
print(','.join(names))")
timeout 60 "$TEST_SERVICES_SCRIPT" wait-replica

step "gunicorn: $WORKERS workers x $THREADS threads"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=$WORKERS GUNICORN_THREADS=$THREADS \
  LOG_LEVEL=WARNING $BIN/gunicorn config.wsgi -c config/gunicorn.conf.py >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/ready" 2>/dev/null && break
  sleep 0.2
done

step "$CLIENTS clients for $DURATION s, then the integrity checks"
status=0
timeout $((DURATION + 300)) $BIN/python scripts/soak.py --port "$PORT" --users "$USERS" \
  --password "$PASSWORD" --authors "$WORK/authors.json" --duration "$DURATION" || status=$?
if grep -q Traceback "$WORK/gunicorn.log"; then
  echo "gunicorn logged errors:"; grep -A12 Traceback "$WORK/gunicorn.log" | head -n 60
  status=1
fi
exit "$status"
