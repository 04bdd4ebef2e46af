"""Ingest: one report file in, a Document (blocks with provenance) out.

``load(path)`` picks the loader from the file's content first and its
extension second (portals serve HTML named .doc, PDFs named .html, …).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import IngestError, UnsupportedFormat
from ..model import Document, stage

SUFFIXES = {".txt", ".text", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".doc", ".wps", ".pdf"}


def sniff(data: bytes, suffix: str) -> str:
    """The format of the bytes: pdf, docx, ole (doc/wps), html or txt."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF") or (b"%PDF-" in data[:1024]):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    low = head[:1024].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in data[:20000].lower() or b"<p" in low:
        return "html"
    if suffix in {".html", ".htm", ".shtml", ".xhtml"}:
        return "html"
    return "txt"


# Real reports hold well under 100,000 characters; five million is a wrong file, not a report.
MAX_TEXT_CHARS = 5_000_000


def load(path: str | Path, data: bytes | None = None, *, max_text_chars: int = MAX_TEXT_CHARS) -> Document:
    """Read a report file (TXT, HTML, DOCX, DOC/WPS, PDF) into a Document.

    Raises IngestError with a message saying what is wrong and what to do.
    """
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    from .script import simplify

    doc = simplify(_load(path, data))
    if len(doc.text) > max_text_chars:
        raise IngestError(
            f"the report's text is {len(doc.text):,} characters long, far more than any annual report "
            f"(limit {max_text_chars:,}): is it the right file? Extract the report, or raise [limits] max_text_mb"
        )
    return doc


def _load(path: Path, data: bytes) -> Document:
    suffix = path.suffix.lower()
    if not data.strip():
        raise IngestError("the file is empty: nothing to read (check that the download or copy finished)")
    kind = sniff(data, suffix)
    if suffix == ".pdf" and kind != "pdf":
        raise IngestError(
            f"the file is named {path.name} but is not a PDF (it does not start with %PDF; it looks like {_looks_like(data, kind)}): "
            "download it again, or give it the extension of what it is"
        )
    if kind == "pdf":
        try:
            from .pdf import load_pdf
        except ImportError as exc:  # the PDF extra is missing
            raise UnsupportedFormat(f"PDF support is not installed ({exc}); pip install 'nianbao' with its PDF dependencies") from exc
        return load_pdf(path, data)
    if kind == "docx":
        from .docx import load_docx

        return load_docx(path, data)
    if kind == "ole":
        from .docx import convert_with_soffice

        return convert_with_soffice(path, data)
    if kind == "html":
        from .html import load_html

        return load_html(path, data)
    if suffix not in SUFFIXES and suffix not in {"", ".md"}:
        raise UnsupportedFormat(
            f"unsupported file type {suffix!r}: nianbao reads .txt, .html, .docx, .doc, .wps and .pdf reports"
        )
    from .txt import load_txt

    return load_txt(path, data)


def _looks_like(data: bytes, kind: str) -> str:
    if kind in ("html", "docx", "ole"):
        return {"html": "an HTML page", "docx": "a DOCX/ZIP file", "ole": "a DOC/WPS file"}[kind]
    sample = data[:4096]
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in sample)
    return "text" if printable > 0.9 * len(sample) else "binary data of an unknown kind"


@stage(reads=("source",), assigns=("document", "format", "sha256"))
def load_report(report, settings) -> None:
    """The ingest stage: the file at ``report.source``, within the size limits, as the report's Document."""
    import hashlib

    path = Path(report.source)
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise IngestError(
                f"the file is {size / 2**20:.0f} MB, larger than any annual report (limit {settings.max_file_mb:g} MB): "
                "is it the right file? Split or extract the report first, or raise [limits] max_file_mb",
                code="too-large")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror or exc}", code="io") from None
    report.sha256 = hashlib.sha256(data).hexdigest()
    report.document = load(path, data=data, max_text_chars=settings.max_text_chars)
    report.format = report.document.format
    report.messages[:0] = report.document.messages


__all__ = ["load", "sniff", "IngestError"]
