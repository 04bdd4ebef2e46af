"""Tables of a PDF report, read only on the pages that can hold one.

1. ``table_pages`` picks the pages whose text layer shows the standard tables'
   row labels or column headers in short, cell-like line segments (cheap:
   pdfium text that was read anyway).
2. ``read_tables`` reads those pages: where the page has ruling lines (its vector
   paths, pdf_rules; or, on a scan, the rules found in its image, ocr) the lattice
   cell builder ``read_ruled`` makes the cells, a cell being the grid positions
   between which no rule is drawn; where it has none, the character-position reader
   (pdf_textgrid).  Cell texts come from the page's own characters by position.
3. ``to_grid`` lays the cells onto one grid (spans repeated, ``origin`` False on
   the copies).
4. ``join_continued`` joins a table that ends a page with the table that
   starts the next page (a T3 split across pages), dropping a repeated header.

All boxes here are top-based (x0, top, x1, bottom) in PDF points.
"""

from __future__ import annotations

import bisect
import difflib
import logging
import re
import unicodedata

from ..model import Cell, Provenance
from .charfix import fix_chars
from .pdf_raw import RawCell, RawTable
from .pdf_text import RULED_PATHS, BBox, Char, Line, PageText, group_lines

log = logging.getLogger(__name__)

# Words printed in the standard tables' labels and headers (T2, T3, T4).
TABLE_MARKERS = (
    "第二十条", "信息内容", "本年制发", "现行有效", "处理决定", "行政许可", "行政处罚", "行政强制", "行政事业性收费",
    "规范性文件", "本年新收", "上年结转", "本年度办理结果", "予以公开", "部分公开", "不予公开", "国家秘密",
    "第三方合法权益", "过程性信息", "执法案卷", "无法提供", "不掌握", "另行制作", "不予处理", "信访举报", "重复申请",
    "公开出版物", "大量反复", "其他处理", "逾期不补正", "缴纳费用", "结转下年度", "自然人", "商业企业", "科研机构",
    "社会公益组织", "法律服务机构", "申请人情况", "行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结",
    "未经复议", "复议后起诉", "总计", "本年新制作", "对外公开总数量", "上一年项目数量", "本年增/减", "对外管理服务",
    "政府集中采购", "采购项目数量", "采购总金额",
)
_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(\.\d+)?$")
_CJK_SPACE = re.compile(r"(?<=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])\s+|\s+(?=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])")


def table_pages(pages: list[PageText], lines: list[list[Line]]) -> list[int]:
    """Page numbers whose cell-like line segments carry at least three table markers,
    plus pages with many short numeric segments right after such a page (a continued table)."""
    found: list[int] = []
    for page, page_lines in zip(pages, lines):
        if not page_lines:
            continue
        width = max(ln.x1 for ln in page_lines) - min(ln.x0 for ln in page_lines)
        short = [re.sub(r"\s", "", ln.text) for ln in page_lines if ln.x1 - ln.x0 < 0.6 * width]
        text = "".join(short)
        markers = {m for m in TABLE_MARKERS if m in text}
        if len(markers) >= 3 or (found and found[-1] == page.number - 1 and _opens_with_table(page, page_lines)):
            found.append(page.number)
    return found


def _opens_with_table(page: PageText, lines: list[Line]) -> bool:
    """Whether a page may continue the previous page's table: it draws rules, or its
    first printed row has several cells, mostly figures or a table word."""
    if page.n_paths >= RULED_PATHS:
        return True
    top = min(lines, key=lambda ln: ln.top)
    first_row = [ln for ln in lines if ln.top < top.bottom and ln.bottom > top.top]
    first = re.sub(r"\s", "", "".join(ln.text for ln in first_row))
    return len(first_row) >= 2 or sum(ch.isdigit() for ch in first) >= 0.4 * len(first) or any(m in first for m in TABLE_MARKERS)


def clean_cell_text(text: str) -> str:
    """Cell text as a reader sees it: radicals repaired, wrapped lines joined."""
    parts = [p.strip() for p in fix_chars(text).splitlines() if p.strip()]
    out = ""
    for p in parts:
        if out and re.match(r"[A-Za-z0-9]", out[-1]) and re.match(r"[A-Za-z]", p[0]):
            out += " "
        out += p
    return _CJK_SPACE.sub("", out)


def lattice_cells(col_x: list[float], row_y: list[float], open_right, open_below, page: PageText) -> list[RawCell]:
    """Cells of a ruled grid (column edges ``col_x``, row edges ``row_y``, top-based), the
    grid positions between which no rule is drawn merged into one spanning cell.

    The text comes from the page's characters by position (pdfium's, radicals already
    repaired, or OCR's), so text above or beside the table never leaks into a cell and
    a number printed next to a label keeps its own cell.  A cell read by OCR keeps the
    lowest probability of its characters."""
    n_rows, n_cols = len(row_y) - 1, len(col_x) - 1
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and open_right(r, c):
                union((r, c), (r, c + 1))
            if r + 1 < n_rows and open_below(r, c):
                union((r, c), (r + 1, c))
    members: dict[tuple[int, int], list[Char]] = {}
    for ch in page.chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        if not (col_x[0] <= cx <= col_x[-1] and row_y[0] <= cy <= row_y[-1]):
            continue
        c = min(max(bisect.bisect_right(col_x, cx) - 1, 0), n_cols - 1)
        r = min(max(bisect.bisect_right(row_y, cy) - 1, 0), n_rows - 1)
        members.setdefault(find((r, c)), []).append(ch)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for pos in parent:
        groups.setdefault(find(pos), []).append(pos)
    cells = []
    for root, positions in groups.items():
        rs = [r for r, _ in positions]
        cs = [c for _, c in positions]
        box = (col_x[min(cs)], row_y[min(rs)], col_x[max(cs) + 1], row_y[max(rs) + 1])
        chars = members.get(root, [])
        conf = min((ch.conf for ch in chars if not ch.text.isspace()), default=1.0) if page.ocr else None
        cells.append(RawCell(*box, cell_text(chars, page.number), page.number, conf=conf))
    return cells


# ---------------------------------------------------------------- ruled tables
def read_ruled(page: PageText, tol: float = 2.5) -> list[RawTable]:
    """Ruled tables of a page from its ruling lines (vector paths or a scan's image):
    rules that touch form one table; its grid is every rule's position, and two grid
    positions are one cell where no rule separates them."""
    hs, vs = page.h_rules, page.v_rules
    parent = list(range(len(hs) + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (x0, x1, y) in enumerate(hs):
        for j, (y0, y1, x) in enumerate(vs):
            if x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, rule in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(rule)
    for j, rule in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(rule)
    tables = []
    for h_group, v_group in groups.values():
        if len(h_group) < 2 or len(v_group) < 2:
            continue  # a lone rule (an underline, a separator), not a table
        row_y = _cluster_mean([y for _, _, y in h_group], tol)
        col_x = _cluster_mean([x for _, _, x in v_group], tol)
        # A table cut by a page break has no rule at the cut: its column rules run on to
        # the page edge of the table, and the rows there are bounded by their ends.
        if row_y and min(y0 for y0, _, _ in v_group) < row_y[0] - 3 * tol:
            row_y.insert(0, min(y0 for y0, _, _ in v_group))
        if row_y and max(y1 for _, y1, _ in v_group) > row_y[-1] + 3 * tol:
            row_y.append(max(y1 for _, y1, _ in v_group))
        if len(row_y) < 2 or len(col_x) < 2 or (len(row_y) - 1) * (len(col_x) - 1) < 2:
            continue  # a box around a paragraph, not a table

        def drawn_h(y: float, a: float, b: float) -> bool:
            return _covered([(x0, x1) for x0, x1, yy in h_group if abs(yy - y) <= tol], a, b)

        def drawn_v(x: float, a: float, b: float) -> bool:
            return _covered([(y0, y1) for y0, y1, xx in v_group if abs(xx - x) <= tol], a, b)

        def open_right(r: int, c: int) -> bool:
            return not drawn_v(col_x[c + 1], row_y[r], row_y[r + 1])

        def open_below(r: int, c: int) -> bool:
            return not drawn_h(row_y[r + 1], col_x[c], col_x[c + 1])

        cells = lattice_cells(col_x, row_y, open_right, open_below, page)
        tables.append(RawTable([cells], [page.number], [(col_x[0], row_y[0], col_x[-1], row_y[-1])], "lattice"))
    return sorted(tables, key=lambda t: t.bbox[1])


def _cluster_mean(values: list[float], tol: float) -> list[float]:
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _covered(spans: list[tuple[float, float]], a: float, b: float, share: float = 0.6) -> bool:
    """Whether the spans cover at least ``share`` of [a, b] (a rule broken by noise still counts)."""
    inner = sorted((max(s, a), min(e, b)) for s, e in spans if e > a and s < b)
    covered, reach = 0.0, a
    for s, e in inner:
        s = max(s, reach)
        if e > s:
            covered += e - s
            reach = e
    return covered >= share * (b - a)


def cell_text(chars: list[Char], page: int) -> str:
    """A cell's characters as one string: wrapped lines joined as a reader reads them."""
    return clean_cell_text("\n".join(ln.text for ln in group_lines(chars, page, split_gap=1e9)))


def read_tables(pages: list[PageText], numbers: list[int], body_width: float) -> list[RawTable]:
    """Tables of the given pages: the lattice cell builder (read_ruled) on the ruling lines
    of the pages that have them (from the vector paths of a born-digital page, from the
    image of a scanned one); the character-position reader (pdf_textgrid) where a page
    draws no rules, or where its rules make no table."""
    from .pdf_textgrid import read_borderless

    by_number = {p.number: p for p in pages}
    tables: list[RawTable] = []
    for n in numbers:
        got = read_ruled(by_number[n]) if by_number[n].h_rules and by_number[n].v_rules else []
        tables += got or read_borderless(by_number[n], body_width)
    tables.sort(key=lambda t: (t.page, t.bbox[1]))
    return tables


# ---------------------------------------------------------------- continued tables
def adopt_orphan_rows(tables: list[RawTable], lines_by_page: dict[int, list[Line]]) -> set[int]:
    """A table whose first row was printed alone at the foot of the previous page
    (LibreOffice moves T4's 行政复议 | 行政诉讼 row there, too small for camelot to see):
    when a table opens a page with no text above it, the short multi-cell row that ends
    the previous page after its last heading becomes that table's first part.
    Returns the ids of the adopted lines (they are no longer paragraph text)."""
    adopted: set[int] = set()
    table_pages = {t.page for t in tables}
    for t in tables:
        before = [ln for ln in lines_by_page.get(t.page, []) if ln.bottom < t.bbox[1]]
        prev = lines_by_page.get(t.page - 1, [])
        if before or not prev or t.page - 1 in table_pages and _table_ends_page(tables, t.page - 1, prev):
            continue
        tail = sorted(prev, key=lambda ln: ln.top)
        rows: list[list[Line]] = []
        for ln in reversed(tail):
            if rows and ln.bottom > rows[-1][0].top - 1:  # same printed row
                rows[-1].append(ln)
                continue
            rows.append([ln])
        if t.figure_cols is not None:  # a borderless table: its whole header may precede it
            adopted |= _adopt_header_lines(t, rows)
            continue
        row = sorted(rows[0], key=lambda ln: ln.x0) if rows else []
        if len(row) < 2 or any(ln.x1 - ln.x0 > 0.5 * (t.bbox[2] - t.bbox[0]) for ln in row):
            continue
        cells = []
        for i, ln in enumerate(row):
            x0 = t.bbox[0] if i == 0 else (row[i - 1].x1 + ln.x0) / 2
            x1 = t.bbox[2] if i == len(row) - 1 else (ln.x1 + row[i + 1].x0) / 2
            cells.append(RawCell(x0, min(x.top for x in row), x1, max(x.bottom for x in row), ln.text, ln.page))
        t.parts.insert(0, cells)
        t.pages.insert(0, t.page - 1)
        t.bboxes.insert(0, (t.bbox[0], cells[0].top, t.bbox[2], cells[0].bottom))
        adopted |= {id(ln) for ln in row}
    return adopted


def _adopt_header_lines(t: RawTable, rows_up: list[list[Line]]) -> set[int]:
    """The header rows of a borderless table printed at the foot of the previous page
    (rows of several cells, read upwards until a one-piece line such as the part
    heading): one header row placed on the table's figure columns."""
    from .pdf_textgrid import _column_of, _tokens

    header: list[list[Line]] = []
    for row in rows_up:
        tokens = [tok for ln in row for tok in _tokens(ln)]
        if len(tokens) < 2:
            break
        header.insert(0, row)
    if not header:
        return set()
    cols = t.figure_cols or []
    n_labels = (t.label_cols or [0])[0]
    texts: dict[int, list[str]] = {}
    boxes: dict[int, list[float]] = {}
    for row in header:
        for tok in sorted((tok for ln in row for tok in _tokens(ln)), key=lambda x: x.x0):
            col = n_labels + _column_of(tok, cols) if cols and tok.x1 > cols[0][0] else 0
            texts.setdefault(col, []).append(tok.text)
            box = boxes.setdefault(col, [tok.x0, tok.top, tok.x1, tok.bottom])
            boxes[col] = [min(box[0], tok.x0), min(box[1], tok.top), max(box[2], tok.x1), max(box[3], tok.bottom)]
    page = header[0][0].page
    cells = [RawCell(*boxes[c], "".join(texts[c]), page, (0, c)) for c in sorted(texts)]
    top, bottom = min(b[1] for b in boxes.values()), max(b[3] for b in boxes.values())
    t.parts.insert(0, cells)
    t.pages.insert(0, page)
    t.bboxes.insert(0, (t.bbox[0], top, t.bbox[2], bottom))
    t.label_cols.insert(0, n_labels)
    return {id(ln) for row in header for ln in row}


def _table_ends_page(tables: list[RawTable], page: int, lines: list[Line]) -> bool:
    last = max((t for t in tables if t.pages[-1] == page), key=lambda t: t.bboxes[-1][3], default=None)
    return last is not None and not any(ln.top > last.bboxes[-1][3] for ln in lines)


def join_continued(tables: list[RawTable], lines_by_page: dict[int, list[Line]]) -> list[RawTable]:
    """Join a table that closes a page with a table that opens the next page when their
    left and right edges agree (same printed table, split by the page break)."""
    out: list[RawTable] = []
    for t in tables:
        prev = out[-1] if out else None
        if prev is not None and _continues(prev, t, lines_by_page):
            prev.parts += t.parts
            prev.pages += t.pages
            prev.bboxes += t.bboxes
            if prev.label_cols is not None and t.label_cols is not None:
                prev.label_cols += t.label_cols
        else:
            labels = list(t.label_cols) if t.label_cols is not None else None
            out.append(RawTable(list(t.parts), list(t.pages), list(t.bboxes), t.flavor, labels, t.figure_cols))
    return out


def _continues(a: RawTable, b: RawTable, lines_by_page: dict[int, list[Line]]) -> bool:
    if b.page != a.pages[-1] + 1:
        return False
    a_box, b_box = a.bboxes[-1], b.bbox
    text_after = any(ln.top > a_box[3] for ln in lines_by_page.get(a.pages[-1], []))
    text_before = any(ln.bottom < b_box[1] for ln in lines_by_page.get(b.page, []))
    # The right edges agree; the continuation may start further right when a
    # spanning label column (三、本年度办理结果) is carried over without rules.
    same_edges = abs(a_box[2] - b_box[2]) < 6 and b_box[0] > min(box[0] for box in a.bboxes) - 6
    return same_edges and not text_after and not text_before


# ---------------------------------------------------------------- grid
def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def to_grid(table: RawTable, tol: float = 3.0) -> list[list[Cell]]:
    """The full grid of a (possibly multi-page) table: one row per printed row,
    columns shared by all parts, spanning cells repeated with origin=False."""
    all_cells = [c for part in table.parts for c in part]
    if table.label_cols is not None and all(c.pos is not None for c in all_cells):
        part_rows = _placed_parts(table)
        return _finish(part_rows, borderless=True)
    col_edges = _cluster([c.x0 for c in all_cells] + [c.x1 for c in all_cells], tol)
    part_rows: list[list[list[Cell]]] = []
    for part in table.parts:
        row_edges = _cluster([c.top for c in part] + [c.bottom for c in part], tol)
        n_rows, n_cols = len(row_edges) - 1, len(col_edges) - 1
        slots: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
        for rc in sorted(part, key=lambda c: (c.top, c.x0)):
            r0, r1 = _index(row_edges, rc.top), _index(row_edges, rc.bottom)
            c0, c1 = _index(col_edges, rc.x0), _index(col_edges, rc.x1)
            for r in range(r0, max(r1, r0 + 1)):
                for c in range(c0, max(c1, c0 + 1)):
                    if r < n_rows and c < n_cols and slots[r][c] is None:
                        slots[r][c] = _cell(rc, r, c, origin=(r, c) == (r0, c0))
        page = part[0].page if part else table.page
        grid_part = []
        for r, row in enumerate(slots):
            out_row = []
            for c, cell in enumerate(row):
                if cell is None:
                    box = (col_edges[c], row_edges[r], col_edges[c + 1], row_edges[r + 1])
                    cell = Cell("", r, c, Provenance(page=page, bbox=box))
                out_row.append(cell)
            grid_part.append(out_row)
        part_rows.append(grid_part)
    return _finish(part_rows)


def _cell(rc: RawCell, r: int, c: int, origin: bool = True) -> Cell:
    """A grid cell from a printed cell: page and box, and for OCR its method and confidence."""
    prov = Provenance(page=rc.page, bbox=(rc.x0, rc.top, rc.x1, rc.bottom), method=None if rc.conf is None else "ocr")
    return Cell(rc.text, r, c, prov, origin=origin, confidence=1.0 if rc.conf is None else rc.conf)


def _placed_parts(table: RawTable) -> list[list[list[Cell]]]:
    """Grids of parts whose cells carry (row, col): label columns right-aligned
    against the figure columns, so parts with fewer label columns line up."""
    widest = max(table.label_cols or [0])
    parts = []
    for part, n_labels in zip(table.parts, table.label_cols or []):
        shift = widest - n_labels
        n_rows = max(c.pos[0] for c in part) + 1
        n_cols = max(c.pos[1] for c in part) + 1 + shift
        rows = [[None] * n_cols for _ in range(n_rows)]
        for rc in part:
            r, c = rc.pos[0], rc.pos[1] + shift
            rows[r][c] = _cell(rc, r, c)
        page = part[0].page
        parts.append([[cell or Cell("", r, c, Provenance(page=page)) for c, cell in enumerate(row)] for r, row in enumerate(rows)])
    width = max(len(row) for part in parts for row in part)
    for part in parts:
        for row in part:
            row += [Cell("", 0, 0, Provenance(page=row[0].prov.page)) for _ in range(width - len(row))]
    return parts


_HEADER_TEXT = re.compile(r"^\s*(第二十条|信息内容|申请人情况)")
# A label cut by a page break starts with its item number ("8.属于行政查询事" | "项 …figures").
_ITEM_START = re.compile(r"^\s*(\d{1,2}[.．、]|[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")
_HEADER_WORDS = re.compile(r"申请人情况|法人或其他组织|自然|商业|科研|公益|法律服务|总计|勾稽|行政复议|行政诉讼|结果|审结|其他")


def _finish(part_rows: list[list[list[Cell]]], borderless: bool = False) -> list[list[Cell]]:
    """Concatenate the parts (repeated headers dropped, carried spans continued), drop
    empty rows and number the cells."""
    rows: list[list[Cell]] = []
    for i, part in enumerate(part_rows):
        if i > 0:
            part = part[_repeated_header(part_rows[0], part):]
            if borderless:
                part = _continue_borderless(rows, part)
            else:
                part = _join_cut_label(rows, part)
            _carry_spans(rows, part)
        rows += part
    rows = [row for row in rows if any(c.text for c in row)]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
            cell.prov.row, cell.prov.col = r, c
    return rows


def _has_figure(row: list[Cell]) -> bool:
    return any(_NUMBER.match(c.text) for c in row)


def _continue_borderless(before: list[list[Cell]], part: list[list[Cell]]) -> list[list[Cell]]:
    """A borderless continuation: drop the header lines it repeats (recognised by
    their words, as wrapped header lines rarely repeat exactly) and join the tail of
    a label cut by the page break to the row it belongs to."""
    k = 0
    while k < len(part) and not _has_figure(part[k]) and _HEADER_WORDS.search("".join(c.text for c in part[k])):
        k += 1
    part = part[k:]
    head_text = "".join(c.text for c in before[-1] if c.text) if before else ""
    if part and len(before) > 1 and not _has_figure(before[-1]) and _has_figure(part[0]) and _ITEM_START.match(head_text):
        # the label of a row cut by the page break printed before it, its figures after
        head = "".join(c.text for c in before[-1] if c.text)
        labels = [c for c in part[0] if c.text and not _NUMBER.match(c.text)]
        if labels:
            labels[0].text = head + labels[0].text
        else:
            first = part[0][0]
            first.text = head
        before.pop()
    if part and before and not _has_figure(part[0]) and _has_figure(before[-1]):
        tail = "".join(c.text for c in part[0])
        labels = [c for c in before[-1] if c.text and not _NUMBER.match(c.text)]
        if tail and labels:
            labels[-1].text += tail
            part = part[1:]
    return part


def _join_cut_label(before: list[list[Cell]], part: list[list[Cell]]) -> list[list[Cell]]:
    """A row cut by the page break: the continuation opens with a row that holds only
    the rest of the previous row's last label ("出具已获取信息"), in the same column."""
    if not part or not before or _has_figure(part[0]) or not _has_figure(before[-1]):
        return part
    texts = {c.col: c.text for c in part[0] if c.origin and c.text}
    spans = any(c.text and not c.origin for c in part[0])  # a full-width heading row, not a cut label
    if len(texts) != 1 or spans or _HEADER_TEXT.match(next(iter(texts.values()))):
        return part
    (col, tail), = texts.items()
    labels = [c for c in before[-1] if c.origin and c.text and not _NUMBER.match(c.text)]
    if labels and labels[-1].col == col:
        labels[-1].text += tail
        for c in before[-1]:  # copies of a spanning label carry the same text
            if not c.origin and c.prov.bbox == labels[-1].prov.bbox:
                c.text = labels[-1].text
        return part[1:]
    return part


def _carry_spans(before: list[list[Cell]], part: list[list[Cell]]) -> None:
    """Continue a label cell that spans down to the page break (三、本年度办理结果) into
    the continuation's leading rows, where the next page leaves that label cell empty."""
    if not before:
        return
    last = before[-1]
    row_top = max((x.prov.bbox[1] for x in last if x.prov.bbox), default=0.0)
    for c, above in enumerate(last):
        spans_rows = not above.origin or (above.prov.bbox is not None and above.prov.bbox[1] < row_top - 1)
        if not above.text or not spans_rows or _NUMBER.match(above.text):
            continue
        for row in part:
            cell = row[c]
            if cell.text or any(_NUMBER.match(x.text) for x in row[: c + 1]):
                break
            cell.text, cell.origin, cell.prov = above.text, False, above.prov


def _row_key(row: list[Cell]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s", "", c.text) for c in row)


def _repeated_header(first: list[list[Cell]], part: list[list[Cell]]) -> int:
    """How many leading rows of a continuation repeat the table's header: rows without
    figures whose texts all appear in the first part's first rows (a repeated header
    may be cut into cells differently on the new page, and OCR reads it a little
    differently on each page: 「…第四日项之和」 for 「…第四项之和」)."""
    header_texts = {_header_key(c.text) for row in first[:4] for c in row if c.text}
    n = 0
    while n < min(len(part), 4):
        texts = {_header_key(c.text) for c in part[n] if c.text}
        if not texts or _has_figure(part[n]) or not all(_in_header(t, header_texts) for t in texts):
            break
        n += 1
    return n


def _header_key(text: str) -> str:
    return unicodedata.normalize("NFKC", re.sub(r"\s", "", text))


def _in_header(text: str, header_texts: set[str]) -> bool:
    if text in header_texts:
        return True
    return any(difflib.SequenceMatcher(None, text, h).ratio() >= _HEADER_SIMILARITY for h in header_texts)


_HEADER_SIMILARITY = 0.85  # a character or two misread in a long header cell; short words must match exactly


def table_text(rows: list[list[Cell]]) -> str:
    """The table as text: one line per row, the row's distinct cells tab-separated."""
    lines = []
    for row in rows:
        lines.append("\t".join(c.text for c in row if c.origin))
    return "\n".join(lines)
