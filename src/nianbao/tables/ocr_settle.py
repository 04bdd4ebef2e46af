"""Figures read by OCR: confirmed, corrected or left uncertain by the table arithmetic.

A figure whose OCR confidence is below CONFIDENT may be a misread digit.  Each of the
table equations (format.md: T3 row totals, column balance, result total; T4 group totals)
that holds the figure and whose other figures are all known and read confidently gives
the value the figure must have for that equation to hold:

- the read value satisfies every such equation: it stands (confirmed);
- two or more equations agree on one other value, a single character away from what was
  read: the digit was misread, and the figure takes that value (a warning says so);
- otherwise (no equation can check it, the equations disagree, or only one does): the
  figure is uncertain: value None, the read and implied values as ``candidates``, so no
  rule raises a finding from it.

A confidently read figure is never changed: an equation it breaks is a finding, as on
any other report.
"""

from __future__ import annotations

from ..model import CanonicalTable, Message, format_number, plain_number
from . import schema

CONFIDENT = 0.9  # recogniser probability of a figure's least certain character


_fmt = format_number


def _one_char_apart(a: str, b: str) -> bool:
    if a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def settle_ocr_figures(tables: dict[str, CanonicalTable], layout: str) -> list[Message]:
    figures = {f.ref: f for t in tables.values() for f in t.figures.values()}
    ocr = [f for f in figures.values() if f.prov.method == "ocr"]
    suspect = {f.ref for f in ocr if f.confidence < CONFIDENT and f.value is not None}
    if not suspect:
        return []
    eqs = schema.t4_equations() if "T4" in tables else []
    if "T3" in tables:  # the format's equations, one definition (tables.schema)
        eqs += schema.t3_equations(schema.t3_row_keys(tables["T3"].figures))
    settled: dict[str, tuple[str, float | int | None, list]] = {}
    for ref in sorted(suspect):
        fig = figures[ref]
        implied = []
        for eq in eqs:
            if ref not in eq.refs:
                continue
            others = [r for r in eq.refs if r != ref]
            if any(r not in figures or figures[r].value is None or r in suspect for r in others):
                continue
            lhs = sum(figures[r].value for r in eq.lhs if r != ref)
            rhs = sum(figures[r].value for r in eq.rhs if r != ref)
            implied.append(rhs - lhs if ref in eq.lhs else lhs - rhs)
        values = set(implied)
        if implied and values == {fig.value}:
            settled[ref] = ("confirmed", fig.value, implied)
        elif len(values) == 1 and len(implied) >= 2 and (v := values.pop()) >= 0 and _one_char_apart(_fmt(fig.value), _fmt(v)):
            settled[ref] = ("corrected", v, implied)
        else:
            settled[ref] = ("uncertain", None, implied)
    messages = []
    for ref, (outcome, value, implied) in settled.items():
        fig = figures[ref]
        if outcome == "confirmed":
            continue
        read = fig.value
        if outcome == "corrected":
            fig.value = plain_number(value)
            messages.append(Message(
                "warning", "ocr-corrected",
                f"{ref}: OCR read 「{fig.raw}」 (confidence {fig.confidence:.2f}), but {len(implied)} table equations "
                f"agree it is {_fmt(value)}: a misread digit, read as {_fmt(value)}. Check it on the page image",
                page=fig.prov.page,
            ))
            continue
        candidates = sorted({v for v in [read, *implied] if v is not None and v >= 0}, key=lambda v: (v != read, v))
        if not implied:
            why = "no table equation can check it"
        elif len(implied) == 1:
            why = f"one table equation says {_fmt(implied[0])}"
        else:
            why = f"the table equations say {', '.join(_fmt(v) for v in implied)}"
        messages.append(Message(
            "warning", "ocr-uncertain",
            f"{ref}: OCR read 「{fig.raw}」 with confidence {fig.confidence:.2f} and {why} "
            f"(candidates {', '.join(_fmt(v) for v in candidates)}): the figure is left uncertain and not checked; "
            "read it on the page image",
            page=fig.prov.page,
        ))
        fig.value, fig.candidates, fig.confidence = None, candidates, min(fig.confidence, 0.5)
    return messages
