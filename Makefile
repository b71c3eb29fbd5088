# Two entry points for readers: `make book` and `make test`. Both set up
# everything they need (a virtual environment in .venv) on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=900
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

.PHONY: install test book check-pages bench clean

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

# Speed benchmarks; each prints a table, a JSON last line, and writes results/.
bench: install
	for script in benchmarks/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf _build results/quick
