"""Tables: find the report's standard tables and map them onto the canonical schema.

Entry point: ``extract_tables(doc) -> TableExtraction``.  Grids (HTML, DOCX,
tab-separated text, PDF) are mapped by row labels; tables printed as text
(cells run together, one cell per line, merged repeated lines) go to the
text-table decoder (``tables.decode``).

Each standard table gets a status, so that "the report lacks T4" is never
confused with "nianbao could not read T4":

- ``read``: its figures are on canonical keys;
- ``unprinted``: its header is printed but no figures after it (nothing to check);
- ``unreadable``: the report shows it (its labels or heading are there, or the
  page holds images where it stands) but its figures could not be read;
- ``absent``: no trace of it in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import CanonicalTable, Document, Message, stage
from .grid import map_grids
from .ocr_settle import settle_ocr_figures

STANDARD_TABLES = ("T2", "T3", "T4")
TABLE_TITLES = {"T2": "二、主动公开政府信息情况", "T3": "三、收到和处理政府信息公开申请情况",
                "T4": "四、政府信息公开行政复议、行政诉讼情况"}
# What shows a table is printed in the report even when its figures cannot be read: its own
# row and column labels (a part heading alone is not enough: the preamble names every part).
_TRACES = {
    "T2": re.compile(r"第\s*二\s*十\s*条\s*第\s*[（(]\s*[一五六八九]\s*[)）]\s*项"),
    "T3": re.compile(r"本\s*年\s*(?:度\s*)?新\s*收[^。；]{0,20}?申\s*请\s*数\s*量|申\s*请\s*人\s*情\s*况"),
    "T4": re.compile(r"结\s*果\s*维\s*持[\s\S]{0,12}?结\s*果\s*纠\s*正"),
}


@dataclass
class TableExtraction:
    tables: dict[str, CanonicalTable] = field(default_factory=dict)
    layout: str = "unknown"
    messages: list[Message] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)  # T2/T3/T4 -> read / unprinted / unreadable / absent


def _year_hint(doc: Document) -> int | None:
    m = re.search(r"(20\d\d)\s*年度?.{0,12}(政府)?信息公开", doc.meta.get("title", "") + doc.text[:300])
    return int(m.group(1)) if m else None


def extract_tables(doc: Document, *, decode_seconds: float = 2.0) -> TableExtraction:
    """The report's standard tables on canonical keys, each with its status.  ``decode_seconds``
    bounds the constraint decoder of tables printed as text, per table."""
    year = _year_hint(doc)
    tables, layout, messages = map_grids(doc.tables, year)
    result = TableExtraction(tables, layout, messages)
    if any(t.method == "ocr" for t in tables.values()):
        result.messages += settle_ocr_figures(tables, layout)
    unprinted: list[str] = []
    # No T3 grid: the tables may be printed as text (cells run together, or one per line).
    if "T3" not in tables:
        unprinted = _decode_text(doc, result, decode_seconds)
    _set_status(doc, result, unprinted, year)
    return result


@stage(reads=("document",), assigns=("tables", "table_status", "layout"))
def read_tables(report, settings) -> None:
    """The tables stage: the report's standard tables, their status and the layout they show."""
    extraction = extract_tables(report.document, decode_seconds=settings.decode_seconds)
    report.tables, report.table_status, report.layout = extraction.tables, extraction.status, extraction.layout
    report.messages += extraction.messages


def _decode_text(doc: Document, result: TableExtraction, seconds: float) -> list[str]:
    from .decode import decode_text_tables, looks_like_text_tables

    if not looks_like_text_tables(doc.text):
        return []
    narrative = "\n".join(b.text for b in doc.blocks if b.kind != "table")
    dec = decode_text_tables(doc.text, 0, result.layout if result.layout != "unknown" else None,
                             narrative=narrative, seconds=seconds)
    for name, table in dec.tables.items():
        result.tables.setdefault(name, table)
    if result.layout == "unknown":
        result.layout = dec.layout
    result.messages.extend(dec.messages)
    return dec.unprinted


def _set_status(doc: Document, result: TableExtraction, unprinted: list[str], year: int | None) -> None:
    standard_era = result.layout in ("2019", "2021") or (year is not None and year >= 2019)
    images = bool(doc.meta.get("images"))
    for name in STANDARD_TABLES:
        if name in result.tables:
            result.status[name] = "read"
        elif name in unprinted:
            result.status[name] = "unprinted"
        elif (standard_era or result.tables) and (_TRACES[name].search(doc.text) or images):
            result.status[name] = "unreadable"
        else:
            result.status[name] = "absent"  # a pre-2019 report has no national tables
    unprinted_now = [n for n, s in result.status.items() if s == "unprinted"]
    unreadable = [n for n, s in result.status.items() if s == "unreadable"]
    for name in unprinted_now:
        result.messages.append(Message(
            "warning", "table-unprinted",
            f"{name} ({TABLE_TITLES[name]}) is printed without figures: not checked",
        ))
    if unreadable:
        where = " (the page holds images: the tables may be pictures)" if images else ""
        result.messages.append(Message(
            "error", "tables-not-read",
            f"standard table(s) {', '.join(unreadable)} are in the report but could not be read{where}; "
            "their figures are not checked. Check the file (a scan needs OCR; a table pasted as a picture cannot "
            "be read) or report it with the file",
        ))
    absent = [n for n, s in result.status.items() if s == "absent"]
    if absent and result.tables:
        result.messages.append(Message(
            "warning", "tables-missing",
            f"standard table(s) {', '.join(absent)} not found in the report: their figures are not checked",
        ))
    elif not result.tables and not unreadable and not unprinted_now:
        result.messages.append(Message(
            "info", "no-tables", "no standard statistics table in the report (a pre-2019 report has none)"))


__all__ = ["extract_tables", "TableExtraction", "map_grids", "STANDARD_TABLES"]
