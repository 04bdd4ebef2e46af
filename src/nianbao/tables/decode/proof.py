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

When each equation holds in some reading but no reading makes them all hold
(moving a figure to mend one column breaks another), ``prove_together`` asks
CP-SAT whether any combination of readings satisfies every equation at once and,
when it proves none does, shrinks the equations to a set that still cannot hold
together, every one of them needed.  A search that runs out of time proves nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict

from ortools.sat.python import cp_model

from ...model import ProvenBreak
from ..schema import Equation
from .readings import Split
from .solve import new_solver

SUMS_LIMIT = 20_000  # sums the other rows of an equation can make; beyond it the equation is left unproved


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
    if _never_printed(eq.total, readings, locate):
        return None
    # Σ lhs − Σ rhs = sign(total)·total + rest; the total holds when it equals −sign(total)·rest.
    # The rows other than the total's add their parts of the rest independently: a set of sums.
    def contributions(row: str, split: Split) -> int | float:
        return sum(sign[r] * split[where[r][1]].value for r in eq.refs if where[r][0] == row and r != eq.total)

    others: set[int | float] = {0}
    for row in rows:
        if row == total_row:
            continue
        parts = {contributions(row, split) for split in readings[row]}
        others = {x + y for x in others for y in parts}
        if len(others) > SUMS_LIMIT:
            return None
    # the total's row, reading by reading: its total t and its own part c of the rest; the equation
    # holds when t = −sign·(c + x) for a sum x the other rows make, i.e. x = −sign·t − c
    s_total = sign[eq.total]
    own = {(split[total_col].value, contributions(total_row, split)) for split in readings[total_row]}
    if any(-s_total * t - c in others for t, c in own):
        return None  # some reading satisfies it
    found = {t for t, _ in own}
    expected = {-s_total * (c + x) for _, c in own for x in others} if len(others) == 1 else set()
    fixed, open_cells = _cell_values(eq.refs, readings, locate)
    return ProvenBreak(
        family=eq.family, where=eq.where, lhs=list(eq.lhs), rhs=list(eq.rhs), total=eq.total,
        fixed=fixed, open=open_cells,
        found=found.pop() if len(found) == 1 else None,
        expected=expected.pop() if len(expected) == 1 else None,
    )


def _never_printed(ref: str, readings: Mapping[str, Sequence[Split]], locate) -> bool:
    """A total no reading prints (an empty cell): an omission (NB302), not a sum that fails."""
    row, col = locate(ref)
    return all(s[col].blank and not s[col].raw for s in readings[row])


def _cell_values(refs, readings, locate) -> tuple[dict[str, int | float], dict[str, list[int | float]]]:
    """The cells with one value in every reading of their row, and the others with their values."""
    fixed: dict[str, int | float] = {}
    open_cells: dict[str, list[int | float]] = {}
    for ref in dict.fromkeys(refs):
        row, col = locate(ref)
        values = sorted({s[col].value for s in readings[row]})
        if len(values) == 1:
            fixed[ref] = values[0]
        else:
            open_cells[ref] = values
    return fixed, open_cells


def _single_row(eq: Equation, locate) -> str | None:
    """The row an equation lies in, if it lies in one (a row total, a T4 group)."""
    rows = {locate(r)[0] for r in eq.refs}
    return rows.pop() if len(rows) == 1 else None


def _holds(eq: Equation, split: Split, locate) -> bool:
    return sum(split[locate(r)[1]].value for r in eq.lhs) == sum(split[locate(r)[1]].value for r in eq.rhs)


# Which equation of a set that cannot hold together a finding is filed under (the one a reviewer
# names first: a total of totals before a row, a row before a column balance).
_FAMILY_ORDER = ("t3_result_total", "t3_row_total", "t4_group_total", "t3_balance")


def prove_together(
    equations: Sequence[Equation],
    readings: Mapping[str, Sequence[Split]],
    locate: Callable[[str], tuple[str, int]],
    deadline: float,
) -> ProvenBreak | None:
    """A set of equations that no combination of readings satisfies together (None when some
    combination satisfies them all, or the search ran out of time).

    Equations touching a row not in ``readings`` are left out, which can only make the rest
    easier to satisfy.  The set returned is minimal: without any one of its equations, some
    reading satisfies the others.
    """
    usable = [eq for eq in equations if all(locate(r)[0] in readings for r in eq.refs)
              and not _never_printed(eq.total, readings, locate)]
    if not usable:
        return None
    distinct = {row: list({tuple(p.value for p in s): s for s in splits}.values()) for row, splits in readings.items()}
    in_row = [_single_row(eq, locate) for eq in usable]
    # per row, the readings that keep every equation lying in that row (its total, T4's groups)
    keeping = {row: [s for s in splits if all(_holds(usable[i], s, locate) for i, r in enumerate(in_row) if r == row)]
               for row, splits in distinct.items()}

    def satisfiable(subset: list[int]) -> bool | None:
        """Can the equations of ``subset`` all hold?  None: out of time.  A model of its own each
        time: a row's total leaves only the readings that keep it, the others are linear constraints."""
        if time.monotonic() >= deadline:
            return None
        model = cp_model.CpModel()
        cell: dict[str, cp_model.LinearExprT] = {}
        for row, splits in distinct.items():
            mine = [i for i in subset if in_row[i] == row]
            if len(mine) == sum(r == row for r in in_row):
                kept = keeping[row]
            else:
                kept = [s for s in splits if all(_holds(usable[i], s, locate) for i in mine)]
            if not kept:
                return False
            pick = [model.new_bool_var(f"{row}#{k}") for k in range(len(kept))]
            model.add_exactly_one(pick)
            for col in {locate(r)[1] for i in subset for r in usable[i].refs if locate(r)[0] == row}:
                cell[f"{row}#{col}"] = cp_model.LinearExpr.weighted_sum(pick, [int(s[col].value) for s in kept])
        for i in subset:
            if in_row[i] is None:
                eq = usable[i]
                expr = lambda refs: sum(cell["{}#{}".format(*locate(r))] for r in refs)  # noqa: E731
                model.add(expr(eq.lhs) == expr(eq.rhs))
        status = new_solver(deadline, cap=None).solve(model)
        if status == cp_model.INFEASIBLE:
            return False
        return True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    core = list(range(len(usable)))
    if satisfiable(core) is not False:
        return None
    for i in list(core):  # drop every equation the others cannot hold without
        trial = [k for k in core if k != i]
        verdict = satisfiable(trial)
        if verdict is None:
            return None
        if verdict is False:
            core = trial
    chosen = sorted((usable[k] for k in core), key=lambda e: _FAMILY_ORDER.index(e.family))
    named, others = chosen[0], chosen[1:]
    fixed, open_cells = _cell_values([r for e in chosen for r in e.refs], readings, locate)
    return ProvenBreak(
        family=named.family, where=named.where, lhs=list(named.lhs), rhs=list(named.rhs), total=named.total,
        fixed=fixed, open=open_cells,
        others=[{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(e).items()} for e in others],
    )
