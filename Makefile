# Wellgate: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck check browsers clean screenshots bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

run: $(VENV)/.run-installed
	$(BIN)/wellgate migrate --verbosity 0
	$(BIN)/wellgate demo
	@echo "Wellgate is at http://$(HOST):$(PORT)/  (Ctrl-C to stop; run '$(BIN)/wellgate tick --loop 60' beside it for reminders)"
	$(BIN)/wellgate runserver --insecure $(HOST):$(PORT)

# Browser tests need the system Chromium; install it when missing and we may.
browsers:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Chromium (apt-get install chromium) for the browser tests"; exit 1; fi; }

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy wellgate

test: $(VENV)/.dev-installed browsers lint typecheck
	$(BIN)/pytest -q

screenshots: $(VENV)/.dev-installed browsers
	$(BIN)/pytest -q -m browser tests/browser

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/vics_import.py

clean:
	rm -rf $(VENV) var build *.egg-info
