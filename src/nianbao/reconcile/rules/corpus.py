"""NB601–NB603: consecutive reports of one agency (run by ``reconcile_corpus``)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Iterator

from ...model import Finding, ReportResult
from ..names import cell_label, fmt
from ..registry import rule

_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
_MIN_SENTENCE = 8  # characters; shorter pieces ("一是", headings) say nothing about copying


@rule(
    "NB601",
    name="carried_over_continuity",
    family="cross_year",
    scope="corpus",
    summary="This year's 二 上年结转 differs from last year's 四 结转下年度",
    zh="本年度表三「二、上年结转政府信息公开申请数量」总计，应等于同一机关上一年度报告表三「四、结转下年度继续办理」总计。",
    en="This year's T3 carried-over total (二) must equal the same agency's previous report's carried-forward "
    "total (四).",
    options={"tolerance": 0},
)
def carried_over_continuity(ctx) -> Iterator[Finding]:
    this_ref, last_ref = "T3.carried_over.total", "T3.carried_forward.total"
    carried_over, carried_forward = ctx.current.figure(this_ref), ctx.previous.figure(last_ref)
    if carried_over is None or carried_forward is None or None in (carried_over.value, carried_forward.value):
        return
    if abs(carried_over.value - carried_forward.value) <= ctx.tolerance:
        return
    yield ctx.finding(
        f"本年度{cell_label(this_ref)}为 {fmt(carried_over.value)}，但 {ctx.previous.year} 年度报告"
        f"{cell_label(last_ref)}为 {fmt(carried_forward.value)}。请核对两年的结转数。",
        expected=carried_forward.value,
        found=carried_over.value,
        cells=[this_ref],
        previous_cells=[last_ref],
    )


@rule(
    "NB602",
    name="t2_in_force_chain",
    family="cross_year",
    severity="info",
    scope="corpus",
    summary="2021 layout: last year's 现行有效 + 本年制发 − 本年废止 differs from this year's 现行有效",
    zh="2021 格式下，上一年度表二「现行有效件数」加本年「制发」减本年「废止」，一般应等于本年「现行有效件数」。"
    "集中清理、口径调整也会造成差异，因此仅作提示。",
    en="In the 2021 layout, last year's in-force count + issued − repealed this year normally equals this "
    "year's in-force count. Clean-ups and changes of scope also cause gaps, so this is a hint only.",
    options={"tolerance": 0},
)
def t2_in_force_chain(ctx) -> Iterator[Finding]:
    if ctx.current.layout != "2021" or ctx.previous.layout != "2021":
        return
    for row in ("regulations", "normative_docs"):
        last = ctx.previous.figure(f"T2.{row}.in_force")
        refs = [f"T2.{row}.issued", f"T2.{row}.repealed", f"T2.{row}.in_force"]
        figs = [ctx.current.figure(r) for r in refs]
        if last is None or last.value is None or any(f is None or f.value is None for f in figs):
            continue
        issued, repealed, in_force = (f.value for f in figs)
        expected = last.value + issued - repealed
        if abs(expected - in_force) <= ctx.tolerance:
            continue
        yield ctx.finding(
            f"{ctx.previous.year} 年度{cell_label(refs[2])} {fmt(last.value)} + 本年制发 {fmt(issued)} − 本年废止 "
            f"{fmt(repealed)} = {fmt(expected)}，但本年度现行有效为 {fmt(in_force)}。若有集中清理请在报告中说明。",
            expected=expected,
            found=in_force,
            cells=[refs[2]],
            previous_cells=[f"T2.{row}.in_force"],
        )


def part_five_sentences(result: ReportResult) -> list[str]:
    text = "".join(p.text for p in result.paragraphs if p.part == 5)
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) >= _MIN_SENTENCE]


def _best_match(sentence: str, previous: list[str]) -> tuple[float, str]:
    best, best_text = 0.0, ""
    for other in previous:
        matcher = SequenceMatcher(None, sentence, other, autojunk=False)
        if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
            continue
        ratio = matcher.ratio()
        if ratio > best:
            best, best_text = ratio, other
    return best, best_text


@rule(
    "NB603",
    name="copied_narrative",
    family="copied_narrative",
    severity="warning",
    scope="corpus",
    summary="Part 五 (problems and improvements) largely repeats last year's report",
    zh="第五部分「存在的主要问题及改进情况」应反映本年度的情况。若其大部分句子与同一机关上一年度报告逐字或几乎逐字相同"
    "（默认超过 50% 的文字），说明该部分很可能照抄往年。",
    en="Part 五 (main problems and improvements) should describe this year. When most of it (by default over 50 % "
    "of its text) repeats, verbatim or nearly, the same agency's previous report, it was probably copied.",
    options={"threshold": 0.5, "similarity": 0.9},
)
def copied_narrative(ctx) -> Iterator[Finding]:
    current, previous = part_five_sentences(ctx.current), part_five_sentences(ctx.previous)
    if not current or not previous:
        return
    similarity = float(ctx.option("similarity", 0.9))
    copied = []
    for sentence in current:
        ratio, source = _best_match(sentence, previous)
        if ratio >= similarity:
            copied.append({"sentence": sentence, "previous": source, "ratio": round(ratio, 3)})
    total_chars = sum(len(s) for s in current)
    share = sum(len(c["sentence"]) for c in copied) / total_chars
    if share < float(ctx.option("threshold", 0.5)):
        return
    yield ctx.finding(
        f"第五部分 {len(current)} 句中有 {len(copied)} 句与 {ctx.previous.year} 年度报告相同或几乎相同"
        f"（占该部分文字的 {share:.0%}）。请确认问题与改进措施是否针对本年度。",
        expected=None,
        found=round(share, 4),
        copied=copied,
        share=round(share, 4),
    )


@rule(
    "NB604",
    name="t2_item_count_chain",
    family="cross_year",
    severity="info",
    scope="corpus",
    summary="2019 layout: this year's 上一年项目数量 differs from last year's 上一年项目数量 + 本年增/减",
    zh="2019 格式表二中，本年报告的「上一年项目数量」应等于上一年度报告的「上一年项目数量」加「本年增/减」"
    "（行政许可、其他对外管理服务事项、行政处罚、行政强制、行政事业性收费各行）。口径调整也会造成差异，因此仅作提示。",
    en="In the 2019 T2, this year's 'previous year's item count' should equal last year's previous count plus its "
    "change (licensing, other services, punishment, coercion, fees). Scope changes also cause gaps: a hint only.",
    options={"tolerance": 0},
)
def t2_item_count_chain(ctx) -> Iterator[Finding]:
    if ctx.current.layout != "2019" or ctx.previous.layout != "2019":
        return
    for row in ("licensing", "other_services", "punishment", "coercion", "admin_fees"):
        last = [ctx.previous.figure(f"T2.{row}.{c}") for c in ("previous", "change")]
        now = ctx.current.figure(f"T2.{row}.previous")
        if now is None or now.value is None or any(f is None or f.value is None for f in last):
            continue
        expected = last[0].value + last[1].value
        if abs(expected - now.value) <= ctx.tolerance:
            continue
        ref = f"T2.{row}.previous"
        yield ctx.finding(
            f"{cell_label(ref)}为 {fmt(now.value)}，但 {ctx.previous.year} 年度报告为 {fmt(last[0].value)}、"
            f"本年增/减 {fmt(last[1].value)}，合计 {fmt(expected)}。请核对两年的项目数量。",
            expected=expected,
            found=now.value,
            cells=[ref],
            previous_cells=[f"T2.{row}.previous", f"T2.{row}.change"],
        )
