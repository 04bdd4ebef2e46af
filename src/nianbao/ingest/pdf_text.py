"""The text layer of a PDF page: characters -> lines -> paragraphs and headings.

Characters come from pdfium (fast, C) with their boxes.  Coordinates here are
top-based like pdfplumber's: (x0, top, x1, bottom) in PDF points, top = 0 at
the page's upper edge.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .charfix import fix_chars

BBox = tuple[float, float, float, float]

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
PART_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}、")
SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")
# Page numbers as printed in footers: "3", "- 3 -", "—3—", "第3页", "第 3 页 共 10 页", "3/10".
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／共]\s*\d{1,4}\s*页?)?[-—–－\s]*$")


@dataclass
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # font height in page units
    adv_x0: float | None = None  # horizontal extent of the glyph's advance (ink box ± side bearings)
    adv_x1: float | None = None
    conf: float = 1.0  # below 1 for a character read by OCR: the recogniser's probability


@dataclass
class Line:
    """One printed line (or one column's part of it) on one page."""

    page: int
    chars: list[Char] = field(default_factory=list)
    text: str = ""

    @cached_property  # a line's characters never change after it is built
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @cached_property  # a line's characters never change after it is built
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @cached_property  # a line's characters never change after it is built
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @cached_property  # a line's characters never change after it is built
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    @cached_property
    def size(self) -> float:
        """Font size of the line's ideographs (digits and Latin come from other fonts)."""
        cjk = [c for c in self.chars if _CJK.match(c.text)] or self.chars
        return statistics.median(c.size or (c.bottom - c.top) for c in cjk)


@dataclass
class PageText:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    n_images: int = 0
    n_paths: int = 0
    ocr: bool = False  # the characters were read from the page image
    # Ruling lines of a table page: from the vector paths (pdf_rules) or a scan's image (ocr).
    h_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x0, x1, y)
    v_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (top, bottom, x)

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)


def read_page(page: pdfium.PdfPage, number: int) -> PageText:
    """All visible characters of a page with their boxes, radicals repaired."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    raw = textpage.raw
    # pdfium's raw calls with out-parameters made once: a page has thousands of characters.
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    loose = pdfium_c.FS_RECTF()
    get_unicode, get_box, get_loose = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetCharBox, pdfium_c.FPDFText_GetLooseCharBox
    chars: list[Char] = []
    try:
        for i in range(pdfium_c.FPDFText_CountChars(raw)):
            code = get_unicode(raw, i)
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue
            ch = chr(code)
            if ch.isspace():
                if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                    continue  # spaces/newlines pdfium invents between words and lines
                ch = " "
            else:
                ch = fix_chars(ch)
            if not get_box(raw, i, left, right, bottom, top) or not get_loose(raw, i, loose):
                raise pdfium.PdfiumError(f"pdfium cannot place character {i} of the page")
            # The loose box spans the font's ascent..descent in page units: a size that
            # is the same for every glyph of a line (the nominal font size is not in
            # page units when the producer scales the text matrix, as Chromium does).
            chars.append(Char(ch, left.value, height - top.value, right.value, height - bottom.value,
                              loose.top - loose.bottom, loose.left, loose.right))
    finally:
        textpage.close()
    n_images, n_paths = _count_objects(page, need_images=sum(not c.text.isspace() for c in chars) < MIN_TEXT_CHARS)
    return PageText(number, width, height, chars, n_images, n_paths)


# A page printing fewer characters than this in its text layer is read as an image (a scan
# whose text layer holds only a page number or a stamp's caption).
MIN_TEXT_CHARS = 20
RULED_PATHS = 2  # a page drawing this many path objects may hold a ruled table (reportlab draws a grid as one or two)


def _count_objects(page: pdfium.PdfPage, need_images: bool) -> tuple[int, int]:
    """Image and path objects on the page (top level), through the raw API: Chromium
    pages hold thousands of objects and wrapping each one costs more than reading
    the text.  Paths are counted up to RULED_PATHS, images only for pages without text."""
    n_images = n_paths = 0
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        kind = pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, i))
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            n_paths += 1
        elif kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            n_images += 1  # a scan may sit inside a form XObject
        if n_paths >= RULED_PATHS and not need_images:
            break
    return n_images, n_paths


def _inside(c: Char, box: BBox, pad: float = 1.0) -> bool:
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def page_lines(page: PageText, exclude: list[BBox] = ()) -> list[Line]:
    """A page's line segments, leaving out the characters inside table areas."""
    chars = [c for c in page.chars if not any(_inside(c, b) for b in exclude)]
    return group_lines(chars, page.number)


def group_lines(chars: list[Char], page: int, split_gap: float = 3.0) -> list[Line]:
    """Group characters into line segments.

    Rows are formed from full-height characters; small marks (quotes, commas,
    dots) join the row their centre falls in.  A row is split where the
    horizontal gap is wider than ``split_gap`` characters: that separates
    columns and stray fragments."""
    spaces = [c for c in chars if c.text == " "]
    chars = [c for c in chars if c.text != " "]
    if not chars:
        return []
    def is_tall(c: Char) -> bool:
        return c.bottom - c.top >= 0.45 * (c.size or c.bottom - c.top)

    size = statistics.median(c.size or (c.bottom - c.top) for c in chars)
    tall = sorted((c for c in chars if is_tall(c)), key=lambda c: ((c.top + c.bottom) / 2, c.x0))
    small = [c for c in chars if not is_tall(c)]
    rows: list[list[Char]] = []
    spans: list[list[float]] = []  # [top, bottom] of each row
    for c in tall:
        mid = (c.top + c.bottom) / 2
        if rows and spans[-1][0] - 1 <= mid <= spans[-1][1] + 1:
            rows[-1].append(c)
            spans[-1] = [min(spans[-1][0], c.top), max(spans[-1][1], c.bottom)] if len(rows[-1]) < 3 else spans[-1]
            continue
        rows.append([c])
        spans.append([c.top, c.bottom])
    for c in small:
        mid = (c.top + c.bottom) / 2
        best = min(range(len(spans)), key=lambda i: 0 if spans[i][0] - 1 <= mid <= spans[i][1] + 1 else min(abs(mid - spans[i][0]), abs(mid - spans[i][1])), default=None)
        if best is not None and spans[best][0] - size <= mid <= spans[best][1] + size:
            rows[best].append(c)
        else:
            rows.append([c])
            spans.append([c.top, c.bottom])
    order = sorted(range(len(rows)), key=lambda i: spans[i][0])
    lines: list[Line] = []
    for i in order:
        row = sorted(rows[i], key=lambda c: c.x0)
        seg: list[Char] = [row[0]]
        for prev, c in zip(row, row[1:]):
            gap_unit = max(prev.size, c.size, prev.bottom - prev.top, 1.0)
            if c.x0 - prev.x1 > split_gap * gap_unit:
                lines.append(_make_line(page, seg, spaces))
                seg = []
            seg.append(c)
        lines.append(_make_line(page, seg, spaces))
    return lines


def _make_line(page: int, chars: list[Char], spaces: list[Char]) -> Line:
    """Join characters; a space only between two Latin/digit words, as printed."""
    out = [chars[0].text]
    for prev, c in zip(chars, chars[1:]):
        size = max(prev.size, 1.0)
        gap = c.x0 - prev.x1
        if _ASCII_WORD.match(prev.text) and _ASCII_WORD.match(c.text):
            printed_space = any(prev.x1 - 0.5 <= s.x0 and s.x1 <= c.x0 + 0.5 and s.top < c.bottom and s.bottom > c.top for s in spaces)
            # Digits are never split by a mere gap (justified or mixed-font runs widen it).
            if printed_space or (gap > 0.25 * size and not (prev.text.isdigit() and c.text.isdigit())):
                out.append(" ")
        elif prev.text in ",;:" and _ASCII_WORD.match(c.text) and gap > 0.2 * size:
            out.append(" ")
        out.append(c.text)
    return Line(page, chars, "".join(out))


# ---------------------------------------------------------------- headers / footers
def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _beside_figures(line: Line, lines: list[Line]) -> bool:
    """Whether other figures are printed on the same row: a table row at the foot of a page
    ("规章  0  69  3" on page 3), where a page number stands alone or beside running text."""
    return any(other is not line and other.top < line.bottom and other.bottom > line.top
               and _FIGURE.match(other.text.strip()) for other in lines)


_FIGURE = re.compile(r"^[-+]?\d[\d,，.]*%?$")


def remove_running_lines(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """Drop page numbers and running headers/footers.

    Only lines in the top or bottom 10 % of a page are candidates.  A page
    number is a number-only segment ("3", "- 3 -", "3/10", "第3页") whose value
    follows the page index (value - index constant over at least half of the
    pages), so a table row of figures that opens a page is kept, and that has no other
    figure beside it on its row (a table row at the foot of a page).  A running
    header/footer is a text (digits ignored, at least two other characters) that recurs
    on at least half of the pages."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s", "", line.text))

    def in_margin(line: Line, height: float) -> bool:
        return line.bottom < 0.1 * height or line.top > 0.9 * height

    offsets: Counter = Counter()
    numbered: list[list[tuple[Line, int]]] = []
    counts: Counter = Counter()
    for number, (lines, h) in enumerate(zip(pages, heights), start=1):
        margin = [ln for ln in lines if in_margin(ln, h)]
        found = [(ln, int(re.search(r"\d+", ln.text).group()) - number) for ln in margin
                 if _is_page_number(ln.text) and not _beside_figures(ln, margin)]
        numbered.append(found)
        offsets.update({off for _, off in found})
        counts.update({key(ln) for ln in margin if len(re.sub(r"[\d#\s\-—–－/]", "", key(ln))) >= 2})
    # A page number follows the page index on at least half of the pages; a table
    # figure at the top of a page does that by chance on one or two at most.
    page_offsets = {off for off, n in offsets.items() if n >= max(2, len(pages) / 2)}
    recurring = {k for k, n in counts.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    kept = []
    for lines, h, found in zip(pages, heights, numbered):
        drop = {id(ln) for ln, off in found if off in page_offsets}
        drop |= {id(ln) for ln in lines if in_margin(ln, h) and key(ln) in recurring}
        kept.append([ln for ln in lines if id(ln) not in drop])
    return kept


# ---------------------------------------------------------------- reading order
def reading_order(lines: list[Line], width: float) -> list[Line]:
    """Lines of one page in reading order, two-column stretches column by column.

    Walking down the page, a line that crosses the middle gutter closes a band;
    inside a band, the left column's lines come before the right column's."""
    lines = sorted(lines, key=lambda ln: (ln.top, ln.x0))
    mid = width / 2
    left = [ln for ln in lines if ln.x1 < mid]
    right = [ln for ln in lines if ln.x0 > mid]
    two_columns = len(left) >= 5 and len(right) >= 5 and min(len(left), len(right)) >= 0.3 * len(lines)
    if not two_columns:
        return lines
    ordered: list[Line] = []
    band: list[Line] = []
    for ln in lines:
        if ln.x0 < mid < ln.x1:
            ordered += [x for x in band if x.x1 < mid] + [x for x in band if x.x1 >= mid]
            band = []
            ordered.append(ln)
        else:
            band.append(ln)
    ordered += [x for x in band if x.x1 < mid] + [x for x in band if x.x1 >= mid]
    return ordered


# ---------------------------------------------------------------- paragraphs
@dataclass
class TextBlock:
    kind: str  # heading / paragraph
    lines: list[Line]
    level: int | None = None

    @property
    def text(self) -> str:
        out = ""
        for ln in self.lines:
            t = ln.text.strip()
            if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(t[:1]) and not _CJK.match(out[-1]):
                out += " "
            out += t
        return out

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def bbox(self) -> BBox:
        first = [ln for ln in self.lines if ln.page == self.page]
        return (min(ln.x0 for ln in first), min(ln.top for ln in first), max(ln.x1 for ln in first), max(ln.bottom for ln in first))

    @property
    def top(self) -> float:
        return self.lines[0].top


def heading_level(text: str, centered: bool) -> int | None:
    """1 for a part heading (一、…), 2 for a subsection heading ((一)…) standing alone.

    A heading is short and has no sentence end; "（一）主动公开方面。按照…" is a paragraph."""
    t = text.strip()
    if len(t) > 40 or re.search(r"[。；;：:]\S", t):
        return None
    if PART_HEADING.match(t):
        return 1
    if SUB_HEADING.match(t) and not t.endswith("。"):
        return 2
    return None


@dataclass
class Margins:
    left: float
    right: float
    size: float


def body_margins(lines: list[Line]) -> Margins:
    """The text column's usual left and right edges and character size."""
    if not lines:
        return Margins(0, 0, 10)
    size = statistics.median(ln.size for ln in lines)
    # Body lines are the wide ones; most start at the left margin (first lines are
    # indented) and most end at the right margin (last lines end early).
    page_width = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
    wide = [ln for ln in lines if ln.x1 - ln.x0 > 0.5 * page_width] or lines
    lefts = sorted(ln.x0 for ln in wide)
    rights = sorted(ln.x1 for ln in wide)
    left = lefts[len(lefts) // 10]
    right = rights[(len(rights) * 9) // 10]
    return Margins(left, right, size)


def _pushed_down(line: Line, gap: float) -> bool:
    """Whether the previous line ended early only because this line opens with an
    unbreakable run (a URL, a long number) that did not fit in the gap."""
    chars = sorted(line.chars, key=lambda c: c.x0)
    run = []
    for c in chars:
        if _CJK.match(c.text) and run and c.text not in "（）":
            break
        run.append(c)
    latin = [c for c in run if _ASCII_WORD.match(c.text) or c.text in "./:-_@"]
    return len(latin) >= 4 and run[-1].x1 - run[0].x0 >= gap - 0.5 * (run[0].size or 1)


def build_blocks(ordered: list[Line], margins: Margins, page_width: float) -> list[TextBlock]:
    """Join lines into paragraphs and headings.

    A new paragraph starts after a short line, at an indented line, after a
    wide vertical gap, and around headings.  Paragraphs continue across pages."""
    blocks: list[TextBlock] = []
    prev: Line | None = None
    for ln in ordered:
        size = max(margins.size, 1.0)
        middle = (margins.left + margins.right) / 2
        centered = abs((ln.x0 + ln.x1) / 2 - middle) < 2 * size and ln.x1 < margins.right - size
        big = ln.size > 1.15 * size
        level = heading_level(ln.text, centered)
        if level is None and not blocks and (big or centered) and abs((ln.x0 + ln.x1) / 2 - middle) < 2 * size:
            level = 0  # a centred (or large) line before any body text: the report title
        starts_new = (
            prev is None
            or level is not None
            or (blocks and blocks[-1].kind == "heading")
            or ln.x0 > margins.left + 1.2 * size  # first-line indent
            or (prev.x1 < margins.right - 2.5 * size and not _pushed_down(ln, margins.right - prev.x1))
            or (ln.page == prev.page and ln.top - prev.bottom > 1.6 * max(prev.bottom - prev.top, size))
            or (ln.page == prev.page and abs(ln.size - prev.size) > 1.5)
        )
        title_goes_on = bool(
            blocks and blocks[-1].kind == "heading" and blocks[-1].level == 0 and ln.page == prev.page
            and level is None and abs((ln.x0 + ln.x1) / 2 - middle) < 2 * size
            and ln.top - prev.bottom < 0.8 * prev.size and abs(ln.size - prev.size) < 1.5
        )
        if title_goes_on:
            blocks[-1].lines.append(ln)  # a title printed on two lines
        elif starts_new:
            blocks.append(TextBlock("heading" if level is not None else "paragraph", [ln], level))
        else:
            blocks[-1].lines.append(ln)
        prev = ln
    return blocks
