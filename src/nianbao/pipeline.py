"""One report in, a checked ReportResult out: the stages composed in order.

Data flows one way: ingest -> tables -> sections (+ classifier) -> claims ->
reconcile.  Each stage only reads what earlier stages produced, and every
stage is told how to behave by the one ``Settings`` built at the edge.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from . import __version__
from .errors import NianbaoError
from .model import Message, ReportResult
from .settings import Settings


def check(path: str | Path, settings: Settings | None = None, **overrides: Any) -> ReportResult:
    """Load, extract and check one report file.

    ``settings`` (default: ``Settings()``, every rule with its defaults);
    keyword ``overrides`` change single settings, e.g. ``check(p, classify=False)``
    or ``check(p, config={"rules": {"disable": ["NB301"]}})``.

    Never raises for a bad file: a per-file problem becomes an error message
    on the returned result (``result.ok`` is False).
    """
    settings = (settings or Settings()).updated(**overrides)
    path = Path(path)
    result = ReportResult(source=str(path), version=__version__)
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            result.messages.append(Message(
                "error", "too-large",
                f"the file is {size / 2**20:.0f} MB, larger than any annual report (limit {settings.max_file_mb:g} MB): "
                "is it the right file? Split or extract the report first, or raise [limits] max_file_mb",
            ))
            return result
        data = path.read_bytes()
        result.sha256 = hashlib.sha256(data).hexdigest()
        return check_bytes(data, path, settings, result)
    except OSError as exc:
        result.messages.append(Message("error", "io", f"cannot read {path}: {exc.strerror or exc}"))
        return result


def check_bytes(data: bytes, path: Path, settings: Settings, result: ReportResult | None = None) -> ReportResult:
    """Check a report given as bytes (``path`` names it: its suffix and name are read)."""
    from . import ingest

    if result is None:
        result = ReportResult(source=str(path), version=__version__, sha256=hashlib.sha256(data).hexdigest())
    try:
        doc = ingest.load(path, data=data, max_text_chars=settings.max_text_chars)
    except NianbaoError as exc:
        result.messages.append(Message("error", exc.code, str(exc)))
        return result
    result.format = doc.format
    try:
        _analyse(doc, path, result, settings)
    except NianbaoError as exc:
        result.messages.append(Message("error", exc.code, str(exc)))
    except Exception as exc:  # noqa: BLE001 - a bug in nianbao must not stop the other files
        result.messages.append(Message(
            "error", "internal",
            f"nianbao failed while checking this file ({type(exc).__name__}: {exc}); "
            "the other files are unaffected — please report this with the file",
        ))
    return result


def _analyse(doc, path: Path, result: ReportResult, settings: Settings) -> None:
    """The stages after ingest, each reading what the earlier ones wrote into ``result``."""
    from . import claims, metadata, reconcile, sections, tables

    result.messages = doc.messages + result.messages
    extraction = tables.extract_tables(doc, decode_seconds=settings.decode_seconds)
    result.messages += extraction.messages
    result.tables = extraction.tables
    result.table_status = extraction.status
    result.layout = extraction.layout
    result.parts, result.paragraphs = sections.segment(doc)
    meta = metadata.extract(doc, path)
    result.agency, result.year, result.title = meta.agency, meta.year, meta.title
    if result.layout == "unknown" and result.year and result.year < 2019 and not result.tables:
        result.layout = "legacy"
    if settings.classify:
        result.messages += sections.classify(result.paragraphs, model_dir=settings.model_dir)
    result.claims = claims.extract_claims(result.paragraphs, layout=result.layout)
    if doc.printed_text is not None:  # read converted (繁體): evidence quotes what was printed
        _quote_printed(doc.printed_text, result)
    result.findings = reconcile.reconcile(result, config=settings.rules)


def _quote_printed(printed: str, result: ReportResult) -> None:
    for p in result.paragraphs:
        p.printed = "".join(printed[p.source_offset(i)] for i in range(len(p.text)))
    for c in result.claims:
        c.printed = printed[c.prov.start:c.prov.end].replace("\n", "")

