# klachtdesk — the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint clean help

help:
	@echo "make run    start klachtdesk on the embedded SQLite database"
	@echo "make test   run the whole test suite"
	@echo "make bench  measure the performance budgets (builds demo databases once)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/klachtdesk $(ARGS)

# Python keeps the compiled modules (__pycache__, ignored by git) even where the environment
# says PYTHONDONTWRITEBYTECODE: otherwise every process a test starts (the command-line
# tests, eight workstations at once) compiled klachtdesk again from source.
# One test worker more than the machine has cores: a screen test waits for its pauses, a
# database test for the server and the workstation tests for their lock, and a third worker
# fills that time (on two cores the screen tests took 281 s with two workers, 235 s with three).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
test: export PYTHONDONTWRITEBYTECODE :=
test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
