# Two commands a new user needs: `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The bundled sample corpus ends on this day; the demo builds that day's digest.
SAMPLE_DATE := 2026-11-21
DEMO_OUT := digests/mistral-$(SAMPLE_DATE).md

.PHONY: demo test lint typecheck pytest browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	DIGESTBOT_CONFIG=config.example.toml $(BIN)/digestbot digest --topic mistral \
		--date $(SAMPLE_DATE) --out $(DEMO_OUT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy app bot adapters storage

# The web archive's browser test drives Debian's chromium, never a downloaded browser.
# Installed here when missing and we may (root, or sudo without a password); otherwise the
# test fails with the command to run.
CHROMIUM := /usr/bin/chromium

browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  elif sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
	  else echo "note: no $(CHROMIUM); the browser test will say how to install it"; fi; }

pytest: $(VENV)/.installed-dev browser
	$(BIN)/python -m pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache digests digestbot.db*
