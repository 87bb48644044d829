#!/usr/bin/env bash
# `make stack`: a production-like Mingze on one machine (docs/deployment-scale.md, "On one machine"): gunicorn,
# a Celery worker and Celery beat under the production settings, on the PostgreSQL and Redis already running here.
# Ctrl-C stops all three; so does any one of them stopping.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL=${STACK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mingze_stack}
export DATABASE_REPLICA_URL=${STACK_REPLICA_URL:-}  # a streaming replica, if you have one
export CELERY_BROKER_URL=${STACK_BROKER_URL:-redis://127.0.0.1:6379/1}
export CACHE_URL=${STACK_CACHE_URL:-redis://127.0.0.1:6379/2}
export SECRET_KEY=${SECRET_KEY:-$(head -c 48 /dev/urandom | base64)}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
# Plain HTTP on this machine: no proxy terminates TLS in front of it, so no redirect to HTTPS and no HSTS.
export SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
PORT=${STACK_PORT:-8080}
WEB_WORKERS=${STACK_WEB_WORKERS:-2}
CELERY_CONCURRENCY=${STACK_CELERY_CONCURRENCY:-2}

"$BIN/python" - <<'PY'
import os

import psycopg

url = os.environ["DATABASE_URL"]
name = url.rsplit("/", 1)[1]
with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PY
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py collectstatic --noinput >/dev/null
"$BIN/python" manage.py seed_demo --if-empty

pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT
"$BIN/gunicorn" config.wsgi --workers "$WEB_WORKERS" --bind "127.0.0.1:$PORT" --access-logfile - &
pids+=($!)
"$BIN/celery" -A config worker --concurrency "$CELERY_CONCURRENCY" --loglevel INFO &
pids+=($!)
"$BIN/celery" -A config beat --loglevel INFO &
pids+=($!)
echo "Mingze on http://127.0.0.1:$PORT (database $DATABASE_URL, broker $CELERY_BROKER_URL); Ctrl-C stops it."
wait -n "${pids[@]}"
