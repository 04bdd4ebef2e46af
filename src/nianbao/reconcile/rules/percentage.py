"""NB401: a stated share ("占 33.9%") recomputed from the figures it is a share of."""

from __future__ import annotations

import re
from typing import Iterator

from ...model import Claim, Finding
from ..context import fmt
from ..registry import rule

_PERCENT_UNITS = ("%", "％")
_NUMBER = re.compile(r"(\d+(?:\.(\d+))?)\s*[%％]")
_MAX_GAP = 8  # characters between "42件" and "占51.85%"


def _decimals(claim: Claim) -> int:
    m = _NUMBER.search(claim.text)
    return len(m.group(2) or "") if m else 0


def _position(ctx, claim: Claim, after: int = 0) -> tuple[int, int] | None:
    """(start, end) of the claim inside its paragraph's text, or None."""
    if claim.paragraph is None or not 0 <= claim.paragraph < len(ctx.result.paragraphs):
        return None
    para = ctx.result.paragraphs[claim.paragraph]
    if claim.prov.start is not None and para.prov.start is not None:
        start = claim.prov.start - para.prov.start
        if para.text[start : start + len(claim.text)] == claim.text:
            return start, start + len(claim.text)
    start = para.text.find(claim.text, after)
    return None if start < 0 else (start, start + len(claim.text))


def _is_share(claim: Claim) -> bool:
    return (claim.unit or "") in _PERCENT_UNITS and claim.time == "this_year" and "占" in claim.text


def _numerator(ctx, index: int) -> int | None:
    """The count the share belongs to: the claim just before it in the same paragraph."""
    claims = ctx.result.claims
    share = claims[index]
    share_pos = _position(ctx, share)
    if share_pos is None:
        return None
    for j in range(index - 1, -1, -1):
        c = claims[j]
        if c.paragraph != share.paragraph:
            return None
        if (c.unit or "") in _PERCENT_UNITS:
            continue
        pos = _position(ctx, c)
        if pos is None or pos[1] > share_pos[0] or share_pos[0] - pos[1] > _MAX_GAP:
            return None
        return j
    return None


def _table_bases(ctx, numerator: Claim) -> list[tuple[float, str, list[str]]]:
    if not numerator.metric.startswith("T3.") or not ctx.has_table("T3"):
        return []
    options = [
        ("（七）总计（办结总数）", ["T3.handled_total.total"]),
        ("一 本年新收总计", ["T3.new_received.total"]),
        ("一 + 二（新收与上年结转）", ["T3.new_received.total", "T3.carried_over.total"]),
    ]
    bases = []
    for label, refs in options:
        values = [ctx.value(r) for r in refs]
        if all(v is not None for v in values) and sum(values) > 0:
            bases.append((float(sum(values)), label, refs))
    return bases


_TOTAL_METRICS = ("T3.new_received.total", "T3.handled_total.total", "requests_total_incl_carried", "proactive_total")
_TOTAL_WORDS = re.compile(r"共|合计|总|累计|全年|全部|所有")


def _is_total(claim: Claim) -> bool:
    """A stated figure that can be the base of a share: a total, not a sub-count."""
    return claim.metric in _TOTAL_METRICS or bool(_TOTAL_WORDS.search(claim.text))


def _narrative_bases(ctx, index: int, num_index: int) -> list[tuple[float, str, list[str]]]:
    """Totals stated earlier in the paragraph, and the sum of the whole share series."""
    claims = ctx.result.claims
    numerator = claims[num_index]
    bases = []
    series = 0.0
    for j, c in enumerate(claims):
        if c.paragraph != numerator.paragraph or (c.unit or "") in _PERCENT_UNITS or c.unit != numerator.unit:
            continue
        is_part = j + 1 < len(claims) and _is_share(claims[j + 1]) and claims[j + 1].paragraph == c.paragraph
        if is_part:
            series += c.value
        elif j < num_index and c.value > numerator.value and _is_total(c):  # a part of the series is not its base
            bases.append((float(c.value), f"正文所称「{c.text}」", []))
    if series > numerator.value:
        bases.append((series, "所列各项之和", []))
    return bases


@rule(
    "NB401",
    name="share",
    family="percentage",
    severity="warning",
    summary="A stated share (占 P%) does not follow from the figures",
    zh="正文的占比（如「予以公开及部分公开42件，占51.85%」）应等于该项数字除以其总数（办结总数、新收总数、"
    "正文所述总数或所列各项之和之一），允许按所给小数位四舍五入或截断。",
    en="A stated share ('42 granted, 51.85%') must equal the count divided by its base (handled total, new "
    "requests, a total stated earlier in the paragraph, or the sum of the listed items), allowing for rounding "
    "or truncation at the stated precision.",
    passing=("「予以公开及部分公开42件，占51.85%」，42 / 81 = 51.85%", "pingtan-2023"),
    failing=("「予以公开及部分公开42件，占58.85%」，42 / 81 = 51.85%", ""),
    options={"tolerance": None},
)
def share(ctx) -> Iterator[Finding]:
    claims = ctx.result.claims
    for i, claim in enumerate(claims):
        if not _is_share(claim):
            continue
        j = _numerator(ctx, i)
        if j is None:
            continue
        numerator = claims[j]
        numerators = {float(numerator.value)}
        if numerator.metric.startswith(("T3.", "T4.")) and (v := ctx.metric_value(numerator.metric)) is not None:
            numerators.add(float(v))
        bases = _table_bases(ctx, numerator) + _narrative_bases(ctx, i, j)
        if not bases:
            continue
        decimals = _decimals(claim)
        tolerance = ctx.option("tolerance")
        tolerance = 10.0**-decimals if tolerance is None else float(tolerance)
        if any(abs(100 * n / b - claim.value) <= tolerance + 1e-9 for n in numerators for b, _, _ in bases):
            continue
        base, label, refs = bases[0]
        expected = round(100 * numerator.value / base, max(decimals, 1))
        yield ctx.finding(
            f"正文称「{numerator.text}」「{claim.text}」，但 {fmt(numerator.value)} ÷ {fmt(base)}（{label}）"
            f"= {fmt(expected)}%，与所述 {fmt(claim.value)}% 不符（其他口径也不一致）。请核对占比。",
            expected=expected,
            found=claim.value,
            claims=[j, i],
            evidence_cells=refs,
            bases=[{"value": b, "label": lab, "cells": r} for b, lab, r in bases],
        )
