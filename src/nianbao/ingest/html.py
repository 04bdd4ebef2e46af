"""HTML reports as published on government portals.

Only the report body is kept: the smallest element that holds the report's
part headings (the portal's menus, headers, footers and scripts are dropped).
Text blocks are the body's paragraphs; tables are expanded to a full grid
(rowspan/colspan repeated).  ``Document.text`` is the block texts joined by
newlines; spans point into it.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from ..errors import IngestError
from ..model import Block, Cell, Document, Provenance
from .script import mark_converted, read_simplified
from .textutil import check_textual, clean_inline, decode_bytes, looks_like_heading

_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "select", "button", "svg", "template", "head")
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "blockquote", "pre", "center", "dl", "dt", "dd", "form", "body", "header", "footer", "main",
    "tr", "td", "th", "tbody", "thead", "table", "font-block",
}
# Words that only the report body contains (a portal menu rarely has most of them).
_BODY_MARKERS = ("总体情况", "主动公开政府信息", "收到和处理政府信息公开申请", "依申请公开", "行政复议", "存在的主要问题",
                 "其他需要报告", "本年新收", "政府信息公开")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def load_html(path: Path, data: bytes) -> Document:
    m = _META_CHARSET.search(data[:4096])
    text, encoding = decode_bytes(data, m.group(1).decode("ascii", "ignore") if m else None)
    check_textual(text)
    # lxml refuses str input that still declares an encoding.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    # Control characters mean nothing in HTML, and lxml refuses to move them when a comment is
    # dropped (ValueError: "All strings must be XML compatible").
    text = _CONTROL_CHARS.sub("", text)
    simplified = read_simplified(text)
    if simplified is text:
        return _parse(path, text, encoding)
    # A 繁體 page: read the simplified twin, keep the printed text (same length, character for character).
    doc = _parse(path, simplified, encoding)
    mark_converted(doc, _parse(path, text, encoding, read_simplified).text)
    return doc


def _parse(path: Path, text: str, encoding: str, words=lambda t: t) -> Document:
    """The Document of a page; ``words`` maps its text to the wording the body markers use."""
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"not a readable HTML page ({exc}); save the page again as HTML or as text") from exc

    doc = Document(source=str(path), format="html", meta={"encoding": encoding})
    title = root.findtext(".//title")
    if title:
        doc.meta["title"] = clean_inline(title)
    for name in ("ArticleTitle", "title", "Title"):
        v = root.xpath(f"//meta[@name='{name}']/@content")
        if v and v[0].strip():
            doc.meta["article_title"] = clean_inline(v[0])
            break

    for el in root.xpath("//comment() | //processing-instruction()"):
        _remove_keep_tail(el)
    for tag in _DROP_TAGS:
        for el in root.iter(tag):
            el.drop_tree() if el.getparent() is not None else None
    for el in root.xpath("//*[contains(concat(' ', normalize-space(@style), ' '), 'display:none') or contains(@style, 'display: none')]"):
        if el.getparent() is not None:
            el.drop_tree()

    body = _find_body(root, words)
    if body is None:
        raise IngestError("the page holds no text (empty HTML body)")
    builder = _Builder(doc)
    builder.walk(body)
    builder.flush()
    doc.text = builder.text()
    if not any(b.kind != "table" for b in doc.blocks) and not doc.tables:
        raise IngestError("the HTML page holds no report text: is it the report page or a portal index page?")
    return doc


def _remove_keep_tail(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


def _find_body(root, words=lambda t: t):
    """The smallest element holding (almost) all of the body markers."""
    body = root.find("body")
    if body is None:
        body = root
    best_score = -1
    scores: dict = {}
    text, spans = _text_spans(body)
    text = words(text)
    for el in body.iter("div", "td", "article", "section", "main", "body", "table"):
        start, end = spans[el]
        if end - start < 200:
            continue
        txt = text[start:end]
        score = sum(1 for w in _BODY_MARKERS if w in txt)
        scores[el] = (score, len(txt))
        best_score = max(best_score, score)
    if best_score <= 0:
        return body
    # Descend to the deepest element keeping the best score (drops the portal around the article).
    candidates = [el for el, (s, _n) in scores.items() if s == best_score]
    return min(candidates, key=lambda el: scores[el][1])


def _text_spans(root) -> tuple[str, dict]:
    """The text under ``root`` outside links (link text is menus and related-article lists, not the
    report), and each element's span in it: one walk instead of one text query per element."""
    pieces: list[str] = []
    spans: dict = {}
    pos = 0

    def walk(el) -> None:
        nonlocal pos
        start = pos
        link = el.tag == "a"
        if el.text and not link:
            pieces.append(el.text)
            pos += len(el.text)
        for child in el:
            if isinstance(child.tag, str):
                if link:
                    spans[child] = (pos, pos)
                    _skip(child)
                else:
                    walk(child)
            if child.tail:
                pieces.append(child.tail)
                pos += len(child.tail)
        spans[el] = (start, pos)

    def _skip(el) -> None:
        for child in el.iter():
            spans[child] = (pos, pos)

    walk(root)
    return "".join(pieces), spans


class _Builder:
    """Walks the body and emits blocks in reading order."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.parts: list[str] = []  # inline text of the block being collected
        self.pieces: list[str] = []  # Document.text pieces
        self.pos = 0

    def text(self) -> str:
        return "".join(self.pieces)

    def _emit_text(self, text: str, kind: str | None = None) -> None:
        text = clean_inline(text)
        if not text:
            return
        if self.pieces:
            self.pieces.append("\n")
            self.pos += 1
        start = self.pos
        self.pieces.append(text)
        self.pos += len(text)
        if kind is None:
            kind = "heading" if looks_like_heading(text) else "paragraph"
        self.doc.blocks.append(Block(kind=kind, text=text, prov=Provenance(start=start, end=self.pos)))

    def flush(self, kind: str | None = None) -> None:
        if self.parts:
            self._emit_text("".join(self.parts), kind)
            self.parts = []

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table":
            self.flush()
            if el.xpath(".//table"):
                # A layout table wrapping the report: read through it.
                for child in el:
                    self.walk(child)
                    if child.tail and child.tail.strip():
                        self.parts.append(child.tail)
                self.flush()
                return
            self._table(el)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "img":  # a table pasted as a picture leaves only this: the tables stage needs to know
            self.doc.meta["images"] = self.doc.meta.get("images", 0) + 1
        is_block = tag in _BLOCK_TAGS
        if is_block:
            self.flush()
        if el.text:
            self.parts.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.parts.append(child.tail)
        if is_block:
            self.flush("heading" if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} else None)

    def _table(self, table) -> None:
        grid = expand_table(table)
        if not grid or not any(any(t.strip() for t, _o in row) for row in grid):
            self.doc.warn("empty-table", "an empty table in the page was skipped")
            return
        index = len(self.doc.blocks)
        lines, rows = [], []
        if self.pieces:
            self.pieces.append("\n")
            self.pos += 1
        block_start = self.pos
        for r, row in enumerate(grid):
            cells = []
            for c, (txt, origin) in enumerate(row):
                start = self.pos
                if origin and txt:
                    self.pieces.append(txt)
                    self.pos += len(txt)
                cells.append(Cell(text=txt, row=r, col=c, origin=origin,
                                  prov=Provenance(start=start if origin and txt else None,
                                                  end=self.pos if origin and txt else None,
                                                  table=index, row=r, col=c)))
                if c < len(row) - 1:
                    self.pieces.append("\t")
                    self.pos += 1
            if r < len(grid) - 1:
                self.pieces.append("\n")
                self.pos += 1
            rows.append(cells)
            lines.append("\t".join(t for t, o in row if o))
        self.doc.blocks.append(Block(kind="table", text="\n".join(lines), rows=rows,
                                     prov=Provenance(start=block_start, end=self.pos, table=index)))


def _cell_text(cell) -> str:
    parts: list[str] = []

    def rec(el):
        if el.tag == "br":
            parts.append(" ")
        elif el.text:
            parts.append(el.text)
        for ch in el:
            if isinstance(ch.tag, str) and ch.tag in {"p", "div"}:
                parts.append(" ")
            rec(ch)
            if ch.tail:
                parts.append(ch.tail)

    rec(cell)
    return clean_inline("".join(parts))


def expand_table(table) -> list[list[tuple[str, bool]]]:
    """A table element as a full grid of (text, is_origin) with spans expanded."""
    rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
    grid: dict[tuple[int, int], tuple[str, bool]] = {}
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in {"td", "th"}:
                continue
            while (r, c) in grid:
                c += 1
            rs = _span(td.get("rowspan"))
            cs = _span(td.get("colspan"))
            txt = _cell_text(td)
            for dr in range(rs):
                for dc in range(cs):
                    if (r + dr, c + dc) not in grid:
                        grid[(r + dr, c + dc)] = (txt, dr == 0 and dc == 0)
            c += cs
            width = max(width, c)
    height = len(rows)
    return [[grid.get((r, c), ("", False)) for c in range(width)] for r in range(height)]


def _owner_table(tr):
    el = tr.getparent()
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def _span(v: str | None) -> int:
    try:
        n = int(str(v).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), 200)  # bad markup sometimes says rowspan=9999
