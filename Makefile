# 明责 Mingze — the two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install system-deps demo stack test test-postgres lint check schemathesis messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

## The demo city on SQLite, served on http://127.0.0.1:8000 (logins are printed before the server starts).
## The CJK fonts come first: without them the demo's rulings, letters and dossiers cannot be rendered. The server
## runs with DEBUG off, as a centre's would: error pages in the site's style, static files from whitenoise.
demo: install
	@bash scripts/system-deps.sh demo || { echo "make demo: install the fonts above (as root), then run make demo again." >&2; exit 1; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py seed_demo --if-empty
	DEBUG=false $(BIN)/python manage.py runserver 127.0.0.1:8000

## Production-like on this machine: gunicorn, Celery worker and beat on the local PostgreSQL and Redis, on
## http://127.0.0.1:8080 (docs/deployment-scale.md; STACK_* variables choose the database, broker and port).
stack: install
	BIN=$(BIN) bash scripts/stack.sh

## The whole test suite on SQLite (set DATABASE_URL to run it on PostgreSQL).
test: install system-deps
	$(BIN)/python -m pytest

test-postgres: install system-deps
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	# Production signs with the centre's certificate; the check runs with a throwaway one (docs/documents.md).
	$(BIN)/python manage.py signing_demo_certificate --directory var/check-signing >/dev/null
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=mingze.example.gov.cn DATABASE_URL=$(PG_URL) \
	  MINGZE_SIGNING_CERT=var/check-signing/demo-cert.pem MINGZE_SIGNING_KEY=var/check-signing/demo-key.pem \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

## The API against its own schema on a live demo server: anonymous, dispatcher, administrator (docs/hardening.md).
schemathesis: install
	BIN=$(BIN) bash scripts/schemathesis.sh

## Refresh the one zh-Hans catalogue in locale/ (LOCALE_PATHS) from the code, then compile it; needs gettext.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests \
	  --ignore=bench --ignore=staticfiles --ignore="*/static/vendor/*"
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles *.egg-info
