"""Word reports: .docx read with python-docx; .doc/.wps converted with LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..errors import IngestError
from ..model import Block, Cell, Document, Provenance
from .textutil import clean_inline, looks_like_heading


def load_docx(path: Path, data: bytes) -> Document:
    import docx
    from docx.document import Document as _DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    _check_unpacked_size(data)
    try:
        d: _DocxDocument = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, zlib.error, etree.XMLSyntaxError) as exc:
        raise IngestError(f"not a readable DOCX file ({exc}); open it in Word/LibreOffice and save it again as .docx") from exc
    except (RuntimeError, NotImplementedError) as exc:  # zipfile: an encrypted member, an unknown compression
        raise IngestError(
            f"the DOCX file cannot be unpacked ({exc}): is it password-protected? "
            "Remove the password in Word/LibreOffice and save it again as .docx"
        ) from exc
    if d.element.body is None:
        raise IngestError("the DOCX file has no document body (w:body): open it in Word/LibreOffice and save it again as .docx")

    doc = Document(source=str(path), format="docx")
    pieces: list[str] = []
    pos = 0

    def add(text: str) -> tuple[int, int]:
        nonlocal pos
        if pieces:
            pieces.append("\n")
            pos += 1
        start = pos
        pieces.append(text)
        pos += len(text)
        return start, pos

    for item in d.iter_inner_content():
        if isinstance(item, DocxParagraph):
            text = clean_inline(item.text)
            if not text:
                continue
            start, end = add(text)
            style = (item.style.name or "").lower() if item.style is not None else ""
            kind = "heading" if style.startswith(("heading", "标题", "title")) or looks_like_heading(text) else "paragraph"
            doc.blocks.append(Block(kind=kind, text=text, prov=Provenance(start=start, end=end)))
        elif isinstance(item, Table):
            try:
                doc.blocks.append(_table_block(item, len(doc.blocks), add))
            except ValueError as exc:  # python-docx cannot lay out its merged cells (a vMerge with nothing above)
                doc.warn("docx-table-unreadable",
                         f"a table of the DOCX file was skipped: its merged cells are inconsistent ({exc}); "
                         "open the file in Word/LibreOffice, save it again as .docx and check that table")
    doc.text = "".join(pieces)
    if not doc.blocks:
        raise IngestError("the DOCX file holds no text")
    return doc


# A real report's DOCX unpacks to a few MB; far more is a zip bomb or a wrong file.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:  # NotImplementedError: "zip file version 19.9"
        raise IngestError(f"not a readable DOCX file ({exc}); open it in Word/LibreOffice and save it again as .docx") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise IngestError(
            f"the DOCX file unpacks to {unpacked / 2**20:.0f} MB, far more than any annual report "
            f"(limit {MAX_UNPACKED_BYTES // 2**20} MB): is it the right file?"
        )


# No report table is wider than a few dozen grid columns; a gridSpan of thousands would make
# python-docx repeat the cell that many times (and the grid that wide).
MAX_GRID_COLUMNS = 200


def _table_block(table, index: int, add) -> Block:
    for tr in table._tbl.tr_lst:
        width = sum(tc.grid_span for tc in tr.tc_lst)
        if width > MAX_GRID_COLUMNS:
            raise ValueError(f"a row spans {width} grid columns (gridSpan), more than any report table")
    rows: list[list[Cell]] = []
    lines = []
    seen: set = set()  # the <w:tc> elements met so far (held, so identity is stable)
    for r, row in enumerate(table.rows):
        cells = []
        texts = []
        # row.cells repeats a merged cell's object over its span (both directions).
        for c, cell in enumerate(row.cells):
            origin = cell._tc not in seen
            seen.add(cell._tc)
            txt = clean_inline(cell.text)
            cells.append(Cell(text=txt, row=r, col=c, origin=origin, prov=Provenance(table=index, row=r, col=c)))
            texts.append(txt if origin else "")
        rows.append(cells)
        lines.append("\t".join(texts))
    text = "\n".join(lines)
    start, end = add(text)
    # Character spans of origin cells inside the table text.
    off = start
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            t = cell.text if cell.origin else ""
            if t:
                cell.prov.start, cell.prov.end = off, off + len(t)
            off += len(t) + 1  # tab or newline
    return Block(kind="table", text=text, rows=rows, prov=Provenance(start=start, end=end, table=index))


def convert_with_soffice(path: Path, data: bytes) -> Document:
    """.doc/.wps: convert to .docx with LibreOffice, then read that."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise IngestError(
            f"{path.suffix} files need LibreOffice to convert: install it (apt-get install libreoffice-writer-nogui) "
            "or save the file as .docx and run again"
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        src = Path(tmp) / ("in" + path.suffix.lower())
        src.write_bytes(data)
        try:
            subprocess.run(
                [soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "docx",
                 "--outdir", tmp, str(src)],
                check=True, capture_output=True, timeout=120,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise IngestError(f"LibreOffice could not convert {path.name}: {exc}; save it as .docx and run again") from exc
        out = Path(tmp) / "in.docx"
        if not out.exists():
            raise IngestError(f"LibreOffice produced no .docx for {path.name}; save it as .docx and run again")
        doc = load_docx(path, out.read_bytes())
    doc.format = path.suffix.lower().lstrip(".")
    return doc
