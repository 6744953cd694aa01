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

# The protocol suites once more with every test site on PostgreSQL
# (tests/harness/backend.py); the store's own tests run on both backends
# in the first pass already (tests/store/conformance).
PG_SUITES := tests/imap tests/lmtp tests/pop3 tests/managesieve tests/sieve tests/delivery \
	tests/nntp tests/e2e

test: install-test
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --store-backend=postgres $(PG_SUITES)

clean:
	rm -rf $(VENV) build src/*.egg-info
