"""`nianbao claims`: the figures of sentences, one JSON object per input line."""

from __future__ import annotations

import json
import sys

import typer

from .app import app
from .lines import input_lines
from ..model import Claim, Paragraph, Provenance


def claims_of_line(line: str) -> dict:
    """The output object for one input line: its text and its claims."""
    from ..claims import extract_claims

    claims = extract_claims([Paragraph(text=line, part=0, index=0, prov=Provenance(start=0))])
    return {"text": line, "claims": [_claim_dict(c) for c in claims]}


def _claim_dict(c: Claim) -> dict:
    return {
        "metric": c.metric,
        "value": c.value,
        "unit": c.unit,
        "text": c.text,
        "start": c.prov.start,
        "approx": c.approx,
    }


@app.command("claims")
def claims_command(
    source: str = typer.Argument(..., help="Text file with one sentence or paragraph per line, or - for standard input."),
) -> None:
    """Extract the figures each line states and link them to gold.md metrics ("other" when none fits).

    Prints one JSON object per non-empty input line:
    {"text", "claims": [{"metric", "value", "unit", "text", "start", "approx"}]}.
    """
    for line in input_lines(source):
        sys.stdout.write(json.dumps(claims_of_line(line), ensure_ascii=False) + "\n")
