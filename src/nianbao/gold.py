"""A report as a person read it (spec gold.md) turned into a ReportResult.

The tables, claims and paragraphs of a ``gold.json``, with the agency, year and layout of its
``meta.json``: what a careful reader took from the report, so the rules can be run on it
independently of extraction.  The evaluation reads labelled folders through this
(``evaluation.findings.result_from_gold``), the rule fixtures read their small reports through it
(``reconcile.fixtures``).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .model import CanonicalTable, Claim, Figure, Paragraph, ReportResult

# gold paragraph label -> part number (gold paragraphs carry labels, not parts)
LABEL_PART = {
    "preamble": 0,
    "overview": 1,
    "proactive": 1,
    "on_request": 1,
    "management": 1,
    "problem": 5,
    "measure": 5,
    "other": 6,
}


def report_from_gold(gold: Mapping[str, Any], meta: Mapping[str, Any], source: str) -> ReportResult:
    """A ReportResult holding the gold tables, claims and paragraphs, and the meta's agency, year and layout."""
    result = ReportResult(
        source=source, agency=meta.get("agency"), year=meta.get("year"), layout=meta.get("layout", "unknown")
    )
    result.tables = tables_from_gold(gold.get("tables", {}), result.layout, gold.get("blank_cells", []))
    result.paragraphs = [
        Paragraph(text=p["text"], part=LABEL_PART.get(p.get("label", ""), 1), index=i, label=p.get("label"))
        for i, p in enumerate(gold.get("paragraphs", []))
    ]
    result.claims = [claim_from_gold(c, result.paragraphs) for c in gold.get("claims", [])]
    return result


def tables_from_gold(
    tables: Mapping[str, Mapping[str, float | int | None]], layout: str, blank_cells: Iterable[str] = ()
) -> dict[str, CanonicalTable]:
    """Gold ``{table: {key: value}}`` as CanonicalTables (raw = the value as text)."""
    blank = set(blank_cells)
    out = {}
    for name, values in tables.items():
        figures = {
            key: Figure(
                table=name,
                key=key,
                value=value,
                raw="" if f"{name}.{key}" in blank else ("" if value is None else str(value)),
                blank=f"{name}.{key}" in blank,
            )
            for key, value in values.items()
        }
        out[name] = CanonicalTable(name=name, layout=layout, figures=figures, method="gold")
    return out


def claim_from_gold(c: Mapping[str, Any], paragraphs: list[Paragraph]) -> Claim:
    """A gold claim, placed in the first paragraph whose text holds it."""
    para = next((p.index for p in paragraphs if c["text"] in p.text), None)
    qualifier = c.get("qualifier") or ("approx" if c.get("approx") else "exact")
    if qualifier not in ("exact", "approx", "at_least", "at_most"):
        qualifier = "approx"
    return Claim(
        text=c["text"],
        value=c["value"],
        metric=c.get("metric", "other"),
        unit=c.get("unit"),
        qualifier=qualifier,
        paragraph=para,
    )
