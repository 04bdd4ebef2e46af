"""PDF page images with the involved cells boxed.

The app never takes a path from a URL: routes name a report by its id and a
page by its number; the file path comes from the store's ``reports.path``.
PDFium is not thread-safe, so rendering is serialised.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path

import pypdfium2 as pdfium
from PIL import ImageDraw

SCALE = 2.0  # 144 dpi: small print in report tables stays legible
BOX_COLOURS = {"hit": (220, 30, 30), "related": (230, 140, 0)}

_render_lock = threading.Lock()


def local_pdf(path: str | None, fmt: str | None, base: Path | None = None) -> Path | None:
    """The report's PDF on disk, or None (not a PDF, a zip member, or gone).

    ``path`` comes from the store (never from a URL).  A relative path is tried
    as given and then next to the store file (``base``), since ``nianbao run``
    records paths as the user typed them.
    """
    if not path or (fmt or "").lower() != "pdf" or "!" in path:
        return None
    p = Path(path)
    candidates = [p] if p.is_absolute() or base is None else [p, base / p]
    return next((c for c in candidates if c.is_file()), None)


def page_count(pdf: Path) -> int:
    with _render_lock:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            return len(doc)
        finally:
            doc.close()


def render_page(pdf: Path, page: int, boxes: list[tuple[tuple[float, float, float, float], str]]) -> bytes:
    """PNG of 1-based ``page`` with each (bbox, mark) drawn.

    bbox is (x0, top, x1, bottom) in PDF points measured from the page's top
    left (the pdfplumber convention of ``Provenance.bbox``).
    """
    with _render_lock:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            if not 1 <= page <= len(doc):
                raise IndexError(f"page {page} is not in {pdf.name} ({len(doc)} pages)")
            image = doc[page - 1].render(scale=SCALE).to_pil().convert("RGB")
        finally:
            doc.close()
    draw = ImageDraw.Draw(image)
    for (x0, top, x1, bottom), mark in boxes:
        pad = 2
        draw.rectangle(
            [x0 * SCALE - pad, top * SCALE - pad, x1 * SCALE + pad, bottom * SCALE + pad],
            outline=BOX_COLOURS.get(mark, BOX_COLOURS["hit"]),
            width=4 if mark == "hit" else 2,
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


class PageCache:
    """A few rendered pages kept in memory (reviewers go back and forth)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: tuple, png: bytes) -> None:
        with self._lock:
            self._items[key] = png
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
