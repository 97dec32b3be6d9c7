# Two commands do all set-up from a fresh clone: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint serve clean
.DEFAULT_GOAL := demo

$(STAMP): pyproject.toml
	@PY=$$(scripts/find-python) && echo "Creating $(VENV) with $$PY" && $$PY -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(STAMP)
	$(BIN)/edgecamp demo

serve: $(STAMP)
	$(BIN)/edgecamp serve

test: $(STAMP)
	scripts/test

lint: $(STAMP)
	scripts/test --lint-only

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
