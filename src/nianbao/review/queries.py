"""What the review pages read from the store, and the decisions they write.

``ReviewStore`` holds the app's single DuckDB connection (DuckDB allows one
writing process, and a connection is not for concurrent use) behind a lock;
every method takes the lock for its whole read or transaction.  The statements
themselves are the corpus store's (``nianbao.corpus.store``); this module turns
their rows into what the pages show.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb

from ..corpus import store as corpus_store
from . import decisions
from .decisions import Decision
from .grid import Grid, build_grid, equation_cells, metric_cells

QUEUE_STATUSES = ("open", *decisions.STATUSES)
PAGE_SIZE = 100

# A place name at the head of an agency name: one or more administrative units
# (省/自治区/市/州/盟/县/区/旗), e.g. 郑州市金水区司法局 -> 郑州市金水区.
_REGION = re.compile(r"^((?:[\u4e00-\u9fff]{1,9}?(?:自治区|自治州|自治县|省|市|州|盟|县|区|旗))+)")
_NOT_REGION_HEADS = ("国家", "国务院", "中华人民共和国")


def region_of(agency: str | None) -> str | None:
    """The region an agency name starts with, or None (central bodies, unknown).

    A heuristic for the queue filter only; the store has no region column yet.
    """
    if not agency or agency.startswith(_NOT_REGION_HEADS):
        return None
    m = _REGION.match(agency)
    return m.group(1) if m else None


@dataclass
class QueueFilter:
    """The queue's filters, as they travel in the query string; ``items()`` is what
    the store's queue statements filter on."""

    rule: str = ""
    family: str = ""
    agency: str = ""
    region: str = ""
    year: str = ""
    status: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Any, default_status: str = "") -> QueueFilter:
        """``default_status``: the status when the query names none (the queue opens on "open")."""
        values = {f.name: (params.get(f.name) or "").strip()[:200] for f in fields(cls)}
        if "status" not in params:
            values["status"] = default_status
        if values["status"] not in ("", "all", *QUEUE_STATUSES):
            values["status"] = ""
        if values["year"] and not values["year"].isdigit():
            values["year"] = ""
        return cls(**values)

    def items(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def query(self, **override: str) -> str:
        """Query string for these filters, with some changed ('' removes one)."""
        values = {**self.items(), **override}
        return urlencode({k: v for k, v in values.items() if v})


@dataclass
class Detail:
    """Everything the finding page shows."""

    finding: dict[str, Any]
    report: dict[str, Any]
    grids: list[Grid]
    narrative: list[dict[str, Any]]  # paragraphs with the claim marked: {before, claim, after, claim_row}
    pdf_pages: list[int]  # pages to show as images (PDF sources on disk only)
    decision: Decision | None
    history: list[Decision]
    correction_target: str | None


class ReviewStore:
    def __init__(self, con: duckdb.DuckDBPyConnection, *, path: Path | None = None) -> None:
        self.con = con
        self.path = path
        self.lock = threading.Lock()
        with self.lock:
            decisions.ensure_table(con)
            corpus_store.build_review_regions(con, region_of)

    @classmethod
    def open(cls, path: str | Path) -> ReviewStore:
        """Open a store file for reviewing (read-write: decisions are written)."""
        from ..corpus.store import Store, StoreInUse

        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no store at {path}: create one with `nianbao run DIR --store {path}`")
        try:
            store = Store(path)
        except (duckdb.IOException, StoreInUse) as exc:
            raise RuntimeError(
                f"cannot open {path} for writing: {exc}. Another process (a running `nianbao run` or "
                "`nianbao review`) holds it; stop that process and try again."
            ) from exc
        return cls(store.con, path=path)

    @property
    def base(self) -> Path | None:
        """Folder of the store file: relative report paths are also tried from there."""
        return self.path.parent if self.path else None

    def close(self) -> None:
        with self.lock:
            self.con.close()

    @contextmanager
    def locked(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.lock:
            yield self.con

    # ---- queue -----------------------------------------------------------
    def queue(self, flt: QueueFilter, *, page: int = 1, size: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], int]:
        """One page of findings (most severe first) and the total matching."""
        with self.lock:
            rows, total = corpus_store.queue_page(
                self.con, flt.items(), limit=size, offset=max(page - 1, 0) * size
            )
        for row in rows:
            row["cells"] = _json_list(row["cells"])
        return rows, total

    def queue_ids(self, flt: QueueFilter) -> list[str]:
        """All finding ids of the filtered queue, in queue order (for j/k and 'next')."""
        with self.lock:
            return corpus_store.queue_ids(self.con, flt.items())

    def status_counts(self, flt: QueueFilter) -> dict[str, int]:
        with self.lock:
            found = corpus_store.queue_status_counts(self.con, flt.items())
        counts = {s: 0 for s in QUEUE_STATUSES}
        counts.update(found)
        counts["all"] = sum(found.values())
        return counts

    def facets(self) -> dict[str, list[Any]]:
        """The values each filter can take."""
        with self.lock:
            return corpus_store.queue_facets(self.con)

    # ---- one finding -----------------------------------------------------
    def detail(self, finding_id: str) -> Detail | None:
        with self.lock:
            finding = corpus_store.finding_with_region(self.con, finding_id)
            if finding is None:
                return None
            for col in ("cells", "claims"):
                finding[col] = _json_list(finding[col])
            finding["evidence"] = _json_dict(finding["evidence"])
            report = corpus_store.report_row(self.con, finding["report_id"]) or {
                "report_id": finding["report_id"], "layout": "unknown"
            }
            claim_ids = [int(i) for i in finding["claims"] if isinstance(i, (int, float, str)) and str(i).isdigit()]
            claims = corpus_store.claims_at(self.con, finding["report_id"], claim_ids)
            paragraph_ids = sorted({c["paragraph"] for c in claims if c["paragraph"] is not None})
            paragraphs = {p["idx"]: p for p in corpus_store.paragraphs_at(self.con, finding["report_id"], paragraph_ids)}
            layout = report.get("layout") or "unknown"
            hits = {c for c in finding["cells"] if isinstance(c, str)}
            related = _related_cells(finding, claims, layout) - hits
            tables = sorted({ref.split(".", 1)[0] for ref in hits | related} & {"T2", "T3", "T4"}, key=_table_order)
            cell_rows = corpus_store.cells_of_tables(self.con, finding["report_id"], tables)
            current = decisions.current(self.con, finding_id)
            past = decisions.history(self.con, finding_id)
        by_table: dict[str, dict[str, dict]] = {t: {} for t in tables}
        for row in cell_rows:
            by_table[row["table_name"]][row["key"]] = row
        grids = [build_grid(t, layout, by_table[t], hits, related) for t in tables]
        pdf_pages = _pdf_pages(report, cell_rows, hits | related, self.base)
        narrative = [_mark_claim(c, paragraphs.get(c["paragraph"]), finding["evidence"]) for c in claims]
        if not narrative:
            narrative = _evidence_narrative(finding["evidence"])
        target = sorted(hits)[0] if hits else (f"claim: {claims[0]['text']}" if claims else None)
        return Detail(finding, report, grids, narrative, pdf_pages, current, past, target)

    def page_boxes(self, report_id: str, page: int, finding_id: str | None) -> tuple[dict[str, Any] | None, list]:
        """The report row and the boxes to draw on one of its pages."""
        with self.lock:
            report = corpus_store.report_row(self.con, report_id)
            if report is None:
                return None, []
            hits: set[str] = set()
            related: set[str] = set()
            f = corpus_store.finding_of_report(self.con, finding_id, report_id) if finding_id else None
            if f is not None:
                f["cells"], f["claims"] = _json_list(f["cells"]), _json_list(f["claims"])
                f["evidence"] = _json_dict(f["evidence"])
                hits = {c for c in f["cells"] if isinstance(c, str)}
                related = _related_cells(f, [], report.get("layout") or "unknown") - hits
            cells = corpus_store.page_cell_boxes(self.con, report_id, page)
        boxes = []
        for ref, bbox in cells:
            mark = "hit" if ref in hits else "related" if ref in related else None
            if mark and bbox and len(bbox) == 4:
                boxes.append((tuple(bbox), mark))
        return report, boxes

    # ---- decisions -------------------------------------------------------
    def decide(self, finding_id: str, status: str, *, reviewer: str, comment: str | None, corrected_value: float | None) -> Decision:
        with self.lock:
            if not corpus_store.finding_exists(self.con, finding_id):
                raise KeyError(finding_id)
            return decisions.record(
                self.con, finding_id, status, reviewer=reviewer, comment=comment, corrected_value=corrected_value
            )

    def undo(self, *, finding_id: str | None = None, reviewer: str | None = None) -> Decision | None:
        with self.lock:
            return decisions.undo(self.con, finding_id=finding_id, reviewer=reviewer)


def _table_order(name: str) -> int:
    return {"T3": 0, "T4": 1, "T2": 2}.get(name, 3)


def _json_list(value: Any) -> list:
    if isinstance(value, str):
        value = json.loads(value) if value else []
    return list(value or [])


def _json_dict(value: Any) -> dict:
    if isinstance(value, str):
        value = json.loads(value) if value else {}
    return value if isinstance(value, dict) else {"evidence": value}


def _evidence_refs(evidence: dict[str, Any]) -> set[str]:
    """Cell refs named in a finding's free-form evidence (list of refs or of dicts with 'ref')."""
    refs: set[str] = set()
    for item in evidence.get("cells") or []:
        ref = item.get("ref") if isinstance(item, dict) else item
        if isinstance(ref, str) and ref[:2] in ("T2", "T3", "T4"):
            refs.add(ref)
    return refs


def _related_cells(finding: dict[str, Any], claims: list[dict[str, Any]], layout: str) -> set[str]:
    related = _evidence_refs(finding.get("evidence") or {})
    for ref in finding.get("cells") or []:
        if isinstance(ref, str):
            related |= equation_cells(finding.get("family") or "", ref, layout)
    for claim in claims:
        related |= metric_cells(claim.get("metric") or "", layout)
    return related


def _pdf_pages(report: dict[str, Any], cell_rows: list[dict[str, Any]], refs: set[str], base: Path | None) -> list[int]:
    from .pages import local_pdf

    if local_pdf(report.get("path"), report.get("format"), base) is None:
        return []
    pages = {
        row["page"]
        for row in cell_rows
        if row["page"] is not None and row["bbox"] is not None and f"{row['table_name']}.{row['key']}" in refs
    }
    return sorted(pages)


def _segments(text: str, marks: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """Split ``text`` into (piece, css) runs; later marks win where they overlap.

    The template escapes each piece, so marking never builds HTML from report text.
    """
    css = [""] * len(text)
    for start, end, name in marks:
        for i in range(max(start, 0), min(end, len(text))):
            css[i] = name
    runs: list[tuple[str, str]] = []
    for ch, name in zip(text, css):
        if runs and runs[-1][1] == name:
            runs[-1] = (runs[-1][0] + ch, name)
        else:
            runs.append((ch, name))
    return runs


def _claim_offset(claim: dict[str, Any], paragraph: dict[str, Any]) -> int | None:
    """Where the claim's text starts inside the paragraph (by span, else by search)."""
    text, ptext = claim.get("text") or "", paragraph.get("text") or ""
    if claim.get("char_start") is not None and paragraph.get("char_start") is not None:
        offset = claim["char_start"] - paragraph["char_start"]
        if text and ptext[offset : offset + len(text)] == text:
            return offset
    found = ptext.find(text) if text else -1
    return found if found >= 0 else None


def _mark_claim(
    claim: dict[str, Any], paragraph: dict[str, Any] | None, evidence: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The paragraph as runs, with the claim marked (and the evidence's span, if any)."""
    text = claim.get("text") or ""
    if paragraph is None:
        return {"segments": [(text, "claim")], "claim_row": claim, "found_in_paragraph": False}
    ptext = paragraph.get("text") or ""
    marks: list[tuple[int, int, str]] = []
    span = _evidence_span(evidence or {}, paragraph)
    if span is not None:
        marks.append((span[0], span[1], "context"))
    start = _claim_offset(claim, paragraph)
    if start is not None:
        marks.append((start, start + len(text), "claim"))
    return {"segments": _segments(ptext, marks), "claim_row": claim, "found_in_paragraph": start is not None}


def _evidence_span(evidence: dict[str, Any], paragraph: dict[str, Any]) -> tuple[int, int] | None:
    """A paragraph-relative span the evidence points at (e.g. a listed breakdown)."""
    span, where = evidence.get("span"), evidence.get("paragraph")
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(v, int) for v in span)):
        return None
    if isinstance(where, dict) and where.get("index") is not None and where.get("index") != paragraph.get("idx"):
        return None
    return span[0], span[1]


def _evidence_narrative(evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """Narrative from the evidence when the finding names no stored claim."""
    paragraph = evidence.get("paragraph") or evidence.get("paragraph_text")
    claim = evidence.get("claim") or evidence.get("claim_text")
    if not claim and isinstance(evidence.get("claims"), list) and evidence["claims"]:
        claim = evidence["claims"][0]
    if isinstance(claim, dict):
        paragraph = paragraph or claim.get("paragraph_text")
        claim = claim.get("text")
    if isinstance(paragraph, dict):
        paragraph = paragraph.get("text")
    if not isinstance(paragraph, str) and not isinstance(claim, str):
        return []
    row = {"text": claim if isinstance(claim, str) else "", "char_start": None}
    return [_mark_claim(row, {"text": paragraph, "char_start": None} if isinstance(paragraph, str) else None)]
