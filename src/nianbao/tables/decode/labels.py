"""Step 2a: the row labels of each table, found in reading order.

Each canonical row has an anchor (its distinctive words, tolerant of spaces and line
breaks inside them) and its item number ("2" of "2.其他法律…").  A label whose words
are misprinted ("2.其他法律行政止公开") is found by its position between the rows
around it and its similarity to the template's wording, and said so; it is never
silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema import T2_ROWS_2019, T2_ROWS_2021, resembles_label, t3_rows
from .regions import T2_BLOCK, fuzzy

_FIGURE = re.compile(r"[\d\s\-－−—–/／.．+＋]")  # "无" is left out: here it starts label words ("无正当理由")
_LABEL_WORD = re.compile(r"[\u4e00-\u9fff“”\"（）()]")  # characters that only label words have


@dataclass(frozen=True)
class LabelSpec:
    key: str  # canonical row key, or "" for a heading that only delimits rows
    anchor: str  # regex for the start of the label's distinctive words
    item: str = ""  # the label's Arabic item number ("2" of "2.其他法律…"), if any
    wording: str = ""  # the template's label, for matching a misprinted one


def _anchor(*words: str) -> str:
    return "|".join(fuzzy(w) for w in words)


_T3_ANCHORS: dict[str, tuple[str, ...]] = {
    "new_received": ("本年新收", "本年度新收"),
    "carried_over": ("上年结转", "上年度结转"),
    "granted": ("予以公开",),
    "partial": ("部分公开",),
    "denied.state_secret": ("国家秘密",),
    "denied.law_forbidden": ("法律行政法规禁止公开", "法规禁止公开"),
    "denied.three_safety": ("三安全一稳定",),
    "denied.third_party": ("第三方合法权益", "保护第三方"),
    "denied.internal_affairs": ("内部事务",),
    "denied.process_info": ("过程性信息",),
    "denied.enforcement_file": ("执法案卷",),
    "denied.query_item": ("查询事项",),
    "unable.not_held": ("不掌握",),
    "unable.needs_creation": ("没有现成", "另行制作"),
    "unable.unclear": ("补正后", "仍不明确"),
    "not_processed.complaint": ("信访",),
    "not_processed.duplicate": ("重复申请",),
    "not_processed.publication": ("公开出版物",),
    "not_processed.excessive": ("大量反复",),
    "not_processed.confirmation": ("确认或重新出具", "重新出具"),
    "other.no_correction": ("逾期不补正",),
    "other.unpaid_fee": ("收费通知", "缴纳费用"),
    "other": ("其他处理",),
    "carried_forward": ("结转下年度", "结转下一年度"),
}


def t3_labels(layout: str, single_other: bool = False) -> list[LabelSpec]:
    specs = []
    for row in t3_rows(layout, single_other):
        item = re.match(r"(\d+)[.．]", row.label)
        if row.key == "other.other":
            anchor = fuzzy("其他") + r"(?!\s*(?:处\s*理|法\s*律|结\s*果|组\s*织))"
        elif row.key == "handled_total":
            anchor = r"[（(]\s*七\s*[)）]\s*" + fuzzy("总计") + "|" + fuzzy("总计")
        else:
            anchor = _anchor(*_T3_ANCHORS[row.key])
        specs.append(LabelSpec(row.key, anchor, item.group(1) if item else "", row.label))
    return specs


_T2_ANCHORS: dict[str, str] = {
    "regulations": fuzzy("规章"),
    "normative_docs": r"(?:行\s*政\s*)?" + fuzzy("规范性文件"),
    "licensing": fuzzy("行政许可"),
    "other_services": _anchor("其他对外管理服务事项", "对外管理服务"),
    "punishment": fuzzy("行政处罚"),
    "coercion": fuzzy("行政强制"),
    "admin_fees": fuzzy("行政事业性收费"),
    "procurement": fuzzy("政府集中采购"),
}


def t2_rows_for(layout: str) -> dict[str, tuple[str, ...]]:
    return T2_ROWS_2019 if layout == "2019" else T2_ROWS_2021


def t2_labels(layout: str) -> list[LabelSpec]:
    return [LabelSpec(key, _T2_ANCHORS[key]) for key in t2_rows_for(layout)]


@dataclass
class FoundLabel:
    spec: LabelSpec
    start: int  # label start, item number included
    anchor_start: int
    anchor_end: int
    optional_item_start: int | None = None  # unpunctuated item number that may be a figure
    printed: str | None = None  # set when the label was matched by similarity: its printed words


def _label_start(text: str, anchor_start: int, item: str, floor: int) -> tuple[int, int | None]:
    """Walk back from a label's anchor over its leading words and its item number.

    "00000002.其他法律…": the "2." belongs to the label when 2 is the label's
    item number.  Without the dot ("00000002其他法律…") the "2" may be either,
    so its position is returned as optional.
    """
    i = anchor_start
    while i > floor and anchor_start - i < 30:
        if not _FIGURE.match(text[i - 1]):
            i -= 1
        elif text[i - 1].isspace() and i - 1 > floor and _LABEL_WORD.match(text[i - 2]):
            i -= 1  # a label broken over lines ("3.危及" / "“三安全一稳定”"): its words go on before the break
        else:
            break
    if not item:
        return i, None
    before = text[max(floor, i - len(item) - 4) : i + 1]
    m = re.search(rf"{item}\s*[.．、]\s*$", before[:-1]) or re.search(rf"{item}\s*[.．、]$", before)
    if m:
        return max(floor, i - len(item) - 4) + m.start(), None
    if text[max(floor, i - len(item)) : i] == item:
        return i, i - len(item)
    return i, None


def find_labels(text: str, specs: list[LabelSpec], start: int, end: int, stops: str | None = None) -> list[FoundLabel]:
    """Find the labels in order; a label not found by its words is looked for by position and
    similarity; one not found either way is skipped (the row is missing).

    ``stops`` matches headings that end a row's figures without being rows
    (T2's 第二十条第（五）项 block headers).
    """
    found: list[FoundLabel] = []
    missing: list[tuple[int, LabelSpec]] = []  # (index in found where it would go, spec)
    cursor = start
    for spec in specs:
        m = re.compile(spec.anchor).search(text, cursor, end)
        if m is None:
            missing.append((len(found), spec))
            continue
        label_start, optional = _label_start(text, m.start(), spec.item, cursor)
        found.append(FoundLabel(spec, label_start, m.start(), m.end(), optional))
        cursor = m.end()
    inserted = 0
    for at, spec in missing:
        pos = at + inserted
        if pos >= len(found):
            continue  # no row found after it (a text cut off mid-table): nothing to place it between
        match = _by_similarity(text, spec, found, pos, start, end)
        if match is not None:
            found.insert(pos, match)
            inserted += 1
    if stops:
        for m in re.finditer(stops, text[start:end]):
            s = start + m.start()
            found.append(FoundLabel(LabelSpec("", stops), s, s, start + m.end()))
        found.sort(key=lambda f: f.anchor_start)
        for prev, cur in zip(found, found[1:]):
            cur.start = max(cur.start, prev.anchor_end)  # a label's words never reach into the one before
    return found


def _by_similarity(text: str, spec: LabelSpec, found: list[FoundLabel], at: int, start: int, end: int) -> FoundLabel | None:
    """A misprinted label: the one stretch of words between the rows found before and after it
    (after the previous row's figures), if it reads like the template's wording."""
    if not spec.wording:
        return None
    lo = found[at - 1].anchor_end if at > 0 else start
    hi = found[at].start if at < len(found) else end
    segment = text[lo:hi]
    words = [m for m in re.finditer(r"[^\d\s\-－—–/／.．+＋]{3,}", segment)]
    # the previous row's own label words end where its figures start: skip up to the first figure
    first_figure = re.search(r"\d", segment)
    words = [w for w in words if first_figure is None or w.start() > first_figure.start()]
    if len(words) != 1:
        return None
    printed = words[0].group(0)
    if not resembles_label(printed, spec.wording):
        return None
    anchor_start = lo + words[0].start()
    label_start, optional = _label_start(text, anchor_start, spec.item, lo)
    return FoundLabel(spec, label_start, anchor_start, lo + words[0].end(), optional, printed=printed)
