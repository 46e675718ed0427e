# Candor: two commands do everything on a fresh machine.
#   make run   - set up, migrate, seed demo data if empty, serve web (gunicorn) + Celery worker + beat
#   make dev   - the same with DEBUG on and the web server reloading when the code changes
#   make test  - set up and run the whole suite (lint, migrations check, pytest)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run dev test setup

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p var/media var/broker/queue var/broker/processed var/cache

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/honcho -f Procfile.dev start

dev:
	DJANGO_DEBUG=true GUNICORN_RELOAD=1 $(MAKE) run

test: setup
	scripts/test.sh
