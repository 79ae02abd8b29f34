# HueBot: `make run` serves the bot, `make test` runs the whole suite. Both set up .venv first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-later lint bench bench-nlu bench-places bench-services bench-broadcast bench-inbound bench-hostile bench-scale lock clean

$(STAMP): pyproject.toml constraints.txt
	@$(PY) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu install python3-venv (sudo apt install python3-venv)." >&2; exit 1; }
	@echo "Installing HueBot's Python packages into $(VENV) (first run, a minute or two)…"
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install --progress-bar on -c constraints.txt -e '.[dev]'
	@touch $(STAMP)
	@echo "Python packages installed in $(VENV)."

install: $(STAMP)

run: install
	$(BIN)/huebot run

test: install
	$(BIN)/pytest -q

# The whole suite 400 days from now: no test may depend on today's date (Debian's faketime).
test-later: install
	faketime '+400 days' $(BIN)/pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy bot handlers nlu places storage

bench: bench-nlu bench-places bench-services bench-broadcast

bench-nlu: install
	$(BIN)/python -m nlu.bench --out bench/nlu.json

bench-places: install
	$(BIN)/python -m places.bench --out bench/places.json

bench-services: install
	$(BIN)/python -m bench.services_bench --out bench/services.json

bench-broadcast: install
	$(BIN)/python -m bench.broadcast_bench --out bench/broadcast.json

# HueBot's webhook path against a bare PTB echo bot, SQLite and PostgreSQL (BENCH_DATABASE_URL).
bench-inbound: install
	$(BIN)/python -m bench.inbound_bench --out bench/inbound.json

bench-hostile: install
	$(BIN)/python -m bench.hostile_bench --out bench/hostile.json

# Three huebot run processes on PostgreSQL (TEST_DATABASE_URL or postgres@127.0.0.1/test).
bench-scale: install
	$(BIN)/python -m bench.scale_bench --out bench/scale.json

lock:
	$(PY) -m venv /tmp/huebot-lock && /tmp/huebot-lock/bin/pip install -q -e '.[dev]'
	{ echo "# Pinned versions for every install (pip install -c constraints.txt). Regenerate: make lock"; \
	  /tmp/huebot-lock/bin/pip freeze --exclude-editable; } > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

include ops-ui/Makefile.inc
