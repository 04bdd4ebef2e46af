"""One report in, a checked ReportResult out: the stages composed in order.

Data flows one way: ingest -> tables -> sections (+ classifier) -> claims ->
reconcile.  Each stage only reads what earlier stages produced.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import __version__
from .errors import NianbaoError
from .model import Message, ReportResult


# Annual reports are a few MB at most; anything far larger is a wrong file or an archive.
MAX_BYTES = 100 * 1024 * 1024


def check(path: str | Path, *, classify: bool = True, config=None) -> ReportResult:
    """Load, extract and check one report file.

    Never raises for a bad file: a per-file problem becomes an error message
    on the returned result (``result.ok`` is False).
    """
    from . import ingest

    path = Path(path)
    result = ReportResult(source=str(path), version=__version__)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            result.messages.append(Message(
                "error", "too-large",
                f"the file is {size / 2**20:.0f} MB, larger than any annual report (limit {MAX_BYTES // 2**20} MB): "
                "is it the right file? Split or extract the report first",
            ))
            return result
        data = path.read_bytes()
        result.sha256 = hashlib.sha256(data).hexdigest()
        doc = ingest.load(path, data=data)
    except NianbaoError as exc:
        result.messages.append(Message("error", exc.code, str(exc)))
        return result
    except OSError as exc:
        result.messages.append(Message("error", "io", f"cannot read {path}: {exc.strerror or exc}"))
        return result

    result.format = doc.format
    try:
        _analyse(doc, path, result, classify=classify, config=config)
    except NianbaoError as exc:
        result.messages.append(Message("error", exc.code, str(exc)))
    except Exception as exc:  # noqa: BLE001 - a bug in nianbao must not stop the other files
        result.messages.append(Message(
            "error", "internal",
            f"nianbao failed while checking this file ({type(exc).__name__}: {exc}); "
            "the other files are unaffected — please report this with the file",
        ))
    return result


def _analyse(doc, path: Path, result: ReportResult, *, classify: bool, config) -> None:
    """The stages after ingest, each reading what the earlier ones wrote into ``result``."""
    from . import claims, metadata, reconcile, sections, tables

    result.messages = doc.messages + result.messages
    extraction = tables.extract_tables(doc)
    result.messages += extraction.messages
    result.tables = extraction.tables
    result.layout = extraction.layout
    result.parts, result.paragraphs = sections.segment(doc)
    meta = metadata.extract(doc, path)
    result.agency, result.year, result.title = meta.agency, meta.year, meta.title
    if result.layout == "unknown" and result.year and result.year < 2019 and not result.tables:
        result.layout = "legacy"
    if classify:
        sections.classify(result.paragraphs)
    result.claims = claims.extract_claims(result.paragraphs)
    result.findings = reconcile.reconcile(result, config=config)
