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
# Header lines of the standard tables that may sit inside the label column's span.
_HEADER_TEXT = re.compile(r"^\s*(第二十条|信息内容|申请人情况)")
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
    chars = sorted(line.chars, key=lambda c: c.x0)
    widest_gap = max((b.x0 - a.x1 for a, b in zip(chars, chars[1:])), default=0.0)
    if sum(t.is_figure for t in _tokens(line)) >= 3:
        return False
    if line.x1 - line.x0 > 0.75 * body_width and widest_gap < 0.8 * line.size:
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


def _figure_columns(figure_rows: list[list[Token]], size: float) -> list[list[float]]:
    """Figure columns as [x0, x1] ranges, from the rows printing the most figures
    (a figure centred under a spanning header must not merge two columns)."""
    most = max(len(r) for r in figure_rows)
    full = [t for r in figure_rows if len(r) == most for t in r]
    cols: list[list[float]] = []
    for t in sorted(full, key=lambda t: t.x0):
        if cols and t.x0 <= cols[-1][1] + 0.3 * size:
            cols[-1][1] = max(cols[-1][1], t.x1)
        else:
            cols.append([t.x0, t.x1])
    return cols


def _column_of(t: Token, cols: list[list[float]]) -> int:
    """The figure column a token belongs to: the one containing its centre, else the
    nearest one to its left (a figure centred over two spanned columns takes the first)."""
    mid = (t.x0 + t.x1) / 2
    for i, (x0, x1) in enumerate(cols):
        if x0 - 1 <= mid <= x1 + 1:
            return i
    left = [i for i, (x0, _) in enumerate(cols) if x0 < mid]
    return left[-1] if left else 0


def _table_from_rows(lines: list[Line], page: PageText) -> RawTable | None:
    line_tokens = [(ln, _tokens(ln)) for ln in lines]
    if not line_tokens:
        return None
    size = statistics.median(c.size for ln in lines for c in ln.chars)
    label_edge = _label_edge([toks for _, toks in line_tokens], size)
    figures_of = {id(ln): [t for t in toks if t.is_figure and t.x0 >= label_edge] for ln, toks in line_tokens}
    data = [ln for ln, _ in line_tokens if any(re.search(r"\d", t.text) for t in figures_of[id(ln)])]
    if len(data) < 2 and not any(len(figures_of[id(ln)]) >= 5 for ln in data):
        return None
    cols = _figure_columns([figures_of[id(ln)] for ln in data], size)
    data_mids = [(ln.top + ln.bottom) / 2 for ln in data]
    first_data_top = min(ln.top for ln in data)
    rows: list[tuple[float, list[Token], bool]] = []  # (y, tokens, is data row)
    attached: dict[int, list[Token]] = {i: [] for i in range(len(data))}
    for ln, toks in line_tokens:
        if ln in data:
            attached[data.index(ln)] += toks
            continue
        over_figures = any(t.x1 > label_edge + size for t in toks)
        if over_figures or _HEADER_TEXT.match(ln.text) or ln.bottom < first_data_top - 0.2 * size:
            rows.append((ln.top, toks, False))
            continue
        mid = (ln.top + ln.bottom) / 2
        attached[min(range(len(data)), key=lambda k: abs(data_mids[k] - mid))] += toks
    rows += [(data[i].top, toks, True) for i, toks in attached.items()]
    rows.sort(key=lambda r: r[0])
    laid = [_lay_row(toks, cols, label_edge, size) for _, toks, _ in rows]
    n_labels = max(len(labels) for labels, _ in laid)
    cells: list[RawCell] = []
    for r, ((_, toks, is_data), (labels, figures)) in enumerate(zip(rows, laid)):
        top, bottom = min(t.top for t in toks), max(t.bottom for t in toks)
        for k, group in enumerate(labels):  # right-aligned against the figure columns
            cells.append(RawCell(min(t.x0 for t in group), top, max(t.x1 for t in group), bottom,
                                 _join(group, size), page.number, (r, n_labels - len(labels) + k)))
        for c, (x0, x1) in enumerate(cols):
            group = figures.get(c, [])
            if group or is_data:
                cells.append(RawCell(x0, top, x1, bottom, _join(group, size), page.number, (r, n_labels + c)))
    box = (min(c.x0 for c in cells), min(c.top for c in cells), max(c.x1 for c in cells), max(c.bottom for c in cells))
    return RawTable([cells], [page.number], [box], "text", [n_labels])


def _join(tokens: list[Token], size: float) -> str:
    """Tokens of one cell in reading order: line by line, left to right."""
    ordered = sorted(tokens, key=lambda t: (round(t.mid_y / (0.6 * size)), t.x0))
    return "".join(t.text for t in ordered)


def _label_edge(rows: list[list[Token]], size: float) -> float:
    """The x where the figure columns begin: where most rows print their first
    figure (an item number glued to a label, "1.属于国家秘密", is not one)."""
    xs = []
    for toks in rows:
        for i, t in enumerate(toks):
            glued = i + 1 < len(toks) and not toks[i + 1].is_figure and toks[i + 1].x0 - t.x1 < 0.5 * size
            if t.is_figure and re.search(r"\d", t.text) and not glued:
                xs.append(t.x0)
                break
    if not xs:
        return float("inf")
    xs.sort()
    return xs[len(xs) // 4] - 0.5 * size


def _lay_row(toks: list[Token], cols: list[list[float]], label_edge: float, size: float
             ) -> tuple[list[list[Token]], dict[int, list[Token]]]:
    """A row's label columns (groups of tokens, left to right) and its figure-column tokens."""
    labels = sorted((t for t in toks if t.x0 < label_edge), key=lambda t: t.x0)
    figures: dict[int, list[Token]] = {}
    for t in toks:
        if t.x0 >= label_edge:
            figures.setdefault(_column_of(t, cols), []).append(t)
    phrases: list[Token] = []
    for t in labels:  # words of one label printed with a wide gap ("（一）  予以公开") form one phrase
        prev = next((p for p in reversed(phrases) if abs(p.mid_y - t.mid_y) < 0.5 * size), None)
        if prev is not None and 0 <= t.x0 - prev.x1 < 1.2 * size:
            phrases[phrases.index(prev)] = Token(prev.chars + t.chars, prev.text + t.text)
        else:
            phrases.append(t)
    groups: list[list[Token]] = []
    for t in sorted(phrases, key=lambda t: t.x0):  # label columns: same start, or overlapping
        for g in groups:
            if abs(g[0].x0 - t.x0) < 1.5 * size or (t.x0 < max(x.x1 for x in g) and t.x1 > g[0].x0):
                g.append(t)
                break
        else:
            groups.append([t])
    return groups, figures
