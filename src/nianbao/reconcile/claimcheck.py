"""Comparing one narrative claim with the table figure it names.

A claim is checked against its own metric first, then against the usual
alternative readings (a narrative "收到申请 75 件" may count 一 + 二, "予以公开"
may include 部分公开, …).  Approximate claims (余/多/约/近, at least, at most)
are checked as bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Claim
from ..tables.schema import NARRATIVE_METRICS, T4_DERIVED, resolve_metric, t3_derived

# metric row -> alternative readings: (description, rows summed, same column)
ALTERNATIVES: dict[str, list[tuple[str, list[str]]]] = {
    "T3.new_received": [("一 本年新收 + 二 上年结转（含上年结转）", ["new_received", "carried_over"]),
                        ("三（七）总计（办结数，而非新收数）", ["handled_total"])],
    "T3.handled_total": [("一 本年新收 + 二 上年结转（含未办结的申请）", ["new_received", "carried_over"]),
                         ("一 本年新收（新收数，而非办结数）", ["new_received"])],
    "T3.granted": [("（一）予以公开 +（二）部分公开", ["granted", "partial"])],
    "T3.granted_or_partial": [("（一）予以公开（不含部分公开）", ["granted"])],
    "T4.litigation": [
        ("未经复议直接起诉（不含复议后起诉）", ["litigation_direct"]),
        ("复议后起诉（不含直接起诉）", ["litigation_after_review"]),
    ],
    "T4.review": [("行政复议 + 行政诉讼", ["review", "litigation_direct", "litigation_after_review"])],
}
# T2 columns a narrative word can mean either of (2019 layout: 新制作 and 新公开 are told apart
# by few writers): (column, other column, how the other reading is named)
T2_ALTERNATIVES = {
    "new_published": ("new_made", "本年新制作数量"),
    "new_made": ("new_published", "本年新公开数量"),
}
_UNIT_FACTORS = {("元", "amount_wan"): 1 / 10000, ("亿元", "amount_wan"): 10000}
# A sentence naming both receiving and answering ("受理并答复…12件") may mean either row.
_BOTH_VERBS = re.compile(r"(收到|受理|接收|新收).{0,3}(答复|办结|办理|回复)")
# A part of the government the table covers: 本级, one office, the county level …
_NARROWER = re.compile(r"本级|局机关|委机关|办机关|所属|下属|直属|市直|区直|县直|局本部|科室")


@dataclass
class Verdict:
    status: str  # agree / alternative / narrower / mismatch / explained (by a table error) / skip
    actual: float | int | None = None
    cells: tuple[str, ...] = ()
    reading: str | None = None  # the alternative reading that agrees
    reading_value: float | int | None = None
    reading_cells: tuple[str, ...] = ()
    why: str = ""


def is_table_metric(metric: str) -> bool:
    return metric.split(".")[0] in ("T2", "T3", "T4") and metric.count(".") >= 2


def metric_cells(metric: str, layout: str, present: set[str]) -> tuple[str, ...]:
    """The real table cells a (possibly derived) metric is made of."""
    table, _, rest = metric.partition(".")
    if f"{table}.{rest}" in present:
        return (metric,)
    row, _, col = rest.rpartition(".")
    parts = t3_derived(layout).get(row, []) if table == "T3" else T4_DERIVED.get(row, []) if table == "T4" else []
    return tuple(f"{table}.{p}.{col}" for p in parts)


def stated_in_table_unit(claim: Claim) -> float:
    column = claim.metric.rsplit(".", 1)[-1]
    return claim.value * _UNIT_FACTORS.get((claim.unit or "", column), 1)


def agrees(claim: Claim, stated: float, actual: float, tolerance: float) -> bool:
    """Exact claims must match within the tolerance; approximate ones are bounds."""
    if claim.qualifier == "exact":
        return abs(actual - stated) <= tolerance
    if claim.qualifier == "at_least":
        return actual >= stated - tolerance
    if claim.qualifier == "at_most":
        return actual <= stated + tolerance
    if "近" in claim.text:  # 近 N: a little under N
        return stated * 0.8 - tolerance <= actual <= stated + tolerance
    if "余" in claim.text or "多" in claim.text:  # N 余 / N 多: N or a little more
        step = 10 ** (len(str(int(stated))) - len(str(int(stated)).rstrip("0"))) if stated >= 1 else 1
        return stated - tolerance <= actual <= stated + max(step, 0.2 * stated, 1) + tolerance
    return abs(actual - stated) <= max(0.1 * stated, 1) + tolerance  # 约 N


def check_claim(ctx, claim: Claim, tolerance: float) -> Verdict:
    metric = claim.metric
    if metric == "requests_total_incl_carried":
        return _check_total_incl_carried(ctx, claim, tolerance)
    if metric in NARRATIVE_METRICS or not is_table_metric(metric):
        return Verdict("skip", why="metric not in a table")
    if (claim.unit or "") in ("%", "％") or claim.time != "this_year":
        return Verdict("skip", why="share, change or other-year figure")
    if claim.confidence < float(ctx.config.option("NB201", "min_confidence", 0.5)):
        return Verdict("skip", why="the claims stage is unsure of this figure or its metric")
    table = metric.split(".")[0]
    if not ctx.has_table(table):
        return Verdict("skip", why=f"no {table}")
    actual = ctx.metric_value(metric)
    present = {f.ref for t in ctx.result.tables.values() for f in t.figures.values()}
    cells = metric_cells(metric, ctx.table_layout, present)
    if actual is None or not cells or _uncertain(ctx, cells):
        return Verdict("skip", why="table figure unknown or ambiguous")
    stated = stated_in_table_unit(claim)
    if agrees(claim, stated, actual, tolerance):
        return Verdict("agree", actual, cells)
    corrected = resolve_metric(metric, corrected_values(ctx), ctx.table_layout)
    if corrected is not None and agrees(claim, stated, corrected, tolerance):
        # The table is internally inconsistent and the narrative states the consistent value:
        # one error, reported once by the arithmetic rule (which cites this claim).
        return Verdict("explained", actual, cells, "表内勾稽关系推算值", corrected)
    row_key, _, col = metric.rpartition(".")
    if stated == 0:
        return Verdict("mismatch", actual, cells)  # "无败诉", "未收到申请": a zero has no narrower reading
    for reading, rows in ALTERNATIVES.get(row_key, []):
        refs = tuple(f"{table}.{r}.{col}" for r in rows)
        values = [ctx.value(r) for r in refs]
        if any(v is None for v in values) or _uncertain(ctx, refs):
            continue
        if agrees(claim, stated, sum(values), tolerance):
            if "carried_over" in rows and _states_carried_over(ctx, claim):
                return Verdict("agree", actual, cells, reading, sum(values), refs)  # "75件（含上年结转5件）"
            if rows in (["handled_total"], ["new_received"]) and _BOTH_VERBS.search(_sentence_of(ctx, claim)):
                return Verdict("agree", actual, cells, reading, sum(values), refs)  # "受理并答复12件"
            return Verdict("alternative", actual, cells, reading, sum(values), refs)
    if table == "T2" and col in T2_ALTERNATIVES:
        other_col, reading = T2_ALTERNATIVES[col]
        ref = f"{row_key}.{other_col}"
        value = ctx.value(ref)
        if value is not None and not _uncertain(ctx, (ref,)) and agrees(claim, stated, value, tolerance):
            return Verdict("alternative", actual, cells, reading, value, (ref,))
    if stated < actual and _NARROWER.search(_sentence_of(ctx, claim)[: _offset_in_sentence(ctx, claim)]):
        return Verdict("narrower", actual, cells, why="the sentence speaks of a part of what the table covers")
    return Verdict("mismatch", actual, cells)


def _check_total_incl_carried(ctx, claim: Claim, tolerance: float) -> Verdict:
    """"共收到申请75件（含上年结转5件）": the stated total is T3 一 + 二."""
    if not ctx.has_table("T3") or claim.time != "this_year":
        return Verdict("skip", why="no T3")
    if claim.confidence < float(ctx.config.option("NB201", "min_confidence", 0.5)):
        return Verdict("skip", why="the claims stage is unsure of this figure or its metric")
    cells = ("T3.new_received.total", "T3.carried_over.total")
    values = [ctx.value(c) for c in cells]
    if any(v is None for v in values) or _uncertain(ctx, cells):
        return Verdict("skip", why="table figure unknown or ambiguous")
    actual = sum(values)
    if agrees(claim, float(claim.value), actual, tolerance):
        return Verdict("agree", actual, cells)
    if agrees(claim, float(claim.value), values[0], tolerance):
        return Verdict("alternative", actual, cells, "一 本年新收（不含上年结转）", values[0], cells[:1])
    return Verdict("mismatch", actual, cells)


def _uncertain(ctx, refs) -> bool:
    """A cell decoded with more than one possible value never backs a finding."""
    for ref in refs:
        fig = ctx.figure(ref)
        if fig is not None and (fig.candidates or fig.value is None):
            return True
    return False


def claim_position(ctx, claim: Claim) -> tuple[int, int] | None:
    """(start, end) of the claim inside its paragraph's text, from its span in the document.

    A paragraph rebuilt from broken lines leaves line breaks out of its text (``gaps``), so
    the document offset is mapped back through them; the first occurrence of the claim's
    text is the fallback when the claim carries no span.
    """
    if claim.paragraph is None or not 0 <= claim.paragraph < len(ctx.result.paragraphs):
        return None
    para = ctx.result.paragraphs[claim.paragraph]
    if claim.prov.start is not None and para.prov.start is not None:
        naive = claim.prov.start - para.prov.start
        skipped = sum(n for _, n in getattr(para, "gaps", ()) or ())
        for start in range(naive, max(-1, naive - skipped - 1), -1):
            if para.text[start:start + len(claim.text)] == claim.text and (
                    not hasattr(para, "source_offset") or para.source_offset(start) == claim.prov.start):
                return start, start + len(claim.text)
    start = para.text.find(claim.text)
    return None if start < 0 else (start, start + len(claim.text))


def _sentence_of(ctx, claim: Claim) -> str:
    """The sentence of the paragraph that holds the claim (the claim text when unknown)."""
    pos = claim_position(ctx, claim)
    if pos is None:
        return claim.text
    text = ctx.result.paragraphs[claim.paragraph].text
    at = pos[0]
    start = max(text.rfind(ch, 0, at) for ch in "。！？；;\n") + 1
    ends = [i for i in (text.find(ch, at + len(claim.text)) for ch in "。！？；;\n") if i != -1]
    return text[start:min(ends) if ends else len(text)]


def _offset_in_sentence(ctx, claim: Claim) -> int:
    sentence = _sentence_of(ctx, claim)
    at = sentence.find(claim.text)
    return len(sentence) if at < 0 else at + len(claim.text)


def corrected_values(ctx) -> dict[str, dict[str, float | int | None]]:
    """Table values with each cell named by an arithmetic problem set to its expected value."""

    def compute():
        from .arithmetic import analyse

        values = {name: dict(v) for name, v in ctx.table_values().items()}
        for problem in analyse(ctx):
            table, _, key = problem.cell.partition(".")
            if problem.expected is not None and table in values:
                values[table][key] = problem.expected
        return values

    return ctx.cached("corrected_values", compute)


_INCLUDES_CARRIED = re.compile(r"(含|包括|其中)[^，。；]{0,6}(上年|上一年|往年)[^，。；]{0,4}(结转|转结)")


def _states_carried_over(ctx, claim: Claim) -> bool:
    """The narrative says itself that its figure includes last year's carried-over requests."""
    if _INCLUDES_CARRIED.search(claim.text):
        return True
    if claim.paragraph is None or not 0 <= claim.paragraph < len(ctx.result.paragraphs):
        return False
    text = ctx.result.paragraphs[claim.paragraph].text
    at = text.find(claim.text)
    return at >= 0 and bool(_INCLUDES_CARRIED.search(text[at : at + len(claim.text) + 20]))


def verdicts(ctx, tolerance: float) -> list[Verdict]:
    return ctx.cached(
        f"claim_verdicts:{tolerance}", lambda: [check_claim(ctx, c, tolerance) for c in ctx.result.claims]
    )


def supporting_claims(ctx, cell: str) -> list[int]:
    """Claims about ``cell`` that state the value the table's own arithmetic expects."""
    tolerance = float(ctx.config.option("NB201", "tolerance", 0))
    return [i for i, v in enumerate(verdicts(ctx, tolerance)) if v.status == "explained" and cell in v.cells]
