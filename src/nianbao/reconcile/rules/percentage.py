"""NB401: a stated share ("占 33.9%") recomputed from the figures it is a share of;
NB207: parts whose shares add up to 100% against the total stated for them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from ...model import Claim, Finding
from ..claimcheck import claim_position
from ..names import fmt
from ..registry import rule

_PERCENT_UNITS = ("%", "％")
_NUMBER = re.compile(r"(\d+(?:\.(\d+))?)\s*[%％]")
_MAX_GAP = 8  # characters between "42件" and "占51.85%"


def _decimals(claim: Claim) -> int:
    m = _NUMBER.search(claim.text)
    return len(m.group(2) or "") if m else 0


def _position(ctx, claim: Claim) -> tuple[int, int] | None:
    """(start, end) of the claim inside its paragraph's text, or None."""
    return claim_position(ctx, claim)


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
        if all(v is not None for v in values) and sum(values) > 0 and not _uncertain(ctx, refs):
            bases.append((float(sum(values)), label, refs))
    return bases


def _uncertain(ctx, refs) -> bool:
    return any((f := ctx.figure(r)) is not None and (f.candidates or f.value is None) for r in refs)


_TOTAL_METRICS = ("T3.new_received.total", "T3.handled_total.total", "requests_total_incl_carried", "proactive_total")
_TOTAL_WORDS = re.compile(r"共|合计|总|累计|全年|全部|所有")


def _is_total(claim: Claim) -> bool:
    """A stated figure that can be the base of a share: a total, not a sub-count."""
    return claim.metric in _TOTAL_METRICS or bool(_TOTAL_WORDS.search(claim.text))


@dataclass
class _Wholes:
    """What the claims offer as share bases, gathered in one pass over them (scanning every
    claim for every share is quadratic on long texts).  One entry per value: a second equal
    whole decides nothing new."""

    series: dict = field(default_factory=dict)  # (paragraph, unit) -> sum of the parts of share series
    totals: dict = field(default_factory=dict)  # (paragraph, unit) -> {value: (first claim index, text)}
    others: dict = field(default_factory=dict)  # the same for figures without a total's words (weak bases)
    proactive: dict = field(default_factory=dict)  # value -> text of the first 主动公开 total claim


def _wholes(claims: list[Claim]) -> _Wholes:
    wholes = _Wholes()
    for j, c in enumerate(claims):
        if c.metric == "proactive_total":
            wholes.proactive.setdefault(float(c.value), c.text)
        if (c.unit or "") in _PERCENT_UNITS:
            continue
        key = (c.paragraph, c.unit)
        is_part = j + 1 < len(claims) and _is_share(claims[j + 1]) and claims[j + 1].paragraph == c.paragraph
        if is_part:  # a part of the series is not its base
            wholes.series[key] = wholes.series.get(key, 0.0) + c.value
        else:
            kind = wholes.totals if _is_total(c) or c.approx else wholes.others
            kind.setdefault(key, {}).setdefault(float(c.value), (j, c.text))
    return wholes


def _narrative_bases(numerator: Claim, num_index: int, wholes: _Wholes) -> tuple[list, list]:
    """Wholes the narrative offers: totals stated earlier in the paragraph (exact or
    approximate), the report's 主动公开 total, and the sum of the whole share series
    (which may go on in the next sentence of the paragraph); then, weaker, any other
    larger figure stated earlier in the paragraph in the same unit.  Returns (strong, weak)."""
    key = (numerator.paragraph, numerator.unit)

    def earlier_and_larger(found: dict) -> list:
        # one without a total's words is still a plausible base ("60项办事事项…即办事项47项，占比78.3%")
        return [(value, f"正文所称「{text}」", []) for value, (j, text) in found.get(key, {}).items()
                if j < num_index and value > numerator.value]

    bases, weak = earlier_and_larger(wholes.totals), earlier_and_larger(wholes.others)
    series = wholes.series.get(key, 0.0)
    if series > numerator.value:
        bases.append((series, "所列各项之和", []))
    if numerator.metric == "other" and (numerator.unit or "") in ("条", "件") and "申请" not in numerator.text:
        # "主动公开信息中，机构职能类1404件，占12.2%": of the 主动公开 total
        bases += [(value, f"主动公开总数「{text}」", []) for value, text in wholes.proactive.items() if value > numerator.value]
    return bases, weak


def _numerator_cells(ctx, numerator: Claim) -> list[str]:
    if not numerator.metric.startswith(("T2.", "T3.", "T4.")) or not ctx.has_table(numerator.metric[:2]):
        return []
    from ..claimcheck import metric_cells

    present = {f.ref for t in ctx.result.tables.values() for f in t.figures.values()}
    return list(metric_cells(numerator.metric, ctx.table_layout, present))


@rule(
    "NB401",
    name="share",
    family="percentage",
    severity="warning",
    summary="A stated share (占 P%) does not follow from the figures",
    zh="正文的占比（如「予以公开及部分公开42件，占51.85%」）应等于该项数字除以其总数（办结总数、新收总数、新收加上年结转、"
    "正文所述总数（含约数）、主动公开总数或所列各项之和之一），允许按所给小数位四舍五入或截断。所有口径都不符时才报告，"
    "并列出分项与总数所在的表格单元格。",
    en="A stated share ('42 granted, 51.85%') must equal the count divided by its base (handled total, new "
    "requests, new + carried over, a total stated earlier in the paragraph, exact or approximate, the 主动公开 total, "
    "or the sum of the listed items), allowing for rounding or truncation at the stated precision. It is flagged only "
    "when no base reproduces the share, with the cells of the part and of the base.",
    options={"tolerance": None},
)
def share(ctx) -> Iterator[Finding]:
    claims = ctx.result.claims
    wholes = _wholes(claims)
    for i, claim in enumerate(claims):
        if not _is_share(claim):
            continue
        j = _numerator(ctx, i)
        if j is None:
            continue
        numerator = claims[j]
        numerators = {float(numerator.value)}
        part_cells = _numerator_cells(ctx, numerator)
        if part_cells and not _uncertain(ctx, part_cells) and (v := ctx.metric_value(numerator.metric)) is not None:
            numerators.add(float(v))
        strong, weak = _narrative_bases(numerator, j, wholes)
        named = _table_bases(ctx, numerator) + strong
        bases = named + weak
        if not bases:
            continue
        decimals = _decimals(claim)
        tolerance = ctx.option("tolerance")
        tolerance = 10.0**-decimals if tolerance is None else float(tolerance)  # rounding or truncation
        if any(abs(100 * n / b - claim.value) <= tolerance + 1e-9 for n in numerators for b, _, _ in bases):
            continue
        # The base whose share comes closest is the one the writer most likely meant (a named whole first).
        base, label, refs = min(named or weak, key=lambda b: abs(100 * numerator.value / b[0] - claim.value))
        expected = round(100 * numerator.value / base, max(decimals, 1))
        yield ctx.finding(
            f"正文称「{numerator.text}」「{claim.text}」，但 {fmt(numerator.value)} ÷ {fmt(base)}（{label}）"
            f"= {fmt(expected)}%，与所述 {fmt(claim.value)}% 不符（其他口径也不一致）。请核对占比。",
            expected=expected,
            found=claim.value,
            cells=list(dict.fromkeys(part_cells + refs)),
            claims=[j, i],
            evidence_cells=[r for _, _, rs in bases for r in rs],
            bases=[{"value": b, "label": lab, "cells": r} for b, lab, r in bases],
        )


def _share_series(ctx) -> dict[int, list[tuple[int, int]]]:
    """paragraph -> [(count claim, share claim)] in reading order."""
    series: dict[int, list[tuple[int, int]]] = {}
    for i, claim in enumerate(ctx.result.claims):
        if _is_share(claim) and (j := _numerator(ctx, i)) is not None and claim.paragraph is not None:
            series.setdefault(claim.paragraph, []).append((j, i))
    return series


@rule(
    "NB207",
    name="complete_shares_total",
    family="narrative_vs_table",
    severity="warning",
    summary="Parts whose shares add up to 100% sum to another figure than the total stated for them",
    zh="正文列出各项及其占比，占比之和为 100%（列举完整），则各项之和应等于正文所述的总数；否则总数或某一分项有误。",
    en="When the narrative lists parts with their shares and the shares add up to 100% (the list is complete), the "
    "parts must add up to the total the paragraph states; otherwise the total or a part is wrong.",
)
def complete_shares_total(ctx) -> Iterator[Finding]:
    claims = ctx.result.claims
    for paragraph, pairs in _share_series(ctx).items():
        if len(pairs) < 2:
            continue
        counts = [claims[j] for j, _ in pairs]
        if len({c.unit for c in counts}) != 1 or any(c.approx for c in counts):
            continue
        shares = [claims[i] for _, i in pairs]
        ulp = max(10.0 ** -_decimals(c) for c in shares)
        if abs(sum(c.value for c in shares) - 100) > len(shares) * ulp / 2 + 1e-9:
            continue  # not a complete list
        parts = sum(c.value for c in counts)
        first = pairs[0][0]
        totals = [k for k in range(first) if claims[k].paragraph == paragraph and claims[k].unit == counts[0].unit
                  and not claims[k].approx and claims[k].time == "this_year" and _is_total(claims[k])
                  and claims[k].value > max(c.value for c in counts)]
        if not totals or any(abs(claims[k].value - parts) <= ctx.tolerance for k in totals):
            continue
        k = totals[-1]  # the nearest total before the list
        yield ctx.finding(
            f"正文称「{claims[k].text}」（{fmt(claims[k].value)}），其后列明的 {len(counts)} 项占比合计 100%（列举完整），"
            f"但各项合计 {fmt(parts)}（相差 {fmt(abs(claims[k].value - parts))}）。请核对总数或分项。",
            expected=parts,
            found=claims[k].value,
            claims=[k] + [j for j, _ in pairs],
            paragraph=paragraph,
        )
