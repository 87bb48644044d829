#!/usr/bin/env bash
# The API against its own schema (docs/hardening.md): a live server on the demo city (SQLite), every operation
# as an anonymous client, a dispatcher and an administrator, a bounded number of examples each; any server
# error or response that does not match the schema fails the run. Used by `make schemathesis` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${SCHEMATHESIS_PORT:-8765}
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-5}
WORK=var/schemathesis
rm -rf "$WORK" && mkdir -p "$WORK"

export DATABASE_URL="sqlite:///$PWD/$WORK/db.sqlite3"
export MINGZE_API_RATE_USER=1000000/hour MINGZE_API_RATE_ANON=1000000/hour  # the run is not throttled
export MINGZE_LOGIN_FAILURE_LIMIT=1000000
export CELERY_TASK_ALWAYS_EAGER=true

$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py seed_demo --tickets 300 --days 60 --seed 7 -v 0 >/dev/null
$BIN/python manage.py spectacular --file "$WORK/schema.json" --format openapi-json
# One full-scope key per persona: a dispatcher and an administrator of the demo city (docs/hardening.md).
read -r DISPATCHER ADMINISTRATOR < <($BIN/python manage.py shell -v 0 -c "
from arbitration.choices import Role
from arbitration.models import User
print(User.objects.filter(groups__name=Role.DISPATCHER, is_active=True).order_by('pk').first().username,
      User.objects.filter(groups__name=Role.ADMINISTRATOR, is_active=True).order_by('pk').first().username)")
DISPATCHER_KEY=$($BIN/python manage.py api_key issue schemathesis-dispatcher --user "$DISPATCHER" --scope full --days 1)
ADMIN_KEY=$($BIN/python manage.py api_key issue schemathesis-admin --user "$ADMINISTRATOR" --scope full --days 1)

$BIN/python manage.py runserver --noreload --nothreading "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  $BIN/python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/login/')" 2>/dev/null && break
  sleep 1
done

status=0
run() {  # persona, then extra schemathesis options
  local persona=$1
  shift
  echo "== schemathesis as $persona"
  $BIN/schemathesis run "$WORK/schema.json" --url "http://127.0.0.1:$PORT" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$EXAMPLES" --seed 1 --no-color --report junit --report-dir "$WORK/$persona" "$@" || status=1
}
run anonymous
run dispatcher -H "Authorization: Api-Key $DISPATCHER_KEY"
run administrator -H "Authorization: Api-Key $ADMIN_KEY"
exit $status
