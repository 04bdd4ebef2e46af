"""Decisions out of the store: CSV / XLSX tables, and gold folders for ``nianbao evaluate``.

Spreadsheet safety: report text is untrusted, and a cell starting with ``=``,
``+``, ``-``, ``@`` (or a tab / carriage return) runs as a formula in Excel
and LibreOffice.  Such text is prefixed with an apostrophe (OWASP advice);
numbers stay numbers.

Gold folders (``write_gold``): one folder per reviewed report, shaped as
gold.md describes (``source.*``, ``meta.json``, ``gold.json``):

- ``findings``: exactly the confirmed findings (rule family + cells; the
  comment and any corrected value in ``note``).  False alarms are left out,
  so ``nianbao evaluate`` counts a tool that still raises them as imprecise.
- ``tables`` / ``claims``: the pipeline's reading, with the corrected values
  of *false alarms* applied (a false alarm with a corrected value means the
  figure was misread; a confirmed finding's corrected value is what the
  report should have printed, so it does not change what was printed).
- ``review``: who decided what, and which findings are still open or under
  discussion (``complete`` is True only when every finding has a final
  decision).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ..corpus import store as corpus_store
from .grid import format_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DECISION_COLUMNS = (
    "decision_id", "finding_id", "status", "comment", "corrected_value", "reviewer", "decided_at",
    "superseded", "code", "rule", "family", "severity", "message", "expected", "found", "cells",
    "report_id", "agency", "year", "path",
)
CONFIRMED_COLUMNS = (
    "finding_id", "code", "rule", "family", "severity", "message", "expected", "found", "cells",
    "comment", "corrected_value", "reviewer", "decided_at", "report_id", "agency", "year", "layout", "path",
)


def spreadsheet_safe(value: Any) -> Any:
    """Text that cannot run as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs read the Chinese text right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(_cell_value(row.get(c))) for c in columns])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[dict[str, Any]], columns: tuple[str, ...], sheet: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(columns))
    for row in rows:
        ws.append([spreadsheet_safe(_cell_value(row.get(c))) for c in columns])
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_export(con: duckdb.DuckDBPyConnection, what: str, fmt: str, *, include_history: bool = False) -> bytes:
    """``what``: decisions | confirmed; ``fmt``: csv | xlsx."""
    if what == "decisions":
        rows, columns = corpus_store.decision_export_rows(con, include_history=include_history), DECISION_COLUMNS
    elif what == "confirmed":
        rows, columns = corpus_store.confirmed_export_rows(con), CONFIRMED_COLUMNS
    else:
        raise ValueError(f"unknown export {what!r}: use decisions or confirmed")
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "xlsx":
        return to_xlsx(rows, columns, what)
    raise ValueError(f"unknown format {fmt!r}: use csv or xlsx")


# ---- gold folders ------------------------------------------------------------
def _folder_name(report: dict[str, Any]) -> str:
    """A safe folder name: the source's folder or file stem (ASCII part), then the id."""
    path = str(report.get("path") or "").split("!")[-1]
    stem = Path(path).parent.name if Path(path).stem == "source" else Path(path).stem
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:60] or "report"
    return f"{slug}-{report['report_id'][:8]}"


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def gold_for_report(con: duckdb.DuckDBPyConnection, report: dict[str, Any]) -> dict[str, Any]:
    rid = report["report_id"]
    findings = corpus_store.findings_with_decisions(con, rid)
    tables: dict[str, dict[str, Any]] = {}
    blanks = []
    for name, key, value, blank in corpus_store.table_figures(con, rid):
        tables.setdefault(name, {})[key] = _number(value)
        if blank:
            blanks.append(f"{name}.{key}")
    claims = {
        idx: {"text": text, "metric": metric, "value": _number(value), **({"approx": True} if qual and qual != "exact" else {})}
        for idx, text, metric, value, qual in corpus_store.claim_readings(con, rid)
    }
    gold_findings, corrections, review = [], [], []
    for f in findings:
        cells = json.loads(f["cells"]) if isinstance(f["cells"], str) else list(f["cells"] or [])
        claim_ids = json.loads(f["claims"]) if isinstance(f["claims"], str) else list(f["claims"] or [])
        review.append(
            {
                "finding_id": f["finding_id"], "code": f["code"], "status": f["status"] or "open",
                "reviewer": f["reviewer"], "decided_at": _cell_value(f["decided_at"]), "comment": f["comment"],
                "corrected_value": _number(f["corrected_value"]),
            }
        )
        if f["status"] == "confirmed":
            note = f["comment"] or f["message"] or ""
            if f["corrected_value"] is not None:
                note += f" (reviewer: should be {format_number(f['corrected_value'])})"
            gold_findings.append({"rule": f["family"], "code": f["code"], "cells": cells, "note": note.strip()})
        elif f["status"] == "false_alarm" and f["corrected_value"] is not None:
            value = _number(f["corrected_value"])
            if cells:
                table, _, key = cells[0].partition(".")
                tables.setdefault(table, {})[key] = value
                corrections.append({"cell": cells[0], "value": value, "finding_id": f["finding_id"]})
            elif claim_ids and claim_ids[0] in claims:
                claims[claim_ids[0]]["value"] = value
                corrections.append({"claim": claims[claim_ids[0]]["text"], "value": value, "finding_id": f["finding_id"]})
    decided = [r for r in review if r["status"] in ("confirmed", "false_alarm")]
    return {
        "tables": tables,
        "blank_cells": blanks,
        "claims": [c for c in claims.values() if c["metric"] and c["metric"] != "other"],
        "findings": gold_findings,
        "review": {
            # Only findings (and corrections) are human judgements; scoring cells or
            # claims against these folders measures the pipeline against itself.
            "tables_and_claims": "pipeline reading, not reviewed; reviewers' corrections applied",
            "complete": len(decided) == len(review),
            "decisions": review,
            "corrections": corrections,
        },
    }


def write_gold(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Path]:
    """One gold folder per report with at least one current decision; returns the folders."""
    reports = corpus_store.reviewed_reports(con)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for report in reports:
        folder = out_dir / _folder_name(report)
        folder.mkdir(exist_ok=True)
        gold = gold_for_report(con, report)
        meta = {
            "agency": report["agency"],
            "year": report["year"],
            "layout": report["layout"],
            "source": report["path"],
            "notes": "exported from nianbao review; findings = confirmed decisions"
            + ("" if gold["review"]["complete"] else "; review incomplete (open or needs-discussion findings)"),
        }
        (folder / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        source = Path(str(report["path"] or ""))
        if "!" not in str(report["path"] or "") and source.is_file():
            shutil.copyfile(source, folder / f"source{source.suffix.lower() or '.' + (report['format'] or 'txt')}")
        written.append(folder)
    return written


def gold_zip(con: duckdb.DuckDBPyConnection, scratch: Path) -> bytes:
    """The gold folders as one zip (for the app's download link)."""
    folders = write_gold(con, scratch)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for folder in folders:
            for file in sorted(folder.iterdir()):
                zf.write(file, f"{folder.name}/{file.name}")
    return out.getvalue()
