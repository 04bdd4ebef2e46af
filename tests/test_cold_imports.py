"""What a cold `nianbao check` of an HTML report imports: none of the heavy modules that only
other files or other commands need (issue 18: start-up is most of a single check's time).

Each check runs in a fresh Python, so modules imported by the test session do not count."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "corpus" / "samples" / "pingtan-2023-html" / "source.html"

# Made late: numpy (the paragraph model is applied in plain Python), opencc (only its t2s list
# is read), cn2an (unusual numerals only), markupsafe (--html/--csv only); and what only other
# formats, stores or commands need.
HEAVY = ("numpy", "scipy", "sklearn", "skops", "joblib", "cn2an", "opencc", "pandas", "duckdb", "pyarrow",
         "ortools", "pypdfium2", "camelot", "pdfplumber", "docx", "spacy", "dask", "distributed", "fastapi",
         "uvicorn", "matplotlib", "jinja2", "markupsafe")

RUN_CLI = (
    "import json, sys\n"
    "from nianbao.cli import main\n"
    "sys.argv = ['nianbao', 'check', '--json', sys.argv[1]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
)


def test_import_nianbao_imports_nothing_else_of_it_or_heavy():
    code = "import sys, json, nianbao\nprint(json.dumps(sorted(sys.modules)))\n"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout))
    assert {m for m in loaded if m.startswith("nianbao")} == {"nianbao"}
    assert not loaded & {*HEAVY, "jieba", "lxml", "typer", "rich", "pydantic"}


def test_cold_cli_check_of_an_html_report_imports_no_heavy_module(tmp_path):
    proc = subprocess.run([sys.executable, "-c", RUN_CLI, str(HTML)], capture_output=True, text=True, cwd=tmp_path)
    result = json.loads(proc.stdout)
    loaded = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    # the check itself ran in full: tables read, paragraphs labelled by the model, claims found
    assert result["status"] == "ok" and result["tables"]["T3"]["new_received.total"] == 81
    assert result["paragraphs"] and all(p["label"] and p["score"] is not None for p in result["paragraphs"])
    assert result["claims"]
    assert sorted(loaded & set(HEAVY)) == []
