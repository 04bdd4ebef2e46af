"""Linking each figure to the metric it states (gold.md names), by rules over cues.

The rules read the cues (``cues.py``) on the figure's left, nearest first, back to
the previous figure or the start of the sentence: the first *head* cue decides
("…予以公开22件" -> T3.granted.total).  A few heads sit on the right instead
("共收到70件申请", "1件结转下年度", "对29项…政策文件进行解读").  Breakdowns inherit
their row from the sentence ("申请81件，其中自然人80件" -> T3.new_received.natural).
A zero stated in words ("未收到…申请", "无收取信息处理费情况") is a claim of 0, and a
zero can state several metrics at once ("未发生…行政复议、行政诉讼" -> both).

Everything else a figure can be is metric "other".
"""

from __future__ import annotations

import bisect

import re
from dataclasses import dataclass, field

from .cues import Cue
from .numbers import Mention

OTHER = "other"

# Units each kind of metric is counted in; a head cue with a figure in another unit
# ("新闻发布会共计25人次") is not that metric.
# "" is a figure whose unit was left out ("答复数3"): it takes the unit of its metric.
REQUEST_UNITS = {"件", "宗", "起", "条", "个", "次", "件次", "份", ""}
T2_UNITS = {"件", "条", "个", "项", "份", ""}
PROACTIVE_UNITS = {"条", "件"}
DECISION_UNITS = {"件", "项", "项次", "起", "宗", "个", "次", "件次"}
INTERPRETATION_UNITS = {"篇", "条", "次", "项", "期", "个", "份", "场", "件"}
PRESS_UNITS = {"场", "次"}
MONEY_UNITS = {"元", "万元"}

T3_ROW_HEADS = {
    "GRANTED_OR_PARTIAL": "granted_or_partial",
    "GRANTED": "granted",
    "PARTIAL": "partial",
    "DENIED": "denied",
    "UNABLE": "unable",
    "NOT_PROCESSED": "not_processed",
    "OTHER_HANDLING": "other",
    "CARRIED_OVER": "carried_over",
    "INCL_CARRIED": "carried_over",  # "（含上年结转8件）"
    "CARRIED_FORWARD": "carried_forward",
    "HANDLED": "handled_total",
}
T3_SUBROW_HEADS = {
    "SUB_NOT_HELD": "unable.not_held",
    "SUB_NEEDS_CREATION": "unable.needs_creation",
    "SUB_DUPLICATE": "not_processed.duplicate",
    "SUB_COMPLAINT": "not_processed.complaint",
    "SUB_STATE_SECRET": "denied.state_secret",
    "SUB_THIRD_PARTY": "denied.third_party",
    "SUB_PROCESS_INFO": "denied.process_info",
    "SUB_INTERNAL": "denied.internal_affairs",
    "SUB_PUBLICATION": "not_processed.publication",
}
T3_COLUMN_CUES = {
    "COL_NATURAL": "natural",
    "COL_COMMERCIAL": "commercial",
    "COL_RESEARCH": "research",
    "COL_SOCIAL": "social",
    "COL_LEGAL": "legal",
}
T4_GROUP_HEADS = {"REVIEW": "review", "LITIGATION": "litigation", "LIT_DIRECT": "litigation_direct",
                  "LIT_AFTER": "litigation_after_review"}
T4_COLUMN_CUES = {"CORRECTED": "corrected", "UPHELD": "upheld", "PENDING": "pending"}
STOP_CUES = {"BLOCK", "SPEND", "GRAPHIC"}

_CHANGE_RE = re.compile(r"(同比|较上年|较去年|比上年|比去年|环比)?(增长|增加|上升|提高|提升|下降|减少|回落|降低|减)了?(约|近)?$")
_DECREASE_RE = re.compile(r"下降|减少|回落|降低|减")
_LAST_YEAR_RE = re.compile(r"(上年|去年|上一年度?)(?!度?结转|度?转结)[^，,；;。]{0,8}$")
_CUMULATIVE_RE = re.compile(r"历年|累计至今|现行有效")
_RUNNING_TOTAL_RE = re.compile(r"截至|截止|历年|累计至今|自\d{4}年以来|以来累计")
_SENTENCE_END = "。！？!?\n"
_CLAUSE_END = "，,；;。！？!?\n"
_SUBSET_RE = re.compile(r"其中|信息中|包括|包含")
_SERVICE_HALL_RE = re.compile(r"窗口|审批|服务大厅|行政服务|政务服务|便民服务")
_DISCLOSURE_RE = re.compile(r"信息公开|政府信息|依申请")
# A whole digit run not followed by 年/月/日.  Anchored at the run's start and its end, so a long
# run is tried once: "[0-9]+(?![0-9]*年)" backtracked through every prefix of every suffix of a
# run ending in 年 (cubic: minutes on a 5,000-digit run).
_DIGITS_NOT_DATE = re.compile(r"(?<![0-9０-９])[0-9０-９]+(?![0-9０-９年月日])")


@dataclass
class Link:
    """What one figure states: one metric, or several for a coordinated zero."""

    metrics: list[str]
    head: Cue | None = None  # the cue that decided, for the claim's text span
    time: str = "this_year"
    polarity: str = "positive"
    confidence: float = 0.5
    proactive: int = 0  # proactive-total candidate: 3 = 主动公开, 2 = website/total evidence, 1 = "公开信息N条"
    row: str | None = None  # T3 row or T4 group, inherited by later breakdowns
    notes: list[str] = field(default_factory=list)


def _sentence_bounds(ends: list[int], length: int, pos: int) -> tuple[int, int]:
    """The sentence around ``pos``, from the sorted positions of the text's sentence ends
    (searching the text for each mention is quadratic on a long paragraph)."""
    k = bisect.bisect_left(ends, pos)
    return (ends[k - 1] + 1 if k else 0), (ends[k] if k < len(ends) else length)


def _clause_start(text: str, lo: int, pos: int) -> int:
    return max([lo] + [text.rfind(ch, lo, pos) + 1 for ch in _CLAUSE_END if text.rfind(ch, lo, pos) != -1])


def _left_start(text: str, lo: int, pos: int) -> int:
    """Left context starts after the last digit run that is not a date, so table
    rows and unitless numbers between a cue and the figure cut the link."""
    last = lo
    for m in _DIGITS_NOT_DATE.finditer(text, lo, pos):
        last = m.end()
    return last


# T2 block (一): what a narrative says of its documents -> the column of each layout.
# The 2019 layout has no repealed column; its 对外公开总数量 is the stock in force.
T2_DOC_COLUMNS = {
    "2021": {"made": "issued", "published": "issued", "in_force": "in_force", "repealed": "repealed"},
    "2019": {"made": "new_made", "published": "new_published", "in_force": "total_published", "repealed": None},
}
_T2_MADE_RE = re.compile(r"制定|制发|制作|印发|出台|起草")
_T2_PUBLISH_RE = re.compile(r"公开|公布|发布|更新")
_T2_REPEALED_RE = re.compile(r"废止|废除|失效|宣布失效")
_T2_IN_FORCE_RE = re.compile(r"现行有效|有效期内|对外公开总|现有(?!的?[^规]{0,3}制)")
_T2_VERB_BLOCKS = {"废止", "修改", "修订", "新制定"}  # block cues that are T2 verbs after a T2 row


def t2_doc_columns(layout: str | None) -> dict[str, str | None]:
    """Columns of T2 第二十条第（一）项 in the report's own layout (2021 keys when unknown)."""
    return T2_DOC_COLUMNS.get(layout or "", T2_DOC_COLUMNS["2021"])


def t2_fee_metric(layout: str | None) -> str | None:
    """T2 行政事业性收费 amount: a 2021-layout cell; the 2019 layout counts fee items, not money."""
    return None if layout == "2019" else "T2.admin_fees.amount_wan"


class Linker:
    """Resolves the mentions of one paragraph, left to right."""

    def __init__(self, text: str, mentions: list[Mention], cues: list[Cue], layout: str | None = None) -> None:
        self.text = text
        self.mentions = mentions
        self.cues = cues
        self.t2_columns = t2_doc_columns(layout)
        self.t2_fee_metric = t2_fee_metric(layout)
        self.layout = layout
        # Cue positions by start, so a context finds its cues without scanning them all
        # (quadratic on a long paragraph).
        self._cue_order = sorted(range(len(cues)), key=lambda k: cues[k].start)
        self._cue_starts = [cues[k].start for k in self._cue_order]
        self._sentence_ends = [i for i, ch in enumerate(text) if ch in _SENTENCE_END]
        self.row_by_sentence: dict[int, tuple[str, str]] = {}  # sentence start -> (table, row)
        self.metric_at: dict[int, str] = {}  # mention index -> metric linked
        self._sentence_left: list[Cue] = []
        self._sentence_text = ""
        self._left_lo = self._left_hi = 0

    # ---- contexts ------------------------------------------------------
    def _contexts(self, i: int) -> tuple[int, int, int, int]:
        m = self.mentions[i]
        s_start, s_end = _sentence_bounds(self._sentence_ends, len(self.text), m.start)
        prev_end = self.mentions[i - 1].end if i > 0 else 0
        left_lo = _left_start(self.text, max(s_start, prev_end), m.start)
        right_hi = s_end
        for ch in "，,；;":
            j = self.text.find(ch, m.end, s_end)
            if j != -1:
                right_hi = min(right_hi, j)
        if i + 1 < len(self.mentions):
            right_hi = min(right_hi, self.mentions[i + 1].start)
        return left_lo, m.start, m.end, right_hi

    def _cues_in(self, lo: int, hi: int) -> list[Cue]:
        """The cues inside [lo, hi), in the order they were given."""
        inside = []
        for n in range(bisect.bisect_left(self._cue_starts, lo), len(self._cue_order)):
            k = self._cue_order[n]
            if self.cues[k].start >= hi:
                break
            if self.cues[k].end <= hi:
                inside.append(k)
        return [self.cues[k] for k in sorted(inside)]

    # ---- main ------------------------------------------------------------
    def link(self, i: int) -> Link:
        m = self.mentions[i]
        left_lo, left_hi, right_lo, right_hi = self._contexts(i)
        left_text = self.text[left_lo:left_hi]
        if _CHANGE_RE.search(left_text[-8:]):
            polarity = "negative" if _DECREASE_RE.search(left_text[-8:]) else "positive"
            return Link([OTHER], time="change", polarity=polarity, confidence=0.8)
        if m.is_percent:
            return Link([OTHER], confidence=0.8)  # shares and rates: no metric names a share
        if self.text[max(0, m.start - 1):m.start] == "等" and m.unit in ("个", "项", "类", "方面"):
            return Link([OTHER], confidence=0.7, notes=["the size of a list (…等六个)"])
        if _LAST_YEAR_RE.search(left_text[-12:]):
            return Link([OTHER], time="last_year", confidence=0.6)
        sentence_start, _ = _sentence_bounds(self._sentence_ends, len(self.text), m.start)
        # Heads are read in the figure's own clause; flags such as 其中 in the whole sentence.
        clause_lo = _clause_start(self.text, left_lo, m.start)
        left = self._cues_in(clause_lo, left_hi)
        self._sentence_left = self._cues_in(left_lo, left_hi)
        self._sentence_text = self.text[sentence_start:left_hi]
        self._left_lo, self._left_hi = left_lo, left_hi
        right = self._cues_in(right_lo, right_hi)
        if m.value == 0 and not re.search(r"历年|累计至今|以来", left_text):
            metrics = zero_metrics(self._cues_in(clause_lo, m.start), self.text[clause_lo:m.start], self.layout)
            if len(metrics) > 1:
                return Link(metrics, confidence=0.8)
        link = None
        if all(c.label in ("PUBLISH", "TOTAL") or c.text in _T2_VERB_BLOCKS for c in left):
            link = self._t2_inherited(m, sentence_start, self.text[clause_lo:m.start])
        link = link or self._from_left(m, list(reversed(left)), sentence_start) or self._from_right(m, left, right)
        if link is None:
            link = self._weak_proactive(m, left) or Link([OTHER], confidence=0.5)
        if link.metrics[0].startswith(("T3.", "T4.")) and re.search(r"历年|累计至今|以来", left_text):
            return Link([OTHER], link.head, time="cumulative", confidence=0.6, notes=["a count over the years"])
        if link.metrics != [OTHER] and self._restates_whole(i, link.metrics[0], sentence_start):
            return Link([OTHER], link.head, confidence=0.6, notes=["a part of a whole stated before 其中"])
        if link.row:
            self.row_by_sentence[sentence_start] = (link.metrics[0].split(".")[0], link.row)
        self.metric_at[i] = link.metrics[0]
        if _CUMULATIVE_RE.search(left_text) and link.metrics == [OTHER]:
            link.time = "cumulative"
        return link

    def features(self, i: int, link: Link) -> dict[str, float]:
        """Context features of mention i for the learned linker (``learned.py``)."""
        m = self.mentions[i]
        left_lo, left_hi, right_lo, right_hi = self._contexts(i)
        clause_lo = _clause_start(self.text, left_lo, m.start)
        feats: dict[str, float] = {f"rule={link.metrics[0]}": 1.0, f"unit={m.unit}": 1.0,
                                   f"qual={m.qualifier}": 1.0, "zero": float(m.value == 0),
                                   "rule_conf": link.confidence}
        for rank, cue in enumerate(reversed(self._cues_in(clause_lo, left_hi))):
            feats[f"L:{cue.label}"] = 1.0
            if rank < 2:
                feats[f"L{rank + 1}:{cue.label}"] = 1.0
        for cue in self._cues_in(left_lo, clause_lo):
            feats[f"S:{cue.label}"] = 1.0
        for rank, cue in enumerate(self._cues_in(right_lo, right_hi)):
            feats[f"R:{cue.label}"] = 1.0
            if rank == 0:
                feats[f"R1:{cue.label}"] = 1.0
        before = self.text[max(clause_lo, m.start - 6):m.start]
        for k in range(len(before) - 1):
            feats[f"c2:{before[k:k + 2]}"] = 1.0
        return feats

    def _from_left(self, m: Mention, nearest_first: list[Cue], sentence_start: int) -> Link | None:
        blocks = [c for c in nearest_first if c.label == "BLOCK" or self._other_scope(c, nearest_first)]
        t2_verbs_only = bool(nearest_first) and nearest_first[0].label in ("REGULATIONS", "NORMATIVE") and all(
            c.text in _T2_VERB_BLOCKS | {"清理"} for c in blocks)  # "清理已失效的规范性文件6份": the T2 row decides
        if blocks and not t2_verbs_only and not any(
            c.label in ("PROACTIVE", "INTERPRETATION", "PRESS") for c in nearest_first[:1]
        ):
            return Link([OTHER], confidence=0.7, notes=["a count of messages, suggestions, approvals or another office's work"])
        if self._other_thing_right(m):
            return Link([OTHER], confidence=0.7, notes=["the noun after the figure is not a request"])
        has_application = False
        subset = self._is_subset()
        column: tuple[str, str] | None = None  # (table, column) waiting for its row
        for k, cue in enumerate(nearest_first):
            label = cue.label
            further = nearest_first[k + 1:]
            if label in STOP_CUES:
                return Link([OTHER], confidence=0.7, notes=[f"stopped by {cue.text}"])
            if label in ("APPLICATION", "ON_REQUEST"):
                has_application = True
                continue
            if label == "SUBSET":
                subset = True
                continue
            if label in T3_COLUMN_CUES:
                column = column or ("T3", T3_COLUMN_CUES[label])
                continue
            if label in T4_COLUMN_CUES or label == "LOST":
                if label == "LOST":
                    return Link(["T4.litigation.corrected"], cue, confidence=0.8, row="litigation")
                column = column or ("T4", T4_COLUMN_CUES[label])
                continue
            if label in T3_SUBROW_HEADS:
                if m.unit not in REQUEST_UNITS:
                    return Link([OTHER], cue, confidence=0.6)
                col = column[1] if column and column[0] == "T3" else "total"
                return Link([f"T3.{T3_SUBROW_HEADS[label]}.{col}"], cue, confidence=0.8)
            if label == "HANDLED" and self._joined_receive(cue, further):
                cue, label = next(c for c in further if c.label == "RECEIVE"), "RECEIVE"  # "受理并答复…申请12件"
            if label in T3_ROW_HEADS:
                if label == "HANDLED":  # "结转下年度继续办理3件": the specific row wins over 办理
                    specific = next((c for c in further if c.label in T3_ROW_HEADS and c.label != "HANDLED"), None)
                    cue, label = (specific, specific.label) if specific else (cue, label)
                if label == "HANDLED" and not (has_application or self._request_context(m, cue)):
                    # "办理公共服务事项8057件", "来信316件，回复292件": not （七）总计
                    return Link([OTHER], cue, confidence=0.6, notes=["handled, but not requests"])
                if label == "INCL_CARRIED" and re.search(r"在内|共|合计|总|[）)]", self.text[cue.end:m.start]):
                    # "收到申请（含上年结转）75件": the total including them, not what was carried over
                    return Link(["requests_total_incl_carried"], cue, confidence=0.8)
                if m.unit not in REQUEST_UNITS:
                    return Link([OTHER], cue, confidence=0.6)
                row = T3_ROW_HEADS[label]
                if row == "denied" and re.search(r"应[予以]?公开而$", self.text[max(0, cue.start - 6):cue.start]):
                    return Link([OTHER], cue, confidence=0.7)
                col = column[1] if column and column[0] == "T3" else "total"
                return Link([f"T3.{row}.{col}"], cue, confidence=0.9, row=row)
            if label == "RECEIVE":
                if not (has_application or self._application_right(m)):
                    return Link([OTHER], cue, confidence=0.6)
                if m.unit not in REQUEST_UNITS:
                    return Link([OTHER], cue, confidence=0.6)
                if _SERVICE_HALL_RE.search(self._sentence_text) and not _DISCLOSURE_RE.search(self._sentence_text):
                    return Link([OTHER], cue, confidence=0.6, notes=["service-hall applications"])
                if self._includes_carried(m):
                    return Link(["requests_total_incl_carried"], cue, confidence=0.8)
                col = column[1] if column and column[0] == "T3" else "total"
                return Link([f"T3.new_received.{col}"], cue, confidence=0.9, row="new_received")
            if label in T4_GROUP_HEADS:
                if m.unit not in REQUEST_UNITS:
                    return Link([OTHER], cue, confidence=0.6)
                group = T4_GROUP_HEADS[label]
                col = column[1] if column and column[0] == "T4" else "total"
                return Link([f"T4.{group}.{col}"], cue, confidence=0.9, row=group)
            if label in ("REGULATIONS", "NORMATIVE"):
                return self._t2(m, cue, further)
            if label in _ZERO_T2_ROWS:
                return self._t2_decisions(m, cue)
            if label == "PROACTIVE":
                should = self.text[max(0, cue.start - 1):cue.start] == "应"  # "其他应主动公开的信息": a category
                # "主动公开…行政权力运行类信息47条" is a category; "各类政府信息11543件" the total
                category = bool(re.search(r"(?<![各全])类(?:政府)?信息\s*$|(?<![各全])类\s*$", self.text[cue.end:m.start]))
                # "收到政协提案29件、建议12件，……共计主动公开18件": the answers to proposals made public
                proposals = any(c.text in ("建议", "提案") for c in self._cues_in(sentence_start, cue.start))
                if subset or should or category or proposals or m.unit not in PROACTIVE_UNITS:
                    return Link([OTHER], cue, confidence=0.7)
                if _RUNNING_TOTAL_RE.search(self._sentence_text):
                    # "截至2021年底，累计主动公开…374条" may be a running total over the years: the weakest
                    # candidate, the year's total only when the report states no other
                    return Link(["proactive_total"], cue, confidence=0.6, proactive=1)
                return Link(["proactive_total"], cue, confidence=0.9, proactive=3)
            if label == "INTERPRETATION":
                ok = m.unit in INTERPRETATION_UNITS and not subset
                return Link(["policy_interpretations" if ok else OTHER], cue, confidence=0.85)
            if label == "PRESS":
                ok = m.unit in PRESS_UNITS and not subset
                return Link(["press_conferences" if ok else OTHER], cue, confidence=0.85)
            if label == "ADMIN_FEE":
                metric = self.t2_fee_metric if m.unit in MONEY_UNITS else None
                return Link([metric or OTHER], cue, confidence=0.8)
            if label == "FEE":
                if m.unit in MONEY_UNITS and cue.start >= m.start - 25:
                    return Link(["fees_collected_yuan"], cue, confidence=0.85)
                continue
        if column is not None and column[0] == "T3" and sentence_start not in self.row_by_sentence:
            # "收到的政府信息公开申请中，自然人申请80件": the row's verb is in an earlier clause
            labels = {c.label for c in self._sentence_left}
            if "RECEIVE" in labels and labels & {"APPLICATION", "ON_REQUEST"}:
                return Link([f"T3.new_received.{column[1]}"], None, confidence=0.7, row="new_received")
            if has_application and m.unit in REQUEST_UNITS:
                # "从申请人看，自然人申请45件": applicant breakdowns are of the new applications
                return Link([f"T3.new_received.{column[1]}"], None, confidence=0.6, row="new_received")
        if column is not None:
            inherited = self.row_by_sentence.get(sentence_start)
            if inherited and inherited[0] == column[0]:
                return Link([f"{column[0]}.{inherited[1]}.{column[1]}"], None, confidence=0.8, row=inherited[1])
            if column[0] == "T4":
                return Link([f"T4.review.{column[1]}"], None, confidence=0.5, row="review")
        return None

    def _from_right(self, m: Mention, left: list[Cue], right: list[Cue]) -> Link | None:
        labels_left = {c.label for c in left}
        for cue in right:
            if cue.label in STOP_CUES:
                return None
            if cue.label == "CARRIED_FORWARD" and m.unit in REQUEST_UNITS:
                return Link(["T3.carried_forward.total"], cue, confidence=0.85, row="carried_forward")
            if cue.label == "CARRIED_OVER" and m.unit in REQUEST_UNITS:
                return Link(["T3.carried_over.total"], cue, confidence=0.85, row="carried_over")
            if cue.label == "PRESS" and m.unit in PRESS_UNITS:
                return Link(["press_conferences"], cue, confidence=0.8)
            if cue.label == "INTERPRETATION" and m.unit in INTERPRETATION_UNITS:
                before = self.text[max(0, m.start - 2):m.start]
                if "对" in before and "政策" in self.text[m.end:cue.end]:
                    return Link(["policy_interpretations"], cue, confidence=0.75)
                if "PUBLISH" in labels_left and cue.start - m.end <= 2 and not self._is_subset():
                    return Link(["policy_interpretations"], cue, confidence=0.75)  # "共发布55篇政策解读稿"
            if cue.label == "APPLICATION" and "RECEIVE" in labels_left and m.unit in REQUEST_UNITS:
                return Link(["T3.new_received.total"], cue, confidence=0.8, row="new_received")
        return None

    def _t2(self, m: Mention, cue: Cue, further: list[Cue]) -> Link:
        row = "regulations" if cue.label == "REGULATIONS" else "normative_docs"
        between = self.text[cue.end:m.start]
        clause_lo = _clause_start(self.text, self._left_lo, cue.start)
        before = self.text[max(clause_lo, cue.start - 10):cue.start]
        if m.unit not in T2_UNITS or "类" in between or re.search(r"政策[、和及与]$", before):
            return Link([OTHER], cue, confidence=0.7)
        listed = self._is_subset() or bool(_SUBSET_RE.search(self._sentence_text))
        if listed and (re.search(r"[和及与、]", between) or re.search(r"[和及与、]$", before)):
            # "37件，其中发展规划3件、…、法律法规、规范性文件和资金下达2件": a mixed category of the information
            # published, not the documents T2 counts ("其中…规范性文件信息4条" still is)
            return Link([OTHER], cue, confidence=0.7)
        clause = self.text[clause_lo:cue.start]
        if ("清理" in clause and not _T2_REPEALED_RE.search(clause + between)) or re.search(r"历年|累计", before):
            # "清理并集中发布现行有效行政规范性文件393件": a clean-up's count, not the table's stock
            # (but "清理已失效的规范性文件15份" counts what was repealed)
            return Link([OTHER], cue, time="cumulative", confidence=0.7)
        kind = self._t2_kind(before + between)
        column = self.t2_columns[kind]
        if column is None:
            return Link([OTHER], cue, confidence=0.6, notes=[f"no T2 column for {kind} in this layout"])
        return Link([f"T2.{row}.{column}"], cue, confidence=0.85, row=row)

    def _t2_decisions(self, m: Mention, cue: Cue) -> Link:
        """"公开行政许可454项次", "行政处罚案件数71件": the decisions counted in T2's (五)/(六) rows.
        Not a category of published information ("行政许可类信息40条") nor last year's count."""
        between = self.text[cue.end:m.start]
        if m.unit not in DECISION_UNITS or re.search(r"类|信息|事项清单|目录", between) or len(between) > 12:
            return Link([OTHER], cue, confidence=0.6)
        if self._is_subset() or re.search(r"事项|清单", self._sentence_text):
            # "现有权责事项350项，其中：行政许可审批件76件": items of a list of powers, not decisions
            return Link([OTHER], cue, confidence=0.6)
        if _LAST_YEAR_RE.search(self.text[max(0, cue.start - 12):cue.start]) or _RUNNING_TOTAL_RE.search(self._sentence_text):
            return Link([OTHER], cue, time="cumulative", confidence=0.6)
        return Link([_ZERO_T2_ROWS[cue.label]], cue, confidence=0.8)

    @staticmethod
    def _t2_kind(words: str) -> str:
        if _T2_IN_FORCE_RE.search(words):
            return "in_force"
        if _T2_REPEALED_RE.search(words):
            return "repealed"
        if _T2_MADE_RE.search(words):
            return "made"
        return "published"

    def _t2_inherited(self, m: Mention, sentence_start: int, left_text: str) -> Link | None:
        """"公布现行有效行政规范性文件16件，新公布4件，废止、失效4件": the later clauses
        name only the verb; their row is the sentence's T2 row (parts after 含/其中 are not)."""
        inherited = self.row_by_sentence.get(sentence_start)
        if not inherited or inherited[0] != "T2" or m.unit not in T2_UNITS:
            return None
        if re.search(r"含|其中|包括|包含", self.text[sentence_start:m.start]):
            return None
        clause = left_text.strip()
        # The clause is the verb alone ("新公布4件", "废止、失效4件"): a clause naming its own
        # thing ("业务公开累计296条") is not a part of the T2 row.
        rest = re.sub(r"制定|制发|制作|印发|出台|起草|公开|公布|发布|更新|废止|废除|失效|宣布|本年度?|新|另|共|计|了|[、和及与并]",
                      "", clause)
        if len(rest) > 1 or rest == clause:
            return None
        column = self.t2_columns[self._t2_kind(clause)]
        if column is None:
            return Link([OTHER], None, confidence=0.6)
        return Link([f"T2.{inherited[1]}.{column}"], None, confidence=0.75, row=inherited[1])

    def _weak_proactive(self, m: Mention, left: list[Cue]) -> Link | None:
        """"网站共发布信息N条": a total of published items without the word 主动公开."""
        labels = {c.label for c in left}
        right_text = self.text[m.end:m.end + 4]
        has_info = bool(labels & {"INFO", "CATEGORY"}) or right_text.startswith(("信息", "政府信息", "政务信息"))
        if m.unit not in PROACTIVE_UNITS or "PUBLISH" not in labels or not has_info or self._is_subset():
            return None
        publish = max(c.start for c in left if c.label == "PUBLISH")
        has_website = "WEBSITE" in labels
        has_channel = "CHANNEL" in labels
        has_total = "TOTAL" in labels
        if has_channel and not has_website:
            return None
        head = next(c for c in left if c.label == "PUBLISH" and c.start == publish)
        strength = 2 if (has_website or has_total) else 1
        return Link([OTHER], head, confidence=0.6, proactive=strength)

    def _restates_whole(self, i: int, metric: str, sentence_start: int) -> bool:
        """"政策解读30篇，其中图文解读20篇、视频解读10篇": after 其中, the same metric
        again is a part of the whole, not a second statement of it."""
        for j in range(i - 1, -1, -1):
            earlier = self.mentions[j]
            if earlier.start < sentence_start:
                return False
            if self.metric_at.get(j) == metric:
                return bool(_SUBSET_RE.search(self.text[earlier.end:self.mentions[i].start]))
        return False

    def _is_subset(self) -> bool:
        """The figure is a part of something stated before it ("其中…", "在主动公开的信息中，…"),
        also further down the list ("其中：文字解读11篇、图片解读8篇")."""
        return any(c.label == "SUBSET" for c in self._sentence_left) or bool(
            _SUBSET_RE.search(self.text[self._left_lo:self._left_hi])
        ) or bool(re.search(r"其中[：:，,]", self._sentence_text))

    @staticmethod
    def _other_scope(cue: Cue, nearest_first: list[Cue]) -> bool:
        """"协助…答复申请3件" is another office's work; "办理涉税案件12件" counts another thing,
        but "受理涉税政府信息公开申请3件" is still a request (申请 between the cue and the figure)."""
        if cue.label != "OTHER_SCOPE":
            return False
        if cue.text in ("协助", "协办"):
            return True
        closer = nearest_first[:nearest_first.index(cue)]
        return not any(c.label in ("APPLICATION", "ON_REQUEST") for c in closer)

    def _request_context(self, m: Mention, verb: Cue) -> bool:
        """Whether a bare 办理/答复/办结 figure counts requests: 申请 is named in the sentence
        or right after the figure; 办理/回复/答复 need it, 办结 only needs no other thing named."""
        sentence_start, _ = _sentence_bounds(self._sentence_ends, len(self.text), m.start)
        before = self._cues_in(sentence_start, m.start)
        if self._application_right(m) or any(c.label in ("APPLICATION", "ON_REQUEST") for c in before):
            return True
        if any(c.label in ("BLOCK", "OTHER_SCOPE") for c in before):
            return False
        return verb.text not in ("办理", "回复", "答复")

    def _joined_receive(self, handled: Cue, further: list[Cue]) -> bool:
        """"受理并答复", "收到和办结": one statement of receiving and answering names 新收."""
        receive = next((c for c in further if c.label == "RECEIVE"), None)
        if receive is None or receive.end > handled.start:
            return False
        return bool(re.fullmatch(r"\s*(并|和|及|与|、|且|并及时|并依法|后|并全部)\s*", self.text[receive.end:handled.start]))

    def _other_thing_right(self, m: Mention) -> bool:
        """"办理37件诉求件": what the figure counts is named after it, and it is not a request."""
        right = self.text[m.end:m.end + 6]
        return bool(re.match(r"(诉求|来电|留言|工单|咨询|信访|投诉|建议|提案|事项|审批|转办)", right))

    def _application_right(self, m: Mention) -> bool:
        # "70件申请", "2条公开申请", "5件政府信息公开申请": what was received is named right after
        return bool(re.match(r"\s*(?:(?:政府)?信息)?(?:公开)?申请", self.text[m.end:m.end + 10]))

    def _includes_carried(self, m: Mention) -> bool:
        # "75件（含上年结转5件）", "70件申请（含上年结转…", "75件，含上年结转5件"
        return bool(re.match(r"[^，,。；;（()]{0,10}?[，,]?\s*[（(]?\s*(含|包括|其中)上一?年度?(结转|转结)",
                             self.text[m.end:m.end + 24]))


_ZERO_T2_ROWS = {"LICENSING": "T2.licensing.decisions", "PUNISHMENT": "T2.punishment.decisions",
                 "COERCION": "T2.coercion.decisions"}
_CARRIED_OVER_RE = re.compile(r"上一?年度?[^，,；;。]{0,4}(结转|转结|遗留|未办结)|往年[^，,；;。]{0,4}(结转|转结)")
_CARRIED_FORWARD_RE = re.compile(r"(结转|转结)(下|至|到)|转入下一?年|下一?年度?[^，,；;。]{0,4}(结转|继续办理)")


def zero_metrics(cues: list[Cue], scope: str, layout: str | None = None) -> list[str]:
    """The metrics a statement of zero covers ("未发生…行政复议、行政诉讼" -> two;
    "无行政许可、行政处罚、行政强制事项" -> three T2 rows)."""
    labels = [c.label for c in cues]
    metrics: list[str] = []
    if "REVIEW" in labels:
        metrics.append("T4.review.total")
    if "LITIGATION" in labels:
        metrics.append("T4.litigation.total")
    if "LOST" in labels and not metrics:
        metrics.append("T4.litigation.corrected")
    if metrics:
        return metrics
    if "ADMIN_FEE" in labels:
        metrics.append(t2_fee_metric(layout) or OTHER)
        if any(c.label == "FEE" and "处理费" in c.text for c in cues):
            metrics.append("fees_collected_yuan")
        return metrics
    if "FEE" in labels:
        return ["fees_collected_yuan"]
    if metrics:
        return metrics
    if re.search(r"应[予以]?公开而不予公开", scope):
        return [OTHER]
    if "BLOCK" in labels or "OTHER_SCOPE" in labels:
        return [OTHER] if re.search(r"建议|提案", scope) else []
    carried = [m for m, pattern in (("T3.carried_over.total", _CARRIED_OVER_RE),
                                    ("T3.carried_forward.total", _CARRIED_FORWARD_RE)) if pattern.search(scope)]
    if carried or "CARRIED_OVER" in labels or "CARRIED_FORWARD" in labels:
        # "无上年结转申请": nothing was carried over; not "no applications"
        return carried or (["T3.carried_over.total"] if "CARRIED_OVER" in labels else ["T3.carried_forward.total"])
    if ("APPLICATION" in labels or "ON_REQUEST" in labels or "RECEIVE" in labels) and re.search(r"申请", scope):
        metrics.append("T3.new_received.total")
        if re.search(r"(?:收到|受理)(?:和|及|并)(?:处理|办理|答复)", scope):  # "未收到和处理…申请": nothing handled either
            metrics.append("T3.handled_total.total")
    if "DENIED" in labels:
        metrics.append("T3.denied.total")
    if not metrics:
        metrics = [_ZERO_T2_ROWS[c.label] for c in cues if c.label in _ZERO_T2_ROWS]
    if not metrics and "NORMATIVE" in labels and not re.search(r"废止|失效|清理", scope):
        # "暂无行政规范性文件": none in force; "未制发规范性文件": none issued this year
        made = re.search(r"制发|制定|出台|印发|新制作|起草", scope)
        column = {"2019": ("new_made", "total_published")}.get(layout or "", ("issued", "in_force"))[0 if made else 1]
        metrics.append(f"T2.normative_docs.{column}")
    return metrics
