"""Tables: find the report's standard tables and map them onto the canonical schema.

Entry point: ``extract_tables(doc) -> TableExtraction``.  Grids (HTML, DOCX,
tab-separated text, PDF) are mapped by row labels; text whose tables lost
their cell separators goes to the flattened-table decoder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import CanonicalTable, Document, Message
from .grid import map_grids
from .ocr_settle import settle_ocr_figures


@dataclass
class TableExtraction:
    tables: dict[str, CanonicalTable] = field(default_factory=dict)
    layout: str = "unknown"
    messages: list[Message] = field(default_factory=list)


_TABLE_WORDS = re.compile(r"本年新收|上年结转|予以公开|结转下年度|行政复议")


def _year_hint(doc: Document) -> int | None:
    m = re.search(r"(20\d\d)\s*年度?.{0,12}(政府)?信息公开", doc.meta.get("title", "") + doc.text[:300])
    return int(m.group(1)) if m else None


def extract_tables(doc: Document, *, decode_seconds: float = 2.0) -> TableExtraction:
    """The report's standard tables on canonical keys.  ``decode_seconds`` bounds the
    constraint decoder of flattened text, per table."""
    year = _year_hint(doc)
    tables, layout, messages = map_grids(doc.tables, year)
    result = TableExtraction(tables, layout, messages)
    if any(t.method == "ocr" for t in tables.values()):
        result.messages += settle_ocr_figures(tables, layout)
    # No T3 grid: the tables may be flattened into the text (cell separators lost).
    if "T3" not in tables and _TABLE_WORDS.search(doc.text) and re.search(r"本年新收|本年度办理结果", doc.text):
        _decode_flattened(doc, result)
    missing = [t for t in ("T2", "T3", "T4") if t not in result.tables]
    if missing and result.tables:
        result.messages.append(Message(
            "warning", "tables-missing",
            f"standard table(s) {', '.join(missing)} not found in the report: their figures are not checked",
        ))
    elif not result.tables:
        result.messages.append(Message("info", "no-tables", "no standard statistics table found (a pre-2019 report, or the tables are images)"))
    return result


def _decode_flattened(doc: Document, result: TableExtraction) -> None:
    try:
        from .flattened import decode_flattened, looks_flattened
    except ImportError:
        result.messages.append(Message(
            "warning", "tables-flattened",
            "the tables are flattened into the text (cell separators lost) and this nianbao cannot decode them: "
            "table figures were not read",
        ))
        return
    if not looks_flattened(doc.text):
        return
    narrative = "\n".join(b.text for b in doc.blocks if b.kind != "table")
    dec = decode_flattened(doc.text, 0, result.layout if result.layout != "unknown" else None, narrative=narrative)
    for name, table in dec.tables.items():
        result.tables.setdefault(name, table)
    if result.layout == "unknown":
        result.layout = dec.layout
    result.messages.extend(dec.messages)


__all__ = ["extract_tables", "TableExtraction", "map_grids"]
