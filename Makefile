# The two commands a new user needs: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEPS   := $(VENV)/.deps-installed

.PHONY: demo test lint typecheck check-migrations coverage-codec pytest pytest-postgres browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstalled only when pyproject.toml changes, so a second run is fast.
$(DEPS): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

demo: $(DEPS)
	$(BIN)/epb demo

# Lint, types, migrations, then the suite on SQLite and, when DATABASE_URL names one, on PostgreSQL.
test: $(DEPS) browser-deps lint typecheck check-migrations coverage-codec pytest pytest-postgres

lint: $(DEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEPS)
	$(BIN)/mypy epb bench

check-migrations: $(DEPS)
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run

# The HJ 212 codec is held to 100 % branch coverage (sans-IO, after h11).
coverage-codec: $(DEPS)
	env -u DATABASE_URL $(BIN)/pytest -q epb/hj212 --cov=epb.hj212 --cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=100

pytest: $(DEPS)
	env -u DATABASE_URL $(BIN)/pytest -n 2 --dist loadgroup -q

pytest-postgres: $(DEPS)
	@case "$$DATABASE_URL" in \
	  postgres*) echo "== the suite again on PostgreSQL ($$DATABASE_URL)"; $(BIN)/pytest -n 2 --dist loadgroup -q ;; \
	  *) echo "== DATABASE_URL names no PostgreSQL: the PostgreSQL run is skipped (CI sets it)" ;; \
	esac

# Debian's Chromium (and CJK fonts) for the browser tests; installed once, as root.
browser-deps:
	@scripts/ensure-chromium

bench: $(DEPS)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var build *.egg-info
