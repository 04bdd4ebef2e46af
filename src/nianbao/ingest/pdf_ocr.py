"""Image-only PDF pages read by OCR into the same PageText the text layer gives.

A page whose text layer prints fewer than MIN_TEXT_CHARS characters and that shows an
image is a scan.  With the OCR extra installed it is rendered, OCR'd (ingest.ocr) and its
characters and ruling lines become a PageText with ``ocr=True``: from there on the
page goes through the same line, paragraph and table readers as a born-digital one, and
every character keeps the recogniser's probability (``Char.conf``).
"""

from __future__ import annotations

import logging
import re
import statistics
import time
from dataclasses import dataclass
from typing import Callable

from .pdf_text import MIN_TEXT_CHARS, RULED_PATHS, Char, PageText

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")

# progress(pages_done, pages_to_read, page_number, seconds_for_that_page)
Progress = Callable[[int, int, int, float], None]


@dataclass
class OcrOptions:
    """How scans are read.  ``enabled=False`` treats them as unreadable (an error or warning)."""

    enabled: bool = True
    dpi: float = 200.0
    page_budget: float = 60.0  # seconds of OCR for one page; a page over it is not read
    threads: int = 0  # onnxruntime threads per process (0: its default, all cores)
    progress: Progress | None = None


def is_image_only(page: PageText) -> bool:
    return page.n_images > 0 and sum(not c.text.isspace() for c in page.chars) < MIN_TEXT_CHARS


def page_from_scan(scan, number: int, width: float, height: float, n_images: int) -> PageText:
    """A PageText in PDF points from an OCR scan in pixels."""
    k = 72.0 / scan.dpi
    chars: list[Char] = []
    for line in scan.lines:
        size = _line_size(line) * k
        for c in line.chars:
            x0, top, x1, bottom = (v * k for v in c.box)
            # (capped below 1: a confidence of 1 means "printed in the text layer")
            chars.append(Char(c.text, x0, top, x1, bottom, size, conf=min(round(c.conf, 4), 0.9999)))
    h_rules = [(x0 * k, x1 * k, y * k) for x0, x1, y in scan.h_rules]
    v_rules = [(y0 * k, y1 * k, x * k) for y0, y1, x in scan.v_rules]
    n_paths = RULED_PATHS if h_rules and v_rules else 0
    return PageText(number, width, height, chars, n_images, n_paths, ocr=True, h_rules=h_rules, v_rules=v_rules)


def _line_size(line) -> float:
    """A line's font size in pixels from its ink: an ideograph is about 0.92 em tall, a digit 0.72."""
    cjk = [c.box[3] - c.box[1] for c in line.chars if _CJK.match(c.text)]
    if cjk:
        return max(cjk) / 0.92
    tall = [c.box[3] - c.box[1] for c in line.chars if c.text.isalnum()]
    return (statistics.median(tall) / 0.72) if tall else (line.box[3] - line.box[1]) * 0.6


def read_scanned_pages(pdf, pages: list[PageText], options: OcrOptions, doc) -> list[int]:
    """OCR the image-only pages in place (pages[i] replaced).  Returns the numbers of the
    pages read.  Raises OcrUnavailable when the engine is not installed."""
    from .ocr import PageOverBudget, engine, scan_image

    todo = [i for i, p in enumerate(pages) if is_image_only(p)]
    if not todo:
        return []
    ocr = engine(options.threads)
    done: list[int] = []
    for n, i in enumerate(todo, start=1):
        page = pages[i]
        start = time.monotonic()
        try:
            pdf_page = pdf[i]
            bitmap = pdf_page.render(scale=options.dpi / 72.0, grayscale=True)
            gray = bitmap.to_numpy()
            if gray.ndim == 3:
                gray = gray[:, :, 0]
            pdf_page.close()
            scan = scan_image(gray.copy(), options.dpi, ocr, deadline=start + options.page_budget)
        except PageOverBudget as exc:
            doc.warn(
                "ocr-page-over-budget",
                f"page {page.number} is a scan and its OCR was stopped: {exc} (the budget is {options.page_budget:.0f} s "
                "per page); the page was not read and its figures are missing. Check it by hand, or run again with a "
                "larger OCR page budget",
                page=page.number,
            )
            continue
        seconds = time.monotonic() - start
        pages[i] = page_from_scan(scan, page.number, page.width, page.height, page.n_images)
        done.append(page.number)
        log.info("%s: OCR page %d (%d of %d) in %.1f s, deskewed %.2f°", doc.source, page.number, n, len(todo), seconds, scan.angle)
        if options.progress is not None:
            options.progress(n, len(todo), page.number, seconds)
    return done
