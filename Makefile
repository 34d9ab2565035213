# The README names `make run` and `make test`; the rest are for contributors.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format typecheck check clean

$(STAMP): requirements.lock package-lock.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	@command -v npm >/dev/null || { echo "npm is needed for the front-end packages (htmx, Chart.js): install Node.js"; exit 1; }
	@npm ci --omit=dev --no-audit --no-fund --loglevel=error
	@touch $(STAMP)

run: $(STAMP)  ## the product with demo data: PostgreSQL, Redis, web, worker, beat, Amazon sandbox
	@$(PY) -m scripts.dev run

test: $(STAMP)  ## the whole test suite against real PostgreSQL and Redis
	@$(PY) -m scripts.dev test $(ARGS)

lint: $(STAMP)
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

format: $(STAMP)
	@$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

typecheck: $(STAMP)
	@DATABASE_URL=postgres://typecheck@localhost/typecheck REDIS_URL=redis://localhost:6379/0 $(VENV)/bin/mypy .

lock:  ## re-resolve requirements.lock after editing pyproject.toml
	@$(VENV)/bin/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 --no-header --quiet -o requirements.lock

clean:
	rm -rf $(VENV) .data
