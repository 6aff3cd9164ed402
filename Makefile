# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: install run test demo-data pipeline serve dev lint format browser oidc-provider clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

## make run: set up, generate the demo data if absent, run the pipeline, serve the dashboards.
run: install
	@test -d data/landing/portal -a -d data/sandbox/crm || $(BIN)/alicerce demo-data
	$(BIN)/alicerce run
	$(BIN)/alicerce serve

## make test: set up (browser included) and run the whole suite.
test: install browser oidc-provider
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

demo-data: install
	$(BIN)/alicerce demo-data

pipeline: install
	$(BIN)/alicerce run

serve: install
	$(BIN)/alicerce serve

## make dev: the Dagster UI on the same instance `alicerce run` writes to (data/dagster).
dev: install
	$(BIN)/alicerce dev

## The real browser for the end-to-end test: Debian's Chromium (Playwright cannot download one).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

## The identity provider the OpenID Connect login test runs (oidc-provider on Node.js, from npm).
oidc-provider:
	npm ci --prefix tests/e2e/oidc --no-audit --no-fund --loglevel=error

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf data/landing data/lake data/state data/warehouse data/published data/dagster dbt_project/target
