# The two commands: `make run` (set up and run the app with the seed loaded) and
# `make test` (the whole test suite). Everything installs into .venv/: `make run` only what
# the app runs on (requirements.txt); `make test` and `make lint` add the test and lint tools
# (requirements-dev.txt, and npm's axe-core and Nu Html Checker for the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEEDS := $(wildcard seeds/*.yaml)

.PHONY: run test lint setup setup-dev bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Test tools from npm: axe-core (accessibility checks in the browser tests) and
# vnu-jar (the Nu Html Checker, run with the machine's Java).
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev node_modules/.installed

run: export DEBUG ?= true
# Flag every minute while trying it out (production default: every 5 minutes).
run: export ALERTS_FLAG_INTERVAL ?= 60
# The demo subscriber's webhook endpoint is the receiver rundev starts on loopback.
run: export ALERTS_WEBHOOK_ALLOW_LOOPBACK ?= true
run: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_agreement $(SEEDS)
	@# Record the seed's past deadline events once, quietly, so the demo inbox only
	@# receives what happens from now on.
	$(BIN)/python manage.py flag_overdue --no-alerts
	$(BIN)/python manage.py create_demo_monitor
	$(BIN)/python manage.py create_demo_subscriber demo@example.org
	@echo "Development server (DEBUG=true). In production (DEBUG=false), run 'python manage.py collectstatic --no-input' first: see README, Production."
	$(BIN)/python manage.py rundev

# SEED_ARTICLES_DIR (the folder of the seed articles, relative to here) is passed on to the
# tests when set, as .ci/run does; unset, the word-for-word check of the seed's quotes skips.
test: setup-dev
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings
	SEED_ARTICLES_DIR="$(SEED_ARTICLES_DIR)" $(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Benchmarks on SQLite and PostgreSQL (README, "Benchmarks"); takes about 20 minutes.
bench: $(VENV)/.installed-dev
	bin/bench $(ARGS)
