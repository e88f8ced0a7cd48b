# tutor — the two commands: `make demo` and `make test`. Both do all the set-up.
.PHONY: setup test test-fast lint typecheck demo clean bench

VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

setup:
	@bash scripts/setup.sh

lint: setup
	$(VENV)/bin/ruff check packages tests bench examples
	$(VENV)/bin/ruff format --check packages tests bench examples
	$(VENV)/bin/mypy packages/*/src

test: lint
	$(VENV)/bin/pytest

test-fast: setup
	$(VENV)/bin/pytest -m "not slow"

clean:
	rm -rf $(VENV) out
