# Rounds: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint format check-content bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.app-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.app-installed

## run: install the app's requirements and serve it on http://localhost:$(PORT) (SQLite under data/)
run: $(VENV)/.app-installed
	$(BIN)/python -m streamlit run server.py --server.port $(PORT)

## test: install what the tests need (Chromium included, where it can) and run them all
test: $(VENV)/.dev-installed
	bash scripts/ensure-system-packages
	$(MAKE) --no-print-directory lint check-content
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the direction of imports inside rounds/ (contracts in pyproject.toml)

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-content: $(VENV)/.app-installed
	$(BIN)/python -m rounds check content

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
