"""From paragraphs to claims: figures, zeros stated in words, and their metrics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ..model import Claim, Paragraph, Provenance
from .cues import Cue, cue_finder
from .linking import OTHER, Link, Linker, zero_metrics
from .numbers import Mention, find_numbers
from ..ingest.script import to_simplified

class LinkReviser(Protocol):
    """A second opinion on a figure's link (``nianbao.evaluation.learned_linker.LearnedLinker`` is one)."""

    def revise(self, linker: Linker, i: int, link: Link) -> Link: ...

# A negation that states a zero: 未收到…申请, 无收取信息处理费情况, 暂不收费, 没有发生….
# Not: 无法提供 (a result row), 无正当理由, 未经复议 (a T4 header), 未按收费通知 (a T3 row),
# 尚未审结 (pending cases), 未能/未及时 (problems), 没有现成信息 (a T3 row).
_NEGATION_RE = re.compile(
    r"(暂无|均未|暂不|并未|尚无|从未|没有|未|无)"
    r"(?!法|正当|人维护|需|偿|按|经|能|及时|予|审结|现成|论|缝|纸|线|障碍|误|来|成年|效|形|限|理|意)"
)
_ZERO_WORD_RE = re.compile(r"(?:均为|为|是)零(?![a-zA-Z\u4e00-\u9fff])")
# 零X: a zero written into the word itself ("零败诉", "零纠错").  Not "零距离", "零跑腿".
_ZERO_FORM_RE = re.compile(r"(?<![0-9一二三四五六七八九十百千万])零(败诉|被纠错|纠错|被纠正|纠正|被撤销|撤销|复议|诉讼)")
# After 不/暂不, these verbs state the office's rule, not what happened this year.
_POLICY_RE = re.compile(r"(予)?(接受|受理|提供|办理|开放|开通|设立|支持|允许)")
_SCOPE_END = "，,；;。！？!?\n（("
_MAX_LEAD = 40  # characters of a claim's text before its figure
_UNIT_BY_METRIC = {"fees_collected_yuan": "元", "T2.admin_fees.amount_wan": "万元"}


@dataclass
class _Found:
    """One claim before it becomes a Claim: offsets are within the paragraph text."""

    start: int
    end: int
    value: float | int
    unit: str | None
    metric: str
    qualifier: str = "exact"
    polarity: str = "positive"
    time: str = "this_year"
    confidence: float = 0.5
    proactive: int = 0


def extract_claims(
    paragraphs: list[Paragraph], *, layout: str | None = None, learned: LinkReviser | None = None
) -> list[Claim]:
    """Every figure the paragraphs state, linked to its metric (or "other").

    ``layout``: the report's table layout ("2021", "2019", "legacy"); T2 claims take
    the keys of that layout (a 2019 report's 规范性文件 are ``new_published`` …, not
    ``issued``).  Unknown: the 2021 keys.
    ``learned``: an optional second opinion for figures the rules leave unlinked
    (``nianbao.evaluation.learned_linker``); off by default, see the measurement there.
    """
    finder = cue_finder()
    found: list[tuple[Paragraph, _Found]] = []
    for paragraph in paragraphs:
        text = to_simplified(paragraph.text)  # offsets hold: claim texts come from paragraph.text
        if not text.strip():
            continue
        cues = finder(text)
        mentions = find_numbers(text)
        found += [(paragraph, f) for f in _figures(text, mentions, cues, learned, layout)]
        found += [(paragraph, f) for f in _stated_zeros(text, mentions, cues, layout)]
        found += [(paragraph, f) for f in _answered_none(paragraph, text, finder, layout)]
    _resolve_proactive([f for _, f in found])
    found.sort(key=lambda pf: (pf[0].index, pf[1].start))
    return [_to_claim(p, f) for p, f in found]


def _figures(
    text: str, mentions: list[Mention], cues: list[Cue], learned: LinkReviser | None, layout: str | None
) -> list[_Found]:
    linker = Linker(text, mentions, cues, layout)
    out: list[_Found] = []
    for i, m in enumerate(mentions):
        link = linker.link(i)
        if learned is not None:
            link = learned.revise(linker, i, link)
        start, end = _span(text, m, link, mentions, i)
        for metric in link.metrics:
            out.append(
                _Found(start, end, m.value, m.unit, metric, m.qualifier, link.polarity, link.time,
                       link.confidence, link.proactive)
            )
    return out


def _span(text: str, m: Mention, link: Link, mentions: list[Mention], i: int) -> tuple[int, int]:
    """The substring stating the figure: from its head cue (or clause start) to the unit."""
    head = link.head
    if head is not None and head.start >= m.end:  # the cue follows the figure ("1件结转下年度")
        return m.start, head.end
    lo = mentions[i - 1].end if i > 0 else 0
    clause = max([lo] + [text.rfind(ch, lo, m.start) + 1 for ch in "，,；;。：:、（(！？\n" if text.rfind(ch, lo, m.start) != -1])
    start = head.start if head is not None and head.start >= clause else clause
    start = max(start, m.start - _MAX_LEAD)  # a long lead is context, not the statement
    while start < m.start and text[start] in " \u3000\t":
        start += 1
    return start, m.end


def _stated_zeros(text: str, mentions: list[Mention], cues: list[Cue], layout: str | None) -> list[_Found]:
    out: list[_Found] = []
    for neg in _NEGATION_RE.finditer(text):
        if out and neg.start() < out[-1].end:
            continue  # "均未" inside an earlier scope
        if _POLICY_RE.match(text, neg.end()) and neg.group(1) in ("暂不", "不"):
            continue  # "暂不接受电子邮件申请": a rule of the office, not a count
        end = _scope_end(text, neg.start())
        start = neg.start()
        metrics = _zero_scope_metrics(text, start, end, mentions, cues, layout)
        if not metrics and end - neg.end() <= 4:
            # The negation closes its clause ("行政复议、行政诉讼均未发生", "收费情况：无"):
            # what it denies stands before it.
            start = _clause_begin(text, neg.start())
            metrics = _zero_scope_metrics(text, start, end, mentions, cues, layout)
        for metric in metrics or []:
            out.append(
                _Found(start, end, 0, _UNIT_BY_METRIC.get(metric, "件"), metric,
                       polarity="negative", confidence=0.85 if metric != OTHER else 0.6)
            )
    for zero in _ZERO_WORD_RE.finditer(text):  # "信息处理费收取为零"
        start, end = _clause_begin(text, zero.start()), zero.end()
        for metric in _zero_scope_metrics(text, start, end, mentions, cues, layout) or []:
            out.append(_Found(start, end, 0, _UNIT_BY_METRIC.get(metric, "件"), metric, confidence=0.8))
    for zero in _ZERO_FORM_RE.finditer(text):  # "行政诉讼零败诉", "复议零纠错"
        start = max(_clause_begin(text, zero.start()), zero.start() - 12)
        for metric in _zero_form_metrics(zero.group(1), text[start:zero.start()]):
            out.append(_Found(zero.start(), zero.end(), 0, "件", metric, polarity="negative", confidence=0.8))
    return out


def _zero_form_metrics(word: str, before: str) -> list[str]:
    """零X: 零败诉 is no lawsuit lost; 零纠错 is nothing corrected, in the groups the clause names."""
    if word == "败诉":
        return ["T4.litigation.corrected"]
    if word in ("复议", "诉讼"):
        return ["T4.review.total" if word == "复议" else "T4.litigation.total"]
    review, litigation = "复议" in before, "诉讼" in before or "起诉" in before
    if not (review or litigation):
        review = litigation = True
    return (["T4.review.corrected"] if review else []) + (["T4.litigation.corrected"] if litigation else [])


_BARE_NONE = re.compile(r"\s*(无|没有|暂无|均无|未收取|未发生)\s*[。.；;]?\s*")


def _answered_none(paragraph: Paragraph, text: str, finder, layout: str | None) -> list[_Found]:
    """"（二）信息公开处理费收取情况：" / "无。": a bare 无 answers the heading above it, which says
    what there was none of (a heading naming nothing countable, "其他需要报告的事项", gives nothing)."""
    if not _BARE_NONE.fullmatch(text) or not paragraph.subsection:
        return []
    heading = to_simplified(paragraph.subsection)
    metrics = [m for m in zero_metrics(finder(heading), heading, layout) if m != OTHER]
    end = len(text.rstrip().rstrip("。.；;"))
    return [_Found(0, end, 0, _UNIT_BY_METRIC.get(metric, "件"), metric, polarity="negative", confidence=0.8)
            for metric in metrics]


def _scope_end(text: str, pos: int) -> int:
    ends = [j for j in (text.find(ch, pos) for ch in _SCOPE_END) if j != -1]
    return min(ends) if ends else len(text)


def _clause_begin(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in "，,；;。！？!?\n") + 1


def _zero_scope_metrics(
    text: str, start: int, end: int, mentions: list[Mention], cues: list[Cue], layout: str | None
) -> list[str] | None:
    """Metrics a zero statement over text[start:end] covers; None when a figure is stated there."""
    scope = text[start:end]
    if re.search(r"[0-9０-９\t|]", scope) or any(start <= m.start < end for m in mentions):
        return None  # a figure is stated (or this is a table row): it speaks for itself
    return zero_metrics([c for c in cues if c.start >= start and c.end <= end], scope, layout)


def _resolve_proactive(found: list[_Found]) -> None:
    """One proactive total per report: the largest figure of the strongest kind of
    candidate (主动公开 > "网站/共 发布信息" > "公开信息"); the others are parts of it
    (区直 2275 + 乡镇 674 = 2949) or channel counts, so "other"."""
    candidates = [f for f in found if f.proactive]
    if not candidates:
        return
    best = max(f.proactive for f in candidates)
    top = max(f.value for f in candidates if f.proactive == best)
    for f in candidates:
        chosen = f.proactive == best and f.value == top
        f.metric = "proactive_total" if chosen else OTHER
        f.confidence = (0.9 if best == 3 else 0.6) if chosen else 0.5


def _to_claim(paragraph: Paragraph, f: _Found) -> Claim:
    start, end = paragraph.source_span(f.start, f.end)
    return Claim(
        text=paragraph.text[f.start:f.end],
        value=f.value,
        metric=f.metric,
        unit=f.unit or None,  # "" : a figure whose unit was left out
        qualifier=f.qualifier,  # type: ignore[arg-type]
        polarity=f.polarity,  # type: ignore[arg-type]
        time=f.time,  # type: ignore[arg-type]
        paragraph=paragraph.index,
        prov=Provenance(start=start, end=end, page=paragraph.prov.page),
        confidence=f.confidence,
    )
