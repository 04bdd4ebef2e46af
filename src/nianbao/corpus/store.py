"""The corpus store: every checked report of a corpus in one DuckDB file.

One file (``corpus.duckdb``) holds the full result of each report plus flat,
queryable tables of its figures, claims, paragraphs and findings.  ``nianbao
run`` writes it, ``nianbao summary`` and the review app read it.  Only one
process writes at a time (DuckDB takes a file lock); readers open it with
``Store(path, read_only=True)`` when no run is writing.

Every SQL statement nianbao runs against the store is in this module: the
schema, the ``Store`` class (the writer of ``nianbao run`` and the readers of
``nianbao summary``), and the named functions of a connection that the review
app, its exports and ``nianbao decisions export`` call (the queue, a finding's
page, decisions, exports: the sections after ``Store``).  ``tests/test_store_sql.py``
fails on SQL in any other module.

Schema (``SCHEMA_SQL`` below is the single definition; ``STORE_SCHEMA_VERSION``
is bumped when it changes):

``reports`` — one row per distinct file content.
    report_id        sha256 of the file bytes (primary key; the same bytes under
                     two paths are one report)
    path             where it was read (zip members: ``archive.zip!member/path``)
    format           txt / html / docx / pdf
    agency, year, layout, title   as the pipeline read them
    agency_norm      the agency name normalised across years (see ``agencies``)
    status           ``ok`` | ``partial`` (the file was read but a standard table in it
                     could not be: its figures are not checked) | ``error`` (the
                     file could not be read) | ``timeout`` (killed after the
                     per-file limit) | ``crashed`` (the worker process died)
    error            the error text for any status but ``ok``
    nianbao_version  version that produced the row; a different version re-runs it
    settings_digest  fingerprint of the Settings (nianbao.toml) it was checked with;
                     other settings re-run it too
    result_json      the full ``ReportResult.to_json()`` (read back with ``read_result``)
    n_tables, n_cells, n_claims, n_paragraphs, n_findings   row counts
    elapsed_s        seconds the worker spent on the file
    run_id           the run that wrote the row
    processed_at     UTC timestamp

``cells`` — one row per canonical table figure.
    report_id, table_name (T2/T3/T4), key (``ROW.COLUMN``), value, blank, raw,
    confidence, method (grid/flattened/…), page, bbox (x0, top, x1, bottom),
    char_start, char_end, tbl_block, tbl_row, tbl_col (provenance)

``claims`` — one row per narrative figure.
    report_id, idx (index into ReportResult.claims), metric, value, unit,
    qualifier, polarity, time, text, paragraph, char_start, char_end, page, confidence

``paragraphs`` — one row per paragraph.
    report_id, idx, part (0 = preamble, 1..6), subsection, label, score, text,
    char_start, char_end, page

``findings`` — one row per finding.
    finding_id       stable id: sha256(report_id, code, sorted cells, sorted
                     claims)[:16], with ``-2``, ``-3`` … appended to repeats in
                     one report; re-processing a report keeps ids, so review
                     decisions survive a re-run
    report_id        the report the finding is about (corpus findings: the later report)
    scope            ``report`` (from ``pipeline.check``) | ``corpus`` (cross-report checks)
    code, rule, family, severity, message, expected, found
    cells, claims, evidence   JSON (canonical refs, claim indices, free evidence)
    nianbao_version, created_at

``runs`` — one row per ``nianbao run``.
    run_id, started, finished, engine, workers, args (JSON), counts (JSON:
    files, skipped, ok, partial, error, timeout, crashed, duplicates), nianbao_version,
    status (``running`` | ``finished`` | ``interrupted``: a run that stopped before
    its end, e.g. killed; the next run marks it so)

``decisions`` — review decisions (written by the review app through the
functions below).  Append-only: a new decision on a finding marks the older
ones ``superseded``; undo marks the newest superseded too and makes the one
it replaced current again (nothing is deleted).
    decision_id, finding_id, status (confirmed | false_alarm | needs_discussion),
    comment, corrected_value, reviewer, decided_at, superseded

``meta`` — key/value: ``store_schema_version``.

Typical queries::

    SELECT family, count(*) FROM findings GROUP BY family;
    SELECT r.agency_norm, r.year, c.value FROM cells c JOIN reports r USING (report_id)
     WHERE c.table_name = 'T3' AND c.key = 'new_received.total';
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from ..errors import NianbaoError

from ..model import SEVERITIES, Finding, Message, ReportResult

STORE_SCHEMA_VERSION = "1"

STATUSES = ("ok", "error", "timeout", "crashed")

DECISIONS_SQL = """
CREATE TABLE IF NOT EXISTS decisions (
    decision_id VARCHAR PRIMARY KEY,
    finding_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    comment VARCHAR,
    corrected_value DOUBLE,
    reviewer VARCHAR,
    decided_at TIMESTAMP,
    superseded BOOLEAN DEFAULT FALSE
);
"""

SCHEMA_SQL = DECISIONS_SQL + """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS reports (
    report_id VARCHAR PRIMARY KEY,
    path VARCHAR,
    format VARCHAR,
    agency VARCHAR,
    agency_norm VARCHAR,
    year INTEGER,
    layout VARCHAR,
    title VARCHAR,
    status VARCHAR NOT NULL,
    error VARCHAR,
    nianbao_version VARCHAR,
    result_json JSON,
    n_tables INTEGER,
    n_cells INTEGER,
    n_claims INTEGER,
    n_paragraphs INTEGER,
    n_findings INTEGER,
    elapsed_s DOUBLE,
    run_id VARCHAR,
    processed_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS cells (
    report_id VARCHAR NOT NULL,
    table_name VARCHAR,
    key VARCHAR,
    value DOUBLE,
    blank BOOLEAN,
    raw VARCHAR,
    confidence DOUBLE,
    method VARCHAR,
    page INTEGER,
    bbox DOUBLE[],
    char_start INTEGER,
    char_end INTEGER,
    tbl_block INTEGER,
    tbl_row INTEGER,
    tbl_col INTEGER
);
CREATE TABLE IF NOT EXISTS claims (
    report_id VARCHAR NOT NULL,
    idx INTEGER,
    metric VARCHAR,
    value DOUBLE,
    unit VARCHAR,
    qualifier VARCHAR,
    polarity VARCHAR,
    time VARCHAR,
    text VARCHAR,
    paragraph INTEGER,
    char_start INTEGER,
    char_end INTEGER,
    page INTEGER,
    confidence DOUBLE
);
CREATE TABLE IF NOT EXISTS paragraphs (
    report_id VARCHAR NOT NULL,
    idx INTEGER,
    part INTEGER,
    subsection VARCHAR,
    label VARCHAR,
    score DOUBLE,
    text VARCHAR,
    char_start INTEGER,
    char_end INTEGER,
    page INTEGER
);
CREATE TABLE IF NOT EXISTS findings (
    finding_id VARCHAR PRIMARY KEY,
    report_id VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    code VARCHAR,
    rule VARCHAR,
    family VARCHAR,
    severity VARCHAR,
    message VARCHAR,
    expected DOUBLE,
    found DOUBLE,
    cells JSON,
    claims JSON,
    evidence JSON,
    nianbao_version VARCHAR,
    created_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started TIMESTAMP,
    finished TIMESTAMP,
    engine VARCHAR,
    workers INTEGER,
    args JSON,
    counts JSON,
    nianbao_version VARCHAR,
    status VARCHAR
);
"""
# Columns added after a store format was released: stores made before get them on open.
_ADDED_COLUMNS = (("reports", "settings_digest", "VARCHAR"), ("runs", "status", "VARCHAR"))

# Column order of each child table, as inserted by ``_insert_columns``.
_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "reports": (
        ("report_id", "VARCHAR"), ("path", "VARCHAR"), ("format", "VARCHAR"), ("agency", "VARCHAR"),
        ("agency_norm", "VARCHAR"), ("year", "INTEGER"), ("layout", "VARCHAR"), ("title", "VARCHAR"),
        ("status", "VARCHAR"), ("error", "VARCHAR"), ("nianbao_version", "VARCHAR"), ("result_json", "VARCHAR"),
        ("n_tables", "INTEGER"), ("n_cells", "INTEGER"), ("n_claims", "INTEGER"), ("n_paragraphs", "INTEGER"),
        ("n_findings", "INTEGER"), ("elapsed_s", "DOUBLE"), ("run_id", "VARCHAR"), ("processed_at", "TIMESTAMP"),
        ("settings_digest", "VARCHAR"),
    ),
    "cells": (
        ("report_id", "VARCHAR"), ("table_name", "VARCHAR"), ("key", "VARCHAR"), ("value", "DOUBLE"),
        ("blank", "BOOLEAN"), ("raw", "VARCHAR"), ("confidence", "DOUBLE"), ("method", "VARCHAR"),
        ("page", "INTEGER"), ("bbox", "DOUBLE[]"), ("char_start", "INTEGER"), ("char_end", "INTEGER"),
        ("tbl_block", "INTEGER"), ("tbl_row", "INTEGER"), ("tbl_col", "INTEGER"),
    ),
    "claims": (
        ("report_id", "VARCHAR"), ("idx", "INTEGER"), ("metric", "VARCHAR"), ("value", "DOUBLE"),
        ("unit", "VARCHAR"), ("qualifier", "VARCHAR"), ("polarity", "VARCHAR"), ("time", "VARCHAR"),
        ("text", "VARCHAR"), ("paragraph", "INTEGER"), ("char_start", "INTEGER"), ("char_end", "INTEGER"),
        ("page", "INTEGER"), ("confidence", "DOUBLE"),
    ),
    "paragraphs": (
        ("report_id", "VARCHAR"), ("idx", "INTEGER"), ("part", "INTEGER"), ("subsection", "VARCHAR"),
        ("label", "VARCHAR"), ("score", "DOUBLE"), ("text", "VARCHAR"), ("char_start", "INTEGER"),
        ("char_end", "INTEGER"), ("page", "INTEGER"),
    ),
    "findings": (
        ("finding_id", "VARCHAR"), ("report_id", "VARCHAR"), ("scope", "VARCHAR"), ("code", "VARCHAR"),
        ("rule", "VARCHAR"), ("family", "VARCHAR"), ("severity", "VARCHAR"), ("message", "VARCHAR"),
        ("expected", "DOUBLE"), ("found", "DOUBLE"), ("cells", "VARCHAR"), ("claims", "VARCHAR"),
        ("evidence", "VARCHAR"), ("nianbao_version", "VARCHAR"), ("created_at", "TIMESTAMP"),
    ),
}

_CHILD_TABLES = ("cells", "claims", "paragraphs")


@dataclass
class ReportRows:
    """One report flattened into store rows.  Plain tuples, so a worker
    process can build it and the parent only inserts (cheap to pickle)."""

    report_id: str
    report: tuple
    cells: list[tuple] = field(default_factory=list)
    claims: list[tuple] = field(default_factory=list)
    paragraphs: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.report[8]

    @property
    def error(self) -> str | None:
        return self.report[9]


def utcnow() -> datetime:
    # DuckDB TIMESTAMP is naive; store UTC.
    return datetime.now(timezone.utc).replace(tzinfo=None)


def finding_ids(report_id: str, findings: Iterable[Finding]) -> list[str]:
    """Stable ids for a report's findings: same report, code, cells and claims
    give the same id on every run; repeats get ``-2``, ``-3`` …"""
    seen: dict[str, int] = {}
    ids = []
    for f in findings:
        basis = json.dumps([report_id, f.code, sorted(f.cells), sorted(f.claims)], ensure_ascii=False)
        base = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def _num(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None if v is None else float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def finding_rows(
    report_id: str, findings: list[Finding], scope: str, version: str, now: datetime
) -> list[tuple]:
    ids = finding_ids(report_id, findings)
    return [
        (
            fid, report_id, scope, f.code, f.rule, f.family, f.severity, f.message,
            _num(f.expected), _num(f.found),
            json.dumps(list(f.cells), ensure_ascii=False),
            json.dumps(list(f.claims)),
            json.dumps(f.evidence, ensure_ascii=False, default=str),
            version, now,
        )
        for fid, f in zip(ids, findings)
    ]


def result_status(result: ReportResult) -> tuple[str, str | None]:
    """``ok`` unless the pipeline put an error message on the result; ``partial`` when the
    only errors say that tables in a readable file could not be read."""
    errors = [m for m in result.messages if m.level == "error"]
    return result.status, "; ".join(f"{m.text} [{m.code}]" for m in errors) or None


def report_rows(
    path: str,
    result: ReportResult,
    *,
    status: str | None = None,
    error: str | None = None,
    elapsed_s: float | None = None,
    run_id: str | None = None,
    agency_norm: str | None = None,
    settings_digest: str | None = None,
) -> ReportRows:
    """Flatten one result into rows.  ``status``/``error`` override what the
    result's messages say (for timeouts and crashes)."""
    from .agencies import normalize_agency

    if status is None:
        status, error = result_status(result)
    rid = result.sha256
    if not rid:
        raise ValueError(f"result for {path} has no sha256; the store keys reports by content hash")
    now = utcnow()
    cells = [
        (
            rid, t.name, f.key, _num(f.value), bool(f.blank), f.raw, f.confidence, t.method,
            f.prov.page, list(f.prov.bbox) if f.prov.bbox else None, f.prov.start, f.prov.end,
            f.prov.table, f.prov.row, f.prov.col,
        )
        for t in result.tables.values()
        for f in t.figures.values()
    ]
    claims = [
        (
            rid, i, c.metric, _num(c.value), c.unit, c.qualifier, c.polarity, c.time, c.text,
            c.paragraph, c.prov.start, c.prov.end, c.prov.page, c.confidence,
        )
        for i, c in enumerate(result.claims)
    ]
    paragraphs = [
        (rid, i, p.part, p.subsection, p.label, p.score, p.text, p.prov.start, p.prov.end, p.prov.page)
        for i, p in enumerate(result.paragraphs)
    ]
    findings = finding_rows(rid, result.findings, "report", result.version, now)
    report = (
        rid, path, result.format, result.agency,
        agency_norm if agency_norm is not None else normalize_agency(result.agency),
        result.year, result.layout, result.title, status, error, result.version, result.to_json(),
        len(result.tables), len(cells), len(claims), len(paragraphs), len(findings),
        elapsed_s, run_id, now, settings_digest,
    )
    return ReportRows(rid, report, cells, claims, paragraphs, findings)


def failure_result(path: str, sha256: str, version: str, code: str, text: str) -> ReportResult:
    """A result standing for a file whose worker timed out or died."""
    return ReportResult(
        source=path, sha256=sha256, version=version, messages=[Message("error", code, text)]
    )


class Store:
    """A DuckDB corpus store.  Use as a context manager::

        with Store("corpus.duckdb") as store:
            store.write_results([(path, result), ...])
            store.findings(family="t3_balance")
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, threads: int | None = None) -> None:
        """``threads`` caps DuckDB's own worker threads (default: one per core)."""
        self.path = Path(path)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise FileNotFoundError(f"no store at {self.path}: run `nianbao run DIR --store {self.path}` first")
        self.con = _connect(self.path, read_only)
        if threads is not None:
            self.con.execute(f"SET threads = {int(threads)}")
        if not read_only:
            self._init_schema()

    # ---- lifecycle ----------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _init_schema(self) -> None:
        self.con.execute(SCHEMA_SQL)
        for table, column, kind in _ADDED_COLUMNS:
            self.con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
        self.con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('store_schema_version', ?)", [STORE_SCHEMA_VERSION]
        )

    # ---- writing ------------------------------------------------------
    def write_results(self, batch: list[tuple[str, ReportResult]], *, run_id: str | None = None) -> None:
        """Write a batch of results in one transaction (all or nothing).
        A report already in the store is replaced, never duplicated."""
        self.write_rows([report_rows(str(p), r, run_id=run_id) for p, r in batch])

    def write_rows(self, batch: list[ReportRows]) -> None:
        """Write pre-flattened reports in one transaction (all or nothing)."""
        if not batch:
            return
        # Last one wins if the same content appears twice in a batch.
        by_id = {rows.report_id: rows for rows in batch}
        ids = list(by_id)
        with _transaction(self.con):
            # in the same transaction: one commit per batch, and stale exactly when rows were written
            self._set_meta("corpus_checks_stale", "true")
            # Child rows exist only beside their reports row (same transaction),
            # so only reports already stored need their old rows deleted; a
            # fresh run skips the deletes, which scan the growing child tables.
            stored = [
                r[0] for r in self.con.execute(
                    "SELECT report_id FROM reports WHERE report_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
                ).fetchall()
            ]
            if stored:
                for table in ("reports", *_CHILD_TABLES):
                    self.con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT unnest(?::VARCHAR[]))", [stored])
                self.con.execute(
                    "DELETE FROM findings WHERE scope = 'report' AND report_id IN (SELECT unnest(?::VARCHAR[]))", [stored]
                )
            self._insert_columns("reports", [r.report for r in by_id.values()])
            for table in (*_CHILD_TABLES, "findings"):
                self._insert_columns(table, [row for r in by_id.values() for row in getattr(r, table)])

    def replace_corpus_findings(self, rows: list[tuple]) -> None:
        """Replace all corpus-scope findings with ``rows`` in one transaction."""
        with _transaction(self.con):
            self.con.execute("DELETE FROM findings WHERE scope = 'corpus'")
            self._insert_columns("findings", rows)

    def agency_norms(self) -> dict[str, str | None]:
        """report_id -> the agency name it is grouped under across years."""
        return dict(self.con.execute("SELECT report_id, agency_norm FROM reports").fetchall())

    def runs(self) -> list[dict[str, Any]]:
        """Every run, oldest first."""
        return self._dicts("SELECT run_id, started, finished, engine, workers, counts, status FROM runs ORDER BY started", [])

    def set_agency_norm(self, mapping: dict[str, str]) -> None:
        """Set ``reports.agency_norm`` per report_id (after cross-year clustering)."""
        if not mapping:
            return
        self.con.execute(
            "UPDATE reports SET agency_norm = m.norm FROM (SELECT unnest(?::VARCHAR[]) AS rid, "
            "unnest(?::VARCHAR[]) AS norm) m WHERE reports.report_id = m.rid",
            [list(mapping), list(mapping.values())],
        )

    def _insert_columns(self, table: str, rows: list[tuple]) -> None:
        """Insert many rows in one statement from a pandas frame DuckDB scans
        in place (4-5x faster than unnesting Python lists, 20x faster than
        executemany): the parent process writes every row, so this is the
        writer's main cost."""
        if not rows:
            return
        import pandas as pd

        cols = _COLUMNS[table]
        frame = pd.DataFrame.from_records(rows, columns=[name for name, _ in cols])
        names = ", ".join(name for name, _ in cols)
        # Explicit casts: a column that is all None in this batch has no type of its own.
        select = ", ".join(f"{name}::{typ}" for name, typ in cols)
        self.con.register("_nianbao_batch", frame)
        try:
            self.con.execute(f"INSERT INTO {table} ({names}) SELECT {select} FROM _nianbao_batch")
        finally:
            self.con.unregister("_nianbao_batch")

    def start_run(self, run_id: str, engine: str, workers: int, args: dict[str, Any], version: str) -> None:
        # This process holds the store's write lock, so no other run is alive: one still
        # marked running was killed before its end.
        self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running' OR "
                         "(status IS NULL AND finished IS NULL)")
        self.con.execute(
            "INSERT OR REPLACE INTO runs (run_id, started, finished, engine, workers, args, counts, nianbao_version, "
            "status) VALUES (?, ?, NULL, ?, ?, ?, NULL, ?, 'running')",
            [run_id, utcnow(), engine, workers, json.dumps(args, ensure_ascii=False, default=str), version],
        )

    def finish_run(self, run_id: str, counts: dict[str, int], status: str = "finished") -> None:
        """Close the run's row: ``finished``, or ``interrupted`` when it stopped early."""
        self.con.execute(
            "UPDATE runs SET finished = ?, counts = ?, status = ? WHERE run_id = ?",
            [utcnow(), json.dumps(counts), status, run_id],
        )

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def mark_corpus_checked(self) -> None:
        """The corpus findings now cover every stored report."""
        self._set_meta("corpus_checks_stale", "false")

    def corpus_checks_stale(self) -> bool:
        """Were reports written since the corpus checks last ran (or have they never run)?"""
        row = self.con.execute("SELECT value FROM meta WHERE key = 'corpus_checks_stale'").fetchone()
        return row is None or row[0] != "false"

    def target_state(self, report_ids: list[str]) -> tuple[Counter, int]:
        """Statuses of these reports, and how many error/warning findings (report or corpus scope)
        they have: what a run's exit status reports on, whether checked now or before."""
        if not report_ids:
            return Counter(), 0
        self.con.execute("CREATE OR REPLACE TEMP TABLE _target (report_id VARCHAR)")
        self.con.executemany("INSERT INTO _target VALUES (?)", [[r] for r in report_ids])
        statuses = Counter(dict(self.con.execute(
            "SELECT status, count(*) FROM reports JOIN _target USING (report_id) GROUP BY status").fetchall()))
        alarms = self.con.execute(
            "SELECT count(*) FROM findings JOIN _target USING (report_id) WHERE severity IN ('error', 'warning')"
        ).fetchone()[0]
        self.con.execute("DROP TABLE _target")
        return statuses, int(alarms)

    # ---- reading ------------------------------------------------------
    def has(self, report_id: str, version: str | None = None) -> bool:
        """True if the report is stored (by this ``version``, when given)."""
        if version is None:
            row = self.con.execute("SELECT 1 FROM reports WHERE report_id = ?", [report_id]).fetchone()
        else:
            row = self.con.execute(
                "SELECT 1 FROM reports WHERE report_id = ? AND nianbao_version = ?", [report_id, version]
            ).fetchone()
        return row is not None

    def done_ids(self, version: str, settings_digest: str | None = None, *, retry_failed: bool = False) -> set[str]:
        """Report ids already processed by ``version`` with the same settings (all at once, for skipping)."""
        sql = "SELECT report_id FROM reports WHERE nianbao_version = ?"
        params: list[Any] = [version]
        if settings_digest is not None:
            sql += " AND settings_digest = ?"
            params.append(settings_digest)
        if retry_failed:
            sql += " AND status IN ('ok', 'partial')"
        return {r[0] for r in self.con.execute(sql, params).fetchall()}

    def read_result(self, report_id: str) -> ReportResult:
        row = self.con.execute("SELECT result_json FROM reports WHERE report_id = ?", [report_id]).fetchone()
        if row is None:
            raise KeyError(f"report {report_id} is not in the store {self.path}")
        return ReportResult.from_json(row[0])

    def iter_results(self, *, status: str | None = "ok") -> Iterator[tuple[str, ReportResult]]:
        sql = "SELECT report_id, result_json FROM reports"
        params: list[Any] = []
        if status is not None:
            sql += " WHERE status = ?"
            params.append(status)
        for rid, js in self.con.execute(sql + " ORDER BY report_id", params).fetchall():
            yield rid, ReportResult.from_json(js)

    def reports(self, **filters: Any) -> list[dict[str, Any]]:
        """Report rows (without result_json) as dicts; filters are column = value."""
        cols = [c for c, _ in _COLUMNS["reports"] if c != "result_json"]
        where, params = _where(filters, set(cols))
        return self._dicts(f"SELECT {', '.join(cols)} FROM reports{where} ORDER BY path", params)

    def findings(
        self,
        *,
        report_id: str | None = None,
        code: str | None = None,
        rule: str | None = None,
        family: str | None = None,
        severity: str | None = None,
        scope: str | None = None,
        year: int | None = None,
        agency: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Findings joined with their report's path, agency, year and layout.
        ``agency`` matches the normalised agency name.  JSON columns are decoded."""
        filters = {
            "f.report_id": report_id, "f.code": code, "f.rule": rule, "f.family": family,
            "f.severity": severity, "f.scope": scope, "r.year": year, "r.agency_norm": agency,
        }
        where, params = _where({k: v for k, v in filters.items() if v is not None}, None)
        sql = (
            "SELECT f.*, r.path, r.agency, r.agency_norm, r.year, r.layout FROM findings f "
            f"LEFT JOIN reports r USING (report_id){where} ORDER BY r.path, f.code, f.finding_id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self._dicts(sql, params)
        for row in rows:
            for col in ("cells", "claims", "evidence"):
                if isinstance(row.get(col), str):
                    row[col] = json.loads(row[col])
        return rows

    def counts(self) -> dict[str, int]:
        """Reports per status, plus totals of findings and cells."""
        out = {s: 0 for s in STATUSES}
        for status, n in self.con.execute("SELECT status, count(*) FROM reports GROUP BY status").fetchall():
            out[status] = n
        out["reports"] = sum(out[s] for s in STATUSES)
        out["findings"] = self.con.execute("SELECT count(*) FROM findings").fetchone()[0]
        out["cells"] = self.con.execute("SELECT count(*) FROM cells").fetchone()[0]
        return out

    def _dicts(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        return _dicts(self.con, sql, params)


class StoreInUse(NianbaoError):
    """Another process holds the store's lock."""

    code = "store-in-use"


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" not in text.lower():
            raise
        holder = re.search(r"held in (\S+) \(PID (\d+)\)", text)
        who = f"process {holder.group(2)} ({Path(holder.group(1)).name})" if holder else "another process"
        raise StoreInUse(
            f"the store {path} is in use by {who}, probably `nianbao review` or another `nianbao run` on it; "
            "stop that process (or wait for the run to finish) and try again, or work on a copy of the store"
        ) from None


# ---- review decisions ----------------------------------------------------------
# The review app holds one connection behind its lock (a DuckDB connection is not for
# concurrent use) and ``nianbao decisions export`` opens the store read-only, so the
# review's statements are functions of a connection rather than Store methods.  Rows
# come back as dicts (tuples where the caller unpacks a few columns); the review
# modules build their view models from them.

# Column order of the decisions table (and of ``review.decisions.Decision``).
DECISION_FIELDS = (
    "decision_id", "finding_id", "status", "comment", "corrected_value", "reviewer", "decided_at", "superseded",
)
_DECISION_COLUMNS = ", ".join(DECISION_FIELDS)
_NEWEST_DECISION_FIRST = "ORDER BY decided_at DESC, decision_id DESC"


def ensure_decisions_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create the decisions table if the store lacks it (one written by an older nianbao),
    from the schema's one definition."""
    con.execute(DECISIONS_SQL)


def add_decision(
    con: duckdb.DuckDBPyConnection,
    *,
    decision_id: str,
    finding_id: str,
    status: str,
    comment: str | None,
    corrected_value: float | None,
    reviewer: str | None,
    decided_at: datetime,
) -> None:
    """Make this decision its finding's current one: the current row is superseded and the
    new one appended, in one transaction, committed on return."""
    with _transaction(con):
        con.execute("UPDATE decisions SET superseded = TRUE WHERE finding_id = ? AND NOT superseded", [finding_id])
        con.execute(
            f"INSERT INTO decisions ({_DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE)",
            [decision_id, finding_id, status, comment, corrected_value, reviewer, decided_at],
        )


def newest_current_decision(
    con: duckdb.DuckDBPyConnection, *, finding_id: str | None = None, reviewer: str | None = None
) -> dict[str, Any] | None:
    """The newest current decision (of one finding, made by one reviewer, or of any), or None."""
    where, params = ["NOT superseded"], []
    if finding_id is not None:
        where.append("finding_id = ?")
        params.append(finding_id)
    if reviewer is not None:
        where.append("reviewer = ?")
        params.append(reviewer)
    rows = _dicts(
        con, f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE {' AND '.join(where)} {_NEWEST_DECISION_FIRST} LIMIT 1", params
    )
    return rows[0] if rows else None


def decision_before(con: duckdb.DuckDBPyConnection, decision: dict[str, Any]) -> str | None:
    """Id of the decision this one replaced: its finding's newest decision made before it, or None."""
    row = con.execute(
        "SELECT decision_id FROM decisions WHERE finding_id = ? AND decision_id <> ? "
        f"AND (decided_at < ? OR (decided_at = ? AND decision_id < ?)) {_NEWEST_DECISION_FIRST} LIMIT 1",
        [decision["finding_id"], decision["decision_id"], decision["decided_at"], decision["decided_at"],
         decision["decision_id"]],
    ).fetchone()
    return None if row is None else row[0]


def undo_decision(con: duckdb.DuckDBPyConnection, decision_id: str, *, restore: str | None) -> None:
    """Supersede ``decision_id`` and make ``restore`` (if any) current again, in one transaction,
    committed on return.  Nothing is deleted: the history shows what was undone."""
    with _transaction(con):
        con.execute("UPDATE decisions SET superseded = TRUE WHERE decision_id = ?", [decision_id])
        if restore is not None:
            con.execute("UPDATE decisions SET superseded = FALSE WHERE decision_id = ?", [restore])


def current_decision(con: duckdb.DuckDBPyConnection, finding_id: str) -> dict[str, Any] | None:
    """The finding's current decision, or None when it is open."""
    rows = _dicts(
        con,
        f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE finding_id = ? AND NOT superseded {_NEWEST_DECISION_FIRST} LIMIT 1",
        [finding_id],
    )
    return rows[0] if rows else None


def decision_history(con: duckdb.DuckDBPyConnection, finding_id: str) -> list[dict[str, Any]]:
    """Every decision ever made on the finding, undone and superseded ones too, newest first."""
    return _dicts(
        con, f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE finding_id = ? {_NEWEST_DECISION_FIRST}", [finding_id]
    )


# ---- the review queue ----------------------------------------------------------
_SEVERITY_RANK = (
    "CASE f.severity " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SEVERITIES)) + f" ELSE {len(SEVERITIES)} END"
)
# Most severe first; then one report's findings together.
_QUEUE_ORDER = f"{_SEVERITY_RANK}, r.agency_norm, r.year, r.path, f.code, f.finding_id"
# Each finding with its report, its region and its current decision (if any).
_QUEUE_FROM = """
FROM findings f
LEFT JOIN reports r USING (report_id)
LEFT JOIN review_region rg USING (report_id)
LEFT JOIN (SELECT * FROM decisions WHERE NOT superseded
           QUALIFY row_number() OVER (PARTITION BY finding_id ORDER BY decided_at DESC, decision_id DESC) = 1) d
       USING (finding_id)
"""


def build_review_regions(con: duckdb.DuckDBPyConnection, region_of: Callable[[str | None], str | None]) -> None:
    """Fill the connection's temp table ``review_region`` (report_id, region) with
    ``region_of`` each report's agency name (normalised, else as printed), so the queue
    filters and groups by region in SQL."""
    agencies = con.execute("SELECT report_id, coalesce(agency_norm, agency) FROM reports").fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE review_region (report_id VARCHAR, region VARCHAR)")
    rows = [(rid, region_of(agency)) for rid, agency in agencies]
    if rows:
        con.execute(
            "INSERT INTO review_region SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [[r[0] for r in rows], [r[1] for r in rows]],
        )


def _queue_where(filters: Mapping[str, str], *, with_status: bool = True) -> tuple[str, list[Any]]:
    """The queue's WHERE clause.  ``filters``: name -> value, a missing or empty one does not
    filter: rule, family, agency (normalised name), region, year (digits), q (part of the
    agency name, as printed or normalised), status (``open``: no current decision; ``all``:
    any; else a decision status)."""
    where, params = [], []
    for column, name in (("f.rule", "rule"), ("f.family", "family"), ("r.agency_norm", "agency")):
        if filters.get(name):
            where.append(f"{column} = ?")
            params.append(filters[name])
    if filters.get("region"):
        where.append("rg.region = ?")
        params.append(filters["region"])
    if filters.get("year"):
        where.append("r.year = ?")
        params.append(int(filters["year"]))
    if filters.get("q"):
        where.append("(r.agency ILIKE ? OR r.agency_norm ILIKE ?)")
        like = "%" + filters["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [like, like]
    status = filters.get("status")
    if with_status and status and status != "all":
        if status == "open":
            where.append("d.status IS NULL")
        else:
            where.append("d.status = ?")
            params.append(status)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def queue_page(
    con: duckdb.DuckDBPyConnection, filters: Mapping[str, str], *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the filtered queue (most severe first) and how many findings match.
    Needs ``build_review_regions`` on this connection first; ``cells`` is left as JSON text."""
    where, params = _queue_where(filters)
    total = con.execute(f"SELECT count(*) {_QUEUE_FROM}{where}", params).fetchone()[0]
    rows = _dicts(
        con,
        "SELECT f.finding_id, f.code, f.rule, f.family, f.severity, f.message, f.expected, f.found, "
        "f.cells, r.report_id, r.agency, r.agency_norm, r.year, r.layout, r.format, r.path, rg.region, "
        "d.status AS decision, d.reviewer, d.decided_at "
        f"{_QUEUE_FROM}{where} ORDER BY {_QUEUE_ORDER} "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        params,
    )
    return rows, total


def queue_ids(con: duckdb.DuckDBPyConnection, filters: Mapping[str, str]) -> list[str]:
    """Every finding id of the filtered queue, in queue order."""
    where, params = _queue_where(filters)
    rows = con.execute(f"SELECT f.finding_id {_QUEUE_FROM}{where} ORDER BY {_QUEUE_ORDER}", params).fetchall()
    return [r[0] for r in rows]


def queue_status_counts(con: duckdb.DuckDBPyConnection, filters: Mapping[str, str]) -> dict[str, int]:
    """Findings per decision status (``open``: none yet) under the filters, the status filter aside."""
    where, params = _queue_where(filters, with_status=False)
    return dict(con.execute(f"SELECT coalesce(d.status, 'open'), count(*) {_QUEUE_FROM}{where} GROUP BY 1", params).fetchall())


def queue_facets(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """The values each queue filter can take (those of stored findings), sorted; years newest first."""
    def distinct(sql: str) -> list[Any]:
        return [r[0] for r in con.execute(sql).fetchall() if r[0] is not None]

    return {
        "rule": distinct("SELECT DISTINCT rule FROM findings ORDER BY 1"),
        "family": distinct("SELECT DISTINCT family FROM findings ORDER BY 1"),
        "agency": distinct("SELECT DISTINCT r.agency_norm FROM findings f JOIN reports r USING (report_id) ORDER BY 1"),
        "region": distinct("SELECT DISTINCT rg.region FROM findings f JOIN review_region rg USING (report_id) ORDER BY 1"),
        "year": distinct("SELECT DISTINCT r.year FROM findings f JOIN reports r USING (report_id) ORDER BY 1 DESC"),
    }


# ---- one finding's page ----------------------------------------------------------
def finding_with_region(con: duckdb.DuckDBPyConnection, finding_id: str) -> dict[str, Any] | None:
    """The finding's row (JSON columns as text) with its report's region, or None."""
    rows = _dicts(
        con,
        "SELECT f.*, rg.region FROM findings f LEFT JOIN review_region rg USING (report_id) WHERE f.finding_id = ?",
        [finding_id],
    )
    return rows[0] if rows else None


def finding_of_report(con: duckdb.DuckDBPyConnection, finding_id: str, report_id: str) -> dict[str, Any] | None:
    """The family, cells, claims and evidence (JSON text) of a finding about this report, or None."""
    rows = _dicts(
        con, "SELECT family, cells, claims, evidence FROM findings WHERE finding_id = ? AND report_id = ?", [finding_id, report_id]
    )
    return rows[0] if rows else None


def finding_exists(con: duckdb.DuckDBPyConnection, finding_id: str) -> bool:
    return con.execute("SELECT 1 FROM findings WHERE finding_id = ?", [finding_id]).fetchone() is not None


def report_row(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[str, Any] | None:
    """What the review shows of a report (no result_json), or None."""
    rows = _dicts(
        con,
        "SELECT report_id, path, format, agency, agency_norm, year, layout, title, status FROM reports WHERE report_id = ?",
        [report_id],
    )
    return rows[0] if rows else None


def claims_at(con: duckdb.DuckDBPyConnection, report_id: str, indices: list[int]) -> list[dict[str, Any]]:
    """The report's claims with these indices, in index order."""
    return _dicts(
        con, "SELECT * FROM claims WHERE report_id = ? AND idx IN (SELECT unnest(?::INTEGER[])) ORDER BY idx", [report_id, indices]
    )


def paragraphs_at(con: duckdb.DuckDBPyConnection, report_id: str, indices: list[int]) -> list[dict[str, Any]]:
    """Index, text, start, part and label of the report's paragraphs with these indices."""
    return _dicts(
        con,
        "SELECT idx, text, char_start, part, label FROM paragraphs "
        "WHERE report_id = ? AND idx IN (SELECT unnest(?::INTEGER[]))",
        [report_id, indices],
    )


def cells_of_tables(con: duckdb.DuckDBPyConnection, report_id: str, tables: list[str]) -> list[dict[str, Any]]:
    """The report's figures in these tables (T2/T3/T4): value, raw text, blank, page, bbox."""
    return _dicts(
        con,
        "SELECT table_name, key, value, raw, blank, page, bbox FROM cells WHERE report_id = ? "
        "AND table_name IN (SELECT unnest(?::VARCHAR[]))",
        [report_id, tables],
    )


def page_cell_boxes(con: duckdb.DuckDBPyConnection, report_id: str, page: int) -> list[tuple[str, list[float]]]:
    """(``TABLE.key``, bbox) of the report's figures drawn on this page."""
    return con.execute(
        "SELECT table_name || '.' || key, bbox FROM cells WHERE report_id = ? AND page = ? AND bbox IS NOT NULL",
        [report_id, page],
    ).fetchall()


# ---- decision exports (CSV / XLSX tables, gold folders) ----------------------------
def has_decisions_table(con: duckdb.DuckDBPyConnection) -> bool:
    """Does the store have a decisions table (has anything been reviewed in it)?"""
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'decisions'").fetchone()[0]
    )


def decision_export_rows(con: duckdb.DuckDBPyConnection, *, include_history: bool = False) -> list[dict[str, Any]]:
    """Current decisions (or every decision ever made), oldest first, each with its finding and report."""
    where = "" if include_history else "WHERE NOT d.superseded"
    return _dicts(
        con,
        "SELECT d.decision_id, d.finding_id, d.status, d.comment, d.corrected_value, d.reviewer, d.decided_at, "
        "d.superseded, f.code, f.rule, f.family, f.severity, f.message, f.expected, f.found, f.cells, "
        "f.report_id, r.agency, r.year, r.path FROM decisions d "
        "LEFT JOIN findings f USING (finding_id) LEFT JOIN reports r ON r.report_id = f.report_id "
        f"{where} ORDER BY d.decided_at, d.decision_id",
        [],
    )


def confirmed_export_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The findings whose current decision is ``confirmed``, with the decision and the report."""
    return _dicts(
        con,
        "SELECT f.finding_id, f.code, f.rule, f.family, f.severity, f.message, f.expected, f.found, f.cells, "
        "d.comment, d.corrected_value, d.reviewer, d.decided_at, f.report_id, r.agency, r.year, r.layout, r.path "
        "FROM decisions d JOIN findings f USING (finding_id) LEFT JOIN reports r ON r.report_id = f.report_id "
        "WHERE NOT d.superseded AND d.status = 'confirmed' ORDER BY r.agency_norm, r.year, f.code",
        [],
    )


def reviewed_reports(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Reports with at least one current decision on their findings, by path."""
    return _dicts(
        con,
        "SELECT DISTINCT r.report_id, r.path, r.format, r.agency, r.year, r.layout FROM reports r "
        "JOIN findings f USING (report_id) JOIN decisions d ON d.finding_id = f.finding_id AND NOT d.superseded "
        "ORDER BY r.path",
        [],
    )


def findings_with_decisions(con: duckdb.DuckDBPyConnection, report_id: str) -> list[dict[str, Any]]:
    """Every finding of the report with its current decision (None columns when open)."""
    return _dicts(
        con,
        "SELECT f.finding_id, f.code, f.rule, f.family, f.message, f.cells, f.claims, d.status, d.comment, "
        "d.corrected_value, d.reviewer, d.decided_at FROM findings f LEFT JOIN decisions d "
        "ON d.finding_id = f.finding_id AND NOT d.superseded WHERE f.report_id = ? ORDER BY f.code, f.finding_id",
        [report_id],
    )


def table_figures(con: duckdb.DuckDBPyConnection, report_id: str) -> list[tuple[str, str, float | None, bool]]:
    """(table_name, key, value, blank) of every figure of the report, by table and key."""
    return con.execute(
        "SELECT table_name, key, value, blank FROM cells WHERE report_id = ? ORDER BY table_name, key", [report_id]
    ).fetchall()


def claim_readings(con: duckdb.DuckDBPyConnection, report_id: str) -> list[tuple[int, str, str, float | None, str]]:
    """(idx, text, metric, value, qualifier) of every claim of the report, by index."""
    return con.execute(
        "SELECT idx, text, metric, value, qualifier FROM claims WHERE report_id = ? ORDER BY idx", [report_id]
    ).fetchall()


# ---- for people and tools around the store ----------------------------------------
def first_finding_id(con: duckdb.DuckDBPyConnection, *, family: str, report_format: str) -> str | None:
    """The first finding (by id) of this family about a report of this format whose agency
    name holds no markup: a stable example to photograph (``review.screenshots``)."""
    row = con.execute(
        "SELECT f.finding_id FROM findings f JOIN reports r USING (report_id) "
        "WHERE f.family = ? AND r.format = ? AND r.agency NOT LIKE '%<%' ORDER BY f.finding_id LIMIT 1",
        [family, report_format],
    ).fetchone()
    return None if row is None else row[0]


def unread_reports_query(status: str | None = None) -> str:
    """The query a user runs (e.g. in the duckdb shell) to list the reports of one status, or
    all those not ``ok``, with their error: ``nianbao run`` and ``nianbao summary`` print it."""
    if status is None:
        return "SELECT path, status, error FROM reports WHERE status <> 'ok'"
    return f"SELECT path, error FROM reports WHERE status = '{status}'"


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _where(filters: dict[str, Any], allowed: set[str] | None) -> tuple[str, list[Any]]:
    if not filters:
        return "", []
    parts = []
    for col in filters:
        if allowed is not None and col not in allowed:
            raise ValueError(f"cannot filter on {col!r}; columns: {', '.join(sorted(allowed))}")
        parts.append(f"{col} = ?")
    return " WHERE " + " AND ".join(parts), list(filters.values())
