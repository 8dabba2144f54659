# The two commands of the README, and the pieces they are made of.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=True
PYTEST_ARGS ?=
CLIENT_DIR ?= client

.PHONY: install run test lint format client bench soak clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Embedded setup: SQLite, in-process cache, no other service.
run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Full setup: a throwaway PostgreSQL primary, its streaming replica and Redis. Then the
# router and concurrency tests once more with the primary behind PgBouncer in
# transaction mode (--reuse-db: the second run keeps the test database of the first).
PGBOUNCER_TESTS := config/tests/test_router.py config/tests/test_pooling.py $(wildcard */tests/test_concurrency.py)
test: install lint
	scripts/services.sh run sh -c '$(BIN)/pytest --reuse-db -m "not pgbouncer" $(PYTEST_ARGS) && \
	  DATABASE_URL="$$PGBOUNCER_URL" DATABASE_PGBOUNCER=True $(BIN)/pytest --reuse-db -q $(PGBOUNCER_TESTS)'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A typed Python client generated from the OpenAPI schema: import platform_api_client
# with $(CLIENT_DIR) on sys.path. Any schema warning of the generator fails it.
client: install
	mkdir -p $(CLIENT_DIR)
	$(DEV_ENV) $(BIN)/python manage.py spectacular --format openapi-json --file $(CLIENT_DIR)/schema.json
	$(BIN)/openapi-python-client generate --path $(CLIENT_DIR)/schema.json --meta none \
		--config config/openapi-client.yaml --output-path $(CLIENT_DIR)/platform_api_client \
		--overwrite --fail-on-warning

# Load and EXPLAIN on a scaled data set, on throwaway services (a few minutes; bench/README.md).
bench: install
	bench/run.sh

# Many clients reading and writing on gunicorn + the full stack, then integrity checks
# (a few minutes, not part of `make test`; scripts/soak.sh).
soak: install
	scripts/soak.sh

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache .ruff_cache $(CLIENT_DIR)
