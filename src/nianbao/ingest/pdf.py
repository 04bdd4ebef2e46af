"""Born-digital PDF reports -> Document (format "pdf").

The text layer comes from pdfium for every page (fast); the pages whose text
shows the standard tables also give their ruling lines (their vector paths,
pdf_rules) to the table readers (pdf_tables).  Blocks come out in reading order
with page and bounding box; running headers, footers and page numbers are
dropped; radical code points are repaired (charfix).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import IngestError
from ..model import Block, Document, Message, Provenance
from .pdf_ocr import OcrOptions, is_image_only, read_scanned_pages
from .pdf_raw import RawTable
from .pdf_rules import page_rules
from .pdf_tables import adopt_orphan_rows, join_continued, read_tables, table_pages, table_text, to_grid
from .pdf_text import (
    RULED_PATHS,
    Line,
    Margins,
    PageText,
    TextBlock,
    body_margins,
    build_blocks,
    page_lines,
    read_page,
    reading_order,
    remove_running_lines,
)

log = logging.getLogger(__name__)

__all__ = ["load_pdf"]


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise IngestError(
                "this PDF is encrypted (password-protected) and cannot be read; "
                "save an unprotected copy (or print it to PDF) and check that file"
            ) from exc
        raise IngestError(
            f"this PDF is damaged or not a PDF ({exc}); download it again or re-save it with a PDF viewer"
        ) from exc


def _page_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    out: list[str] = []
    for n in numbers:
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def _read_pages(pdf: pdfium.PdfDocument, doc: Document, kept: dict[int, pdfium.PdfPage]) -> list[PageText]:
    """The text layer of every page.  Pages that draw paths or forms stay open in ``kept`` (by
    page number; the caller closes them): their rules are read if they turn out to hold a table."""
    pages = []
    for i in range(len(pdf)):
        try:
            page = pdf[i]
            text = read_page(page, i + 1)
        except pdfium.PdfiumError as exc:
            doc.warn("pdf-page-damaged", f"page {i + 1} is damaged and could not be read ({exc})", page=i + 1)
            pages.append(PageText(i + 1, 595.0, 842.0, []))
            continue
        pages.append(text)
        if (text.n_paths >= RULED_PATHS or text.n_images) and text.chars:  # (a form XObject may hold the rules)
            kept[text.number] = page
        else:
            page.close()
    return pages


def _read_scans(pdf: pdfium.PdfDocument, pages: list[PageText], ocr: OcrOptions, doc: Document) -> None:
    """OCR the image-only pages; without the OCR engine a scan is an error (nothing readable
    at all) or a warning naming the pages, never a silent pass."""
    scanned = [p.number for p in pages if is_image_only(p)]
    if not scanned:
        return
    from .ocr import OcrUnavailable  # numpy and the engine: only for a PDF that has scans
    reason = "OCR is switched off"
    if ocr.enabled:
        try:
            done = read_scanned_pages(pdf, pages, ocr, doc)
        except OcrUnavailable as exc:
            reason = str(exc)
        else:
            doc.meta["ocr_pages"] = done
            if not any(p.chars for p in pages):
                over = [m.text for m in doc.messages if m.code == "ocr-page-over-budget"]
                raise IngestError(
                    f"this PDF is a scan ({len(scanned)} image-only pages) and OCR read none of them"
                    + (f": {over[0]}" if over else ": no text was found on the page images")
                )
            empty = [p.number for p in pages if p.number in done and not p.chars]
            done = [n for n in done if n not in empty]
            doc.meta["ocr_pages"] = done
            if empty:
                doc.warn(
                    "pdf-scanned",
                    f"page(s) {_page_ranges(empty)} of {len(pages)} are scans on which OCR found no text; "
                    "anything printed on them is missing: check them by hand",
                    page=empty[0],
                )
            if done:
                doc.messages.append(Message(
                    "info", "pdf-ocr",
                    f"page(s) {_page_ranges(done)} of {len(pages)} are scans and were read by OCR: their figures carry "
                    "the recogniser's confidence, and a figure the table arithmetic cannot settle is left uncertain",
                    page=done[0],
                ))
            return
    text_pages = [p.number for p in pages if p.number not in scanned and p.chars]
    if not text_pages:
        raise IngestError(
            f"this PDF is a scan ({len(scanned)} image-only page{'s' if len(scanned) > 1 else ''}) and cannot be read: "
            f"{reason}; install nianbao[ocr] (pip install 'nianbao[ocr]') to read it"
        )
    doc.warn(
        "pdf-scanned",
        f"page(s) {_page_ranges(scanned)} of {len(pages)} have no text layer (scanned images) and could not be "
        f"read ({reason}); figures on them are missing. Install nianbao[ocr] to read them.",
        page=scanned[0],
    )


def _warn_unreadable(pages: list[PageText], doc: Document) -> None:
    if not any(p.chars for p in pages):
        doc.warn("pdf-no-text", "this PDF has no readable text at all; nothing could be extracted")


# Annual reports run to a few dozen pages; a page count far beyond that is a damaged page tree
# (a lying /Count makes pdfium report up to millions of pages, each tried in turn).
MAX_PAGES = 2000


def _producer(pdf: pdfium.PdfDocument) -> str | None:
    """The Producer of the PDF's info dictionary, or None when it is not valid text (damaged
    metadata must not stop the report: pypdfium2 raises UnicodeDecodeError on bad UTF-16)."""
    try:
        return pdf.get_metadata_value("Producer") or None
    except (UnicodeDecodeError, pdfium.PdfiumError):
        return None


def load_pdf(path: Path, data: bytes, ocr: OcrOptions | None = None) -> Document:
    """Read a PDF report into a Document (image-only pages by OCR); never crashes on a bad page."""
    pdf = _open(data)
    doc = Document(source=str(path), format="pdf")
    if len(pdf) > MAX_PAGES:
        n = len(pdf)
        pdf.close()
        raise IngestError(
            f"the PDF says it has {n:,} pages, far more than any annual report (limit {MAX_PAGES:,}): its page tree "
            "is probably damaged; open it in a PDF viewer, print or save it again as PDF, and run again"
        )
    kept: dict[int, pdfium.PdfPage] = {}
    try:
        pages = _read_pages(pdf, doc, kept)
        _read_scans(pdf, pages, ocr or OcrOptions(), doc)
        doc.meta["pages"] = len(pages)
        producer = _producer(pdf)
        if producer:
            doc.meta["producer"] = producer
        _warn_unreadable(pages, doc)
        raw_lines = remove_running_lines([page_lines(p) for p in pages], [p.height for p in pages])
        _drop_running_chars(pages, raw_lines)
        candidates = table_pages(pages, raw_lines)
        for page in pages:  # the rules of the born-digital table pages (a scan's came from its image)
            if page.number in candidates and page.number in kept and not page.ocr:
                page.h_rules, page.v_rules = page_rules(kept[page.number], page.height, page.chars)
    finally:
        for pdf_page in kept.values():
            pdf_page.close()
        pdf.close()

    margins = body_margins([ln for lines_of_page in raw_lines for ln in lines_of_page])
    doc.meta["table_pages"] = candidates
    tables: list[RawTable] = []
    if candidates:
        try:
            tables = read_tables(pages, candidates, margins.right - margins.left)
        except Exception as exc:  # noqa: BLE001 - odd geometry in one table must not lose the report's text
            log.debug("table reading failed on %s", path, exc_info=True)
            doc.warn(
                "pdf-tables-unreadable",
                f"the tables on page(s) {_page_ranges(candidates)} could not be read ({type(exc).__name__}: {exc}); "
                "their figures are missing",
                page=candidates[0],
            )
    _absorb_spilled_cells(tables, raw_lines, pages)
    boxes: dict[int, list] = {}
    for t in tables:
        boxes.setdefault(t.page, []).append(t.bbox)
    lines = [page_lines(p, boxes[p.number]) if p.number in boxes else raw for p, raw in zip(pages, raw_lines)]
    lines_by_page = {p.number: ls for p, ls in zip(pages, lines)}
    adopted = adopt_orphan_rows(tables, lines_by_page)
    if adopted:
        lines = [[ln for ln in ls if id(ln) not in adopted] for ls in lines]
        lines_by_page = {p.number: ls for p, ls in zip(pages, lines)}
    tables = join_continued(tables, lines_by_page)
    _assemble(doc, pages, lines, tables, margins)
    return doc


def _absorb_spilled_cells(tables: list[RawTable], raw_lines: list[list[Line]], pages: list[PageText]) -> None:
    """A table cut by a page break can print the end of a tall label cell below its last
    rule (Chromium: the 供 of （四）无法提供): short lines just under a table that ends the
    page, inside its left and right edges, belong to the table, not to the text."""
    by_page = {p.number: lines for p, lines in zip(pages, raw_lines)}
    for t in tables:
        x0, _, x1, bottom = t.bboxes[-1]
        below = sorted((ln for ln in by_page.get(t.pages[-1], []) if ln.top >= bottom - 1), key=lambda ln: ln.top)
        spilled = [ln for ln in below if ln.x0 >= x0 - 1 and ln.x1 <= x1 + 1 and len(ln.text.strip()) <= 6
                   and ln.top - bottom < 2 * max(ln.bottom - ln.top, 1)]
        if spilled and len(spilled) == len(below):
            t.bboxes[-1] = (x0, t.bboxes[-1][1], x1, max(ln.bottom for ln in spilled) + 1)


def _drop_running_chars(pages: list[PageText], kept: list[list[Line]]) -> None:
    """Forget the characters of running headers, footers and page numbers, so that
    the table readers never see them either."""
    for page, lines in zip(pages, kept):
        keep = {id(c) for ln in lines for c in ln.chars}
        page.chars = [c for c in page.chars if id(c) in keep or c.text == " "]


def _assemble(doc: Document, pages: list[PageText], lines: list[list[Line]], tables: list[RawTable], margins: Margins) -> None:
    """Blocks in reading order: each page's lines, with tables placed at their position."""
    width = max((p.width for p in pages), default=595.0)
    items: list[Line | RawTable] = []
    for page, lines_of_page in zip(pages, lines):
        ordered: list[Line | RawTable] = list(reading_order(lines_of_page, page.width))
        for t in (t for t in tables if t.page == page.number):
            at = next((i for i, x in enumerate(ordered) if isinstance(x, Line) and x.top >= t.bbox[1]), len(ordered))
            ordered.insert(at, t)
        items += ordered
    pieces: list[TextBlock | RawTable] = []
    run: list[Line] = []
    for item in items + [None]:
        if isinstance(item, Line):
            run.append(item)
            continue
        pieces += build_blocks(run, margins, width)
        run = []
        if item is not None:
            pieces.append(item)
    for piece in _drop_web_page_furniture(pieces, margins):
        if isinstance(piece, TextBlock):
            _add_text_block(doc, piece)
        else:
            _add_table(doc, piece)
    doc.text = doc.text.rstrip("\n")
    titles = [b.text for b in doc.blocks if b.kind == "heading" and b.level == 0]
    if titles:
        doc.meta["title"] = titles[0]


_REPORT_TITLE = re.compile(r"政府信息公开.{0,8}年度?报告$")
_SENTENCE = re.compile(r"[。，；！？]")


def _drop_web_page_furniture(pieces: list, margins: Margins) -> list:
    """A portal page printed to PDF (chromium --print-to-pdf of the page): keep the report
    from its title to its last part, without the portal's menus, links and footer.

    Recognised from the text itself: the report's title line (…政府信息公开工作年度报告)
    comes after short lines; from there, short one-line blocks without sentence
    punctuation (来源/时间, 微信微博, 文件下载) up to the first body text are dropped, and
    the report ends at the first run of three such lines after its last part heading.
    Only when at least three such lines precede the title: a report PDF that opens with
    its title is left as it is."""
    def furniture(p) -> bool:
        return (isinstance(p, TextBlock) and p.kind == "paragraph" and len(p.lines) == 1
                and p.lines[0].x1 - p.lines[0].x0 < 0.8 * (margins.right - margins.left) and not _SENTENCE.search(p.text))

    at = next((i for i, p in enumerate(pieces) if isinstance(p, TextBlock) and len(p.text) <= 60
               and _REPORT_TITLE.search(p.text)), None)
    before = pieces[:at] if at is not None else []
    if (sum(furniture(p) for p in before) < 3
            or any(isinstance(p, RawTable) or p.kind == "heading" and p.level == 1 for p in before)):
        return pieces  # a report that starts with its title (or has no recognisable title)
    title = pieces[at]
    title.kind, title.level = "heading", 0
    body = pieces[at + 1:]
    while body and furniture(body[0]):
        body.pop(0)
    last_part = max((i for i, p in enumerate(body) if isinstance(p, TextBlock) and p.kind == "heading" and p.level == 1), default=None)
    if last_part is not None:
        for i in range(last_part + 1, len(body) - 2):
            if all(furniture(p) for p in body[i:i + 3]):
                body = body[:i]
                break
    return [title] + body


def _append_text(doc: Document, text: str) -> tuple[int, int]:
    start = len(doc.text)
    doc.text += text + "\n"
    return start, start + len(text)


def _add_text_block(doc: Document, block: TextBlock) -> None:
    text = block.text
    if not text:
        return
    start, end = _append_text(doc, text)
    prov = Provenance(start=start, end=end, page=block.page, bbox=tuple(round(v, 2) for v in block.bbox))
    doc.blocks.append(Block(block.kind, text, prov, level=block.level))


def _add_table(doc: Document, table: RawTable) -> None:
    rows = to_grid(table)
    if not rows:
        return
    index = len(doc.blocks)
    for row in rows:
        for cell in row:
            cell.prov.table = index
            if cell.prov.bbox:
                cell.prov.bbox = tuple(round(v, 2) for v in cell.prov.bbox)
    text = table_text(rows)
    start, end = _append_text(doc, text)
    prov = Provenance(start=start, end=end, page=table.page, bbox=tuple(round(v, 2) for v in table.bbox))
    doc.blocks.append(Block("table", text, prov, rows=rows))
