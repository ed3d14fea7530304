# The two commands: `make run` (start the API on embedded defaults) and `make test` (every test).
# Both bootstrap .venv themselves. See README.md.
VENV ?= .venv
PY   := $(VENV)/bin/python
BIN  := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bootstrap system-deps lint typecheck test-postgres bench

$(VENV)/.deps-ok: pyproject.toml requirements.lock requirements-nodeps.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip==26.3
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	$(PY) -m pip install -q --no-deps -c requirements.lock -r requirements-nodeps.txt
	$(PY) -c "import av, skia, cv2, fastapi, sqlalchemy, huey"
	touch $@

bootstrap: $(VENV)/.deps-ok system-deps

system-deps:
	@scripts/system-deps.sh

run: bootstrap
	$(BIN)/framelane migrate
	$(BIN)/framelane serve --host $(HOST) --port $(PORT)

lint: bootstrap
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/lint-imports
	$(BIN)/mypy

test: bootstrap lint
	$(BIN)/pytest -q -p no:cacheprovider
	$(MAKE) test-postgres

# The database-backed tests once more against the real PostgreSQL (CI has it at 127.0.0.1:5432).
test-postgres: bootstrap
	FRAMELANE_TEST_DATABASE=postgresql $(BIN)/pytest -q -p no:cacheprovider -m "db and not slow"
