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

from .pdf_raw import RawCell, RawTable
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
    def start(self) -> float:
        """Where the text starts by advance (a full-width "（" inks well right of its start)."""
        first = min(self.chars, key=lambda c: c.x0)
        return first.adv_x0 if first.adv_x0 is not None else first.x0

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
        # Gaps between advances, not ink: "（一）予以公开" has no gap, a column break has the padding.
        gap = (c.adv_x0 if c.adv_x0 is not None else c.x0) - (prev.adv_x1 if prev.adv_x1 is not None else prev.x1)
        size = max(prev.size, c.size, 1.0)
        kind_change = (prev.text in _FIGURE_CHARS) != (c.text in _FIGURE_CHARS)
        item_number = bool(re.fullmatch(r"\d{1,2}[.．、]", "".join(x.text for x in out[-1])))  # "8." of "8.属于…"
        if gap > 0.3 * size or (kind_change and gap > 0.15 * size and not item_number):
            out.append([])
        out[-1].append(c)
    return [Token(cs, "".join(c.text for c in cs)) for cs in out]


def _is_prose(line: Line, body_width: float) -> bool:
    """A paragraph or heading line, never part of a table."""
    text = line.text.strip()
    chars = sorted(line.chars, key=lambda c: c.x0)
    widest_gap = max((b.x0 - a.x1 for a, b in zip(chars, chars[1:])), default=0.0)
    tokens = _tokens(line)
    if sum(t.is_figure for t in tokens) >= 3:
        return False
    if line.x1 - line.x0 > 0.75 * body_width and (
        widest_gap < 0.8 * line.size  # running text
        or (len(tokens) <= 3 and not any(t.is_figure for t in tokens) and widest_gap < 3 * line.size)  # justified wide
    ):
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


_ITEM = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、])")


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
    first_data_top = min(ln.top for ln in data)
    header_rows: list[list[Token]] = []
    label_tokens: list[Token] = []
    data_figures: list[list[Token]] = [[] for _ in data]
    for ln, toks in line_tokens:
        if ln in data:
            data_figures[data.index(ln)] = [t for t in toks if t.x0 >= label_edge]
            label_tokens += [t for t in toks if t.x0 < label_edge]
        elif any(t.x1 > label_edge + size for t in toks) or _HEADER_TEXT.match(ln.text) or (
                ln.bottom < first_data_top - 0.2 * size and not _ITEM.match(ln.text.strip())):
            header_rows.append(toks)  # (a numbered label line just above the first figures is a label)
        else:
            label_tokens += toks
    starts = _label_starts(label_tokens, size)
    label_tokens = [part for t in label_tokens for part in _split_at_starts(t, starts, size)]
    data_labels: list[dict[int, list[Token]]] = [{} for _ in data]
    rows: list[tuple[float, dict[int, list[Token]], dict[int, list[Token]], bool]] = []
    last_bottom = max(ln.bottom for ln in data)
    for k in range(len(starts)):
        column = [t for t in label_tokens if _label_column(t, starts, size) == k]
        for cell in _label_cells(column, data, size):
            if cell[0].top > last_bottom and _ITEM.match(cell[0].text):
                # a row cut by the page break: its label starts here, its figures are on the next page
                rows.append((cell[0].top, {k: cell}, {}, False))
                continue
            data_labels[_owner(cell, data)].setdefault(k, []).extend(cell)
    for toks in header_rows:
        labels: dict[int, list[Token]] = {}
        for t in toks:
            if t.x0 < label_edge:
                labels.setdefault(_label_column(t, starts, size), []).append(t)
        figures: dict[int, list[Token]] = {}
        for t in toks:
            if t.x0 >= label_edge:
                figures.setdefault(_column_of(t, cols), []).append(t)
        rows.append((min(t.top for t in toks), labels, figures, False))
    for i, ln in enumerate(data):
        figures = {}
        for t in data_figures[i]:
            figures.setdefault(_column_of(t, cols), []).append(t)
        rows.append((ln.top, data_labels[i], figures, True))
    rows.sort(key=lambda r: r[0])
    rows = _merge_header_runs(rows)
    n_labels = len(starts)
    cells: list[RawCell] = []
    for r, (_, labels, figures, is_data) in enumerate(rows):
        toks = [t for group in list(labels.values()) + list(figures.values()) for t in group]
        top, bottom = min(t.top for t in toks), max(t.bottom for t in toks)
        for k, group in sorted(labels.items()):
            cells.append(RawCell(min(t.x0 for t in group), top, max(t.x1 for t in group), bottom,
                                 _join(group, size), page.number, (r, k), _conf(group, page)))
        for c, (x0, x1) in enumerate(cols):
            group = figures.get(c, [])
            if group or is_data:
                cells.append(RawCell(x0, top, x1, bottom, _join(group, size), page.number, (r, n_labels + c), _conf(group, page)))
    box = (min(c.x0 for c in cells), min(c.top for c in cells), max(c.x1 for c in cells), max(c.bottom for c in cells))
    return RawTable([cells], [page.number], [box], "text", [n_labels], [list(c) for c in cols])


def _conf(tokens: list[Token], page: PageText) -> float | None:
    """OCR pages: the lowest probability of the cell's characters."""
    if not page.ocr:
        return None
    return min((c.conf for t in tokens for c in t.chars), default=1.0)


def _merge_header_runs(rows):
    """Header lines printed one under another form one header row, each column's text
    joined top to bottom (a narrow header cell wraps 结果维持 into 结/果/维/持)."""
    out = []
    for row in rows:
        if out and not row[3] and not out[-1][3]:
            top, labels, figures, _ = out[-1]
            for k, toks in row[1].items():
                labels.setdefault(k, []).extend(toks)
            for c, toks in row[2].items():
                figures.setdefault(c, []).extend(toks)
            continue
        out.append((row[0], dict(row[1]), dict(row[2]), row[3]))
    return out


def _label_starts(tokens: list[Token], size: float) -> list[float]:
    """Left edges of the label columns: where (left-aligned) label text starts again and again."""
    clusters: list[list[float]] = []
    for x in sorted(t.start for t in tokens):
        if clusters and x - clusters[-1][0] <= 0.6 * size:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    starts = [c[0] for c in clusters if len(c) >= 3]
    return starts or [min((t.x0 for t in tokens), default=0.0)]


def _split_at_starts(t: Token, starts: list[float], size: float) -> list[Token]:
    """Cut a token that runs over the start of the next label column (neighbouring cells
    printed with almost no gap, "三、本年（一）予以公开") at that start, where ink shows a
    gap; an item number alone ("（二）") stays with the text after it."""
    chars = sorted(t.chars, key=lambda c: c.x0)
    for x in starts:
        if not t.x0 + 0.6 * size < x < t.x1 - 0.3 * size:
            continue
        left = [c for c in chars if (c.x0 + c.x1) / 2 < x - 1]
        right = [c for c in chars if (c.x0 + c.x1) / 2 >= x - 1]
        if not left or not right:
            continue
        # Cut where ink shows a gap, or where an item number begins right at the column start.
        gap = right[0].x0 - left[-1].x1
        if gap < 0.3 * size and not (gap > 0 and _ITEM.match("".join(c.text for c in right))):
            continue
        if _ITEM.fullmatch("".join(c.text for c in left)) and not _ITEM.match("".join(c.text for c in right)):
            continue  # "（二）部分公开…" is one label; "（三）" + "1.属于国家秘密" are two
        head = Token(left, "".join(c.text for c in left))
        tail = Token(right, "".join(c.text for c in right))
        return [head] + _split_at_starts(tail, starts, size)
    return [t]


def _label_column(t: Token, starts: list[float], size: float) -> int:
    return max((k for k, x in enumerate(starts) if x <= t.start + 0.6 * size), default=0)


def _overlaps(t: Token, ln: Line) -> bool:
    return t.top < ln.bottom - 1 and t.bottom > ln.top + 1


def _label_cells(tokens: list[Token], data: list[Line], size: float) -> list[list[Token]]:
    """One label column's tokens grouped into cells: a cell goes on over wrapped lines and
    ends where an item number starts a line ("1.", "（二）", "四、"), at a wide vertical gap,
    or where a line sits beside a second data row."""
    cells: list[list[Token]] = []
    last_mid = None
    rows_of_cell: set[int] = set()
    for t in sorted(tokens, key=lambda t: (t.top, t.x0)):
        same_line = last_mid is not None and abs(t.mid_y - last_mid) < 0.5 * size
        beside = {i for i, ln in enumerate(data) if _overlaps(t, ln)}
        new_cell = not cells or (not same_line and (
            _ITEM.match(t.text)
            or t.top - max(x.bottom for x in cells[-1]) > 3 * size  # (line pitch can reach 2.5 sizes)
            or (beside and rows_of_cell and not beside & rows_of_cell)
        ))
        if new_cell:
            cells.append([t])
            rows_of_cell = set(beside)
        else:
            cells[-1].append(t)
            rows_of_cell |= beside
        last_mid = t.mid_y
    return cells


def _owner(cell: list[Token], data: list[Line]) -> int:
    """The data row a label cell belongs to: the one printed beside it (the middle one
    for a label spanning several rows), else the nearest."""
    top, bottom = min(t.top for t in cell), max(t.bottom for t in cell)
    mid = (top + bottom) / 2
    beside = [i for i, ln in enumerate(data) if ln.top < bottom - 1 and ln.bottom > top + 1]
    pool = beside or range(len(data))
    return min(pool, key=lambda i: abs((data[i].top + data[i].bottom) / 2 - mid))


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
    # The leftmost first figure (item numbers glued to labels are already excluded):
    # figures are centred in their column, so a wide one starts left of a narrow one.
    return min(xs) - 0.3 * size
