"""Tables printed as text: recover the T2/T3/T4 figures when the cells are not a grid.

Copied reports and portal page texts print the tables as text: rows of digits run
together ("一、本年新收政府信息公开申请数量640020470" is 64, 0, 0, 2, 0, 4, 70), or
one cell per line with empty cells missing, or with repeated lines merged (one
"0" for a whole row of zeros).  ``decode_text_tables`` reads them in one
straight line, one module per step:

1. ``regions``: where each table is, and its layout;
2. ``labels`` + ``tokens``: each row label and the figures printed after it, cut
   into the tokens the text does separate, and how the text prints cells
   (glued, lines, merged lines);
3. ``readings``: every way a row's tokens can be its cells, with what each assumes;
4. ``solve``: the readings that make the table's own arithmetic hold (CP-SAT over
   the equations of ``tables.schema``; narrative figures as weak evidence), within
   a time budget;
5. emit (here): figures with their provenance and certainty.  When several
   readings fit equally well the cells that differ are ambiguous (value None,
   ``candidates`` set, a warning) rather than guessed; a printed table that is
   itself wrong decodes as printed, and the arithmetic rules downstream flag it.

Usage::

    dec = decode_text_tables(doc.text, layout=None, narrative="")
    dec.tables["T3"].value("new_received.total")
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from itertools import combinations
from dataclasses import dataclass, field

from ...model import CanonicalTable, Figure, Message, ProvenBreak, Provenance
from ..schema import T2_COLUMN_LABELS, T2_ROW_LABELS, T3_COLUMNS, T4_GROUPS, t3_equations, t3_rows, t4_equations
from .hints import narrative_hints
from .labels import FoundLabel, find_labels, t2_labels, t2_rows_for, t3_labels
from .readings import (
    EXTRA_COST,
    Piece,
    T3_SHAPE,
    T4_SHAPE,
    RowShape,
    Split,
    enumerate_splits,
    every_line_reading,
    group_violations,
    keeps_group_totals,
    line_readings,
    lost_blank_splits,
    magnitude_prior,
    t2_shape,
)
from .proof import prove_breaks, prove_together
from .regions import T2_BLOCK, Regions, detect_layout, find_regions, single_other_row
from .solve import W_COLUMN, W_ROW, Hint, RowChoice, Rule, Solution, score_row, solve_joint
from .tokens import GLUED, LINES, MERGED, RowRun, first_run, line_tokens, may_merge, row_runs, text_style, tokenize

SPLIT_LIMIT = 400  # glued splits listed per row before only total-keeping ones are listed
SPLIT_LIMIT_EXHAUSTIVE = 10_000  # the same when a table's decoding breaks a rule
KEEP_ALL = 40  # a row with more splits than this keeps only those keeping its totals, if any do
LOST_LIMIT = 2000  # lost-blank readings listed per row; a row with more is never decoded as certain
# Assuming empty cells vanished costs as much as a printed part being wrong (which breaks
# its row total and a column rule), so the two explanations tie rather than one winning …
W_LOST_BLANKS = W_ROW + W_COLUMN
W_LOST_BLANKS_SEEN = 0  # … unless the copy visibly drops them: then a full reading is no likelier than one with gaps
DECODE_SECONDS = 2.0  # time budget per table (Settings.decode_seconds)


@dataclass
class TextDecoding:
    """What decoding the text tables of one text gave."""

    tables: dict[str, CanonicalTable] = field(default_factory=dict)
    layout: str = "unknown"
    messages: list[Message] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)  # refs like "T3.granted.natural"
    confidence: float = 0.0
    broken: list[str] = field(default_factory=list)  # rules the decoded (printed) figures break
    styles: dict[str, str] = field(default_factory=dict)  # table -> glued / lines / merged
    unprinted: list[str] = field(default_factory=list)  # tables whose header is printed without figures


def decode_text_tables(
    text: str, offset: int = 0, layout: str | None = None, narrative: str = "", *, guess: bool = False,
    seconds: float = DECODE_SECONDS,
) -> TextDecoding:
    """Decode the standard tables printed as text in ``text``.

    ``offset`` is added to every character position (so provenance points
    into Document.text when ``text`` is a slice of it); ``layout`` is "2021",
    "2019" or None to detect it; ``narrative`` is the report's narrative, used
    as weak evidence (the text outside the tables when empty).  With
    ``guess`` an ambiguous cell gets its most plausible candidate as value
    (still listed in ``ambiguous``, with low confidence) instead of None.
    ``seconds`` bounds the constraint search of each table.
    """
    regions = find_regions(text)
    result = TextDecoding(layout=layout or "unknown")
    if regions.span is None:
        result.messages.append(Message("info", "flattened-none", "No T2/T3/T4 table was found in the text."))
        return result
    result.layout = layout or detect_layout(text, regions)
    if not narrative:
        first, last = regions.span
        narrative = text[:first] + "\n" + text[last:]
    hints = narrative_hints(narrative, result.layout)
    ctx = _Context(text, offset, result.layout, guess, result, single_other_row(text, regions), seconds)
    style = text_style(text, [r for r in (regions.t2, regions.t3, regions.t4) if r])
    for name, decode in (("T3", _decode_t3), ("T4", _decode_t4), ("T2", _decode_t2)):
        region = regions.of(name)
        if region is None:
            continue
        result.styles[name] = style
        decode(ctx, region, style, hints[name])
    if MERGED in result.styles.values():
        ctx.info("text-merged-lines",
                 "The page text merges consecutive identical lines (no line repeats the one before it), so one "
                 "printed figure may stand for several equal cells in a row; the tables are read that way.")
    figures = [f for t in result.tables.values() for f in t.figures.values()]
    result.confidence = round(sum(f.confidence for f in figures) / len(figures), 3) if figures else 0.0
    return result


def looks_like_text_tables(text: str) -> bool:
    """Does the text hold a standard table printed as text (a T3 row label 本年新收…申请数量,
    a T2 block header 第二十条第（一）项, or T4's header after T3)?"""
    return find_regions(text).span is not None


# ---------------------------------------------------------------- shared


@dataclass
class _Context:
    text: str
    offset: int
    layout: str
    guess: bool
    result: TextDecoding
    single_other: bool = False
    seconds: float = DECODE_SECONDS

    def warn(self, code: str, msg: str) -> None:
        self.result.messages.append(Message("warning", code, msg))

    def info(self, code: str, msg: str) -> None:
        self.result.messages.append(Message("info", code, msg))

    def deadline(self) -> float:
        return time.monotonic() + self.seconds


def _drops_empty_cells(runs: list[RowRun], shape: RowShape, style: str) -> bool:
    """Does the copy drop empty cells?  Some row then has fewer characters (or lines) than cells."""
    for run in runs:
        if run.variants:
            tokens = _tokens(run.text, run.start, shape, style)
            chars = len(tokens) if style != GLUED else sum(1 if t.blank else len(t.text) for t in tokens)
            if chars < len(shape.columns):
                return True
    return False


def _tokens(body: str, start: int, shape: RowShape, style: str):
    allow_negative = any(k.negative for k in shape.kinds)
    return tokenize(body, start, allow_negative) if style == GLUED else line_tokens(body, start, allow_negative)


def _candidates(
    run: RowRun, shape: RowShape, style: str, lost_cost: int = W_LOST_BLANKS, exhaustive: bool = False
) -> tuple[list[Split], list[int], list[float], bool]:
    """Readings of a row's run(s), each with its cost and prior, and whether the list is complete.

    Line styles: every reading of the lines (``readings.line_readings``), costed
    by the row totals it breaks plus what it assumes.  Glued runs, fast pass
    (``exhaustive`` False): a row with many splits keeps only those keeping its
    total, and readings that assume empty cells vanished are listed only when the
    copy visibly drops them (cheap ``lost_cost``) or no full split keeps the total.
    The exhaustive pass, for a table whose fast decoding breaks a rule, lists
    everything: then a lost-blank reading costs as much as a wrong printed part,
    and neither explanation wins by default.
    """
    if style != GLUED:
        splits, costs, priors, complete = [], [], [], True
        for body, start in run.variants:
            readings, done = line_readings(_tokens(body, start, shape, style), shape, merged=style == MERGED,
                                           lost_cost=lost_cost)
            complete = complete and done
            for r in readings:
                splits.append(r.split)
                costs.append(W_ROW * group_violations(r.split, shape) + r.cost)
                priors.append(r.prior)
        return splits, costs, priors, complete
    splits, complete = _full_splits(run, shape, keep_all=exhaustive)
    if exhaustive and shape.groups:
        splits = [s for s in splits if _plausible_total(s, shape)]
    costs = [W_ROW * group_violations(s, shape) for s in splits]
    want_lost = exhaustive or lost_cost < W_LOST_BLANKS or not any(c == 0 for c in costs)
    if shape.groups and want_lost:
        for body, start in run.variants:
            lost = lost_blank_splits(_tokens(body, start, shape, style), shape, limit=LOST_LIMIT)
            complete = complete and len(lost) < LOST_LIMIT
            splits.extend(lost)
            costs.extend([lost_cost] * len(lost))
    return splits, costs, [magnitude_prior(s) for s in splits], complete


def _plausible_total(split: Split, shape: RowShape) -> bool:
    """A printed total may be off, but not by more than half of itself (plus a little)."""
    for first, last in shape.groups:
        total = split[last].value
        if abs(sum(p.value for p in split[first:last]) - total) > max(10, total // 2):
            return False
    return True


def _full_splits(run: RowRun, shape: RowShape, keep_all: bool = False) -> tuple[list[Split], bool]:
    """Splits of a glued row's run(s) into exactly its columns."""
    splits: list[Split] = []
    complete = True
    for body, start in run.variants:
        tokens = _tokens(body, start, shape, GLUED)
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


def _show_run(run: RowRun) -> str:
    """A row's printed figures as a reader sees them (lines joined by ' / ')."""
    return " / ".join(part.strip() for part in run.text.split("\n") if part.strip())


def _figure(ctx: _Context, table: str, key: str, piece, confidence: float) -> Figure:
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

    ``certain`` False (the row's readings could not all be listed, or the search ran
    out of time) makes every cell ambiguous, even one that took a single value among
    those listed.
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


def _warn_labels(ctx: _Context, name: str, runs: list[RowRun]) -> None:
    for run in runs:
        if run.printed_label:
            ctx.warn("table-label-misprinted",
                     f"{name}: the row label 「{run.printed_label}」 is not the template's wording; it was read as "
                     f"the row in its place, 「{_template_label(name, run.row)}」 (the rows around it match).")


def _template_label(name: str, row: str) -> str:
    if name == "T3":
        return next((r.label for r in t3_rows("2021") + t3_rows("2019") if r.key == row), row)
    return row


# ---------------------------------------------------------------- T3


def _t3_rules(layout: str, single_other: bool) -> list[Rule]:
    """T3's column equations (schema.t3_equations); its row totals are costed per reading."""
    return [Rule.of(eq) for eq in t3_equations(t3_rows(layout, single_other)) if eq.family != "t3_row_total"]


@dataclass
class _T3Rows:
    """T3's rows ready for the solver."""

    choices: list[RowChoice] = field(default_factory=list)
    runs: dict[str, RowRun] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    incomplete: set[str] = field(default_factory=set)  # rows whose readings could not all be listed
    messages: list[Message] = field(default_factory=list)


def _lost_cost(runs: list[RowRun], shape: RowShape, style: str) -> int:
    if style == MERGED:
        return EXTRA_COST
    return W_LOST_BLANKS_SEEN if _drops_empty_cells(runs, shape, style) else W_LOST_BLANKS


def _empty_row(run: RowRun, shape: RowShape) -> Split:
    """A row label printed with no figure after it, before the next label: a row of empty cells."""
    return tuple(Piece(0, run.label_end, run.label_end, "", blank=True) for _ in shape.columns)


def _t3_rows(ctx: _Context, runs: list[RowRun], style: str, exhaustive: bool) -> _T3Rows:
    out = _T3Rows()
    lost_cost = _lost_cost(runs, T3_SHAPE, style)
    empty = [_label(ctx.text, run) for run in runs if not run.variants]
    if empty and len(empty) < len(runs):
        out.messages.append(Message(
            "info", "table-empty-rows",
            f"T3 rows printed with no figures (empty cells, read as 0): {', '.join(empty)}."))
    for run in runs:
        label = _label(ctx.text, run)
        if not run.variants:
            if len(empty) < len(runs):
                out.choices.append(RowChoice(run.row, T3_COLUMNS, [_empty_row(run, T3_SHAPE)], [0], [0.0]))
                out.runs[run.row] = run
            continue
        splits, costs, priors, complete = _candidates(run, T3_SHAPE, style, lost_cost, exhaustive)
        if not splits:
            out.messages.append(Message(
                "warning", "flattened-unreadable",
                f"T3 row {label}: '{_show_run(run)}' cannot be read as {len(T3_COLUMNS)} figures; "
                "the row is left out, check it in the source.",
            ))
            out.unreadable.append(run.row)
            continue
        if not complete:
            out.incomplete.add(run.row)
            out.messages.append(Message(
                "warning", "flattened-many",
                f"T3 row {label}: '{_show_run(run)}' has too many readings to list them all; its figures are not certain.",
            ))
        out.choices.append(RowChoice(run.row, T3_COLUMNS, splits, costs, priors))
        out.runs[run.row] = run
    return out


def _decode_t3(ctx: _Context, region: tuple[int, int], style: str, hints: list[Hint]) -> None:
    start, end = region
    found = find_labels(ctx.text, t3_labels(ctx.layout, ctx.single_other), start, end)
    runs = row_runs(ctx.text, "T3", found, end)
    _warn_labels(ctx, "T3", runs)
    rules = _t3_rules(ctx.layout, ctx.single_other)
    deadline = ctx.deadline()
    rows = _t3_rows(ctx, runs, style, exhaustive=False)
    sol = solve_joint(rows.choices, rules, hints, rows.unreadable, deadline=deadline) if rows.choices else Solution()
    if style == GLUED and sol.picks and _breaks_rules(sol, rows) and not sol.timed_out:
        # The table does not add up as read: look again at every reading before deciding
        # whether it was printed wrong, so no pruned reading that fits is missed.
        wide = _t3_rows(ctx, runs, style, exhaustive=True)
        start_from = {c.row: _split_key(c.splits[sol.picks[0][c.row]]) for c in rows.choices}
        wide_sol = solve_joint(wide.choices, rules, hints, wide.unreadable, start=start_from, deadline=deadline)
        if wide_sol.picks and not wide_sol.timed_out:
            rows, sol = wide, wide_sol
        else:
            ctx.warn(
                "flattened-unchecked",
                "T3 does not add up as read and the search over every reading did not finish in time; "
                "the figures are the first reading's and not certain, check them against the source.",
            )
            sol.timed_out = True
    ctx.result.messages.extend(rows.messages)
    rows_of_layout = t3_rows(ctx.layout, ctx.single_other)
    table = CanonicalTable("T3", ctx.layout, method="flattened")
    table.missing_rows = [r.key for r in rows_of_layout if r.key not in rows.runs]
    if table.missing_rows:
        ctx.warn(
            "flattened-missing-rows",
            f"T3 rows without readable figures: {', '.join(table.missing_rows)}; "
            "absent rows count as 0 when the other rows are decoded.",
        )
    if not rows.choices:
        if runs and all(not r.variants for r in runs):
            ctx.result.unprinted.append("T3")
            ctx.warn("flattened-no-figures", "T3: its row labels are printed but no figures after them; T3 is not checked.")
        return
    if not sol.picks:
        if sol.timed_out:
            ctx.warn("flattened-time-budget",
                     f"T3: the search for the readings that fit stopped at its time budget ({ctx.seconds:g} s) before "
                     "finding one; T3 is not read (raise [tables] decode_seconds to search longer).")
        else:
            ctx.warn("flattened-unsolved", "T3 could not be decoded (the solver found no reading); check the table text.")
        return
    _report_assumptions(ctx, "T3", rows.choices, sol, rows.runs, style)
    row_totals = [c.row for c in rows.choices if group_violations(c.splits[sol.picks[0][c.row]], T3_SHAPE)]
    sol.broken = [f"t3_row_total {row}" for row in row_totals] + sol.broken
    _report_solution(ctx, "T3", sol, rows.choices, rows.runs)
    confidence = _table_confidence(sol)
    for choice in rows.choices:
        _emit_row(
            ctx, table, rows.runs[choice.row], T3_COLUMNS, lambda c, r=choice.row: f"{r}.{c}",
            _row_options(choice, sol), confidence, certain=choice.row not in rows.incomplete and not sol.timed_out,
        )
    if sol.broken and not sol.timed_out and style != GLUED:
        proof_deadline = ctx.deadline()
        readings = _every_reading(runs, rows, T3_SHAPE, style, may_merge(ctx.text), proof_deadline)
        equations = t3_equations(t3_rows(ctx.layout, ctx.single_other))
        table.proven_breaks = _proven(equations, readings, _t3_cell, proof_deadline)
    ctx.result.tables["T3"] = table


def _proven(equations, readings: dict[str, list[Split]], locate, deadline: float) -> list[ProvenBreak]:
    """The equations no reading satisfies; if each holds in some reading, a set of them that
    no reading satisfies together."""
    alone = prove_breaks(equations, readings, locate)
    if alone:
        return alone
    together = prove_together(equations, readings, locate, deadline)
    return [together] if together is not None else []


def _t3_cell(ref: str) -> tuple[str, int]:
    row, _, col = ref.partition(".")[2].rpartition(".")
    return row, T3_COLUMNS.index(col)


def _every_reading(
    runs: list[RowRun], rows: _T3Rows | None, shape: RowShape, style: str, merged: bool, deadline: float
) -> dict[str, list[Split]]:
    """Every reading of each row whose readings can all be listed within the time budget (the
    rows left out leave their equations unproved).  Only line styles: a glued run's readings
    with lost blanks are listed only when they keep the row's total.  A line may stand for
    several equal cells unless the text rules merging out (a line repeats the one before it):
    the text looking merged is only a likelihood, so what is proved must hold either way
    (``merged``: the text may merge lines, ``tokens.may_merge``)."""
    out: dict[str, list[Split]] = {}
    for run in runs:
        if time.monotonic() >= deadline:
            break  # out of time: the rows not listed prove nothing
        if not run.variants:
            if rows is not None and run.row in rows.runs:
                out[run.row] = [_empty_row(run, shape)]
            continue
        if rows is not None and run.row in rows.unreadable:
            continue
        splits: list[Split] = []
        complete = True
        for body, start in run.variants:
            got, done = every_line_reading(_tokens(body, start, shape, style), shape, merged=merged)
            splits += got
            complete = complete and done
        if complete and splits:
            out[run.row] = splits
    return out


def _report_assumptions(
    ctx: _Context, name: str, choices: list[RowChoice], sol: Solution, runs: dict[str, RowRun], style: str
) -> None:
    """Say which rows the best reading fills in beyond what is printed (empty cells that left no
    trace, merged repeats of a non-zero figure, a number split over two lines)."""
    first = sol.picks[0]
    for c in choices:
        if not runs[c.row].variants:
            continue  # a row printed empty: said once for the table
        options = _row_options(c, sol)
        split = options[0]
        lost = [col for col, p in zip(c.columns, split) if p.blank and not p.raw]
        if len(options) > 1:
            continue  # reported as ambiguous
        if lost and style != MERGED:
            ctx.warn(
                "flattened-lost-blanks",
                f"{name} row {_label(ctx.text, runs[c.row])}: '{_show_run(runs[c.row])}' has fewer figures than "
                f"columns; read with empty (0) cells in {', '.join(lost)}, "
                "which is what the rest of the table implies.",
            )
        elif c.costs[first[c.row]] and style == MERGED and not sol.broken:
            ctx.info(
                "text-merged-row",
                f"{name} row {_label(ctx.text, runs[c.row])}: '{_show_run(runs[c.row])}' read as {_show(split)} "
                "(merged repeats, unprinted cells or a number split over two lines), the one reading the table's "
                "arithmetic allows.",
            )


def _split_key(split: Split) -> tuple[tuple[int, int, int | float], ...]:
    return tuple((p.start, p.end, p.value) for p in split)


def _breaks_rules(sol: Solution, rows: _T3Rows) -> bool:
    """Does the best decoding break a table rule, or rest on a reading the fast pass priced as a guess?"""
    first = sol.picks[0]
    return bool(sol.broken) or any(c.costs[first[c.row]] for c in rows.choices)


def _row_options(choice: RowChoice, sol: Solution) -> list[Split]:
    """The row's readings used by the best decodings, most plausible first."""
    ks = sorted({p[choice.row] for p in sol.picks}, key=choice.prior)
    return _distinct([choice.splits[k] for k in ks])


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
    if sol.timed_out:
        ctx.warn(
            "flattened-time-budget",
            f"{name}: the search for the readings that fit stopped at its time budget ({ctx.seconds:g} s); the cells it "
            "did not prove are left uncertain (raise [tables] decode_seconds to search longer).",
        )
    elif not sol.complete:
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


def _decode_t4(ctx: _Context, region: tuple[int, int], style: str, hints: list[Hint]) -> None:
    start, end = region
    got = first_run(ctx.text, start, end, decimal=False)
    if not got:
        ctx.warn("flattened-no-figures", "T4: its header is printed but no figures after it; T4 is not checked.")
        ctx.result.unprinted.append("T4")
        return
    run = RowRun("T4", "row", start, got[1], [got])
    hints = [Hint(tuple(f"T4.{c}" for c in h.cells), h.value, h.text) for h in hints]
    lost_cost = _lost_cost([run], T4_SHAPE, style)
    picked = _pick_t4(run, style, hints, lost_cost, exhaustive=False)
    if style == GLUED and (picked is None or _t4_broken(picked[1][0])):
        # The group totals do not hold as read: list every reading before deciding it was printed so.
        picked = _pick_t4(run, style, hints, lost_cost, exhaustive=True) or picked
    if picked is None:
        ctx.warn("flattened-unreadable", f"T4: '{_show_run(run)}' cannot be read as {len(T4_SHAPE.columns)} figures.")
        return
    choice, chosen, sol, complete = picked
    if not complete:
        ctx.warn(
            "flattened-many", f"T4: '{_show_run(run)}' has too many readings to list them all; its figures are not certain."
        )
    _report_assumptions(ctx, "T4", [choice], sol, {"T4": run}, style)
    _report_solution(ctx, "T4", sol, [choice], {"T4": run})
    table = CanonicalTable("T4", ctx.layout, method="flattened")
    _emit_row(ctx, table, run, T4_SHAPE.columns, lambda c: c, chosen, _table_confidence(sol), certain=complete)
    if sol.broken and style != GLUED:
        proof_deadline = ctx.deadline()
        readings = _every_reading([run], None, T4_SHAPE, style, may_merge(ctx.text), proof_deadline)
        table.proven_breaks = _proven(t4_equations(), readings,
                                      lambda ref: ("T4", T4_SHAPE.columns.index(ref.partition(".")[2])), proof_deadline)
        if not table.proven_breaks and "T4" not in readings and time.monotonic() < proof_deadline:
            table.proven_breaks = _t4_groups_never_kept(ctx, run)
    ctx.result.tables["T4"] = table


def _t4_groups_never_kept(ctx: _Context, run: RowRun) -> list[ProvenBreak]:
    """T4's line has too many readings to list them all: the fewest groups whose totals no
    reading keeps together, searched group set by group set (the walk prunes as a group closes)."""
    tokens = [_tokens(body, start, T4_SHAPE, LINES) for body, start in run.variants]
    merged = may_merge(ctx.text)
    equations = {eq.where: eq for eq in t4_equations()}
    for size in range(1, len(T4_GROUPS) + 1):
        for groups in combinations(range(len(T4_GROUPS)), size):
            shape = RowShape(T4_SHAPE.columns, T4_SHAPE.kinds, tuple(T4_SHAPE.groups[g] for g in groups))
            verdicts = [keeps_group_totals(t, shape, merged=merged) for t in tokens]
            if any(v is None for v in verdicts):
                return []  # could not try every reading: nothing is proved
            if not any(verdicts):
                named, *others = (equations[T4_GROUPS[g]] for g in groups)
                return [ProvenBreak(
                    family=named.family, where=named.where, lhs=list(named.lhs), rhs=list(named.rhs),
                    total=named.total,
                    others=[{"family": e.family, "where": e.where, "lhs": list(e.lhs), "rhs": list(e.rhs),
                             "total": e.total} for e in others],
                )]
    return []


def _t4_broken(split: Split) -> list[str]:
    return [
        f"t4_group_total {T4_GROUPS[i]}"
        for i, (a, b) in enumerate(T4_SHAPE.groups)
        if sum(p.value for p in split[a:b]) != split[b].value
    ]


def _pick_t4(
    run: RowRun, style: str, hints: list[Hint], lost_cost: int, exhaustive: bool
) -> tuple[RowChoice, list[Split], Solution, bool] | None:
    """The best readings of the T4 row (one row: no solver needed, every candidate is scored)."""
    splits, costs, priors, complete = _candidates(run, T4_SHAPE, style, lost_cost, exhaustive=exhaustive)
    if not splits:
        return None
    choice = RowChoice("T4", T4_SHAPE.columns, splits, costs, priors)
    winners, cost, tie_without = score_row(choice, hints)
    chosen = _distinct([splits[k] for k in winners])
    sol = Solution(
        picks=[{"T4": k} for k in winners],
        cost=cost,
        broken=_t4_broken(chosen[0]),
        hints_used=hints if len(tie_without) > len(winners) else [],
    )
    return choice, chosen, sol, complete


# ---------------------------------------------------------------- T2

# Column headers of the 2019 T2 blocks, for agencies that print only some of the columns.
_T2_2019_HEADERS = {
    "previous": r"上一年项目数量|\d{4}年(?:度)?项目数量|上年项目数量",
    "change": r"本年增\s*/?\s*减|增\s*/\s*减|增减",
    "decisions": r"处理决定数量",
}


def _t2_row_cost(row: str, columns: tuple[str, ...], split: Split) -> int:
    """Near-definitional relations inside a T2 row (the only arithmetic T2 has)."""
    values = dict(zip(columns, (p.value for p in split)))
    if row in ("regulations", "normative_docs"):
        if values.get("new_published", 0) > values.get("total_published", float("inf")):  # 本年新公开 ≤ 对外公开总数量
            return W_COLUMN
        if values.get("issued", 0) > values.get("in_force", float("inf")):  # 本年制发 ≤ 现行有效
            return W_COLUMN
    return 0


def _t2_columns(ctx: _Context, found: list[FoundLabel], run: RowRun) -> tuple[str, ...]:
    """The columns a T2 row prints: the layout's, less those its 2019 block header leaves out
    (some agencies drop 本年增/减, or print 2019年项目数量 for 上一年项目数量)."""
    columns = t2_rows_for(ctx.layout)[run.row]
    if ctx.layout != "2019" or not set(columns) <= set(_T2_2019_HEADERS):
        return columns
    label_at = run.anchor_start if run.anchor_start is not None else run.label_start
    stops = [f for f in found if not f.spec.key and f.anchor_start < label_at]
    if not stops:
        return columns
    header = re.sub(r"\s", "", ctx.text[stops[-1].anchor_end : label_at])
    printed = tuple(c for c in columns if re.search(_T2_2019_HEADERS[c], header))
    return printed if printed and len(printed) < len(columns) else columns


def _decode_t2(ctx: _Context, region: tuple[int, int], style: str, hints: list[Hint]) -> None:
    start, end = region
    found = find_labels(ctx.text, t2_labels(ctx.layout), start, end, stops=T2_BLOCK)
    runs = row_runs(ctx.text, "T2", found, end, decimal=True)
    table = CanonicalTable("T2", ctx.layout, method="flattened")
    dropped: dict[str, tuple[str, ...]] = {}
    for run in runs:
        columns = _t2_columns(ctx, found, run)
        full = t2_rows_for(ctx.layout)[run.row]
        if columns != full:
            dropped[run.row] = tuple(c for c in full if c not in columns)
        shape = t2_shape(run.row, ctx.layout, columns)
        if not run.variants:
            if any(r.variants for r in runs):  # a row of empty cells among printed ones
                _emit_row(ctx, table, run, shape.columns, lambda c, r=run.row: f"{r}.{c}", [_empty_row(run, shape)], 1.0)
            continue
        lost_cost = EXTRA_COST if style == MERGED else W_LOST_BLANKS_SEEN
        splits, _costs, priors, complete = _candidates(run, shape, style, lost_cost)
        if not splits:
            ctx.warn(
                "flattened-unreadable",
                f"T2 row {_label(ctx.text, run)}: '{_show_run(run)}' cannot be read as {len(shape.columns)} figures; "
                "check it in the source.",
            )
            continue
        costs = [c + _t2_row_cost(run.row, shape.columns, s) for c, s in zip(_costs, splits)]
        choice = RowChoice(run.row, shape.columns, splits, costs, priors)
        winners, cost, tie_without = score_row(choice, hints, magnitude_prior if style == GLUED else None)
        chosen = _distinct([splits[k] for k in winners])
        if len(chosen) > 1:
            shown = " / ".join(_show(s) for s in chosen[:5]) + (" / …" if len(chosen) > 5 else "")
            reason = ("T2 has no totals to decide" if style == GLUED else
                      "a printed line may stand for several cells, and T2 has no totals to decide")
            ctx.warn(
                "flattened-ambiguous",
                f"T2 row {_label(ctx.text, run)}: '{_show_run(run)}' reads {len(chosen)} ways as "
                f"{len(shape.columns)} figures ({reason}: {shown}); {_UNSETTLED[ctx.guess]}",
            )
        sol = Solution(hints_used=hints if len(tie_without) > len(winners) else [])
        _emit_row(
            ctx, table, run, shape.columns, lambda c, r=run.row: f"{r}.{c}", chosen, _table_confidence(sol),
            certain=complete,
        )
    by_columns: dict[tuple[str, ...], list[str]] = {}
    for row, cols in dropped.items():
        by_columns.setdefault(cols, []).append(T2_ROW_LABELS.get(row, row))
    for cols, rows in by_columns.items():
        names = "、".join(T2_COLUMN_LABELS.get(c, c) for c in cols)
        ctx.warn("t2-columns-not-printed",
                 f"T2: the report's block headers do not print 「{names}」 for {'、'.join(rows)}; "
                 "those figures are absent, not 0.")
    present = {r.row for r in runs}
    table.missing_rows = [r for r in t2_rows_for(ctx.layout) if r not in present]
    table.missing_columns = sorted({f"{row}.{c}" for row, cols in dropped.items() for c in cols})
    if table.figures:
        ctx.result.tables["T2"] = table
    elif runs and all(not r.variants for r in runs):
        ctx.result.unprinted.append("T2")


__all__ = ["TextDecoding", "decode_text_tables", "looks_like_text_tables", "LINES", "MERGED", "GLUED"]
