# Each target creates and uses .venv itself: `make build` and `make test` work on a fresh clone.
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build serve test clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/kbgen validate
	$(BIN)/mkdocs build --strict

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest

# Figures, not a pass/fail test: synthetic 1k and 10k knowledge bases under build/bench/ (takes several minutes).
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site $(VENV)
