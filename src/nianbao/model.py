"""The shared data model: a loaded Document in, a ReportResult out.

Every stage reads and writes these objects and nothing else, so a stage can be
replaced without touching the others.  Provenance travels with each figure,
paragraph and claim (character span in ``Document.text``, or table cell, or
PDF page + bounding box).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1.0"

BlockKind = Literal["heading", "paragraph", "table"]
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")  # most severe first
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
Layout = Literal["2021", "2019", "legacy", "unknown"]


def plain_number(x: Any) -> Any:
    """A figure as data: integers stay integers (20, not 20.0), other floats to 6 places."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    if isinstance(x, float):
        return round(x, 6)
    return x


def format_number(x: float | int | None, missing: str = "?") -> str:
    """A figure as a reader writes it ("20", "5949.088667"); ``missing`` for no value."""
    x = plain_number(x)
    if x is None:
        return missing
    return f"{x:.6f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)

FAMILIES = (
    "t3_balance",
    "t3_row_total",
    "t3_result_total",
    "t4_group_total",
    "narrative_vs_table",
    "percentage",
    "cross_year",
    "missing",
    "t2",
    "copied_narrative",
)


# Error codes that leave the file read but some of its tables unchecked (status "partial").
PARTIAL_CODES = frozenset({"tables-not-read"})


@dataclass
class Provenance:
    """Where something came from.  Unused fields stay None."""

    start: int | None = None  # character span in Document.text
    end: int | None = None
    page: int | None = None  # 1-based PDF page
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom (PDF points)
    table: int | None = None  # index of the table block in Document.blocks
    row: int | None = None  # row/column in that table's grid
    col: int | None = None
    method: str | None = None  # how the text was obtained when not from a text layer: "ocr"

    def __str__(self) -> str:
        bits = []
        if self.page is not None:
            bits.append(f"page {self.page}")
        if self.table is not None:
            bits.append(f"table {self.table} r{self.row}c{self.col}")
        if self.start is not None:
            bits.append(f"chars {self.start}-{self.end}")
        return ", ".join(bits) or "unknown"


@dataclass
class Cell:
    """One grid position of a source table.  Merged cells are repeated over
    their span; ``origin`` is False on the copies."""

    text: str
    row: int
    col: int
    prov: Provenance = field(default_factory=Provenance)
    origin: bool = True
    confidence: float = 1.0  # below 1 when read by OCR: the recogniser's lowest character probability

    def __repr__(self) -> str:
        return f"Cell(r{self.row}c{self.col} {self.text!r})"


@dataclass
class Block:
    """A heading, paragraph or table, in reading order."""

    kind: BlockKind
    text: str
    prov: Provenance = field(default_factory=Provenance)
    rows: list[list[Cell]] | None = None  # tables only: the full grid, spans expanded
    level: int | None = None  # headings only

    def __repr__(self) -> str:
        if self.kind == "table":
            return f"Block(table {len(self.rows or [])}x{max((len(r) for r in self.rows or []), default=0)})"
        return f"Block({self.kind} {self.text[:30]!r})"


@dataclass
class Message:
    """A warning or error about one file, meant for the user."""

    level: Literal["error", "warning", "info"]
    code: str
    text: str
    page: int | None = None

    def __str__(self) -> str:
        where = f" (page {self.page})" if self.page else ""
        return f"{self.level}: {self.text}{where} [{self.code}]"


@dataclass
class Document:
    """A loaded report: normalised text and its ordered blocks."""

    source: str
    format: str  # txt, html, docx, pdf
    text: str = ""
    blocks: list[Block] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # title, encoding, pages, …
    messages: list[Message] = field(default_factory=list)
    printed_text: str | None = None  # the text as printed, when ``text`` is a converted twin (繁體)

    @property
    def tables(self) -> list[tuple[int, Block]]:
        return [(i, b) for i, b in enumerate(self.blocks) if b.kind == "table"]

    def warn(self, code: str, text: str, page: int | None = None) -> None:
        self.messages.append(Message("warning", code, text, page))


@dataclass
class Figure:
    """One canonical table figure, e.g. ``T3.granted.total = 272``."""

    table: str  # T2 / T3 / T4
    key: str  # ROW.COLUMN as in gold.md
    value: float | int | None
    raw: str = ""  # the cell text as printed
    blank: bool = False
    prov: Provenance = field(default_factory=Provenance)
    confidence: float = 1.0
    candidates: list[float | int] | None = None  # set when a decoding is ambiguous

    @property
    def ref(self) -> str:
        return f"{self.table}.{self.key}"

    def __str__(self) -> str:
        value = format_number(self.value) if self.value is not None or not self.candidates else (
            "/".join(format_number(v) for v in self.candidates) + " (not settled)")
        return f"{self.ref} = {value}" + (f", {self.prov}" if self.prov != Provenance() else "")


@dataclass
class ProvenBreak:
    """An equation of a table that no reading of its printed lines satisfies (with ``others``:
    that no reading satisfies together with those equations).

    Recorded by the tables stage when page text leaves the table's cells open (blank cells
    left out, repeated lines merged) and it listed every reading the lines allow: the printed
    table certainly does not add up there, whichever cells the lines are.  Reconcile reports it.
    """

    family: str  # t3_balance | t3_row_total | t3_result_total | t4_group_total
    where: str  # the column, row or T4 group (tables.schema.Equation.where)
    lhs: list[str]
    rhs: list[str]
    total: str
    fixed: dict[str, float | int] = field(default_factory=dict)  # cells with one value in every reading
    open: dict[str, list[float | int]] = field(default_factory=dict)  # the others -> the values they take
    found: float | int | None = None  # the total, when every reading agrees on it
    expected: float | int | None = None  # what the other cells make it, when every reading agrees
    # Equations ({family, where, lhs, rhs, total}) that cannot hold together with this one: each may
    # hold in some reading, but every reading breaks one of them.  Empty: this one alone never holds.
    others: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refs(self) -> list[str]:
        return list(dict.fromkeys(self.lhs + self.rhs + [r for o in self.others for r in o["lhs"] + o["rhs"]]))


@dataclass
class CanonicalTable:
    """A standard table mapped onto the canonical keys of its layout."""

    name: str  # T2 / T3 / T4
    layout: str
    figures: dict[str, Figure] = field(default_factory=dict)
    block: int | None = None  # index of the source table block, if any
    method: str = "grid"  # grid / flattened / camelot / …
    missing_rows: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    proven_breaks: list[ProvenBreak] = field(default_factory=list)  # equations broken in every reading

    def value(self, key: str) -> float | int | None:
        fig = self.figures.get(key)
        return None if fig is None else fig.value

    def values(self) -> dict[str, float | int | None]:
        return {k: f.value for k, f in self.figures.items()}

    def __str__(self) -> str:
        """The table as a small grid: a line per row, a column per canonical column ('?' open)."""
        rows: dict[str, dict[str, str]] = {}
        columns: list[str] = []
        for key, fig in self.figures.items():
            row, _, col = key.rpartition(".")
            rows.setdefault(row or key, {})[col] = format_number(fig.value) + ("*" if fig.blank else "")
            if col not in columns:
                columns.append(col)
        width = max([len(r) for r in rows] + [4])
        lines = [f"{self.name} ({self.layout}, {self.method}; * = printed blank, ? = not settled)",
                 " " * width + " " + " ".join(f"{c:>10}" for c in columns)]
        for row, cells in rows.items():
            lines.append(f"{row:<{width}} " + " ".join(f"{cells.get(c, ''):>10}" for c in columns))
        return "\n".join(lines)


@dataclass
class Part:
    """One of the report's parts: 0 = preamble, 1..6 = the six numbered parts."""

    number: int
    title: str
    start: int
    end: int


@dataclass
class Paragraph:
    text: str
    part: int  # 0 = preamble, 1..6
    index: int  # position in ReportResult.paragraphs
    prov: Provenance = field(default_factory=Provenance)
    subsection: str | None = None  # nearest （一）… heading inside the part
    label: str | None = None
    score: float | None = None
    printed: str | None = None  # the paragraph as printed, when the report is read converted (繁體)
    # Source characters left out of ``text`` (line breaks a page put inside the paragraph):
    # (position in text, characters skipped there).  ``source_offset`` maps back.
    gaps: list[tuple[int, int]] = field(default_factory=list)

    def source_offset(self, i: int) -> int:
        """The Document.text offset of character ``i`` of ``text``."""
        at = (self.prov.start or 0) + i
        return at + sum(skipped for pos, skipped in self.gaps if pos <= i)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Document.text span of ``text[start:end]`` (it may hold the line breaks left out)."""
        return self.source_offset(start), self.source_offset(max(start, end - 1)) + (1 if end > start else 0)


@dataclass
class Claim:
    """A figure the narrative states."""

    text: str  # the exact substring stating the figure
    value: float | int
    metric: str = "other"  # gold.md metric, or "other"
    unit: str | None = None
    qualifier: Literal["exact", "approx", "at_least", "at_most"] = "exact"
    polarity: Literal["positive", "negative"] = "positive"
    time: Literal["this_year", "last_year", "cumulative", "change"] = "this_year"
    paragraph: int | None = None
    prov: Provenance = field(default_factory=Provenance)
    confidence: float = 1.0
    printed: str | None = None  # the words as printed, when the report is read converted (繁體)

    @property
    def approx(self) -> bool:
        return self.qualifier != "exact"

    def __str__(self) -> str:
        """``T3.new_received.total = 1 「收到政府信息公开申请1件」``."""
        return f"{self.metric} = {format_number(self.value)}{' (approx)' if self.approx else ''} 「{self.printed or self.text}」"


@dataclass
class Finding:
    """An inconsistency, with enough evidence to show both sides."""

    code: str  # rule code, e.g. NB101
    rule: str  # rule name, e.g. t3_balance
    family: str  # one of FAMILIES
    severity: Severity
    message: str
    expected: float | int | None = None
    found: float | int | None = None
    cells: list[str] = field(default_factory=list)  # canonical refs, e.g. "T3.granted.total"
    claims: list[int] = field(default_factory=list)  # indices into ReportResult.claims
    evidence: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """The one line a reviewer reads: ``NB103 error T3.handled_total.natural: expected 26, found 20 — …``."""
        about = ", ".join(self.cells) or self.family
        figures = ""
        if self.expected is not None or self.found is not None:
            figures = f"expected {format_number(self.expected)}, found {format_number(self.found)} — "
        return f"{self.code} {self.severity} {about}: {figures}{self.message}"


@dataclass
class ReportResult:
    """Everything nianbao knows about one report after checking it."""

    source: str
    format: str = ""
    sha256: str = ""
    agency: str | None = None
    year: int | None = None
    layout: str = "unknown"
    title: str | None = None
    parts: list[Part] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: dict[str, CanonicalTable] = field(default_factory=dict)
    # per standard table: read / unprinted / unreadable / absent (see nianbao.tables)
    table_status: dict[str, str] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    version: str = ""
    schema_version: str = SCHEMA_VERSION
    # The loaded report the stages read (provenance lives on it); not part of the result JSON.
    document: Document | None = field(default=None, repr=False, compare=False)

    # ---- convenience -------------------------------------------------
    def figure(self, ref: str) -> Figure | None:
        table, _, key = ref.partition(".")
        t = self.tables.get(table)
        return None if t is None else t.figures.get(key)

    @property
    def ok(self) -> bool:
        return not any(m.level == "error" for m in self.messages)

    @property
    def status(self) -> str:
        """``ok``; ``partial`` when the file was read but a standard table in it could not be
        (its figures are not checked); ``error`` when the file itself could not be read."""
        errors = [m for m in self.messages if m.level == "error"]
        if not errors:
            return "ok"
        return "partial" if all(m.code in PARTIAL_CODES for m in errors) else "error"

    # ---- serialisation -----------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The result JSON of gold.md, plus provenance and everything else."""
        d: dict[str, Any] = {
            "schema_version": self.schema_version,
            "nianbao_version": self.version,
            "source": self.source,
            "format": self.format,
            "sha256": self.sha256,
            "agency": self.agency,
            "year": self.year,
            "layout": self.layout,
            "title": self.title,
            "status": self.status,
            "tables": {name: t.values() for name, t in self.tables.items()},
            "table_status": dict(self.table_status),
            "blank_cells": sorted(
                f.ref for t in self.tables.values() for f in t.figures.values() if f.blank
            ),
            "table_details": {
                name: {
                    "layout": t.layout,
                    "block": t.block,
                    "method": t.method,
                    "missing_rows": t.missing_rows,
                    "missing_columns": t.missing_columns,
                    "proven_breaks": [_asdict(b) for b in t.proven_breaks],
                    "figures": [_asdict(f) for f in t.figures.values()],
                }
                for name, t in self.tables.items()
            },
            "parts": [_asdict(p) for p in self.parts],
            "paragraphs": [_asdict(p) for p in self.paragraphs],
            "claims": [dict(_asdict(c), approx=c.approx) for c in self.claims],
            "findings": [_asdict(f) for f in self.findings],
            "messages": [_asdict(m) for m in self.messages],
        }
        return d

    def to_json(self, **kw: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kw)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReportResult:
        version = d.get("schema_version", SCHEMA_VERSION)
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ValueError(f"result schema {version} is not readable by this nianbao (schema {SCHEMA_VERSION})")
        tables = {}
        for name, det in (d.get("table_details") or {}).items():
            figs = {}
            for f in det["figures"]:
                fig = _build(Figure, f)
                figs[fig.key] = fig
            tables[name] = CanonicalTable(
                name=name,
                layout=det["layout"],
                figures=figs,
                block=det.get("block"),
                method=det.get("method", "grid"),
                missing_rows=det.get("missing_rows", []),
                missing_columns=det.get("missing_columns", []),
                proven_breaks=[_build(ProvenBreak, b) for b in det.get("proven_breaks", [])],
            )
        return cls(
            source=d["source"],
            format=d.get("format", ""),
            sha256=d.get("sha256", ""),
            agency=d.get("agency"),
            year=d.get("year"),
            layout=d.get("layout", "unknown"),
            title=d.get("title"),
            parts=[_build(Part, p) for p in d.get("parts", [])],
            paragraphs=[_build(Paragraph, p) for p in d.get("paragraphs", [])],
            tables=tables,
            table_status=dict(d.get("table_status") or {}),
            claims=[_build(Claim, c) for c in d.get("claims", [])],
            findings=[_build(Finding, f) for f in d.get("findings", [])],
            messages=[_build(Message, m) for m in d.get("messages", [])],
            version=d.get("nianbao_version", ""),
            schema_version=version,
        )

    @classmethod
    def from_json(cls, s: str) -> ReportResult:
        return cls.from_dict(json.loads(s))


Report = ReportResult  # what flows through the stages is the report being checked


def stage(*, reads: tuple[str, ...], assigns: tuple[str, ...]):
    """Declare what a pipeline stage ``fn(report, settings)`` reads and which Report fields it
    writes (``messages`` may always be appended to); ``pipeline.run_stage`` holds it to that."""

    def mark(fn):
        fn.reads, fn.assigns = reads, assigns
        return fn

    return mark


def _asdict(obj: Any) -> dict[str, Any]:
    return dataclasses.asdict(obj)


def _build(kind: type, data: dict[str, Any]) -> Any:
    """Rebuild a dataclass from its dict, ignoring unknown (newer) fields."""
    names = {f.name for f in dataclasses.fields(kind)}
    kwargs = {k: v for k, v in data.items() if k in names}
    if "prov" in kwargs and isinstance(kwargs["prov"], dict):
        p = dict(kwargs["prov"])
        if p.get("bbox") is not None:
            p["bbox"] = tuple(p["bbox"])
        kwargs["prov"] = Provenance(**{k: v for k, v in p.items() if k in {f.name for f in dataclasses.fields(Provenance)}})
    return kind(**kwargs)
