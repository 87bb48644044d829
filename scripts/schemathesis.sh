#!/usr/bin/env bash
# The API against its own schema (docs/hardening.md): a live server on the demo city (SQLite), every operation
# as an anonymous client, a dispatcher and an administrator, a bounded number of examples each; any server
# error or response that does not match the schema fails the run. Used by `make schemathesis` and .ci/run.
#
# Kept within a few minutes: schemathesis's coverage phase (hundreds of boundary cases per operation whatever
# --max-examples says) is left out — the examples and fuzzing phases run, without shrinking; the server is
# gunicorn with two workers (runserver answers one request at a time); the setup starts Django as few times as it
# can; the run is not throttled. Environment: SCHEMATHESIS_EXAMPLES, SCHEMATHESIS_PORT, SCHEMATHESIS_WORK,
# SCHEMATHESIS_PERSONAS, SCHEMATHESIS_PHASES (add "coverage" for a deeper run by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${SCHEMATHESIS_PORT:-8765}
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-5}
WORK=${SCHEMATHESIS_WORK:-var/schemathesis}
PERSONAS=${SCHEMATHESIS_PERSONAS:-anonymous dispatcher administrator}
PHASES=${SCHEMATHESIS_PHASES:-examples,fuzzing}
rm -rf "$WORK" && mkdir -p "$WORK"

export DJANGO_SETTINGS_MODULE=config.settings.local
export DATABASE_URL="sqlite:///$PWD/$WORK/db.sqlite3"
export MINGZE_API_RATE_USER=1000000/hour MINGZE_API_RATE_ANON=1000000/hour  # the run is not throttled
export MINGZE_LOGIN_FAILURE_LIMIT=1000000
export CELERY_TASK_ALWAYS_EAGER=true

$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py seed_demo --tickets 300 --days 60 --seed 7 -v 0 >/dev/null
$BIN/python manage.py spectacular --file "$WORK/schema.json" --format openapi-json
# One full-scope key per persona: a dispatcher and an administrator of the demo city (docs/hardening.md).
read -r DISPATCHER_KEY ADMIN_KEY < <($BIN/python manage.py shell -v 0 -c "
from arbitration.choices import Role
from arbitration.models.api_keys import ApiKeyScope
from arbitration.models import User
from arbitration.services.api_keys import api_key_issue
keys = []
for role in (Role.DISPATCHER, Role.ADMINISTRATOR):
    user = User.objects.filter(groups__name=role, is_active=True).order_by('pk').first()
    keys.append(api_key_issue(name=f'schemathesis-{role}', user=user, scope=ApiKeyScope.FULL, days=1)[1])
print(*keys)")

$BIN/gunicorn config.wsgi -w 2 -b "127.0.0.1:$PORT" --timeout 120 >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/login/" && break
  sleep 0.5
done

status=0
run() {  # persona, then extra schemathesis options
  local persona=$1
  shift
  echo "== schemathesis as $persona"
  $BIN/schemathesis run "$WORK/schema.json" --url "http://127.0.0.1:$PORT" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$EXAMPLES" --phases "$PHASES" --no-shrink --workers 2 --seed 1 --no-color \
    --report junit --report-dir "$WORK/$persona" "$@" || status=1
}
for persona in $PERSONAS; do
  case $persona in
    anonymous) run anonymous ;;
    dispatcher) run dispatcher -H "Authorization: Api-Key $DISPATCHER_KEY" ;;
    administrator) run administrator -H "Authorization: Api-Key $ADMIN_KEY" ;;
    *) echo "unknown persona: $persona" >&2; exit 2 ;;
  esac
done
exit $status
