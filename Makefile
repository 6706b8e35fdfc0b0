# `make run`: set everything up and open the designer on the shop example.
# `make test`: set everything up and run the whole suite (lint, types, tests) offscreen.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
EXAMPLE := assets/examples/shop.msgflow.json

.PHONY: run test lint typecheck pytest tools bench clean

$(STAMP): pyproject.toml
	@echo "== Python packages into $(VENV) (first time: about 2-4 minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar on -e '.[test]'
	@touch $(STAMP)
	@echo "== done: the command is $(VENV)/bin/msgflow (or: source $(VENV)/bin/activate)"

# Test-only tools from npm (the official AsyncAPI parser, the Mermaid parser) and,
# where apt is at hand, Debian's Chromium for the HTML export test.
$(NODE_STAMP): package.json
	@if command -v npm >/dev/null 2>&1; then \
	   echo "== npm packages for the tests: AsyncAPI and Mermaid parsers (about 1 minute)"; \
	   npm install --no-audit --no-fund && touch $(NODE_STAMP); \
	 else echo "npm not found: the AsyncAPI/Mermaid checks will be skipped (they fail when CI is set)"; fi

tools: $(NODE_STAMP)
	@if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	   echo "== as root: apt-get install chromium (~110 Debian packages, 1-3 minutes) for the HTML export test"; \
	   (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) \
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
	@echo "== the test suite on 2 workers (about 8-12 minutes on 2 cores)"
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n 2 --dist loadgroup

test: lint typecheck pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/validate.py
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/canvas.py
	$(PY) benchmarks/codegen.py
	$(PY) benchmarks/layout.py

clean:
	rm -rf $(VENV) node_modules build dist .mypy_cache .ruff_cache .pytest_cache
