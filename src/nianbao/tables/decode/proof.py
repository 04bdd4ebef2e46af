"""Step 4b: equations that no reading of the printed lines satisfies.

When page text leaves blank cells out and merges repeated lines, a table that
does not add up has several best readings, the cells that differ stay open, and
the arithmetic rules downstream (which skip open cells) cannot fire.  Yet the
table may still certainly be wrong: if *every* reading of the lines breaks an
equation, the printed figures break it whichever cells they are.

Proved here by listing every reading of each row involved (``readings.
every_line_reading``: all of them, not only the best-cost ones, since costs mix
what a reading assumes with the rules it breaks) and checking the equation over
all their combinations.  The rows are read independently of each other, and an
equation touches each row's cells once per column, so the values an equation can
take are the sums of what each row can contribute: exact, without a solver.
A row whose readings could not all be listed (or that is absent or unreadable)
leaves its equations unproved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ...model import ProvenBreak
from ..schema import Equation
from .readings import Split

PAIRS_LIMIT = 20_000  # (total, expected) pairs tracked per equation; beyond it the equation is left unproved


def prove_breaks(
    equations: Sequence[Equation],
    readings: Mapping[str, Sequence[Split]],
    locate: Callable[[str], tuple[str, int]],
) -> list[ProvenBreak]:
    """The equations broken in every reading.

    ``readings``: row -> every reading of that row (complete lists only); ``locate``:
    a ref ("T3.granted.natural") -> (its row, its column index in a reading).
    """
    out = []
    for eq in equations:
        proof = _prove(eq, readings, locate)
        if proof is not None:
            out.append(proof)
    return out


def _prove(eq: Equation, readings: Mapping[str, Sequence[Split]], locate) -> ProvenBreak | None:
    where = {ref: locate(ref) for ref in eq.refs}
    rows = list(dict.fromkeys(row for row, _ in where.values()))
    if any(row not in readings or not readings[row] for row in rows):
        return None
    sign = {ref: 1 for ref in eq.lhs} | {ref: -1 for ref in eq.rhs}
    total_row, total_col = where[eq.total]
    if all(s[total_col].blank and not s[total_col].raw for s in readings[total_row]):
        return None  # the total is never printed: an omission (NB302), not a sum that fails
    # Σ lhs − Σ rhs = sign(total)·total + rest; the total holds when it equals −sign(total)·rest.
    # Per row, the (total, rest) pairs its readings give; across rows the rests add up.
    pairs: set[tuple[int | float | None, int | float]] = {(None, 0)}
    for row in rows:
        refs = [r for r in eq.refs if where[r][0] == row]
        of_row = set()
        for split in readings[row]:
            total = split[total_col].value if row == total_row else None
            rest = sum(sign[r] * split[where[r][1]].value for r in refs if r != eq.total)
            of_row.add((total, rest))
        pairs = {(t if t is not None else t2, r + r2) for t, r in pairs for t2, r2 in of_row}
        if len(pairs) > PAIRS_LIMIT:
            return None
    outcomes = {(t, -sign[eq.total] * r) for t, r in pairs}
    if any(found == expected for found, expected in outcomes):
        return None  # some reading satisfies it
    found = {f for f, _ in outcomes}
    expected = {e for _, e in outcomes}
    fixed: dict[str, int | float] = {}
    open_cells: dict[str, list[int | float]] = {}
    for ref in eq.refs:
        row, col = where[ref]
        values = sorted({s[col].value for s in readings[row]})
        if len(values) == 1:
            fixed[ref] = values[0]
        else:
            open_cells[ref] = values
    return ProvenBreak(
        family=eq.family, where=eq.where, lhs=list(eq.lhs), rhs=list(eq.rhs), total=eq.total,
        fixed=fixed, open=open_cells,
        found=found.pop() if len(found) == 1 else None,
        expected=expected.pop() if len(expected) == 1 else None,
    )
