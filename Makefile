# Two commands on a fresh machine (Debian, Python 3.11):
#   make run    create .venv, install Origin Map, start the app on http://127.0.0.1:8501
#   make test   install the test tools (and Debian's chromium for the browser tests), lint, test
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
WORKERS ?= 2
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: run test lint pytest chromium proxy postgres bench load first-visit profile-map serve screenshot screens clean

$(VENV)/.stamp-app: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	touch $@

$(VENV)/.stamp-test: $(VENV)/.stamp-app pyproject.toml
	$(PIP) install -e ".[test]"
	touch $@

# The app: `origin-map app` warms its caches, then runs `streamlit run app.py` (origin_map.app.launch).
run: $(VENV)/.stamp-app
	$(VENV)/bin/origin-map app --port $(PORT)

chromium:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
		echo "installing Debian's chromium (and CJK fonts) for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			chromium fonts-noto-cjk fonts-noto-color-emoji; }

# Debian's HAProxy: the reverse proxy of `make serve` and of the proxy browser test.
proxy:
	@command -v haproxy >/dev/null 2>&1 || test -x /usr/sbin/haproxy || { \
		echo "installing Debian's haproxy (reverse proxy for make serve)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy; }

# Debian's PostgreSQL: tests/test_store.py starts a throw-away server from it in a temporary folder
# (as the `postgres` user the package creates when run as root: PostgreSQL refuses root).
postgres:
	@command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
		echo "installing Debian's postgresql (server for the dataset store tests)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

# WORKERS Streamlit processes on loopback behind HAProxy on PORT (sticky sessions).
serve: $(VENV)/.stamp-app proxy
	$(PY) scripts/serve.py --workers $(WORKERS) --port $(PORT)

lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Everything, slow and browser tests too (-m ""), with a coverage figure at the end.
pytest: $(VENV)/.stamp-test chromium proxy postgres
	$(PY) -m pytest -n 2 -m "" --cov --cov-report=term:skip-covered

test: lint pytest

screenshot: $(VENV)/.stamp-test chromium
	ORIGIN_MAP_UPDATE_SCREENSHOT=1 $(PY) -m pytest -q tests/e2e/test_browser.py

# Every page at 390, 768 and 1440 px in English and 中文 (and a few states), full-page PNGs into
# SCREENS (default: a new folder under /tmp; never committed), with a table of what overflows.
screens: $(VENV)/.stamp-test chromium
	$(PY) scripts/screens.py $(SCREENS)

bench: $(VENV)/.stamp-test
	$(PY) benchmarks/run.py

# Many visitors at once: Map page vs the minimal page, 1 vs 2 workers behind HAProxy.
load: $(VENV)/.stamp-test proxy
	$(PY) benchmarks/load.py
	$(PY) benchmarks/soak.py

first-visit: $(VENV)/.stamp-test
	$(PY) benchmarks/first_visit.py

profile-map: $(VENV)/.stamp-test
	$(PY) benchmarks/profile_map.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
