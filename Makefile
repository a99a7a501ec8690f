# bipro_service — every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
# pytest processes; tests grouped by file (module-scoped servers stay in one process).
TEST_JOBS ?= 2

.PHONY: help install system-deps run serve lint format test test-unit contract contract-check db-check clean bench bench-deps

help:
	@echo "make run    install, migrate the SQLite database, load demo data, serve on $(HOST):$(PORT)"
	@echo "make test   install, lint (ruff, mypy), contract and migration checks, all tests"
	@echo "make contract  rewrite wsdl/ and schemas/ (and the clients' packaged copy) from the code"
	@echo "make bench  install, load a generated portfolio, measure it with wrk (docs/performance.md)"

# The service and, from clients/, its own project bipro-clients (zeep clients, bipro-conformance).
$(STAMP): pyproject.toml clients/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e './clients[signing]' -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the browser and TLS tests need (installed when missing; CI runs as root).
SYSTEM_PACKAGES := chromium chromium-driver nginx-light
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! [ -x /usr/sbin/nginx ]; then \
		echo "installing $(SYSTEM_PACKAGES)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	fi

# All workers of one `make run`/`make serve` share one secret (DeepLinks and portal forms are
# verified by whichever worker gets the request); set BIPRO_SECRET_KEY to keep it across restarts.
DEV_SECRET = $${BIPRO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
# WSDL addresses and DeepLinks name the address actually served (`make run PORT=8011`) unless
# BIPRO_PUBLIC_BASE_URL says otherwise (a proxy in front).
PUBLIC_URL = $${BIPRO_PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}

run: install
	$(BIN)/bipro-service db upgrade
	$(BIN)/bipro-service demo-data
	@BIPRO_PUBLIC_BASE_URL="$(PUBLIC_URL)" $(BIN)/python -c "from bipro_service.entrypoints.wsgi import create_app; [print(s['norm'], s['url']) for s in create_app().service_list()]"
	BIPRO_SECRET_KEY="$(DEV_SECRET)" BIPRO_PUBLIC_BASE_URL="$(PUBLIC_URL)" $(BIN)/bipro-service serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

serve: install
	BIPRO_SECRET_KEY="$(DEV_SECRET)" BIPRO_PUBLIC_BASE_URL="$(PUBLIC_URL)" $(BIN)/bipro-service serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

format: install
	$(BIN)/ruff format bipro_service clients tests bench migrations/env.py

lint: install
	$(BIN)/ruff format --check bipro_service clients tests bench migrations/env.py
	$(BIN)/ruff check bipro_service clients tests bench migrations/env.py
	$(BIN)/mypy

# The published contract, and the copy the clients project ships (a test keeps them equal).
contract: install
	$(BIN)/bipro-service contract write
	$(BIN)/bipro-service contract write --wsdl-dir clients/bipro_clients/wsdl \
		--schema-dir clients/bipro_clients/schemas

test: install system-deps lint
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadfile

test-unit: install
	$(BIN)/pytest tests/unit

# Benchmarks (docs/performance.md). Knobs: BENCH_CONTRACTS, BENCH_WORKERS, BENCH_SECONDS,
# BENCH_CONNECTIONS, BENCH_DATABASE (sqlite|postgresql), BENCH_PG_URL, BENCH_GROWTH=1.
bench-deps:
	@if ! command -v wrk >/dev/null; then \
		echo "installing wrk"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
	fi

bench: install bench-deps
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
