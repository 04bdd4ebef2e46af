"""Weak labels read off a report's own structure, for training the paragraph classifier.

Every report says what each paragraph is by the heading it sits under (format.md): the text
before 一、 is the preamble; part 一's paragraphs before its first subsection are the overview and
its subsections name their topic (（一）主动公开 → proactive, （二）依申请公开 → on_request,
（三）政府信息管理 / （四）平台建设 / （五）监督保障 → management); part 二 is proactive, parts
三 and 四 on_request; part 五 holds the problems, then the measures from where they begin
(（二）改进措施, 下一步, 针对…, a second 一是… list); part 六 is other.  Legacy reports use other
numbers and words for the same parts (``sections.segment`` numbers parts by their titles).

``harvest(paragraphs)`` walks one segmented report in reading order and returns a label for
each paragraph whose place gives one unambiguously, with the heading that gave it *masked*:
a title the paragraph carries inline ("（二）政府信息管理。建立健全…") is cut off the text, so a
model trained on these examples learns the wording, not the numbering.  A paragraph of part 五
that turns from problems to measures inside itself gives one example per side.

The segmentation of real pages is imperfect (a title split from its numeral, "三、" glued to the
table before it, item titles dropped); the rules below prefer to give no label over a doubtful one:
a heading naming two topics, table text, and paragraphs under a heading the part does not allow
are left out.  Training only: a weak label is never a score (``nianbao.training`` holds the
test sets).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Paragraph

_NUM = "一二三四五六七八九十"

# Words in a heading -> the labels it names.  A heading may name several (then it decides
# nothing, unless the part allows only one of them).
_HEADING_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("measure", re.compile(r"改进|措施|下一步|今后|努力方向|工作打算|工作安排|整改|工作思路")),
    ("problem", re.compile(r"问题|不足|困难|差距")),
    ("on_request", re.compile(r"依申请|申请公开|受理")),
    ("proactive", re.compile(r"主动公开|解读|回应|重点领域")),
    (
        "management",
        re.compile(
            r"信息管理|管理|平台|监督|保障|培训|考核|评议|追究|机制|组织|领导|制度|指南|目录|宣传|队伍|学习|督查|督导|载体|网站"
        ),
    ),
    # part 六 (2021 layout): fees, 人大建议/政协提案, 政务公开工作要点落实情况, 工作创新情况
    ("other", re.compile(r"收费|处理费|减免|建议|提案|其他|要点|创新")),
    ("overview", re.compile(r"总体|概述|概况")),
)
# Item titles inside a subsection ("4.认真办理依申请公开", "（2）做大做强问政平台") use these words
# loosely; only the unmistakable ones move an item away from its subsection's topic.
_ITEM_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("on_request", re.compile(r"依申请")),
    ("proactive", re.compile(r"主动公开|政策解读")),
    ("management", re.compile(r"信息管理|平台建设|监督保障|考核|培训")),
)

# The labels each part's narrative can have (sections.segment numbers parts by their titles,
# so a legacy "四、收费及减免" is part 6 and "六、主要问题" part 5).
PART_LABELS: dict[int, tuple[str, ...]] = {
    0: ("preamble",),
    1: ("overview", "proactive", "on_request", "management"),
    2: ("proactive",),
    3: ("on_request",),
    4: ("on_request",),
    5: ("problem", "measure"),
    6: ("other",),
}

# A legacy report whose part 三 heading was lost keeps its 依申请 subsections under part 二:
# a heading naming one of these labels overrides the part.
_TOPIC_LABELS = ("proactive", "on_request")

# Part titles (a subsection that is a bare "一、" with the title glued to its paragraph).
_PART_TITLE = {
    1: re.compile(r"^(总体情况|概述|基本情况|工作概况)"),
    2: re.compile(r"^(行政机关)?主动公开(政府)?信息(的)?情况"),
    3: re.compile(r"^(行政机关)?(收到和处理政府信息公开申请|依申请公开(政府)?信息(的)?|政府信息依申请公开)"),
    4: re.compile(r"^(因政府信息公开)?.{0,8}(行政复议|复议、诉讼)"),
    5: re.compile(r"^(政府信息公开工作)?(存在的?主要问题|主要问题及改进|存在问题)"),
    6: re.compile(r"^(其他需要报告的事项|其他事项|需要说明的)"),
}
_BARE_PART = re.compile(rf"^\s*第?([{_NUM}])[、.．]\s*$")
_BARE_SUB = re.compile(rf"^\s*[（(][{_NUM}\d]+[)）]\s*$")

# A title at the start of a paragraph: numbering, then up to 24 characters without sentence
# punctuation, closed by its own full stop/colon or by a title word (情况, 方面, 工作) that runs
# straight into the text ("依申请公开工作2021年，我局…").
_NUMBERING = rf"(?:[（(][{_NUM}\d]{{1,3}}[)）]|第?[{_NUM}][、.．]|\d{{1,2}}[、.．](?!\d))"
_INLINE_TITLE = re.compile(rf"^\s*({_NUMBERING})?\s*([^。；;：:，,！？\s]{{2,24}}?)(?:[。：:；;]|(?<=情况|方面)[，,]?)")
_GLUED_TITLE = re.compile(r"^\s*([^。；;：:，,！？\s]{2,20}?(?:工作|情况|方面))(?=[\d（(《“\u4e00-\u9fff])")
_SHORT_TITLE = re.compile(r"^[^。；;：:，,！？\s]{2,24}[。：:]?$")
# An item title on its own line ("2.用好用活政务新媒体。", "二是丰富形式。"): the run-in heading of
# the paragraph after it, which segmentation printed apart.
_ITEM_TITLE_LINE = re.compile(rf"^\s*(?:{_NUMBERING}|[{_NUM}]是)\s*[^。；;！？，,]{{2,26}}[。：:]?$")
# The signature, date and release note under the report: not narrative.
_SIGNATURE = re.compile(
    r"^[^。；;，,]{0,40}(\d{2,4}年\d{1,2}月\d{1,2}日|[局委办府会心]|此件主动公开|[印发]发)[)）]?$|^[（(]此件主动公开[)）]$|电脑版"
)
_APPENDIX = re.compile(r"附表|附件|统计表|统计情况")
_TITLE_ONLY = re.compile(r"^\W*(方面|情况|工作)?\W*$")

# Table text printed as lines (labels, cells, the legacy 附表).
_TABLE_TEXT = re.compile(
    r"第二十条第|本年新收|上年结转|本年度办理结果|结果维持|结果纠正|信息内容(?:本年|上一年)|本年制发件数|申请人情况|指标名称|计量单位|答复总数|公开答复数"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")

# Part 五: where the measures begin, where the problems are stated.
TURN_TO_MEASURE = re.compile(
    r"^\W*(下一步|在?今后|接下来|针对|为此|对此|对于上述|整改措施|改进措施|改进情况|[0-9０-９]{4}年[，,]?[^。；;]{0,12}将)"
    r"|将采取|采取以下措施|加以改进|改进措施|整改措施|改进如下|将围绕|将从以下|将重点|我们将|将继续|将进一步"
)
PROBLEM_WORDING = re.compile(
    r"还需|有待|不够|不足|较少|缺少|缺乏|薄弱|滞后|不到位|不高|不强|不均衡|仍存在|还存在|存在.{0,6}问题|差距|仍待|待进一步"
)
TURN_TO_PROBLEM = re.compile(r"^\W*(存在的?(主要)?问题|主要问题|问题[:：]|不足[:：])|仍存在|还存在|存在以下问题|存在一些")
_LIST_START = re.compile(rf"^\s*(?:一是|[（(][一1][)）]|1[、.．](?!\d)|第一[，,、])")
_CLAUSE_END = re.compile(
    r"[。！？!?；;]+|(?=[一二三四五六七八九十]是)|(?=下一步)|(?<=[，,])(?=在?今后|接下来|针对|为此|我们将|我局将|我区将|我市将)"
)

MIN_CJK = 1  # "无" alone is a real part 六 paragraph; shorter is nothing


@dataclass
class WeakLabel:
    """A label the report's structure gives to (part of) one paragraph."""

    index: int  # the paragraph's position in the list given to ``harvest``
    text: str  # the paragraph's wording, heading masked (a span of it for a split part 五 paragraph)
    label: str
    rule: str  # what gave the label: "part", "heading", "overview", "part 5 turn", …


def labels_named(heading: str | None) -> set[str]:
    """Every label the words of a heading name ("（一）主动公开情况" -> {"proactive"})."""
    if not heading:
        return set()
    return {label for label, words in _HEADING_WORDS if words.search(heading)}


def heading_label(heading: str | None, allowed: Sequence[str] | None = None) -> str | None:
    """The one label a heading names among ``allowed`` (all labels when None), else None.

    A two-clause heading is read by its first clause when that names one label
    ("(一)加强组织领导,完善工作机制" -> management; "(六)规范依申请公开工作,保障公众…" -> on_request).
    """
    for words in (re.split(r"[，,；;]", heading or "", maxsplit=1)[0], heading):
        named = labels_named(words)
        if allowed is not None:
            named &= set(allowed)
        if len(named) == 1:
            return next(iter(named))
    return None


_SUB_NUMBERING = re.compile(rf"^\s*(?:[（(][{_NUM}]{{1,3}}[)）]|第?[{_NUM}][、.．])")


def _item_label(title: str, allowed: Sequence[str] | None) -> str | None:
    named = {label for label, words in _ITEM_WORDS if words.search(title)}
    if allowed is not None:
        named &= set(allowed)
    return next(iter(named)) if len(named) == 1 else None


def split_title(text: str, *, unnumbered: bool = False) -> tuple[str | None, str]:
    """(title, rest) when the paragraph opens with its own heading that names a label
    ("（三）政府信息管理方面。一是…" -> ("政府信息管理方面", "一是…")); (None, text) otherwise.

    ``unnumbered``: the heading's numeral was split off by segmentation ("（二）" +
    "依申请公开工作2021年…"), so a title without numbering, or running straight into the text,
    counts too.  A title that names no label ("（一）继续强化信息公开责任。") is wording, not a
    heading, and stays.
    """
    m = _INLINE_TITLE.match(text)
    if m and (m.group(1) or unnumbered) and labels_named(m.group(2)):
        return m.group(2), text[m.end():].lstrip()
    if unnumbered:
        g = _GLUED_TITLE.match(text)
        if g and len(g.group(1)) <= 12 and labels_named(g.group(1)):
            return g.group(1), text[g.end():].lstrip()
    return None, text


def is_table_text(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return bool(_TABLE_TEXT.search(text)) or (len(text) > 20 and digits > 0.3 * len(text))


def _part_of_title(text: str) -> int | None:
    for number, pattern in _PART_TITLE.items():
        if pattern.match(text.strip()):
            return number
    return None


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Sentence/clause spans of a paragraph (character offsets covering the text); a piece too
    short to carry a label ("下一步，", "2009年,") opens the clause after it."""
    cuts = sorted({0, len(text), *(m.end() for m in _CLAUSE_END.finditer(text) if 0 < m.end() < len(text))})
    spans = [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for a, b in spans:
        start = a if pending is None else pending
        if len(text[start:b].strip()) < 8 and b < len(text):
            pending = start
            continue
        merged.append((start, b))
        pending = None
    if pending is not None:
        merged.append((pending, len(text)))
    return merged


class _Part5:
    """Problems first, measures from where they begin, in reading order."""

    def __init__(self) -> None:
        self.state: str | None = None
        self.seen_problem = False

    def label_spans(self, text: str, heading: str | None, new_heading: bool) -> list[tuple[int, int, str, str]]:
        named = heading_label(heading, ("problem", "measure"))
        if named is not None:
            self.state = named
            self.seen_problem |= named == "problem"
            return [(0, len(text), named, "heading")]
        if labels_named(heading) & {"proactive", "on_request", "other", "overview"}:
            return []  # a legacy "（一）主动公开情况说明" after part 五: not problems or measures
        starts_list = bool(_LIST_START.match(text)) or (new_heading and heading is not None)
        if self.seen_problem and starts_list and not PROBLEM_WORDING.search(text[:60]):
            self.state = "measure"  # a second list after the problems: the measures
        out: list[tuple[int, int, str, str]] = []
        for a, b in clause_spans(text):
            clause = text[a:b]
            if TURN_TO_MEASURE.search(clause) and (self.state is not None or not PROBLEM_WORDING.search(clause)):
                self.state, rule = "measure", "part 5 turn"
            elif TURN_TO_PROBLEM.search(clause) or (self.state is None and PROBLEM_WORDING.search(clause)):
                self.state, rule = "problem", "part 5 problem wording"
            elif self.state is None:
                continue
            else:
                rule = "part 5 order"
            self.seen_problem |= self.state == "problem"
            if out and out[-1][2] == self.state:
                out[-1] = (out[-1][0], b, self.state, out[-1][3])
            else:
                out.append((a, b, self.state, rule))
        return out


@dataclass
class _Place:
    """Where the walk is: the part (as segmentation numbered it, and as the text shows it), the
    subsection heading and the item heading inside it."""

    seg_part: int | None = None
    part: int = 0
    subsection: str | None = None
    heading: str | None = None  # the subsection's title (None for a bare "（三）")
    item_label: str | None = None  # what an item title inside it names ("4.认真办理依申请公开")
    bare: bool = False  # the subsection is a bare numeral; its title is in the next paragraph
    seen_heading: bool = False  # a subsection heading came in this part (part 一: no more overview)
    fresh: bool = False  # this paragraph is the first under its heading
    overview_given: bool = False



def harvest(paragraphs: Sequence[Paragraph]) -> list[WeakLabel]:
    """Weak labels of one segmented report (``sections.segment`` output, in reading order)."""
    walk = _Walk()
    for i, para in enumerate(paragraphs):
        walk.step(i, para)
    walk.flush()
    return walk.out


class _Walk:
    """The reading of one report: where we are, and the labels given so far."""

    def __init__(self) -> None:
        self.out: list[WeakLabel] = []
        self.at = _Place()
        self.conflicted: set[int] = set()  # parts where a heading named a label the part does not allow
        self.part5 = _Part5()
        self.pending: tuple[int, str] | None = None  # an item title line waiting for the paragraph it heads

    def flush(self) -> None:
        """An item title line that heads nothing ("二是…有待进一步提高。" closing its list) is
        a paragraph of its own."""
        if self.pending is not None:
            index, text = self.pending
            self.pending = None
            self.emit(index, text)

    def step(self, i: int, para: Paragraph) -> None:
        at = self.at
        text = para.text.strip()
        if para.part != at.seg_part or para.subsection != at.subsection:
            self.flush()
        at.fresh = False
        if para.part != at.seg_part:
            at = self.at = _Place(seg_part=para.part, part=para.part)
            self.part5 = _Part5()
        if para.subsection != at.subsection:
            at.subsection, at.item_label, at.fresh = para.subsection, None, True
            bare_part = _BARE_PART.match(para.subsection or "")
            at.bare = bool(bare_part) or bool(_BARE_SUB.match(para.subsection or ""))
            if bare_part and _part_of_title(text) is not None:
                # "一、" + "总体情况今年以来…": a part heading the segmentation took for a subsection
                at.part = _part_of_title(text) or at.part
                text = _PART_TITLE[at.part].sub("", text, count=1).lstrip()
                at.heading, at.bare, at.seen_heading = None, False, False
                self.part5 = _Part5()
            else:
                at.heading = None if at.bare else para.subsection
                at.seen_heading = True
        if at.fresh and _SHORT_TITLE.match(text) and (at.bare or (len(text) <= 8 and heading_label(at.heading) is None)):
            # the title split from its numeral ("（一）" + "积极开展信息主动公开工作"), or its tail
            # ("（四）拓展信息" + "公开平台", "（一）主动公开" + "方面。")
            at.heading, at.bare = (at.heading or "") + text, False
            return
        title, body = split_title(text, unnumbered=at.bare and at.fresh)
        if title is not None and (_SUB_NUMBERING.match(text) or at.bare):
            self.flush()
            at.heading, at.item_label, at.seen_heading = title, None, True
            text, at.bare, at.fresh = body, False, True
        elif re.match(rf"^\s*(?:{_NUMBERING}|[{_NUM}]是)", text):
            self.flush()  # the next item: the pending title headed nothing
            # its own topic when its title names one, else the subsection's
            at.item_label = _item_label(title, PART_LABELS.get(at.part)) if title else None
            if at.item_label is not None:
                text, at.fresh = body, True
        if _ITEM_TITLE_LINE.match(text) and not _SIGNATURE.search(text):
            self.pending = (i, text)  # joins the paragraph it heads
            return
        if self.pending is not None:
            text = self.pending[1] + text
            self.pending = None
        self.emit(i, text)

    def emit(self, i: int, text: str) -> None:
        at = self.at
        if len(_CJK.findall(text)) < MIN_CJK or _TITLE_ONLY.match(text) or is_table_text(text) or _SIGNATURE.search(text):
            return
        if _APPENDIX.search(at.heading or ""):
            return
        allowed = PART_LABELS.get(at.part)
        if allowed is None:
            return
        if at.part == 5:
            for a, b, label, rule in self.part5.label_spans(text, at.heading, at.fresh):
                span = text[a:b].strip()
                if len(_CJK.findall(span)) >= MIN_CJK:
                    self.out.append(WeakLabel(i, span, label, rule))
            return
        label = _label_at(at, allowed, self.conflicted)
        if label is not None:
            self.out.append(WeakLabel(i, text, *label))
            at.overview_given |= label[0] == "overview"


def _label_at(at: _Place, allowed: tuple[str, ...], conflicted: set[int]) -> tuple[str, str] | None:
    if at.item_label is not None and at.item_label in allowed:
        return at.item_label, "item heading"
    heading = at.heading
    named = labels_named(heading)
    if at.part in (2, 3, 4):
        topic = heading_label(heading, _TOPIC_LABELS)
        if topic is not None and topic not in allowed:
            conflicted.add(at.part)  # a legacy part 三 whose heading was lost sits under part 二
            return topic, "heading over part"
        if at.part in conflicted and heading is not None and not named & set(allowed):
            return None
        return allowed[0], "part"
    if len(allowed) == 1:  # parts 0 and 6
        if at.part == 0 and named:
            return None  # a topic heading before 一、: part 一's title was lost
        return allowed[0], "part"
    # part 一
    if not at.seen_heading and heading is None and not at.bare:
        # the overview is part 一's opening paragraph; a second one is often already a topic
        # ("全年我区…共公布政府信息2602条")
        return ("overview", "overview") if not at.overview_given else None
    label = heading_label(heading, allowed)
    if label is None or (label == "overview" and not at.fresh):
        return None  # "（一）基本情况" is the overview of its first paragraph only
    return label, "heading"


__all__ = ["WeakLabel", "harvest", "labels_named", "heading_label", "split_title", "PART_LABELS", "is_table_text"]
