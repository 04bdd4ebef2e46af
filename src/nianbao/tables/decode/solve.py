"""Step 4: choosing one reading per row so that the table's arithmetic holds.

T3 is decoded as a whole with OR-Tools CP-SAT: one boolean per candidate
reading of each row, exactly one per row, and the format's equations
(``tables.schema``: row totals, the balance 一 + 二 = （七） + 四 and the result
total （七） = Σ results, per column) as soft linear constraints, plus narrative
figures as weak evidence.  The best cost is found first; then every decoding
with that cost is enumerated, so a table that can be read two ways is reported
as ambiguous instead of being guessed.  A printed table whose arithmetic is
really wrong still decodes: to the reading that breaks the fewest rules, i.e.
as printed.

The search has a time budget (``deadline``): when it runs out, the decoding
found so far is kept, and every cell it could not prove is left uncertain.

T4 and T2 rows are independent of each other, so each row's candidates are
simply scored with the same weights.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..schema import Equation
from .readings import Split

# Weights: every table rule outweighs all narrative evidence together, and a
# broken row total costs more than a broken column rule ("keep row totals").
W_ROW = 300
W_COLUMN = 200
W_HINT = 1
MAX_SOLUTIONS = 200


@dataclass(frozen=True)
class Hint:
    """A narrative figure: the sum of some cells stated in the text ("共收到申请70件")."""

    cells: tuple[str, ...]  # "ROW.COLUMN" keys of one table
    value: int | float
    text: str


@dataclass(frozen=True)
class Rule:
    """A linear rule of the table: Σ plus − Σ minus = 0, per the format (cells keyed ROW.COLUMN)."""

    name: str
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    weight: int = W_COLUMN

    @classmethod
    def of(cls, eq: Equation) -> Rule:
        def key(ref: str) -> str:
            return ref.partition(".")[2]

        return cls(f"{eq.family} {eq.where}", tuple(map(key, eq.lhs)), tuple(map(key, eq.rhs)),
                   W_ROW if eq.family in ("t3_row_total", "t4_group_total") else W_COLUMN)


@dataclass
class RowChoice:
    """A row to decode: its candidate splits and what each costs on its own."""

    row: str
    columns: tuple[str, ...]
    splits: list[Split]
    costs: list[int]  # W_ROW × broken row totals (+ any row-level rule, + what the reading assumes)
    priors: list[float] | None = None  # ranks readings that fit equally well (lower: likelier)

    def prior(self, k: int) -> float:
        return self.priors[k] if self.priors else 0.0


@dataclass
class Solution:
    """The decodings of a table that are best (equal lowest cost)."""

    picks: list[dict[str, int]] = field(default_factory=list)  # row -> index into its splits
    cost: int = 0
    complete: bool = True  # False when more than MAX_SOLUTIONS tie
    broken: list[str] = field(default_factory=list)  # table rules the best decoding breaks
    hints_used: list[Hint] = field(default_factory=list)  # hints that changed the outcome
    timed_out: bool = False  # the time budget ran out before every best decoding was listed


def _value_expr(row: RowChoice, col: int, x: list[cp_model.IntVar]) -> cp_model.LinearExprT:
    coeffs = [int(s[col].value) for s in row.splits]
    return cp_model.LinearExpr.weighted_sum(x, coeffs)


def solve_joint(
    rows: Sequence[RowChoice],
    rules: Sequence[Rule],
    hints: Sequence[Hint],
    unreadable: Sequence[str] = (),
    start: dict[str, tuple] | None = None,
    deadline: float | None = None,
) -> Solution:
    """Decode rows jointly with CP-SAT (integer cells only, as in T3).

    The table's own rules decide first: every decoding of lowest rule cost is
    enumerated.  Narrative hints then only choose among those.  Rules
    involving an ``unreadable`` row (figures present but not splittable) are
    dropped; rows simply absent count as 0.  ``start`` (row -> the cells of a
    known reading, as (start, end, value) triples) is handed to CP-SAT as a
    first solution, which large models need to get going.  ``deadline``
    (``time.monotonic()`` value) bounds the whole search.
    """
    if _past(deadline):
        return Solution(timed_out=True)  # the budget went on reading the rows
    model = cp_model.CpModel()
    choose: dict[str, list[cp_model.IntVar]] = {}
    cell: dict[str, cp_model.LinearExprT] = {}
    objective: list[cp_model.LinearExprT] = []
    for r in rows:
        x = [model.new_bool_var(f"{r.row}#{k}") for k in range(len(r.splits))]
        model.add_exactly_one(x)
        choose[r.row] = x
        for ci, col in enumerate(r.columns):
            cell[f"{r.row}.{col}"] = _value_expr(r, ci, x)
        if any(r.costs):
            objective.append(cp_model.LinearExpr.weighted_sum(x, r.costs))
    slacks: list[tuple[str, cp_model.IntVar]] = []
    skipped = set(unreadable)
    for rule in rules:
        if any(k.rpartition(".")[0] in skipped for k in rule.plus + rule.minus):
            continue  # a row of the rule has figures we could not read: the rule cannot be checked
        # rows absent from the text (agencies drop all-zero rows) count as 0
        expr = sum(cell[k] for k in rule.plus if k in cell) - sum(cell[k] for k in rule.minus if k in cell)
        broken = model.new_bool_var(rule.name)
        model.add(expr == 0).only_enforce_if(~broken)
        objective.append(rule.weight * broken)
        slacks.append((rule.name, broken))
    total = sum(objective) if objective else 0
    model.minimize(total)
    for r in rows:
        wanted = (start or {}).get(r.row)
        for k, split in enumerate(r.splits):
            if wanted is not None:
                model.add_hint(choose[r.row][k], tuple((p.start, p.end, p.value) for p in split) == wanted)
    solver = new_solver(deadline)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(timed_out=_past(deadline))
    proven = status == cp_model.OPTIMAL
    best = int(round(solver.objective_value))

    # Every decoding with the best cost.
    model.clear_objective()
    if objective:
        model.add(total <= best)
    enum = new_solver(deadline)
    enum.parameters.enumerate_all_solutions = True
    collector = _Collector(choose, [v for _, v in slacks])
    status = enum.solve(model, collector)
    picks, broken_sets = collector.picks, collector.broken
    timed_out = not proven or (status != cp_model.OPTIMAL and not collector.stopped)
    if collector.stopped and not timed_out:
        # Too many ties to list: a cell is certain only if no best decoding gives it another value.
        timed_out = not _probe_cells(model, rows, cell, choose, [v for _, v in slacks], picks, broken_sets, deadline)
    if not picks:
        return Solution(timed_out=True)

    # Narrative hints choose among equally good decodings.
    misses = [_hint_misses(rows, pick, hints) for pick in picks]
    fewest = min(misses) if misses else 0
    kept = [k for k, m in enumerate(misses) if m == fewest]
    names = [name for name, _ in slacks]
    broken_names = [names[i] for i in broken_sets[kept[0]]] if kept else []
    return Solution(
        picks=[picks[k] for k in kept],
        cost=best,
        complete=not collector.stopped and not timed_out,
        broken=broken_names,
        hints_used=list(hints) if len(kept) < len(picks) else [],
        timed_out=timed_out,
    )


def _probe_cells(
    model: cp_model.CpModel,
    rows: Sequence[RowChoice],
    cell: dict[str, cp_model.LinearExprT],
    choose: dict[str, list[cp_model.IntVar]],
    slacks: list[cp_model.IntVar],
    picks: list[dict[str, int]],
    broken_sets: list[list[int]],
    deadline: float | None = None,
) -> bool:
    """Add best decodings until every cell has shown all the values it can take.

    For each cell, ask CP-SAT for a best-cost decoding where the cell differs
    from every value seen so far (under an assumption literal, so the probes
    do not constrain each other); each answer is a new decoding.  Returns False
    when the time budget ran out first (the cells not probed are then not proven).
    """
    seen: dict[str, set[int]] = {k: set() for k in cell}
    by_row = {r.row: r for r in rows}

    def record(pick: dict[str, int]) -> None:
        for row, k in pick.items():
            r = by_row[row]
            for col, piece in zip(r.columns, r.splits[k]):
                seen[f"{row}.{col}"].add(int(piece.value))

    for pick in picks:
        record(pick)
    for key, expr in cell.items():
        probe = model.new_bool_var(f"probe {key}")
        for _ in range(MAX_SOLUTIONS):
            if _past(deadline):
                model.clear_assumptions()
                return False
            for v in seen[key]:
                model.add(expr != v).only_enforce_if(probe)
            seen_now = set(seen[key])
            model.clear_assumptions()
            model.add_assumptions([probe])
            solver = new_solver(deadline)
            status = solver.solve(model)
            if status == cp_model.UNKNOWN:  # out of time: this cell is not proven
                model.clear_assumptions()
                return False
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
            pick = {row: next(k for k, v in enumerate(x) if solver.value(v)) for row, x in choose.items()}
            picks.append(pick)
            broken_sets.append([i for i, v in enumerate(slacks) if solver.value(v)])
            record(pick)
            if seen[key] == seen_now:
                break
        model.clear_assumptions()
        model.add(probe == 0)  # this probe's constraints are off from now on
    return True


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def new_solver(deadline: float | None = None, cap: float | None = 5.0) -> cp_model.CpSolver:
    """A CP-SAT solver that gives the same answer every run (one worker, a fixed seed), stopping at
    ``deadline`` (time.monotonic()) and after ``cap`` seconds of one solve (None: the deadline only)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    left = (cap or 5.0) if deadline is None else max(0.01, deadline - time.monotonic())
    solver.parameters.max_time_in_seconds = left if cap is None else min(cap, left)
    return solver


def _hint_misses(rows: Sequence[RowChoice], pick: dict[str, int], hints: Sequence[Hint]) -> int:
    values: dict[str, int | float] = {}
    for r in rows:
        split = r.splits[pick[r.row]]
        for col, piece in zip(r.columns, split):
            values[f"{r.row}.{col}"] = piece.value
    misses = 0
    for h in hints:
        if all(k in values for k in h.cells) and not math.isclose(sum(values[k] for k in h.cells), h.value):
            misses += 1
    return misses


class _Collector(cp_model.CpSolverSolutionCallback):
    """Records each distinct decoding (the split chosen per row) and the rules it breaks."""

    def __init__(self, choose: dict[str, list[cp_model.IntVar]], slacks: list[cp_model.IntVar]) -> None:
        super().__init__()
        self.choose = choose
        self.slacks = slacks
        self.picks: list[dict[str, int]] = []
        self.broken: list[list[int]] = []
        self.seen: set[tuple[int, ...]] = set()
        self.stopped = False

    def on_solution_callback(self) -> None:
        pick = {row: next(k for k, v in enumerate(x) if self.value(v)) for row, x in self.choose.items()}
        key = tuple(pick.values())
        if key not in self.seen:
            self.seen.add(key)
            self.picks.append(pick)
            self.broken.append([i for i, v in enumerate(self.slacks) if self.value(v)])
        if len(self.picks) >= MAX_SOLUTIONS:
            self.stopped = True
            self.stop_search()


def score_row(
    row: RowChoice, hints: Sequence[Hint], prior: Callable[[Split], float] | None = None
) -> tuple[list[int], int, list[int]]:
    """Best candidates of a row that no other row constrains (T4, each T2 row).

    Returns (indices of the lowest-cost splits, ordered by ``prior``), their
    cost, and the indices that would tie without narrative hints.
    """
    def hint_misses(split: Split) -> int:
        values = {f"{row.row}.{c}": p.value for c, p in zip(row.columns, split)}
        misses = 0
        for h in hints:
            if all(k in values for k in h.cells) and not math.isclose(
                sum(values[k] for k in h.cells), h.value, abs_tol=1e-9
            ):
                misses += 1
        return misses

    base = row.costs
    full = [c + W_HINT * hint_misses(s) for c, s in zip(base, row.splits)]
    best = min(full)
    winners = [k for k, c in enumerate(full) if c == best]
    tie_without = [k for k, c in enumerate(base) if c == min(base)]
    order = (lambda k: prior(row.splits[k])) if prior else row.prior
    return sorted(winners, key=order), best, sorted(tie_without, key=order)

