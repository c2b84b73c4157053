# One command each, on a fresh machine: every target creates .venv and installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench eval schema clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Scan the bundled vulnerable example server. mcts exits 1 because it finds problems: that is the demo.
demo: $(STAMP)
	@$(BIN)/mcts scan "$(BIN)/python examples/vulnerable-mcp-server/server.py"; code=$$?; \
	  echo "mcts exit code: $$code (0 pass, 1 findings at or above --fail-on, 2 usage error, 3 incomplete)"; \
	  test $$code -le 1

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench eval
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/live_scan.py
	$(BIN)/python bench/offline_analysis.py
	$(BIN)/python bench/source_scan.py
	$(BIN)/python bench/api_load.py
	$(BIN)/python bench/llm_judge.py

eval: $(STAMP)
	$(BIN)/python eval/score.py

# Regenerate docs/report.schema.json from the report models (a test checks it is current).
schema: $(STAMP)
	$(BIN)/python -m mcts.model.schema > docs/report.schema.json

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
