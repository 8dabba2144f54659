#!/usr/bin/env bash
# CPU ms and Python calls per request through the WSGI handler (bench/cpu_profile.py), on
# throwaway services (scripts/services.sh) seeded with a small data set.
#
#   bench/profile.sh                         every endpoint, 500 requests each
#   bench/profile.sh --only hello --top 25   one endpoint, with its costliest functions
# Knobs: USERS (1000) POSTS (10000) REQUESTS (500)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TEST_SERVICES_STATE:-}" ]; then
  exec scripts/services.sh run "$0" "$@"
fi
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=config.settings DJANGO_DEBUG=False
export DJANGO_SECRET_KEY="profile-only-$(head -c 24 /dev/urandom | base64)"
export DJANGO_SECURE_SSL_REDIRECT=False DJANGO_ALLOWED_HOSTS=127.0.0.1
# The request log is off unless LOG_LEVEL=INFO is given (its lines go to stderr).
export DJANGO_MEDIA_ROOT="$TEST_SERVICES_STATE/media" LOG_LEVEL=${LOG_LEVEL:-WARNING}
export PYTHONWARNINGS="ignore:No directory at"
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py seed >/dev/null
$BIN/python manage.py seed_scale --users "${USERS:-1000}" --posts "${POSTS:-10000}" --random-seed 1 >/dev/null
# prepare.py walks the lists to page 50 on the replica, then may write a birthday.
"$TEST_SERVICES_SCRIPT" wait-replica
$BIN/python bench/prepare.py >"$TEST_SERVICES_STATE/targets.json"
"$TEST_SERVICES_SCRIPT" wait-replica
$BIN/python bench/cpu_profile.py --targets "$TEST_SERVICES_STATE/targets.json" \
  --requests "${REQUESTS:-500}" "$@"
