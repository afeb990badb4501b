# Two commands do all set-up on a fresh machine (see README.md):
#   make chat   install into .venv and talk to the knowledge base in the terminal (SQLite, no token)
#   make test   install with test extras and run the whole suite on SQLite, then on PostgreSQL
#               when a server is reachable at PG_URL (skipped with one line when not, unless
#               HITOBOT_REQUIRE_POSTGRES=1, as .ci/run sets: then no PostgreSQL is a failure)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
HITOBOT_REQUIRE_POSTGRES ?=
# pytest exits 5 when it ran no test at all: a suite that did not run is a failure, said so
PYTEST = $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no tests (exit 5): the suite did not run" >&2; fi; \
	exit $$status

.PHONY: install install-test chat run test test-sqlite test-postgres bench catalogues

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The project's own bytecode, compiled at install as pip does for an installed package: every
# start then reads it instead of compiling ~90 modules from source (~0.15 s), also where
# PYTHONDONTWRITEBYTECODE is set. (A module edited later is compiled from source until the next install.)
BYTECODE = $(BIN)/python -m compileall -q bot handlers knowledge participation storage > /dev/null

install: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BYTECODE)

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BYTECODE)

chat: install
	$(BIN)/hitobot chat

run: install
	$(BIN)/hitobot run

catalogues: install-test
	$(BIN)/python -c "from knowledge.i18n import compile_catalogues; compile_catalogues(force=True)"

test: install-test catalogues
	$(MAKE) --no-print-directory test-sqlite
	@if reason=$$(bash scripts/ensure-postgres.sh '$(PG_URL)' $(BIN)/python); then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$(HITOBOT_REQUIRE_POSTGRES)" = 1 ]; then \
		echo "== FAILED: PostgreSQL is required (HITOBOT_REQUIRE_POSTGRES=1): $$reason ==" >&2; exit 1; \
	else \
		echo "== test suite on PostgreSQL SKIPPED: $$reason; start one or set PG_URL (HITOBOT_REQUIRE_POSTGRES=1 makes this a failure) =="; \
	fi

test-sqlite:
	@echo "== test suite on SQLite =="
	@$(PYTEST)

test-postgres:
	@echo "== test suite on PostgreSQL ($(PG_URL)) =="
	@export HITOBOT_TEST_DATABASE_URL='$(PG_URL)'; $(PYTEST)

bench: install-test
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/answer_latency.py
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/fanout.py
