"""Claims: figures the narrative states, normalised and linked to metrics.

Entry point: ``extract_claims(paragraphs) -> list[Claim]`` (spans are offsets
in ``Document.text``, via each paragraph's ``prov.start``).

- ``numbers``: where the figures are and what they are worth (cn2an);
- ``cues``: the words around them (spaCy PhraseMatcher over jieba tokens);
- ``linking``: rules choosing the metric of gold.md, or "other";
- ``evaluate``: (metric, value) precision/recall on labelled sentences and gold folders.
"""

from __future__ import annotations

from ..model import stage
from .extract import extract_claims


@stage(reads=("paragraphs", "layout", "document"), assigns=("claims",))
def read_claims(report, settings) -> None:
    """The claims stage: every figure the narrative states, linked to its metric in the report's own
    layout; a report read converted (繁體) quotes its printed words in claims and paragraphs."""
    report.claims = extract_claims(report.paragraphs, layout=report.layout)
    printed = report.document.printed_text if report.document is not None else None
    if printed is not None:
        for p in report.paragraphs:
            p.printed = "".join(printed[p.source_offset(i)] for i in range(len(p.text)))
        for c in report.claims:
            c.printed = printed[c.prov.start:c.prov.end].replace("\n", "")

__all__ = ["extract_claims", "read_claims"]
