"""Real reports read for training and evaluation: ``ingest.load`` + ``sections.segment`` over report
folders (``source.*`` + ``meta.json``), each kept with its agency and folder name."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

from .. import ingest, sections
from ..errors import NianbaoError
from ..sections.classifier_data import SegmentedReport, report_agency


def segment_reports(report_paths: Sequence[Path]) -> list[SegmentedReport]:
    """Load and segment reports.  A report that cannot be read is left out with a warning naming
    it.  The agency comes from the folder's ``meta.json`` (the same key as its gold paragraphs)."""
    out = []
    for path in report_paths:
        try:
            _parts, paragraphs = sections.segment(ingest.load(path))
        except NianbaoError as exc:
            warnings.warn(f"{path}: left out of the weak labels, it cannot be read ({exc})", stacklevel=2)
            continue
        out.append(SegmentedReport(report_agency(path.with_name("meta.json"), path.parent.name), path.parent.name, paragraphs))
    return out


__all__ = ["segment_reports"]
