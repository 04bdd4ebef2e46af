# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,ocr]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages for the PDF and browser tests (Chromium, CJK fonts, LibreOffice); needs root.
system-deps:
	bash scripts/install-system-deps.sh

# The main job on the sample corpus shipped in corpus/samples: check every report in parallel
# into a DuckDB store (re-runs skip what is stored), print the findings, write the HTML summary.
demo: install
	mkdir -p out
	@# exit status 1 means "findings raised", which is what the demo shows; 2 (files not read) stops it
	$(BIN)/nianbao run corpus/samples --store out/demo.duckdb --workers 2 || [ $$? -eq 1 ]
	$(BIN)/nianbao summary --store out/demo.duckdb || [ $$? -eq 1 ]
	$(BIN)/nianbao summary --store out/demo.duckdb --html out/summary.html --csv out/findings.csv --force || [ $$? -eq 1 ]
	@echo "next: $(BIN)/nianbao review --store out/demo.duckdb   (the review app on http://127.0.0.1:8765)"

test: install system-deps
	$(BIN)/python -m pytest -q

bench: install
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info out
