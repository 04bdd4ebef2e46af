"""Claims: figures the narrative states, normalised and linked to metrics.

Entry point: ``extract_claims(paragraphs) -> list[Claim]`` (spans are offsets
in ``Document.text``, via each paragraph's ``prov.start``).

- ``numbers``: where the figures are and what they are worth (cn2an);
- ``cues``: the words around them (spaCy PhraseMatcher over jieba tokens);
- ``linking``: rules choosing the metric of gold.md, or "other";
- ``evaluate``: (metric, value) precision/recall on labelled sentences and gold folders.
"""

from __future__ import annotations

from .extract import extract_claims

__all__ = ["extract_claims"]
