# The README's commands. Each creates .venv and installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The suite runs in parallel, one worker per core (pytest-xdist). A file's
# tests stay on one worker, so module fixtures are built once and tests
# written for one process keep their assumptions. TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

LOCK_TOOL := .tools/lock
PIP_COMPILE := $(LOCK_TOOL)/bin/pip-compile --quiet --generate-hashes --strip-extras \
  --allow-unsafe --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)

.PHONY: lock run serve bench bench-ceiling bench-scale-out test test-quick test-backends contract postman lint format clean browser screenshots vendor

# PORT=5001 make run serves on another port.
run: $(VENV)/.installed-app
	$(BIN)/flask --app app db upgrade
	$(BIN)/python app.py

# Production server: gunicorn with several workers (settings: gunicorn.conf.py;
# behind a reverse proxy: docs/DEPLOY.md).
serve: $(VENV)/.installed-app
	$(BIN)/flask --app app db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py

# The benchmark: gunicorn + wrk, every figure as a ratio to a bare Flask floor,
# writes also to the stack's own ceiling, and a CSV import at the cap; then
# every scenario on PostgreSQL + Redis beside SQLite (docs/BENCHMARKS.md).
# Installs wrk (and, through scripts/services.sh, PostgreSQL and Redis) with
# apt-get when missing.
# BASE=<ref> (e.g. `make bench BASE=main`) compares instead: <ref> is checked
# out into a temporary git worktree (removed afterwards) and every scenario is
# measured for its app and this tree's in the same run, alternating, each as a
# ratio to the same floor; a scenario that loses more than 5% fails, and the
# original seed-000 API's unpaginated list is measured beside "list a page".
bench: $(VENV)/.installed-dev
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run $(if $(BASE),--base $(BASE))

# Only the stock movement, next to the ceiling (bench/ceiling.py) on both
# drivers: the quick check of what the stack itself reaches on this machine.
bench-ceiling: $(VENV)/.installed-dev
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run ceiling

# Only PostgreSQL + Redis beside SQLite (bench/scale_out.py): every scenario
# on both, the round trips per request, and each request's CPU in-process.
bench-scale-out: $(VENV)/.installed-dev
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run scale-out

# Everything: lint; the API contract test and the Postman collection (newman)
# against a live server; then the pytest suite twice, on SQLite + file sessions
# and on PostgreSQL + Redis (started on loopback by scripts/services.sh and
# stopped afterwards). The suite runs last so that its summary ends the log.
# Every server is started on a port free at that moment, with its files in a
# temporary directory, and only what was started is stopped: two checkouts can
# run `make test` at once on one machine.
test: lint contract postman test-quick test-backends

# One pass on the zero-setup defaults: SQLite and file sessions, with the
# dashboard's real-browser tests (tests/browser), which must not be skipped.
test-quick: $(VENV)/.installed-dev browser
	REQUIRE_BROWSER=1 $(PYTEST)

# Debian's Chromium for the browser tests (Playwright cannot download its
# own browser without the internet; tests/browser/conftest.py explains).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && \
	  apt-get install -y -qq --no-install-recommends chromium fonts-liberation)

# The README's screenshots of the dashboard, in both themes, taken by the
# browser tests (docs/screenshots/).
screenshots: $(VENV)/.installed-dev browser
	REQUIRE_BROWSER=1 SCREENSHOTS=1 $(BIN)/pytest -p no:xdist tests/browser/test_screenshots.py

# Refresh the dashboard's front-end files from npm (scripts/vendor.py).
vendor: $(VENV)/.installed-dev
	$(BIN)/python scripts/vendor.py

test-backends: $(VENV)/.installed-dev
	scripts/services.sh run $(PYTEST)

# Schemathesis, every check, against the OpenAPI document of a live server.
contract: $(VENV)/.installed-dev
	scripts/contract.sh

# docs/postman_collection.json, run by newman (installed from npm into .tools).
postman: $(VENV)/.installed-dev
	scripts/postman.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-app: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-app

# requirements.txt and requirements-dev.txt are the locks of pyproject.toml's
# dependencies and its dev extra: every package pinned, with hashes (pip-tools,
# in a venv of its own so the lock never lists it).
lock:
	test -x $(LOCK_TOOL)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_TOOL) && \
	  $(LOCK_TOOL)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.7.0)
	$(PIP_COMPILE) --output-file=requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --output-file=requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache
