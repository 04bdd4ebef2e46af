"""Borderless tables read from character positions (no rules to follow).

camelot's ``network``/``stream`` parsers split the standard tables' wrapped
labels into extra rows and glue neighbouring figure columns (measured on the
synthetic borderless set: 51–77 % of cells right), so borderless statistics
tables are read here from pdfium's characters instead:

1. figure tokens (runs of digits, "-", "/", "—" set apart from text) give the
   figure columns (clustered by x) and the data rows (one per printed line of
   figures);
2. label text left of the first figure column attaches to the data row whose
   figure line is vertically nearest (wrapped labels are centred on their row),
   one label cell per label column (group labels such as （三）不予公开 keep
   their own cell);
3. lines without figures that print text over the figure columns are header
   rows (第二十条第（五）项, 本年处理决定数量, 自然人 …) and stay rows of their own.

The result is RawTables like camelot's, so joining and grids work the same.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from .pdf_tables import RawCell, RawTable
from .pdf_text import PART_HEADING, Char, Line, PageText, group_lines

_FIGURE_CHARS = set("0123456789.,，-—–/％%")
_FIGURE = re.compile(r"^(-?\d[\d,，]*(\.\d+)?%?|[-—–/]|无)$")


@dataclass
class Token:
    chars: list[Char]
    text: str

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def is_figure(self) -> bool:
        return bool(_FIGURE.match(self.text))


def _tokens(line: Line) -> list[Token]:
    """Split a printed line into tokens at gaps wider than half a character, and
    between a figure and text that touch only by a normal gap (split_text)."""
    chars = sorted(line.chars, key=lambda c: c.x0)
    out: list[list[Char]] = [[chars[0]]]
    for prev, c in zip(chars, chars[1:]):
        gap = c.x0 - prev.x1
        size = max(prev.size, c.size, 1.0)
        kind_change = (prev.text in _FIGURE_CHARS) != (c.text in _FIGURE_CHARS)
        if gap > 0.5 * size or (kind_change and gap > 0.25 * size):
            out.append([])
        out[-1].append(c)
    return [Token(cs, "".join(c.text for c in cs)) for cs in out]


def _is_prose(line: Line, body_width: float) -> bool:
    """A paragraph or heading line, never part of a table."""
    text = line.text.strip()
    if line.x1 - line.x0 > 0.75 * body_width:
        return True
    return bool(PART_HEADING.match(text) and re.search(r"情况|事项|问题", text) and not re.search(r"\d", text))


def read_borderless(page: PageText, body_width: float) -> list[RawTable]:
    """The figure tables of a page without rules."""
    rows = group_lines([c for c in page.chars], page.number, split_gap=1e9)
    tables: list[RawTable] = []
    run: list[Line] = []
    for line in rows + [None]:
        if line is not None and not _is_prose(line, body_width):
            run.append(line)
            continue
        table = _table_from_rows(run, page)
        if table is not None:
            tables.append(table)
        run = []
    return tables


def _cluster_columns(tokens: list[Token], size: float) -> list[list[float]]:
    """Figure columns as [x0, x1] ranges, from overlapping figure tokens."""
    cols: list[list[float]] = []
    for t in sorted(tokens, key=lambda t: t.x0):
        if cols and t.x0 <= cols[-1][1] + 0.3 * size:
            cols[-1][1] = max(cols[-1][1], t.x1)
        else:
            cols.append([t.x0, t.x1])
    return cols


def _table_from_rows(lines: list[Line], page: PageText) -> RawTable | None:
    line_tokens = [(ln, _tokens(ln)) for ln in lines]
    figure_rows = [(ln, toks) for ln, toks in line_tokens if sum(t.is_figure for t in toks) >= 1 and any(
        t.is_figure and re.search(r"\d", t.text) for t in toks)]
    if len(figure_rows) < 2 and not any(sum(t.is_figure for t in toks) >= 5 for _, toks in figure_rows):
        return None
    size = statistics.median(c.size for ln in lines for c in ln.chars)
    label_edge = _label_edge(figure_rows, size)
    figures = [t for _, toks in figure_rows for t in toks if t.is_figure and t.x0 >= label_edge]
    if not figures:
        return None
    cols = _cluster_columns(figures, size)
    data = [ln for ln, toks in figure_rows if any(t.is_figure and t.x0 >= label_edge for t in toks)]
    data_mids = [statistics.median(c.top + (c.bottom - c.top) / 2 for c in ln.chars) for ln in data]
    first_data_top = min(ln.top for ln in data)
    header_lines: list[tuple[Line, list[Token]]] = []
    attached: dict[int, list[Token]] = {i: [] for i in range(len(data))}
    for ln, toks in line_tokens:
        if ln in data:
            i = data.index(ln)
            attached[i] += toks
            continue
        over_figures = any(t.x1 > label_edge + size for t in toks)
        if over_figures or ln.bottom < first_data_top - 0.2 * size:
            header_lines.append((ln, toks))
            continue
        mid = (ln.top + ln.bottom) / 2
        i = min(range(len(data)), key=lambda k: abs(data_mids[k] - mid))
        attached[i] += toks
    cells: list[RawCell] = []
    for ln, toks in header_lines:
        cells += _row_cells(toks, cols, label_edge, ln.top, ln.bottom, page.number, size)
    for i, ln in enumerate(data):
        toks = attached[i]
        top = min(t.top for t in toks)
        bottom = max(t.bottom for t in toks)
        cells += _row_cells(toks, cols, label_edge, top, bottom, page.number, size, data_row=True)
    x0 = min(c.x0 for c in cells)
    x1 = max(c.x1 for c in cells)
    top = min(c.top for c in cells)
    bottom = max(c.bottom for c in cells)
    return RawTable([cells], [page.number], [(x0, top, x1, bottom)], "text")


def _label_edge(figure_rows, size: float) -> float:
    """The x where figure columns begin: the leftmost figure that is not an item
    number glued to a label ("1.属于国家秘密" keeps its "1.")."""
    xs = []
    for _, toks in figure_rows:
        for i, t in enumerate(toks):
            if t.is_figure and not (i + 1 < len(toks) and not toks[i + 1].is_figure and toks[i + 1].x0 - t.x1 < 0.5 * size):
                xs.append(t.x0)
                break
    if not xs:
        return 0.0
    # The figure columns start where most figure rows start theirs (labels may hold stray digits).
    xs.sort()
    return statistics.median_low(xs) if len(xs) < 3 else xs[len(xs) // 4] - 0.5 * size


def _row_cells(toks: list[Token], cols: list[list[float]], label_edge: float, top: float, bottom: float,
               page: int, size: float, data_row: bool = False) -> list[RawCell]:
    """One printed row: label cells (one per label column) and one cell per figure column."""
    labels = sorted((t for t in toks if t.x1 <= label_edge + 0.3 * size or (t.x0 < label_edge and not t.is_figure)),
                    key=lambda t: t.x0)
    rest = [t for t in toks if t not in labels]
    out: list[RawCell] = []
    groups: list[list[Token]] = []
    for t in labels:  # label columns: tokens starting at about the same x, or overlapping
        for g in groups:
            if abs(g[0].x0 - t.x0) < 1.5 * size or (t.x0 < max(x.x1 for x in g) and t.x1 > g[0].x0):
                g.append(t)
                break
        else:
            groups.append([t])
    for g in groups:
        g.sort(key=lambda t: (round(t.mid_y / (0.6 * size)), t.x0))
        out.append(RawCell(min(t.x0 for t in g), top, min(max(t.x1 for t in g), label_edge), bottom,
                           "".join(t.text for t in g), page))
    for x0, x1 in cols:
        inside = [t for t in rest if t.x0 < x1 + 0.3 * size and t.x1 > x0 - 0.3 * size]
        if inside or data_row:
            out.append(RawCell(x0, top, x1, bottom, "".join(t.text for t in sorted(inside, key=lambda t: (t.top, t.x0))), page))
        for t in inside:
            rest.remove(t)
    for t in rest:  # header text over several figure columns (merged header cells)
        out.append(RawCell(t.x0, top, t.x1, bottom, t.text, page))
    return out
