"""Ruling lines of a born-digital PDF page, read from its vector paths (pdfium page objects).

A table's rules are drawn as stroked line segments or rectangles (LibreOffice, WPS,
reportlab) or as thin filled rectangles (Chromium draws every cell border as one).  Each
such piece becomes a horizontal (x0, x1, y) or vertical (top, bottom, x) rule in top-based
PDF points, the shape the OCR path gets from a page image, so both go through the same
lattice cell builder (pdf_tables.read_ruled).  Collinear pieces that touch are joined into
one rule, and a text underline (a rule running exactly under the characters above it,
LibreOffice's underlined cell text) is left out: it is decoration, not a cell border.

Read through pdfium's raw API: no rendering, no pdfminer, only the path objects of the
pages that may hold a table.
"""

from __future__ import annotations

import bisect
import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .pdf_text import Char

HRule = tuple[float, float, float]  # x0, x1, y (top-based points)
VRule = tuple[float, float, float]  # top, bottom, x

# A filled shape at most this thick (points) and at least LONG times as long is a rule:
# Chromium draws a 1px border as a 0.75 pt rectangle, a 4px one as 3 pt.
THIN = 3.0
LONG = 3.0
# Pieces closer than this across their direction are one rule (one printed line drawn twice).
_SAME_LINE = 0.5
# Collinear pieces whose ends are this close are one rule (a border drawn cell by cell).
_JOIN = 2.0

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _matrix(obj) -> _Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _paths(page: pdfium.PdfPage):
    """(path object, matrix from its own space to page space) for every path on the page,
    those inside form XObjects included."""
    stack = [(None, _IDENTITY)]
    while stack:
        form, outer = stack.pop()
        if form is None:
            count, get, parent = pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page.raw
        else:
            count, get, parent = pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, form
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                yield obj, outer
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                stack.append((obj, _compose(_matrix(obj), outer)))


def _subpaths(obj, matrix: _Matrix) -> list[tuple[list[tuple[float, float]], list[bool], bool]]:
    """The path's subpaths in page space: (points, straight[i] for the piece ending at point i,
    closed)."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[tuple[list[tuple[float, float]], list[bool], bool]] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not out:
            out.append(([point], [True], False))
        else:
            out[-1][0].append(point)
            out[-1][1].append(kind == pdfium_c.FPDF_SEGMENT_LINETO)
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            points, straight, _ = out[-1]
            out[-1] = (points, straight, True)
    return out


def _add_thin(x0: float, y0: float, x1: float, y1: float, h: list, v: list) -> None:
    """A filled shape within the box (x0, y0, x1, y1) is a rule when the box is thin."""
    w, t = x1 - x0, y1 - y0
    if 0 < t <= THIN and w >= LONG * t and w > _SAME_LINE:  # (a fill without area paints nothing)
        h.append([x0, x1, (y0 + y1) / 2])
    elif 0 < w <= THIN and t >= LONG * w and t > _SAME_LINE:
        v.append([y0, y1, (x0 + x1) / 2])


def _bounds(obj, outer: _Matrix, box: tuple) -> tuple[float, float, float, float]:
    """The object's box in page space (pdfium gives it in its container's space)."""
    left, bottom, right, top = box
    pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    a, b, c, d, e, f = outer
    if b == c == 0 and a > 0 and d > 0:
        return a * left.value + e, d * bottom.value + f, a * right.value + e, d * top.value + f
    xs, ys = [], []
    for x, y in ((left.value, bottom.value), (right.value, top.value), (left.value, top.value), (right.value, bottom.value)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


class _Scratch:
    """ctypes out-parameters, made once per page (thousands of paths are read)."""

    def __init__(self):
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.box = tuple(ctypes.c_float() for _ in range(4))


def _pieces(obj, outer: _Matrix, h: list, v: list, scratch: _Scratch) -> None:
    """Add the axis-parallel pieces of one path object (``outer``: its container's matrix)
    to ``h`` ([x0, x1, y]) and ``v`` ([y0, y1, x]), in PDF (bottom-based) page space."""
    fill, stroke = scratch.fill, scratch.stroke
    pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
    if not stroke.value and not fill.value:
        return  # an invisible path (a clip)
    if not stroke.value and pdfium_c.FPDFPath_CountSegments(obj) <= 5:
        # One filled shape (a rectangle is a move and three or four lines): its box says
        # whether it is a rule.  Chromium draws every cell border so, thousands a page.
        _add_thin(*_bounds(obj, outer, scratch.box), h, v)
        return
    matrix = _compose(_matrix(obj), outer)
    if stroke.value:
        for points, straight, closed in _subpaths(obj, matrix):
            ends = list(zip(points, points[1:], straight[1:]))
            if closed and len(points) > 2:
                ends.append((points[-1], points[0], True))
            for (x0, y0), (x1, y1), is_line in ends:
                if not is_line:
                    continue  # a curve (rounded corner, a circle) is no rule
                if abs(y1 - y0) <= _SAME_LINE and abs(x1 - x0) > _SAME_LINE:
                    h.append([min(x0, x1), max(x0, x1), (y0 + y1) / 2])
                elif abs(x1 - x0) <= _SAME_LINE and abs(y1 - y0) > _SAME_LINE:
                    v.append([min(y0, y1), max(y0, y1), (x0 + x1) / 2])
        return
    for points, straight, _ in _subpaths(obj, matrix):  # several filled shapes in one path
        if not all(straight) or len(points) < 4:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if all((abs(px - x0) < 0.1 or abs(px - x1) < 0.1) and (abs(py - y0) < 0.1 or abs(py - y1) < 0.1) for px, py in points):
            _add_thin(x0, y0, x1, y1, h, v)  # an axis-parallel rectangle


def _join(pieces: list[list[float]]) -> list[list[float]]:
    """Collinear pieces that overlap or nearly touch, as one rule each."""
    pieces.sort(key=lambda p: (p[2], p[0]))
    lines: list[list[list[float]]] = []  # pieces grouped by their constant coordinate
    for p in pieces:
        if lines and p[2] - lines[-1][-1][2] <= _SAME_LINE:
            lines[-1].append(p)
        else:
            lines.append([p])
    out = []
    for group in lines:
        at = sum(p[2] for p in group) / len(group)
        run: list[float] | None = None
        for lo, hi, _ in sorted(group):
            if run is not None and lo <= run[1] + _JOIN:
                run[1] = max(run[1], hi)
                continue
            if run is not None:
                out.append([run[0], run[1], at])
            run = [lo, hi]
        if run is not None:
            out.append([run[0], run[1], at])
    return out


def _is_underline(rule: HRule, chars: list[Char]) -> bool:
    """A horizontal rule that runs exactly from the first to the last character of the
    text just above it (a cell border runs past its cell's text by the cell padding).
    Character boxes of CJK fonts are unreliable vertically, so the test is loose in y and
    exact in x.  ``chars``: the page's printed characters."""
    x0, x1, y = rule
    above = [c for c in chars if c.x1 > x0 + 0.5 and c.x0 < x1 - 0.5 and c.top - 1.0 <= y <= c.bottom + 3.0]
    if not above:
        return False
    # An underline runs along the glyphs' advances, not their ink.
    left = min(c.x0 if c.adv_x0 is None else c.adv_x0 for c in above)
    right = max(c.x1 if c.adv_x1 is None else c.adv_x1 for c in above)
    return abs(left - x0) <= 1.5 and abs(right - x1) <= 1.5


def _near(chars: list[Char], y: float, tops: list[float], tallest: float) -> list[Char]:
    """The characters (sorted by top, ``tops`` their tops) whose boxes may reach y."""
    lo = bisect.bisect_left(tops, y - tallest - 3.0)
    hi = bisect.bisect_right(tops, y + 1.0)
    return chars[lo:hi]


def page_rules(page: pdfium.PdfPage, height: float, chars: list[Char]) -> tuple[list[HRule], list[VRule]]:
    """The page's ruling lines in top-based points: horizontal (x0, x1, y), vertical (top, bottom, x)."""
    h: list[list[float]] = []
    v: list[list[float]] = []
    scratch = _Scratch()
    for obj, outer in _paths(page):
        _pieces(obj, outer, h, v, scratch)
    h_rules = [(x0, x1, height - y) for x0, x1, y in _join(h)]
    v_rules = [(height - y1, height - y0, x) for y0, y1, x in _join(v)]
    printed = sorted((c for c in chars if not c.text.isspace()), key=lambda c: c.top)
    tops = [c.top for c in printed]
    tallest = max((c.bottom - c.top for c in printed), default=0.0)
    h_rules = [r for r in h_rules if not _is_underline(r, _near(printed, r[2], tops, tallest))]
    return sorted(h_rules, key=lambda r: (r[2], r[0])), sorted(v_rules, key=lambda r: (r[2], r[0]))
