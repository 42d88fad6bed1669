# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-dev lint typecheck pytest bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

# dask is resolved in a second step: with the cloud extra's aiobotocore pins in the
# same resolution, pip backtracks for many minutes over s3fs/aiobotocore/dask versions
install-dev: $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/pip install -q -e ".[dask]"

demo: install
	$(BIN)/synthwright demo

lint: install-dev
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev
	bash .ci/pytest.sh $(BIN)/python

test: lint typecheck pytest

bench: install-dev
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/relational.py
	$(BIN)/python bench/db.py
	$(BIN)/python bench/planner.py
	$(BIN)/python bench/fidelity.py
	$(BIN)/python bench/service.py

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .mypy_cache .ruff_cache
