"""Claims: figures the narrative states, normalised and linked to metrics.

Entry point: ``extract_claims(paragraphs) -> list[Claim]`` (spans are offsets
in ``Document.text``, via each paragraph's ``prov.start``).
"""

from __future__ import annotations

from ..model import Claim, Paragraph


def extract_claims(paragraphs: list[Paragraph]) -> list[Claim]:
    # Placeholder until the claims stage lands (issue 5): no claims.
    return []
