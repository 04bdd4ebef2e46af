"""Step 3: every way a row's tokens can be read as the row's cells, with what each reading costs.

- glued runs: every split of the digits into the row's cells (``enumerate_splits``),
  and readings whose empty cells left no trace (``lost_blank_splits``);
- line styles: each line is one cell, or (``merged`` text) several equal cells in a
  row; a cell may be empty and unprinted; two lines may be one number split in two
  ("1" / "60" for 160).  ``line_readings`` lists the distinct readings.

A reading's cost says how much it assumes beyond what is printed; the table's
arithmetic (step 4) then decides among them, and what it cannot decide stays
ambiguous.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

from ..schema import T2_ROWS_2019, T2_ROWS_2021, T3_COLUMNS, T4_COLUMNS, T4_GROUPS
from .tokens import Token

# What a reading assumes, in the solver's units (a broken table rule costs 200-300): a merged
# repeat of a zero costs nothing in merged text (zero-filled rows are what merging hides); a
# merged repeat of another figure, an unprinted empty cell or a number split over two lines
# costs one, so that readings assuming as much tie and stay ambiguous.
EXTRA_COST = 1
MAX_JOINS = 1  # numbers split over two lines in one row, beyond those the token count forces
LINE_READINGS_LIMIT = 5000

@dataclass(frozen=True)
class ColumnKind:
    """What a column of a flattened row may hold."""

    max_digits: int = 6  # integer digits: T3/T4 counts beyond 6 digits are implausible
    negative: bool = False  # 2019 T2 本年增/减
    decimal: bool = False  # money columns


COUNT = ColumnKind()
T4_COUNT = ColumnKind(max_digits=5)
T2_COUNT = ColumnKind(max_digits=8)
T2_CHANGE = ColumnKind(max_digits=8, negative=True)
T2_MONEY = ColumnKind(max_digits=13, decimal=True)


@dataclass(frozen=True)
class Piece:
    """One decoded cell: its value and where its characters are (local positions)."""

    value: int | float
    start: int
    end: int
    raw: str
    blank: bool = False


Split = tuple[Piece, ...]


def _piece(raw: str, start: int, kind: ColumnKind) -> Piece | None:
    """The cell a substring would be, or None if it cannot be one (leading zero, too long…)."""
    body = raw[1:] if raw.startswith("-") else raw
    negative = body is not raw
    if negative and not kind.negative:
        return None
    body = body.replace("．", ".")
    whole, dot, frac = body.partition(".")
    if not whole.isdigit() or (dot and (not frac.isdigit() or not kind.decimal)):  # "320.1.5", "35-15": no figure
        return None
    if len(whole) > 1 and whole.startswith("0"):
        return None
    if len(whole) > kind.max_digits:
        return None
    value: int | float = float(body) if dot else int(whole)
    if negative:
        if value == 0:
            return None
        value = -value
    return Piece(value, start, start + len(raw), raw)


@dataclass
class RowShape:
    """The cells a row must split into, and the sums that hold inside the row."""

    columns: tuple[str, ...]
    kinds: tuple[ColumnKind, ...]
    groups: tuple[tuple[int, int], ...] = ()  # (first, last) column index: last = sum of the others


def enumerate_splits(
    tokens: list[Token], shape: RowShape, *, require_sums: bool, limit: int, budget: int = 100_000
) -> tuple[list[Split], bool]:
    """Every split of the tokens into the row's cells (up to ``limit``).

    With ``require_sums`` only splits whose group totals hold are kept, and
    branches are cut as soon as a group closes wrong.  Returns the splits and
    whether the enumeration was complete.
    """
    ncols = len(shape.columns)
    group_end = {last: first for first, last in shape.groups}
    out: list[Split] = []
    nonlocal_steps = [0]  # work done, shared by walk and cut: long runs stop at ``budget``
    complete = True

    # how many cells the tokens from index i on can still make (each digit at most one)
    rest_min = [0] * (len(tokens) + 1)
    rest_max = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        rest_min[i] = rest_min[i + 1] + 1
        rest_max[i] = rest_max[i + 1] + (1 if tokens[i].blank else len(tokens[i].text.lstrip("-")))
    dots = [next((i for i, ch in enumerate(t.text) if ch in ".．"), None) for t in tokens]

    def fits(ti: int, end: int, filled: int) -> bool:
        """Can the text left after token ti's position end still fill the remaining cells?"""
        need = ncols - filled
        left = len(tokens[ti].text) - end
        return (1 if left else 0) + rest_min[ti + 1] <= need <= left + rest_max[ti + 1]

    def closes_wrong(cells: list[Piece]) -> bool:
        col = len(cells) - 1
        if not require_sums or col not in group_end:
            return False
        return sum(p.value for p in cells[group_end[col] : col]) != cells[col].value

    def walk(ti: int, cells: list[Piece]) -> None:
        """Place token ti (and the ones after it) from column len(cells) on."""
        nonlocal complete
        nonlocal_steps[0] += 1
        if nonlocal_steps[0] > budget or len(out) >= limit:
            complete = False
            return
        if ti == len(tokens):
            if len(cells) == ncols:
                out.append(tuple(cells))
            return
        if len(cells) == ncols:
            return
        tok = tokens[ti]
        if tok.blank:
            cells.append(Piece(0, tok.start, tok.start + len(tok.text), tok.text, blank=True))
            if not closes_wrong(cells):
                walk(ti + 1, cells)
            cells.pop()
            return
        cut(ti, 0, cells)

    def cut(ti: int, pos: int, cells: list[Piece]) -> None:
        """Cells taken from token ti starting at its character pos."""
        tok = tokens[ti]
        if len(cells) == ncols:
            return
        kind = shape.kinds[len(cells)]
        text = tok.text
        dot = dots[ti]
        # a cell may end anywhere before a decimal point; the cell holding the
        # point runs to the end of its token
        ends = list(range(pos + 1, dot)) + [len(text)] if dot is not None else range(pos + 1, len(text) + 1)
        for end in ends:
            nonlocal_steps[0] += 1
            if nonlocal_steps[0] > budget:
                return
            raw = text[pos:end]
            piece = _piece(raw, tok.start + pos, kind)
            if piece is None:
                if len(raw.lstrip("-").split(".")[0]) > kind.max_digits:
                    break
                continue
            if not fits(ti, end, len(cells) + 1):
                continue
            cells.append(piece)
            if not closes_wrong(cells):
                if end == len(text):
                    walk(ti + 1, cells)
                else:
                    cut(ti, end, cells)
            cells.pop()

    walk(0, [])
    return out, complete and nonlocal_steps[0] <= budget


def lost_blank_splits(tokens: list[Token], shape: RowShape, *, limit: int) -> list[Split]:
    """Readings of a row whose empty cells left no trace in the text.

    Copying a table with empty cells (= 0) drops them: "予以公开27130" may be
    27, -, -, -, -, 1, 30 or 27, -, 1, -, -, -, 30 …  Only for a row that is
    one group (parts then total, as T3): the last figure printed is the total,
    the others go to the part columns in order, and the row total must hold.
    The empty cells come back as blank zeros with an empty span.
    """
    if len(shape.groups) != 1 or shape.groups[0] != (0, len(shape.columns) - 1):
        return []
    nparts = len(shape.columns) - 1
    out: list[Split] = []
    for printed in range(1, len(shape.columns)):
        sub = RowShape(tuple(range(printed)), shape.kinds[:printed], ((0, printed - 1),))
        splits, _ = enumerate_splits(tokens, sub, require_sums=True, limit=limit)
        for split in splits:
            parts, total = split[:-1], split[-1]
            for cols in combinations(range(nparts), len(parts)):
                cells: list[Piece] = []
                given = iter(parts)
                for c in range(nparts):
                    if c in cols:
                        cells.append(next(given))
                    else:
                        at = cells[-1].end if cells else (parts[0].start if parts else total.start)
                        cells.append(Piece(0, at, at, "", blank=True))
                out.append((*cells, total))
                if len(out) >= limit:
                    return out
    return out


def group_violations(split: Split, shape: RowShape) -> int:
    """How many of the row's own totals a split breaks."""
    bad = 0
    for first, last in shape.groups:
        if sum(p.value for p in split[first:last]) != split[last].value:
            bad += 1
    return bad


def t2_shape(row: str, layout: str, columns: tuple[str, ...] | None = None) -> RowShape:
    """A T2 row's cells: the layout's columns, or those the report's block header prints."""
    cols = columns or (T2_ROWS_2019 if layout == "2019" else T2_ROWS_2021)[row]
    kinds = tuple(
        T2_CHANGE if c == "change" else T2_MONEY if c in ("amount", "amount_wan") else T2_COUNT for c in cols
    )
    return RowShape(cols, kinds)


T3_SHAPE = RowShape(T3_COLUMNS, (COUNT,) * len(T3_COLUMNS), ((0, len(T3_COLUMNS) - 1),))
T4_SHAPE = RowShape(
    tuple(f"{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS),
    (T4_COUNT,) * (len(T4_GROUPS) * len(T4_COLUMNS)),
    tuple((i * len(T4_COLUMNS), i * len(T4_COLUMNS) + len(T4_COLUMNS) - 1) for i in range(len(T4_GROUPS))),
)


@dataclass(frozen=True)
class Reading:
    """One way to read a row: its cells, what the reading assumes (``cost``), and a rank
    among readings that fit the table equally well (``prior``: lower is likelier)."""

    split: Split
    cost: int
    prior: float


def line_readings(
    tokens: list[Token], shape: RowShape, *, merged: bool, lost_cost: int, limit: int = LINE_READINGS_LIMIT,
) -> tuple[list[Reading], bool]:
    """The distinct readings of a row printed one cell per line.

    Each cell is the next printed line; or, in ``merged`` text, the line before it once
    more (a merged repeat: free for a zero, ``EXTRA_COST`` otherwise); or an empty cell
    that left no line (``lost_cost`` each); or two lines joined into one number
    (``EXTRA_COST``; only as many as the line count forces, plus ``MAX_JOINS`` when no
    reading without keeps the row's totals).  Readings giving the same figures are one
    reading, at the lowest cost.

    Kept: every reading that keeps the row's own totals, and the readings that assume
    nothing costly (the row as printed, in case the report printed it wrong).
    Returns the readings and whether the lists were complete.
    """
    forced = max(0, len(tokens) - len(shape.columns))
    keeping, done = _walk_lines(tokens, shape, merged, lost_cost, forced, keep_sums=True, max_cost=None, limit=limit)
    if not keeping and shape.groups:
        keeping, done = _walk_lines(tokens, shape, merged, lost_cost, forced + MAX_JOINS, keep_sums=True,
                                    max_cost=None, limit=limit)
    # The row as printed, in case the report printed it wrong: only the readings that assume least
    # (searched cost by cost, so a long row with many ways to fill it does not list them all).
    fill = max(0, len(shape.columns) - len(tokens)) * max(EXTRA_COST, lost_cost)
    literal, done_literal = [], True
    for ceiling in sorted({0, *range(EXTRA_COST, fill + 1, EXTRA_COST), fill}):
        literal, done_literal = _walk_lines(tokens, shape, merged, lost_cost, forced, keep_sums=False,
                                            max_cost=ceiling, limit=limit)
        if literal:
            least = min(r.cost for r in literal)
            literal = [r for r in literal if r.cost == least]
            break
    best: dict[tuple, Reading] = {}
    for r in keeping + literal:
        key = tuple(p.value for p in r.split)
        if key not in best or (r.cost, r.prior) < (best[key].cost, best[key].prior):
            best[key] = r
    return sorted(best.values(), key=lambda r: (r.cost, r.prior)), done and done_literal


def every_line_reading(
    tokens: list[Token], shape: RowShape, *, merged: bool, limit: int = LINE_READINGS_LIMIT,
) -> tuple[list[Split], bool]:
    """Every distinct reading of a row printed one cell per line, whatever it assumes and
    whichever totals it breaks (``MAX_JOINS`` joins beyond those the line count forces, as
    ``line_readings`` allows at most).  For proving that no reading satisfies an equation.
    Returns the readings and whether the list is complete."""
    forced = max(0, len(tokens) - len(shape.columns))
    readings, done = _walk_lines(tokens, shape, merged, EXTRA_COST, forced + MAX_JOINS, keep_sums=False,
                                 max_cost=None, limit=limit)
    return [r.split for r in readings], done


def keeps_group_totals(tokens: list[Token], shape: RowShape, *, merged: bool) -> bool | None:
    """Does some reading of a row printed one cell per line keep all of ``shape``'s group totals
    (with as many joins as ``every_line_reading`` allows)?  None: the readings could not all be tried."""
    forced = max(0, len(tokens) - len(shape.columns))
    readings, done = _walk_lines(tokens, shape, merged, EXTRA_COST, forced + MAX_JOINS, keep_sums=True,
                                 max_cost=None, limit=1)
    return True if readings else (False if done else None)


def _walk_lines(
    tokens: list[Token], shape: RowShape, merged: bool, lost_cost: int, max_joins: int, *,
    keep_sums: bool, max_cost: int | None, limit: int,
) -> tuple[list[Reading], bool]:
    n, m = len(shape.columns), len(tokens)
    group_end = {last: first for first, last in shape.groups}
    best: dict[tuple, Reading] = {}
    steps = [0]
    budget = 200_000

    def prior_of(cells: list[Piece], joins: int) -> float:
        # blanks late in the row (a figure fills the columns from the left, natural persons first),
        # merged repeats before blanks, joins last
        blanks = [i for i, p in enumerate(cells) if p.blank and not p.raw]
        return 10.0 * joins + sum(1.0 + (n - i) / (10.0 * n) for i in blanks)

    def closes_wrong(cells: list[Piece]) -> bool:
        col = len(cells) - 1
        if not keep_sums or col not in group_end:
            return False
        return sum(p.value for p in cells[group_end[col] : col]) != cells[col].value

    def place(piece: Piece, ci: int, ti: int, cells: list[Piece], cost: int, joins: int, last: Piece | None) -> None:
        if max_cost is not None and cost > max_cost:
            return
        cells.append(piece)
        if not closes_wrong(cells):
            walk(ci + 1, ti, cells, cost, joins, last)
        cells.pop()

    def walk(ci: int, ti: int, cells: list[Piece], cost: int, joins: int, last: Piece | None) -> None:
        steps[0] += 1
        if steps[0] > budget or len(best) >= limit:
            return
        if ci == n:
            if ti == m:
                key = tuple(p.value for p in cells)
                reading = Reading(tuple(cells), cost, prior_of(cells, joins))
                if key not in best or (reading.cost, reading.prior) < (best[key].cost, best[key].prior):
                    best[key] = reading
            return
        cells_left, tokens_left = n - ci, m - ti
        if tokens_left > 2 * cells_left or tokens_left - cells_left > max_joins - joins:
            return
        kind = shape.kinds[ci]
        if ti < m:  # the next printed line
            tok = tokens[ti]
            piece = _token_piece(tok, kind)
            if piece is not None:
                place(piece, ci, ti + 1, cells, cost, joins, piece)
            if ti + 1 < m and joins < max_joins and not tok.blank and not tokens[ti + 1].blank:
                nxt = tokens[ti + 1]
                joined = _piece(tok.text + nxt.text, tok.start, kind)
                if joined is not None:
                    joined = Piece(joined.value, tok.start, nxt.start + len(nxt.text), f"{tok.text}|{nxt.text}")
                    place(joined, ci, ti + 2, cells, cost + EXTRA_COST, joins + 1, joined)
        if merged and last is not None and not (last.blank and not last.raw):
            repeat = Piece(last.value, last.start, last.end, last.raw, blank=last.blank)
            place(repeat, ci, ti, cells, cost + (0 if last.value == 0 else EXTRA_COST), joins, last)
        # an empty cell that printed no line (in merged text never next to a zero: the free
        # merged repeat of that zero gives the same figures)
        zero_near = merged and ((last is not None and last.value == 0) or (ti < m and tokens[ti].text == "0"))
        if cells_left > tokens_left - (max_joins - joins) and not zero_near:
            at = cells[-1].end if cells else (tokens[ti].start if ti < m else 0)
            place(Piece(0, at, at, "", blank=True), ci, ti, cells, cost + lost_cost, joins, last)

    walk(0, 0, [], 0, 0, None)
    return list(best.values()), steps[0] <= budget and len(best) < limit


def _token_piece(tok: Token, kind: ColumnKind) -> Piece | None:
    if tok.blank:
        return Piece(0, tok.start, tok.start + len(tok.text), tok.text, blank=True)
    return _piece(tok.text, tok.start, kind)


def magnitude_prior(split: Split) -> float:
    """Rank of equally good glued splits: short, small figures first (only orders candidates)."""
    return sum(math.log10(abs(p.value) + 1) for p in split)
