# Two entry points for a fresh machine with Python 3.11+ and make:
#   make plan   install into .venv and plan the bundled Montpellier week
#   make test   install into .venv (with test tools) and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TERRITORY ?= data/montpellier
OUT ?= plan

.PHONY: plan test lint install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

plan: install
	$(BIN)/foodhub validate $(TERRITORY)
	$(BIN)/foodhub plan $(TERRITORY) --out $(OUT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
