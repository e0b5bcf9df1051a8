# make run  - set up (virtualenv, packages, database, demo proposal) and serve on 127.0.0.1:$(PORT)
# make test - the same set-up, then the whole test suite (browser tests included)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# A development machine: DEBUG on gives a development-only SECRET_KEY and local hosts.
export DEBUG ?= 1

.PHONY: run test setup demo clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m pytest

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
