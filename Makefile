# borderwatch: every target sets up what it needs itself (a virtualenv with pinned dependencies).
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo test bench soak gazetteer lint clean browser postgres

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

demo: setup  ## ingest the bundled sample corpus into demo.db and print the event table
	$(BIN)/borderwatch ingest samples --db demo.db
	$(BIN)/borderwatch events --db demo.db

test: setup browser postgres  ## the test suite, with the accuracy gate on the sample corpus
	$(BIN)/pytest

# The web tests drive Debian's chromium through Playwright; install it with apt when it is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# The PostgreSQL backend tests start a throwaway server from Debian's packages (initdb, pg_ctl).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q postgresql; }

soak: setup  ## minutes: ingest a 50,000-document stream while the API serves reads; errors, p99, memory
	$(BIN)/python benchmarks/soak.py

bench: setup  ## speed and memory figures (reads ../shared when it is there)
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_merge.py
	$(BIN)/python benchmarks/bench_hawkes.py
	$(BIN)/python benchmarks/bench_relevance.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_dashboard.py

gazetteer: setup  ## rebuild the shipped gazetteer from ../shared/data
	$(BIN)/python scripts/build_gazetteer.py

lint: setup
	$(BIN)/pip install --quiet ruff==0.17.6
	$(BIN)/ruff check src tests scripts benchmarks

clean:
	rm -rf $(VENV) demo.db build *.egg-info src/*.egg-info
