# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages for the PDF and browser tests (Chromium, CJK fonts, LibreOffice); needs root.
system-deps:
	bash scripts/install-system-deps.sh

# Check the sample corpus shipped in corpus/samples and print the findings.
demo: install
	$(BIN)/nianbao check corpus/samples/*/source.*; test $$? -le 1

test: install system-deps
	$(BIN)/python -m pytest -q

bench: install
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info out
