# Two commands a new user needs: `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo builds the newest day's digest: the bundled sample is replayed with its dates
# moved so that its last day is that day (digestbot says by how much on stderr).
DEMO_OUT := digests/mistral-latest.md

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
	DIGESTBOT_CONFIG=config.example.toml $(BIN)/digestbot digest --topic mistral --out $(DEMO_OUT)
	@echo "Next, try (no config needed here: the bundled sample is the default):"
	@echo "  $(CURDIR)/$(BIN)/digestbot sources --rejected"
	@echo "  $(CURDIR)/$(BIN)/digestbot ask \"Which airline deployed Le Chat Enterprise?\""
	@echo "  $(CURDIR)/$(BIN)/digestbot chat"

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
