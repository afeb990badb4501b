# Two commands do all set-up on a fresh machine (see README.md):
#   make chat   install into .venv and talk to the knowledge base in the terminal (SQLite, no token)
#   make test   install with test extras and run the whole suite on SQLite and on PostgreSQL
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install install-test chat run test test-sqlite test-postgres bench catalogues

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

chat: install
	$(BIN)/hitobot chat

run: install
	$(BIN)/hitobot run

catalogues: install-test
	$(BIN)/python -c "from knowledge.i18n import compile_catalogues; compile_catalogues(force=True)"

test: install-test catalogues
	$(MAKE) --no-print-directory test-sqlite
	bash scripts/ensure-postgres.sh
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== test suite on SQLite =="
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-postgres:
	@echo "== test suite on PostgreSQL ($(PG_URL)) =="
	HITOBOT_TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -p no:cacheprovider

bench: install-test
	$(BIN)/python bench/answer_latency.py
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/fanout.py
