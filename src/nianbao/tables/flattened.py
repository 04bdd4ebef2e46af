"""Recover T2/T3/T4 figures from copied text whose cell separators are gone.

Copied reports (crawler dumps, pasted articles, PDF text layers) flatten the
tables: "一、本年新收政府信息公开申请数量640020470" is 64, 0, 0, 2, 0, 4, 70.
``decode_flattened`` finds each row label, lists every split of the digits
after it, and picks the splits that make the table's own arithmetic hold
(flattened_solve).  When several decodings fit equally well the cells that
differ are reported ambiguous (value None, ``candidates`` set, a warning)
rather than guessed; when the printed table is itself wrong, the figures are
decoded as printed and the arithmetic rules downstream flag them.  A row
with fewer figures than columns (empty cells dropped by the copy) is read
with blank zeros where the rest of the table puts them.

Usage::

    if looks_flattened(doc.text):
        dec = decode_flattened(doc.text, layout=None, narrative="")
        dec.tables["T3"].value("new_received.total")
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import CanonicalTable, Figure, Message, Provenance
from .flattened_hints import narrative_hints
from .flattened_solve import W_COLUMN, W_ROW, Hint, RowChoice, Rule, Solution, magnitude_prior, score_row, solve_joint
from .flattened_text import (
    T2_BLOCK,
    T3_SHAPE,
    T4_SHAPE,
    Piece,
    Regions,
    RowRun,
    RowShape,
    Split,
    detect_layout,
    enumerate_splits,
    find_labels,
    find_regions,
    first_run,
    group_violations,
    lost_blank_splits,
    row_runs,
    t2_labels,
    t2_shape,
    t3_labels,
    tokenize,
)
from .schema import T3_COLUMNS, T4_GROUPS, t3_rows

SPLIT_LIMIT = 400  # splits listed per row before only total-keeping ones are listed
SPLIT_LIMIT_EXHAUSTIVE = 10_000  # the same when a table's decoding breaks a rule
KEEP_ALL = 40  # a row with more splits than this keeps only those keeping its totals, if any do
LOST_LIMIT = 2000  # lost-blank readings listed per row; a row with more is never decoded as certain
# Assuming empty cells vanished costs as much as a printed part being wrong (which breaks
# its row total and a column rule), so the two explanations tie rather than one winning …
W_LOST_BLANKS = W_ROW + W_COLUMN
W_LOST_BLANKS_SEEN = 0  # … unless the copy visibly drops them: then a full reading is no likelier than one with gaps
RESULT_ROWS_PARENTS = ("denied", "unable", "not_processed", "other")


@dataclass
class FlatDecoding:
    """What decoding the flattened tables of one text gave."""

    tables: dict[str, CanonicalTable] = field(default_factory=dict)
    layout: str = "unknown"
    messages: list[Message] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # refs like "T3.granted.natural"
    confidence: float = 0.0
    broken: list[str] = field(default_factory=list)  # rules the decoded (printed) figures break


def decode_flattened(
    text: str, offset: int = 0, layout: str | None = None, narrative: str = "", *, guess: bool = False
) -> FlatDecoding:
    """Decode the flattened standard tables found in ``text``.

    ``offset`` is added to every character position (so provenance points
    into Document.text when ``text`` is a slice of it); ``layout`` is "2021",
    "2019" or None to detect it; ``narrative`` is the report's narrative, used
    as weak evidence (the text outside the tables when empty).  With
    ``guess`` an ambiguous cell gets its most plausible candidate as value
    (still listed in ``ambiguous``, with low confidence) instead of None.
    """
    regions = find_regions(text)
    result = FlatDecoding(layout=layout or "unknown")
    if regions.span is None:
        result.messages.append(
            Message("info", "flattened-none", "No flattened T2/T3/T4 table was found in the text.")
        )
        return result
    result.layout = layout or detect_layout(text, regions)
    if not narrative:
        first, last = regions.span
        narrative = text[:first] + "\n" + text[last:]
    hints = narrative_hints(narrative, result.layout)
    ctx = _Context(text, offset, result.layout, guess, result)
    if regions.t3:
        _decode_t3(ctx, regions, hints["T3"])
    if regions.t4:
        _decode_t4(ctx, regions, hints["T4"])
    if regions.t2:
        _decode_t2(ctx, regions, hints["T2"])
    figures = [f for t in result.tables.values() for f in t.figures.values()]
    result.confidence = round(sum(f.confidence for f in figures) / len(figures), 3) if figures else 0.0
    return result


def looks_flattened(text: str) -> bool:
    """True when the text's standard tables have lost their cell separators.

    That is: a T3 row label followed by a run that does not read as seven
    separate figures (e.g. "予以公开270020130"), or a T4 run that is not 15.
    """
    regions = find_regions(text)
    if regions.t3:
        layout = detect_layout(text, regions)
        found = find_labels(text, t3_labels(layout), *regions.t3)
        runs = [r for r in row_runs(text, "T3", found, regions.t3[1]) if r.variants]
        off = [r for r in runs if len(tokenize(r.text, r.start, allow_negative=False)) != len(T3_COLUMNS)]
        if runs and len(off) >= max(1, len(runs) // 4):
            return True
    if regions.t4:
        got = first_run(text, *regions.t4, decimal=False)
        if got and len(tokenize(got[0], got[1], allow_negative=False)) != len(T4_SHAPE.columns):
            return True
    return False


# ---------------------------------------------------------------- shared


@dataclass
class _Context:
    text: str
    offset: int
    layout: str
    guess: bool
    result: FlatDecoding

    def warn(self, code: str, msg: str) -> None:
        self.result.messages.append(Message("warning", code, msg))

    def info(self, code: str, msg: str) -> None:
        self.result.messages.append(Message("info", code, msg))


def _drops_empty_cells(runs: list[RowRun], shape: RowShape) -> bool:
    """Does the copy drop empty cells?  Some row then has fewer characters than cells."""
    for run in runs:
        if run.variants:
            tokens = tokenize(run.text, run.start, allow_negative=False)
            chars = sum(1 if t.blank else len(t.text) for t in tokens)
            if chars < len(shape.columns):
                return True
    return False


def _candidates(
    run: RowRun, shape: RowShape, lost_cost: int = W_LOST_BLANKS, exhaustive: bool = False
) -> tuple[list[Split], list[int], bool]:
    """Readings of a row's run(s), each with its own cost, and whether the list is complete.

    Fast pass (``exhaustive`` False): a row with many splits keeps only those
    keeping its total, and readings that assume empty cells vanished are
    listed only when the copy visibly drops them (cheap ``lost_cost``) or no
    full split keeps the total.  The exhaustive pass, for a table whose fast
    decoding breaks a rule, lists everything: then a lost-blank reading costs
    as much as a wrong printed part, and neither explanation wins by default.
    """
    splits, complete = _full_splits(run, shape, keep_all=exhaustive)
    if exhaustive and shape.groups:
        splits = [s for s in splits if _plausible_total(s, shape)]
    costs = [W_ROW * group_violations(s, shape) for s in splits]
    want_lost = exhaustive or lost_cost < W_LOST_BLANKS or not any(c == 0 for c in costs)
    if shape.groups and want_lost:
        allow_negative = any(k.negative for k in shape.kinds)
        for body, start in run.variants:
            tokens = tokenize(body, start, allow_negative)
            lost = lost_blank_splits(tokens, shape, limit=LOST_LIMIT)
            complete = complete and len(lost) < LOST_LIMIT
            splits.extend(lost)
            costs.extend([lost_cost] * len(lost))
    return splits, costs, complete


def _plausible_total(split: Split, shape: RowShape) -> bool:
    """A printed total may be off, but not by more than half of itself (plus a little)."""
    for first, last in shape.groups:
        total = split[last].value
        if abs(sum(p.value for p in split[first:last]) - total) > max(10, total // 2):
            return False
    return True


def _full_splits(run: RowRun, shape: RowShape, keep_all: bool = False) -> tuple[list[Split], bool]:
    """Splits of a row's run(s) into exactly its columns."""
    allow_negative = any(k.negative for k in shape.kinds)
    splits: list[Split] = []
    complete = True
    for body, start in run.variants:
        tokens = tokenize(body, start, allow_negative)
        limit = SPLIT_LIMIT_EXHAUSTIVE if keep_all else SPLIT_LIMIT
        got, done = enumerate_splits(tokens, shape, require_sums=False, limit=limit)
        if not done and shape.groups:
            got, done = enumerate_splits(tokens, shape, require_sums=True, limit=SPLIT_LIMIT * 5)
            # only total-keeping splits were listed: fine for a first look, but a row
            # that may be printed wrong is then not known for certain
            done = done and not keep_all
        elif len(got) > KEEP_ALL and shape.groups and not keep_all:
            # A printed total that is wrong *and* met by another split by chance is far
            # rarer than a long run; a smaller model keeps the solver fast.
            keeping = [s for s in got if not group_violations(s, shape)]
            got = keeping or got
        splits.extend(got)
        complete = complete and done
    return splits, complete


def _label(text: str, run: RowRun) -> str:
    """The row label as printed; T2 labels start at their own words, not the block header before them."""
    start = run.anchor_start if run.table == "T2" and run.anchor_start is not None else run.label_start
    label = "".join(text[start : run.label_end].split())
    # drop header words the walk back took in: show from the row's own number on
    numbered = list(re.finditer(r"[一二三四][、.．]|[（(][一二三四五六七][)）]|\d+[.．]", label))
    return label[numbered[-1].start() :] if numbered else label


def _figure(ctx: _Context, table: str, key: str, piece: Piece, confidence: float) -> Figure:
    return Figure(
        table=table,
        key=key,
        value=piece.value,
        raw=piece.raw,
        blank=piece.blank,
        prov=Provenance(start=ctx.offset + piece.start, end=ctx.offset + piece.end),
        confidence=confidence,
    )


def _ambiguous_figure(
    ctx: _Context, table: str, key: str, run: RowRun, values: list[int | float]
) -> Figure:
    """A cell whose value the text does not settle: candidates, no certain value."""
    ctx.result.ambiguous.append(f"{table}.{key}")
    return Figure(
        table=table,
        key=key,
        value=values[0] if ctx.guess else None,
        raw=run.text,
        prov=Provenance(start=ctx.offset + run.start, end=ctx.offset + run.end),
        confidence=round(1 / (len(values) + 1), 3) if ctx.guess else 0.0,
        candidates=values,
    )


def _show(split: Split) -> str:
    return "|".join(p.raw for p in split)


def _emit_row(
    ctx: _Context,
    table: CanonicalTable,
    run: RowRun,
    columns: tuple[str, ...],
    key_of: Callable[[str], str],  # column -> canonical key
    splits: list[Split],
    confidence: float,
    certain: bool = True,
) -> None:
    """Figures of one row from its winning splits (several = ambiguous cells).

    ``certain`` False (the row's readings could not all be listed) makes every
    cell ambiguous, even one that took a single value among those listed.
    """
    for ci, col in enumerate(columns):
        values: list[int | float] = []
        for s in splits:
            if s[ci].value not in values:
                values.append(s[ci].value)
        key = key_of(col)
        if len(values) == 1 and certain:
            table.figures[key] = _figure(ctx, table.name, key, splits[0][ci], confidence)
        else:
            table.figures[key] = _ambiguous_figure(ctx, table.name, key, run, values)


# ---------------------------------------------------------------- T3


def _t3_rules(layout: str) -> list[Rule]:
    rows = [r.key for r in t3_rows(layout)]
    results = [r for r in rows if r in ("granted", "partial") or r.split(".")[0] in RESULT_ROWS_PARENTS]
    rules = []
    for c in T3_COLUMNS:
        rules.append(
            Rule(
                f"t3_balance {c}",
                (f"new_received.{c}", f"carried_over.{c}"),
                (f"handled_total.{c}", f"carried_forward.{c}"),
            )
        )
        rules.append(Rule(f"t3_result_total {c}", (f"handled_total.{c}",), tuple(f"{r}.{c}" for r in results)))
    return rules


@dataclass
class _T3Rows:
    """T3's rows ready for the solver."""

    choices: list[RowChoice] = field(default_factory=list)
    runs: dict[str, RowRun] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    incomplete: set[str] = field(default_factory=set)  # rows whose readings could not all be listed
    messages: list[Message] = field(default_factory=list)


def _t3_rows(ctx: _Context, runs: list[RowRun], exhaustive: bool) -> _T3Rows:
    out = _T3Rows()
    lost_cost = W_LOST_BLANKS_SEEN if _drops_empty_cells(runs, T3_SHAPE) else W_LOST_BLANKS
    for run in runs:
        label = _label(ctx.text, run)
        if not run.variants:
            out.messages.append(
                Message("warning", "flattened-no-figures", f"T3 row {label} has no figures after it; it is treated as missing.")
            )
            continue
        splits, costs, complete = _candidates(run, T3_SHAPE, lost_cost, exhaustive)
        if not splits:
            out.messages.append(Message(
                "warning", "flattened-unreadable",
                f"T3 row {label}: '{run.text}' cannot be read as {len(T3_COLUMNS)} figures; "
                "the row is left out, check it in the source.",
            ))
            out.unreadable.append(run.row)
            continue
        if not complete:
            out.incomplete.add(run.row)
            out.messages.append(Message(
                "warning", "flattened-many",
                f"T3 row {label}: '{run.text}' has too many readings to list them all; its figures are not certain.",
            ))
        out.choices.append(RowChoice(run.row, T3_COLUMNS, splits, costs))
        out.runs[run.row] = run
    return out


def _decode_t3(ctx: _Context, regions: Regions, hints: list[Hint]) -> None:
    start, end = regions.t3
    found = find_labels(ctx.text, t3_labels(ctx.layout), start, end)
    runs = row_runs(ctx.text, "T3", found, end)
    rules = _t3_rules(ctx.layout)
    rows = _t3_rows(ctx, runs, exhaustive=False)
    sol = solve_joint(rows.choices, rules, hints, rows.unreadable) if rows.choices else Solution()
    if sol.picks and _breaks_rules(sol, rows):
        # The table does not add up as read: look again at every reading before deciding
        # whether it was printed wrong, so no pruned reading that fits is missed.
        wide = _t3_rows(ctx, runs, exhaustive=True)
        start_from = {c.row: _split_key(c.splits[sol.picks[0][c.row]]) for c in rows.choices}
        wide_sol = solve_joint(wide.choices, rules, hints, wide.unreadable, start=start_from)
        if wide_sol.picks:
            rows, sol = wide, wide_sol
        else:
            ctx.warn(
                "flattened-unchecked",
                "T3 does not add up as read and the search over every reading did not finish; "
                "the figures are the first reading's, check them against the source.",
            )
    ctx.result.messages.extend(rows.messages)
    table = CanonicalTable("T3", ctx.layout, method="flattened")
    table.missing_rows = [r.key for r in t3_rows(ctx.layout) if r.key not in rows.runs]
    if table.missing_rows:
        ctx.warn(
            "flattened-missing-rows",
            f"T3 rows without readable figures: {', '.join(table.missing_rows)}; "
            "absent rows count as 0 when the other rows are decoded.",
        )
    if not rows.choices:
        return
    if not sol.picks:
        ctx.warn("flattened-unsolved", "T3 could not be decoded (the solver found no reading); check the table text.")
        return
    first = sol.picks[0]
    for c in rows.choices:
        lost = [col for col, p in zip(T3_COLUMNS, c.splits[first[c.row]]) if p.blank and not p.raw]
        if lost:
            ctx.warn(
                "flattened-lost-blanks",
                f"T3 row {_label(ctx.text, rows.runs[c.row])}: '{rows.runs[c.row].text}' has fewer figures than "
                f"columns; read with empty (0) cells in {', '.join(lost)}, "
                "which is what the rest of the table implies.",
            )
    row_totals = [c.row for c in rows.choices if group_violations(c.splits[first[c.row]], T3_SHAPE)]
    sol.broken = [f"t3_row_total {row}" for row in row_totals] + sol.broken
    _report_solution(ctx, "T3", sol, rows.choices, rows.runs)
    confidence = _table_confidence(sol)
    for choice in rows.choices:
        _emit_row(
            ctx, table, rows.runs[choice.row], T3_COLUMNS, lambda c, r=choice.row: f"{r}.{c}",
            _row_options(choice, sol), confidence, certain=choice.row not in rows.incomplete,
        )
    ctx.result.tables["T3"] = table


def _split_key(split: Split) -> tuple[tuple[int, int, int | float], ...]:
    return tuple((p.start, p.end, p.value) for p in split)


def _breaks_rules(sol: Solution, rows: _T3Rows) -> bool:
    """Does the best decoding break a table rule, or rest on a reading the fast pass priced as a guess?"""
    first = sol.picks[0]
    return bool(sol.broken) or any(c.costs[first[c.row]] for c in rows.choices)


def _row_options(choice: RowChoice, sol: Solution) -> list[Split]:
    """The row's splits used by the best decodings, most plausible first."""
    return sorted(_distinct([choice.splits[p[choice.row]] for p in sol.picks]), key=magnitude_prior)


def _distinct(splits: list[Split]) -> list[Split]:
    out: list[Split] = []
    seen: set[tuple] = set()
    for s in splits:
        key = tuple(p.value for p in s)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


_UNSETTLED = {
    False: "the differing cells are left without a value (their candidates are listed).",
    True: "the differing cells get their most plausible reading, with low confidence.",
}


def _table_confidence(sol: Solution) -> float:
    if sol.broken:
        return 0.7  # decoded as printed, but the printed arithmetic does not hold
    if sol.hints_used:
        return 0.9  # the narrative, not the table, settled it
    return 1.0


def _report_solution(
    ctx: _Context, name: str, sol: Solution, choices: list[RowChoice], runs: dict[str, RowRun]
) -> None:
    ctx.result.broken.extend(sol.broken)
    if sol.broken:
        ctx.warn(
            "flattened-printed-arithmetic",
            f"{name} as printed breaks its own arithmetic ({'; '.join(sol.broken)}); "
            "the figures are decoded as printed, check them against the source.",
        )
    if sol.hints_used:
        ctx.info("flattened-narrative", f"{name}: the narrative figures settled a split the table alone left open.")
    if not sol.complete:
        ctx.warn(
            "flattened-many-solutions",
            f"{name}: hundreds of decodings fit equally well; every cell was checked for another possible value "
            "and those that have one are left ambiguous.",
        )
    fits = "satisfy every constraint" if not sol.broken else "fit the table equally well"
    for choice in choices:
        options = _row_options(choice, sol)
        if len(options) > 1:
            alts = " / ".join(_show(s) for s in options[:6])
            ctx.warn(
                "flattened-ambiguous",
                f"{name} row {_label(ctx.text, runs[choice.row])}: {len(options)} decodings {fits} ({alts}); "
                f"{_UNSETTLED[ctx.guess]}",
            )


# ---------------------------------------------------------------- T4


def _decode_t4(ctx: _Context, regions: Regions, hints: list[Hint]) -> None:
    start, end = regions.t4
    got = first_run(ctx.text, start, end, decimal=False)
    if not got:
        ctx.warn("flattened-unreadable", "T4: no figures found after the 行政复议/行政诉讼 header.")
        return
    run = RowRun("T4", "row", start, got[1], [got])
    hints = [Hint(tuple(f"T4.{c}" for c in h.cells), h.value, h.text) for h in hints]
    picked = _pick_t4(run, hints, exhaustive=False)
    if picked is None or _t4_broken(picked[1][0]):
        # The group totals do not hold as read: list every reading before deciding it was printed so.
        picked = _pick_t4(run, hints, exhaustive=True) or picked
    if picked is None:
        ctx.warn("flattened-unreadable", f"T4: '{run.text}' cannot be read as {len(T4_SHAPE.columns)} figures.")
        return
    choice, chosen, sol, complete = picked
    if not complete:
        ctx.warn(
            "flattened-many", f"T4: '{run.text}' has too many readings to list them all; its figures are not certain."
        )
    _report_solution(ctx, "T4", sol, [choice], {"T4": run})
    table = CanonicalTable("T4", ctx.layout, method="flattened")
    _emit_row(ctx, table, run, T4_SHAPE.columns, lambda c: c, chosen, _table_confidence(sol), certain=complete)
    ctx.result.tables["T4"] = table


def _t4_broken(split: Split) -> list[str]:
    return [
        f"t4_group_total {T4_GROUPS[i]}"
        for i, (a, b) in enumerate(T4_SHAPE.groups)
        if sum(p.value for p in split[a:b]) != split[b].value
    ]


def _pick_t4(
    run: RowRun, hints: list[Hint], exhaustive: bool
) -> tuple[RowChoice, list[Split], Solution, bool] | None:
    """The best readings of the T4 row (one row: no solver needed, every candidate is scored)."""
    splits, costs, complete = _candidates(run, T4_SHAPE, exhaustive=exhaustive)
    if not splits:
        return None
    choice = RowChoice("T4", T4_SHAPE.columns, splits, costs)
    winners, cost, tie_without = score_row(choice, hints, magnitude_prior)
    chosen = [splits[k] for k in winners]
    sol = Solution(
        picks=[{"T4": k} for k in winners],
        cost=cost,
        broken=_t4_broken(chosen[0]),
        hints_used=hints if len(tie_without) > len(winners) else [],
    )
    return choice, chosen, sol, complete


# ---------------------------------------------------------------- T2


def _t2_row_cost(row: str, split: Split, layout: str) -> int:
    """Near-definitional relations inside a T2 row (the only arithmetic T2 has)."""
    values = [p.value for p in split]
    if row in ("regulations", "normative_docs"):
        if layout == "2019" and values[1] > values[2]:  # 本年新公开 ≤ 对外公开总数量
            return W_COLUMN
        if layout != "2019" and values[0] > values[2]:  # 本年制发 ≤ 现行有效
            return W_COLUMN
    return 0


def _decode_t2(ctx: _Context, regions: Regions, hints: list[Hint]) -> None:
    start, end = regions.t2
    found = find_labels(ctx.text, t2_labels(ctx.layout), start, end, stops=T2_BLOCK)
    runs = row_runs(ctx.text, "T2", found, end, decimal=True)
    table = CanonicalTable("T2", ctx.layout, method="flattened")
    for run in runs:
        shape = t2_shape(run.row, ctx.layout)
        if not run.variants:
            ctx.warn(
                "flattened-no-figures", f"T2 row {_label(ctx.text, run)} has no figures after it; it is treated as missing."
            )
            continue
        splits, _costs, complete = _candidates(run, shape)
        if not splits:
            ctx.warn(
                "flattened-unreadable",
                f"T2 row {_label(ctx.text, run)}: '{run.text}' cannot be read as {len(shape.columns)} figures; "
                "check it in the source.",
            )
            continue
        costs = [_t2_row_cost(run.row, s, ctx.layout) for s in splits]
        choice = RowChoice(run.row, shape.columns, splits, costs)
        winners, cost, tie_without = score_row(choice, hints, magnitude_prior)
        chosen = _distinct([splits[k] for k in winners])
        sol = Solution(picks=[{run.row: k} for k in winners], cost=cost,
                       hints_used=hints if len(tie_without) > len(winners) else [])
        if len(chosen) > 1:
            shown = " / ".join(_show(s) for s in chosen[:5]) + (" / …" if len(chosen) > 5 else "")
            ctx.warn(
                "flattened-ambiguous",
                f"T2 row {_label(ctx.text, run)}: '{run.text}' splits {len(chosen)} ways into "
                f"{len(shape.columns)} figures and T2 has no totals to decide ({shown}); "
                f"{_UNSETTLED[ctx.guess]}",
            )
        _emit_row(
            ctx, table, run, shape.columns, lambda c, r=run.row: f"{r}.{c}", chosen, _table_confidence(sol),
            certain=complete,
        )
    present = {r.row for r in runs}
    table.missing_rows = [r for r in t2_labels_keys(ctx.layout) if r not in present]
    if table.figures:
        ctx.result.tables["T2"] = table


def t2_labels_keys(layout: str) -> list[str]:
    return [s.key for s in t2_labels(layout)]


__all__ = ["FlatDecoding", "decode_flattened", "looks_flattened"]
