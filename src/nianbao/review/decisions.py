"""Review decisions in the store: record, undo, read.

The ``decisions`` table and every statement on it are in the corpus store
(``nianbao.corpus.store``); this module holds what a decision is, what it may
say (its statuses, the comment's length) and which one an undo takes back.
``ensure_table`` creates the table when a store written by an older nianbao
lacks it, so that store still takes decisions.

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

import duckdb

from ..corpus import store as corpus_store

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


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    corpus_store.ensure_decisions_table(con)


def _new_decision_id() -> str:
    # Time-ordered, so ties in decided_at still sort in the order decisions were made.
    return f"{time.time_ns():016x}-{secrets.token_hex(4)}"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


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
    corpus_store.add_decision(
        con, decision_id=decision.decision_id, finding_id=finding_id, status=status, comment=comment,
        corrected_value=corrected_value, reviewer=reviewer, decided_at=decision.decided_at,
    )
    return decision


def undo(con: duckdb.DuckDBPyConnection, *, finding_id: str | None = None, reviewer: str | None = None) -> Decision | None:
    """Undo the newest current decision (of one finding, or made by one reviewer).

    Returns the undone decision, or None when there is nothing to undo.
    """
    row = corpus_store.newest_current_decision(con, finding_id=finding_id, reviewer=reviewer)
    if row is None:
        return None
    corpus_store.undo_decision(con, row["decision_id"], restore=corpus_store.decision_before(con, row))
    return Decision(**row)


def current(con: duckdb.DuckDBPyConnection, finding_id: str) -> Decision | None:
    row = corpus_store.current_decision(con, finding_id)
    return None if row is None else Decision(**row)


def history(con: duckdb.DuckDBPyConnection, finding_id: str) -> list[Decision]:
    return [Decision(**row) for row in corpus_store.decision_history(con, finding_id)]
