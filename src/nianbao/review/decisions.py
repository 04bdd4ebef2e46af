"""Review decisions in the store: record, undo, read.

The ``decisions`` table is defined by the corpus store (``nianbao.corpus.store``);
``ensure_table`` repeats its definition with ``CREATE TABLE IF NOT EXISTS`` so a
store written by an older nianbao still takes decisions.

History is append-only.  For each finding at most one row is current
(``superseded = FALSE``):

- a new decision marks the finding's current row superseded and adds a new one;
- undo marks the current row superseded and makes the decision it replaced
  current again (the undone row stays, so the history shows what was undone).

Each call is one committed transaction; the caller serialises calls on the
connection (DuckDB connections are not meant for concurrent use).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb

from ..corpus.store import DECISIONS_SQL

STATUSES = ("confirmed", "false_alarm", "needs_discussion")
STATUS_LABELS = {
    "confirmed": "confirmed",
    "false_alarm": "false alarm",
    "needs_discussion": "needs discussion",
    "open": "open",
}
MAX_COMMENT = 4000




@dataclass(frozen=True)
class Decision:
    decision_id: str
    finding_id: str
    status: str
    comment: str | None
    corrected_value: float | None
    reviewer: str | None
    decided_at: datetime
    superseded: bool

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


_COLUMNS = "decision_id, finding_id, status, comment, corrected_value, reviewer, decided_at, superseded"


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DECISIONS_SQL)


def _new_decision_id() -> str:
    # Time-ordered, so ties in decided_at still sort in the order decisions were made.
    return f"{time.time_ns():016x}-{secrets.token_hex(4)}"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _in_transaction(con: duckdb.DuckDBPyConnection, statements: list[tuple[str, list[Any]]]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for sql, params in statements:
            con.execute(sql, params)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def record(
    con: duckdb.DuckDBPyConnection,
    finding_id: str,
    status: str,
    *,
    reviewer: str,
    comment: str | None = None,
    corrected_value: float | None = None,
) -> Decision:
    """Store a decision as the finding's current one; committed on return."""
    if status not in STATUSES:
        raise ValueError(f"unknown decision {status!r}; use one of {', '.join(STATUSES)}")
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    decision = Decision(
        _new_decision_id(), finding_id, status, comment, corrected_value, reviewer, _utcnow(), False
    )
    _in_transaction(
        con,
        [
            ("UPDATE decisions SET superseded = TRUE WHERE finding_id = ? AND NOT superseded", [finding_id]),
            (
                f"INSERT INTO decisions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE)",
                [decision.decision_id, finding_id, status, comment, corrected_value, reviewer, decision.decided_at],
            ),
        ],
    )
    return decision


def undo(con: duckdb.DuckDBPyConnection, *, finding_id: str | None = None, reviewer: str | None = None) -> Decision | None:
    """Undo the newest current decision (of one finding, or made by one reviewer).

    Returns the undone decision, or None when there is nothing to undo.
    """
    where, params = ["NOT superseded"], []
    if finding_id is not None:
        where.append("finding_id = ?")
        params.append(finding_id)
    if reviewer is not None:
        where.append("reviewer = ?")
        params.append(reviewer)
    row = con.execute(
        f"SELECT {_COLUMNS} FROM decisions WHERE {' AND '.join(where)} "
        "ORDER BY decided_at DESC, decision_id DESC LIMIT 1",
        params,
    ).fetchone()
    if row is None:
        return None
    undone = Decision(*row)
    previous = con.execute(
        "SELECT decision_id FROM decisions WHERE finding_id = ? AND decision_id <> ? "
        "AND (decided_at < ? OR (decided_at = ? AND decision_id < ?)) "
        "ORDER BY decided_at DESC, decision_id DESC LIMIT 1",
        [undone.finding_id, undone.decision_id, undone.decided_at, undone.decided_at, undone.decision_id],
    ).fetchone()
    statements: list[tuple[str, list[Any]]] = [
        ("UPDATE decisions SET superseded = TRUE WHERE decision_id = ?", [undone.decision_id])
    ]
    if previous is not None:
        statements.append(("UPDATE decisions SET superseded = FALSE WHERE decision_id = ?", [previous[0]]))
    _in_transaction(con, statements)
    return undone


def current(con: duckdb.DuckDBPyConnection, finding_id: str) -> Decision | None:
    row = con.execute(
        f"SELECT {_COLUMNS} FROM decisions WHERE finding_id = ? AND NOT superseded "
        "ORDER BY decided_at DESC, decision_id DESC LIMIT 1",
        [finding_id],
    ).fetchone()
    return None if row is None else Decision(*row)


def history(con: duckdb.DuckDBPyConnection, finding_id: str) -> list[Decision]:
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM decisions WHERE finding_id = ? ORDER BY decided_at DESC, decision_id DESC",
        [finding_id],
    ).fetchall()
    return [Decision(*r) for r in rows]
