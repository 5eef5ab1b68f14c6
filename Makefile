# KOF Utilities Platform: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KOF    := $(BIN)/kof
# The demo region: built in well under a minute, large enough to be a town quarter.
DEMO_PREMISES ?= 300
DEMO_DAYS     ?= 60
DEMO_SEED     ?= 2030
PYTEST_ARGS   ?=

.PHONY: demo test bench lint format venv clean

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: venv
	$(KOF) demo --premises $(DEMO_PREMISES) --days $(DEMO_DAYS) --seed $(DEMO_SEED)

test: venv
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: venv
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
