# `make run`: set everything up and open the designer on the shop example.
# `make test`: set everything up and run the whole suite (lint, types, tests) offscreen.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
EXAMPLE := assets/examples/shop.msgflow.json

.PHONY: run test lint typecheck pytest tools bench bench-diagram clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Test-only tools from npm (the official AsyncAPI parser, the Mermaid parser) and,
# where apt is at hand, Debian's Chromium for the HTML export test.
$(NODE_STAMP): package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent && touch $(NODE_STAMP); \
	 else echo "npm not found: the AsyncAPI/Mermaid checks will be skipped (they fail when CI is set)"; fi

tools: $(NODE_STAMP)
	@if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	   echo "installing Debian's chromium for the HTML export test"; \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	   || echo "could not install chromium: the HTML export test will be skipped (it fails when CI is set)"; \
	 fi

run: $(STAMP)
	$(VENV)/bin/msgflow gui $(EXAMPLE)

lint: $(STAMP)
	$(VENV)/bin/ruff check designer tests benchmarks
	$(VENV)/bin/ruff format --check designer tests benchmarks
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy designer/core

pytest: $(STAMP) tools
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n 2 --dist loadgroup

test: lint typecheck pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/validate.py
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/canvas.py
	$(PY) benchmarks/codegen.py
	$(PY) benchmarks/layout.py

# Diagram quality against Graphviz dot: dot is installed (where apt is at hand) only for this.
bench-diagram: $(STAMP)
	@if ! command -v dot >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	   echo "installing Debian's graphviz for the diagram benchmark"; \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
	   || echo "could not install graphviz: the benchmark prints no dot rows"; \
	 fi
	$(PY) benchmarks/diagram.py

clean:
	rm -rf $(VENV) node_modules build dist .mypy_cache .ruff_cache .pytest_cache
