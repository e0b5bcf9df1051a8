# make run   - set up (virtualenv, packages, database, demo proposal) and serve on 127.0.0.1:$(PORT), for development
# make test  - the same set-up with the test tools, then the whole test suite (browser tests included)
# make serve - run it as a server does: DEBUG off, gunicorn, static files by WhiteNoise (see the README's "Deploying")
# make load  - measure it under a focus group's meeting (locust; see the README)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Development targets run with DEBUG on (a development-only SECRET_KEY, local hosts);
# `make serve` never does, whatever the environment says.
DEV := DEBUG=1

.PHONY: run test serve load setup setup-dev demo clean

$(VENV)/.checked:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: requirements.txt $(VENV)/.checked
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

demo: setup
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_reference
	$(DEV) $(PY) manage.py load_demo

run: demo
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup-dev
	$(DEV) $(PY) -m pytest

serve: setup
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY to a long random string, e.g. SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: set ALLOWED_HOSTS to the host names people use, e.g. ALLOWED_HOSTS=soc.example.org"; exit 2; }
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py load_reference
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn --config socproposal/gunicorn.conf.py socproposal.wsgi

# 50 reviewers and an editor against the production server on a throwaway PostgreSQL
# database (LOAD_DATABASE_URL, default the local server's), for LOAD_SECONDS (60).
load: setup-dev
	$(PY) loadtest/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
