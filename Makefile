# The two commands of the README: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= var

.PHONY: serve test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	bash scripts/install-test-clients.sh

serve: install
	$(BIN)/roost serve --data $(DATA)

test: install-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build src/*.egg-info
