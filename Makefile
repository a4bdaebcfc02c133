# Two commands on a fresh machine (Debian, Python 3.11):
#   make run    create .venv, install Origin Map, start the app on http://127.0.0.1:8501
#   make test   install the test tools (and Debian's chromium for the browser tests), lint, test
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: run test lint pytest chromium bench screenshot clean

$(VENV)/.stamp-app: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	touch $@

$(VENV)/.stamp-test: $(VENV)/.stamp-app pyproject.toml
	$(PIP) install -e ".[test]"
	touch $@

run: $(VENV)/.stamp-app
	$(VENV)/bin/origin-map app --port $(PORT)

chromium:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
		echo "installing Debian's chromium (and CJK fonts) for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			chromium fonts-noto-cjk fonts-noto-color-emoji; }

lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

pytest: $(VENV)/.stamp-test chromium
	$(PY) -m pytest

test: lint pytest

screenshot: $(VENV)/.stamp-test chromium
	ORIGIN_MAP_UPDATE_SCREENSHOT=1 $(PY) -m pytest -q tests/e2e/test_browser.py

bench: $(VENV)/.stamp-test
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
