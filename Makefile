# Candor: two commands do everything on a fresh machine.
#   make run   - set up, migrate, seed demo data if empty, serve web (gunicorn) + Celery worker + beat
#   make dev   - the same with DEBUG on and the web server reloading when the code changes
#   make test  - set up and run the whole suite (lint, migrations check, pytest)
# `make run` installs only what the app needs (requirements.txt); `make test` adds the test,
# lint and benchmark tools (requirements-dev.txt). Each install re-runs when its files change.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# The web server's port (http://127.0.0.1:$(PORT)); GUNICORN_BIND, when set, overrides the address.
PORT ?= 8000

.PHONY: run dev test setup setup-dev dirs

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

dirs:
	mkdir -p var/media var/broker/queue var/broker/processed var/cache

setup: $(STAMP) dirs

setup-dev: $(DEV_STAMP) dirs

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/honcho -f Procfile.dev start --port $(PORT)

dev:
	DJANGO_DEBUG=true GUNICORN_RELOAD=1 $(MAKE) run

test: setup-dev
	scripts/test.sh
