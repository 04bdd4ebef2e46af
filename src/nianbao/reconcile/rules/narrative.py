"""NB201–NB208: what the narrative says against what the tables (or the narrative itself) show."""

from __future__ import annotations

import re
from typing import Iterator


from ...model import Finding
from ...numerals import to_number as chinese_to_number
from ..claimcheck import claim_position, verdicts
from ..names import cell_label, fmt
from ..registry import rule


def _claim_tolerance(ctx) -> float:
    # NB202 reads claims the same way NB201 does, so both use NB201's tolerance.
    return float(ctx.config.option("NB201", "tolerance", 0))


def _cells_text(cells, metric: str) -> str:
    """The table side of a claim: its cell, or a derived figure named as the report names it."""
    if list(cells) == [metric]:
        return cell_label(metric)
    if metric == "requests_total_incl_carried":
        return "T3 一 本年新收 + 二 上年结转（总计列）"
    return f"{cell_label(metric)}（{len(cells)} 项之和）"


@rule(
    "NB201",
    name="claim_vs_table",
    family="narrative_vs_table",
    summary="A figure stated in the narrative contradicts its table figure",
    zh="正文中的数字（如「共收到政府信息公开申请 N 件」「办结 N 件」「行政复议 N 件」）应与对应表格数字一致。"
    "比较前先尝试常见的其他理解（见 NB202）；带「余、多、约、近」的约数按范围比较。",
    en="A figure stated in the narrative (requests received, handled, granted, reviews, lawsuits, documents "
    "issued, …) must equal the table figure it names. Common alternative readings are tried first (NB202); "
    "approximate figures (余/多/约/近) are checked as bounds.",
    options={"tolerance": 0, "min_confidence": 0.5},
)
def claim_vs_table(ctx) -> Iterator[Finding]:
    for i, verdict in enumerate(verdicts(ctx, _claim_tolerance(ctx))):
        if verdict.status != "mismatch":
            continue
        claim = ctx.result.claims[i]
        yield ctx.finding(
            f"正文称「{claim.text}」（{fmt(claim.value)}），但{_cells_text(verdict.cells, claim.metric)}为 {fmt(verdict.actual)}。"
            "请核对正文或表格。",
            expected=verdict.actual,
            found=claim.value,
            cells=verdict.cells,
            claims=[i],
        )


@rule(
    "NB202",
    name="claim_alternative_reading",
    family="narrative_vs_table",
    severity="info",
    summary="A narrative figure matches its table only under another reading (e.g. 一 + 二 instead of 一)",
    zh="正文数字与其字面对应的表格数字不符，但与另一种常见理解一致，例如「收到申请 75 件」等于新收加上年结转、"
    "「予以公开」包含部分公开、「行政诉讼」只计直接起诉。这通常是表述不严谨而非数字错误，请确认口径。",
    en="The narrative figure differs from the table figure it literally names but equals a common alternative "
    "reading: 'received 75' = new + carried over, 'granted' including partly granted, 'lawsuits' counting only "
    "direct suits. Usually loose wording rather than a wrong figure; the reviewer should confirm the scope.",
)
def claim_alternative_reading(ctx) -> Iterator[Finding]:
    for i, verdict in enumerate(verdicts(ctx, _claim_tolerance(ctx))):
        if verdict.status != "alternative":
            continue
        claim = ctx.result.claims[i]
        yield ctx.finding(
            f"正文称「{claim.text}」（{fmt(claim.value)}），与{_cells_text(verdict.cells, claim.metric)}（{fmt(verdict.actual)}）不符，"
            f"但等于{verdict.reading}（{fmt(verdict.reading_value)}）。请确认正文的统计口径。",
            expected=verdict.actual,
            found=claim.value,
            cells=verdict.cells,
            claims=[i],
            evidence_cells=verdict.reading_cells,
            reading=verdict.reading,
        )


@rule(
    "NB205",
    name="claim_narrower_scope",
    family="narrative_vs_table",
    severity="warning",
    summary="A narrative figure about a part of the body (本级, 局机关, 所属单位) is below the table's whole figure",
    zh="正文数字小于表格数字，而句中说明只统计了一部分（如「市本级」「局机关」「所属单位」），表格却是全机关（全市、全区）的数字。"
    "口径不同而非必然错误，请核对正文是否说明了统计范围。",
    en="The narrative figure is lower than the table figure and its sentence says it counts only a part of the body "
    "(本级, the bureau's own office, subordinate units) while the table covers the whole. A difference of scope rather "
    "than a wrong figure: the reviewer should confirm the sentence states its scope.",
)
def claim_narrower_scope(ctx) -> Iterator[Finding]:
    for i, verdict in enumerate(verdicts(ctx, _claim_tolerance(ctx))):
        if verdict.status != "narrower":
            continue
        claim = ctx.result.claims[i]
        yield ctx.finding(
            f"正文称「{claim.text}」（{fmt(claim.value)}），小于{_cells_text(verdict.cells, claim.metric)}（{fmt(verdict.actual)}）；"
            "句中所述为部分单位的数字，表格为全机关的数字，口径不同。请确认正文的统计范围。",
            expected=verdict.actual,
            found=claim.value,
            cells=verdict.cells,
            claims=[i],
        )


# "共公布政府信息2602条(其中机构职能类信息82条，…，其他应主动公开政府信息1053条)"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUM = r"[零〇一二三四五六七八九十两百千]+"
# The lookbehind: the total never starts inside a longer number (trying each position of a
# long digit run is quadratic).
_BREAKDOWN = re.compile(
    rf"(?<![\d.,])(?P<total>{_NUM})\s*(?P<wan>万|亿)?(?P<unit>[条件篇项个份期场次])\s*"
    r"(?:[（(]\s*其中[：:，,]?(?P<paren>[^（）()]{4,})[）)]|[，,]\s*其中[：:，,]?(?P<inline>[^。；;（）()]{4,}))"
)
_RESIDUAL = re.compile(r"其他|其余|其它")
_MULTIPLIER = {"万": 10_000, "亿": 100_000_000}


_MAX_FIGURE_CHARS = 30  # longer is a broken run of digits, not a figure (and would overflow)


def _number(text: str, wan: str | None) -> float:
    """'2,602' / '1.2' + 万 / '十二' as a number (cn2an reads Chinese numerals)."""
    if len(text) > _MAX_FIGURE_CHARS:
        raise ValueError(f"{text[:20]}…: too long to be a figure")
    if re.fullmatch(_CN_NUM, text):
        value = float(chinese_to_number(text))
    else:
        value = float(text.replace(",", ""))
    return value * _MULTIPLIER.get(wan or "", 1)


def _items(body: str, unit: str) -> list[tuple[str, float]]:
    """(label, number) of each listed item with the total's unit; shares and rates are skipped."""
    items = []
    last = 0
    pattern = rf"(?<![\d.,])(?P<num>{_NUM}|{_CN_NUM})\s*(?P<wan>万|亿)?" + re.escape(unit) + r"(?![%％])"
    for m in re.finditer(pattern, body):
        if body[max(0, m.start() - 1) : m.start()] == "占":
            continue
        items.append((body[last : m.start()], _number(m.group("num"), m.group("wan"))))
        last = m.end()
    return items


@rule(
    "NB203",
    name="breakdown_sum",
    family="narrative_vs_table",
    severity="warning",
    summary="A stated total disagrees with the breakdown that follows it (其中 … 其他 …), or its parts exceed it",
    zh="正文给出总数并逐项列明构成（「其中……其他……」，含兜底的「其他」类，说明列举完整）时，各项之和应等于总数；"
    "未列兜底项的「其中A、B」各项之和不应超过总数。",
    en="When the narrative states a total and then lists its complete breakdown ('其中 …', ending with a residual "
    "'other' item, so the list is exhaustive), the items must add up to the total; the items of an open list "
    "('其中 A、B') must not add up to more than the total.",
    options={"tolerance": 0},
)
def breakdown_sum(ctx) -> Iterator[Finding]:
    for para in ctx.result.paragraphs:
        for m in _BREAKDOWN.finditer(para.text):
            body = m.group("paren") or m.group("inline") or ""
            try:
                items = _items(body, m.group("unit"))
                total = _number(m.group("total"), m.group("wan"))
            except ValueError:  # a figure too long to read, or a numeral no one can read: not checked
                continue
            if len(items) < 2:
                continue
            parts = sum(v for _, v in items)
            complete = any(_RESIDUAL.search(label) for label, _ in items)
            # A list closed by 其他 must add up.  An open list of categories ("其中A类…、B类…") can
            # only fall short; other open lists may overlap (审核通过365条，已办结179条).
            categories = all("类" in label for label, _ in items)
            if abs(total - parts) <= ctx.tolerance or (not complete and (not categories or parts <= total + ctx.tolerance)):
                continue
            claims = [
                i
                for i, c in enumerate(ctx.result.claims)
                if c.paragraph == para.index and c.value == total and m.group("total") in c.text
            ]
            yield ctx.finding(
                f"正文称总数 {fmt(total)}{m.group('unit')}，但其后列明的 {len(items)} 项合计 {fmt(parts)}"
                f"{m.group('unit')}（相差 {fmt(abs(total - parts))}）：「{m.group(0)[:60]}…」。请核对总数或分项。",
                expected=parts,
                found=total,
                claims=claims,
                paragraph=para.index,
                span=[m.start(), m.end()],
                items=[{"label": label.strip("，,、：: "), "value": v} for label, v in items],
            )


_SENTENCE = re.compile(r"[^。；;！!？?]+")
_NEGATED = re.compile(r"(未|并非|不是|没有)$")
# phrase -> (what must be zero, which T4 groups / T3 cell)
_UPHELD = re.compile(r"均获维持|均予维持|均被维持|全部维持|全部被维持|均维持")
_NO_LOSS = re.compile(r"无败诉|未败诉|没有败诉|零败诉|未出现败诉|无一败诉")
_ALL_DONE = re.compile(r"全部办结|均已办结|已全部办结|全部答复完毕|均已答复|已全部答复|全部予以答复")
_NOT_REQUESTS = re.compile(r"建议|提案|诉求|信访|热线|投诉|督办|事项")


def _groups(sentence: str) -> list[str]:
    review, litigation = "复议" in sentence, "诉讼" in sentence or "起诉" in sentence
    groups = []
    if review or not litigation:
        groups.append("review")
    if litigation or not review:
        groups += ["litigation_direct", "litigation_after_review"]
    return groups


def _qualitative_checks(sentence: str, has_t3: bool, has_t4: bool):
    """(phrase match, cells that must be 0, what the phrase means) for each phrase in the sentence."""
    for pattern, kind in ((_UPHELD, "upheld"), (_NO_LOSS, "no_loss"), (_ALL_DONE, "all_done")):
        for m in pattern.finditer(sentence):
            if _NEGATED.search(sentence[: m.start()]):
                continue
            if kind == "upheld" and has_t4:
                cells = [f"T4.{g}.{c}" for g in _groups(sentence) for c in ("corrected", "pending")]
                yield m, cells, "复议、诉讼结果均为维持（纠正与尚未审结均应为 0）"
            elif kind == "no_loss" and has_t4:
                cells = [f"T4.{g}.corrected" for g in ("litigation_direct", "litigation_after_review")]
                yield m, cells, "行政诉讼无败诉（诉讼「结果纠正」应为 0）"
            elif kind == "all_done" and has_t3 and "申请" in sentence and not _NOT_REQUESTS.search(sentence):
                if "结转" in sentence and "下" in sentence:
                    continue  # the sentence itself mentions what is carried forward
                if re.search(r"上一?年度?结转的", sentence[: m.start()]):
                    continue  # "上年结转的2件已全部办结" speaks of last year's requests only
                yield m, ["T3.carried_forward.total"], "申请全部办结（结转下年度应为 0）"


def _stated_as_claim(ctx, paragraph: int, phrase: str) -> bool:
    return any(c.paragraph == paragraph and c.value == 0 and phrase in c.text and c.metric.startswith("T4.")
               for c in ctx.result.claims)


@rule(
    "NB204",
    name="qualitative_claim",
    family="narrative_vs_table",
    severity="warning",
    summary="'均获维持' / '无败诉' / '全部办结' contradicted by T4 or T3",
    zh="正文的定性表述应与表格一致：「均获维持」要求表四相应组的结果纠正、尚未审结为 0；「无败诉」要求诉讼的结果纠正为 0；"
    "「（申请）全部办结」要求表三结转下年度为 0。",
    en="Qualitative statements must agree with the tables: 'all upheld' needs T4 corrected and pending = 0 in the "
    "groups it speaks of, 'no lawsuit lost' needs litigation corrected = 0, and 'all requests handled' needs "
    "T3 carried forward = 0.",
)
def qualitative_claim(ctx) -> Iterator[Finding]:
    has_t3, has_t4 = ctx.has_table("T3"), ctx.has_table("T4")
    for para in ctx.result.paragraphs:
        for sm in _SENTENCE.finditer(para.text):
            sentence = sm.group(0)
            for m, cells, meaning in _qualitative_checks(sentence, has_t3, has_t4):
                if _stated_as_claim(ctx, para.index, m.group(0)):
                    continue  # "无败诉" read as a claim of 0: NB201 checks it, once
                if any((f := ctx.figure(c)) is not None and f.candidates for c in cells):
                    continue  # a cell decoded with more than one value backs no finding
                nonzero = [c for c in cells if ctx.value(c)]
                if not nonzero:
                    continue
                values = "，".join(f"{cell_label(c)}为 {fmt(ctx.value(c))}" for c in nonzero)
                yield ctx.finding(
                    f"正文称「{m.group(0)}」，即{meaning}，但{values}。请核对正文或表格。",
                    expected=0,
                    found=sum(ctx.value(c) for c in nonzero),
                    cells=nonzero,
                    evidence_cells=cells,
                    paragraph=para.index,
                    phrase=m.group(0),
                    sentence=sentence.strip(),
                    span=[sm.start() + m.start(), sm.start() + m.end()],
                )


def _table_knows(ctx, metric: str) -> bool:
    """The tables give this metric a certain value (then NB201 compares each claim with it)."""
    if not metric.startswith(("T2.", "T3.", "T4.")) or not ctx.has_table(metric[:2]):
        return False
    from ..claimcheck import metric_cells

    present = {f.ref for t in ctx.result.tables.values() for f in t.figures.values()}
    cells = metric_cells(metric, ctx.table_layout, present)
    figures = [ctx.figure(c) for c in cells]
    return bool(cells) and all(f is not None and f.value is not None and not f.candidates for f in figures)


def _level(claim) -> bool:
    """A claim that states this year's level exactly (not a share, change or approximation)."""
    return claim.time == "this_year" and claim.qualifier == "exact" and (claim.unit or "") not in ("%", "％")


_ALL_DONE_RATE = re.compile(r"办结率\s*(?:为|达|达到)?\s*100\s*[%％]|全部办结|均已办结|已全部办结")


@rule(
    "NB206",
    name="handled_exceeds_received",
    family="narrative_vs_table",
    severity="warning",
    summary="The narrative says more requests were handled than received (with 上年结转), e.g. beside 办结率100%",
    zh="正文所述办结数不应多于收到（受理）数加上年结转数；正文同时称「办结率100%」「全部办结」时，两数应一致。"
    "表格给出这些数字时由 NB201 比较，此规则只看正文自身。",
    en="The narrative cannot have handled more requests than it received plus those carried over from last year, "
    "least of all beside '办结率100%'. When the tables give these figures NB201 compares them; this rule reads the "
    "narrative alone.",
)
def handled_exceeds_received(ctx) -> Iterator[Finding]:
    claims = ctx.result.claims
    if _table_knows(ctx, "T3.handled_total.total") and _table_knows(ctx, "T3.new_received.total"):
        return
    carried = sum(c.value for c in claims if c.metric == "T3.carried_over.total" and _level(c))
    if not carried and _table_knows(ctx, "T3.carried_over.total"):
        carried = ctx.value("T3.carried_over.total")
    incl = [c for c in claims if c.metric == "requests_total_incl_carried" and _level(c)]
    for h_index, handled in enumerate(claims):
        if handled.metric != "T3.handled_total.total" or not _level(handled):
            continue
        before = [k for k in range(h_index) if claims[k].paragraph == handled.paragraph]
        received = next((k for k in reversed(before) if claims[k].metric == "T3.new_received.total"
                         and _level(claims[k])), None)
        if received is None:
            continue
        whole = incl[0].value if incl else claims[received].value + carried
        if handled.value <= whole + ctx.tolerance:
            continue
        para = ctx.result.paragraphs[handled.paragraph] if handled.paragraph is not None else None
        rate = _ALL_DONE_RATE.search(para.text) if para is not None else None
        if not rate and not carried and not incl:
            continue  # a carried-over count the narrative does not state may explain it
        said = f"，又称「{rate.group(0)}」" if rate else ""
        yield ctx.finding(
            f"正文称「{claims[received].text}」（{fmt(claims[received].value)}）"
            + (f"、上年结转 {fmt(carried)} 件" if carried else "")
            + f"，却称「{handled.text}」（{fmt(handled.value)}）{said}：办结数多于收到与结转之和 {fmt(whole)}。"
            "请核对办结数或收到数。",
            expected=whole,
            found=handled.value,
            claims=[received, h_index],
            paragraph=handled.paragraph,
        )


# Metrics a report states once: two different exact values are a contradiction.
_ONCE_METRICS = ("fees_collected_yuan", "requests_total_incl_carried", "press_conferences", "policy_interpretations")


@rule(
    "NB208",
    name="two_counts_for_one_quantity",
    family="narrative_vs_table",
    severity="warning",
    summary="The narrative gives two different figures for the same quantity in different places",
    zh="同一报告的正文在不同位置对同一数量（如收到申请数、行政复议数、信息处理费）给出不同的数字。"
    "表格给出该数字时由 NB201 逐一比较，此规则只看正文自身。",
    en="The narrative states two different figures for the same quantity (requests received, reviews, fees …) in "
    "different places. When a table gives the figure NB201 compares each claim with it; this rule reads the "
    "narrative alone.",
)
def two_counts_for_one_quantity(ctx) -> Iterator[Finding]:
    claims = ctx.result.claims
    by_metric: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        table_metric = c.metric.startswith(("T2.", "T3.", "T4.")) and c.metric.count(".") >= 2
        if (table_metric or c.metric in _ONCE_METRICS) and _level(c) and c.confidence >= 0.85:
            by_metric.setdefault(c.metric, []).append(i)
    for metric, indices in by_metric.items():
        if len({claims[i].value for i in indices}) < 2 or _table_knows(ctx, metric):
            continue
        first = indices[0]
        other = next(i for i in indices if claims[i].value != claims[first].value)
        if claims[first].paragraph == claims[other].paragraph and _same_sentence(ctx, claims[first], claims[other]):
            continue  # a part restated inside its own sentence is the linker's call, not a contradiction
        values = "、".join(f"「{claims[i].text}」（{fmt(claims[i].value)}）" for i in indices)
        yield ctx.finding(
            f"正文对同一数量给出不同数字：{values}。请核对哪一个正确。",
            expected=claims[first].value,
            found=claims[other].value,
            claims=indices,
            paragraph=claims[other].paragraph,
            metric=metric,
        )


def _same_sentence(ctx, a, b) -> bool:
    pa, pb = claim_position(ctx, a), claim_position(ctx, b)
    if pa is None or pb is None or a.paragraph != b.paragraph:
        return False
    lo, hi = sorted((pa[0], pb[0]))
    return not re.search(r"[。！？!?]", ctx.result.paragraphs[a.paragraph].text[lo:hi])
