# Two commands for a fresh machine: `make demo` and `make test`; `make bench` measures.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := demo.db
QUESTION := 浙江、江苏两个省份是青海的援建省份吗

.PHONY: demo test bench install dev clean

$(BIN)/duikou: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/duikou

$(VENV)/.dev: $(BIN)/duikou
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

dev: $(VENV)/.dev

demo: install
	rm -f $(DEMO_DB)
	$(BIN)/duikou ingest examples/corpus --db $(DEMO_DB)
	$(BIN)/duikou ask "$(QUESTION)" --db $(DEMO_DB)

test: dev
	$(BIN)/python -m pytest -q

# every benchmark in bench/: bench/results/report.json, report.md and the README's Performance
# table (BENCH_ARGS=--quick for a smoke run)
bench: dev
	$(BIN)/python bench/report.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache
