"""Sections: split the narrative into the preamble and the six parts, and paragraphs.

Entry points: ``segment(doc) -> (parts, paragraphs)`` and
``classify(paragraphs)`` (labels each paragraph with the trained classifier,
or with the report's own headings when no model is installed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..ingest.textutil import compact
from ..model import Document, Message, Paragraph, Part, Provenance, stage

# Part titles in the national template and their common variants (legacy reports included).
PART_TITLES: dict[int, str] = {
    1: r"总体情况|概述|基本情况|工作概况",
    2: r"主动公开(政府)?信息(的)?情况|主动公开政府信息",
    # legacy (2008-2018) template: 三、依申请公开政府信息办理情况 … 七、需要说明的事项与附表
    3: r"收到和处理政府信息公开申请|依申请公开(政府)?信息(的)?(办理)?情况|依申请公开(工作)?情况|政府信息依申请公开",
    4: r"行政复议、?(提起)?行政诉讼|行政复议和行政诉讼|复议、诉讼",
    5: r"存在的?主要问题|主要问题及改进|问题和改进|不足和改进|存在问题",
    6: r"其他需要报告的事项|其他事项|需要说明的事项|收费及减免|收费和减免",
}
_NUM = "一二三四五六七八九十"
# No look-behind: copied pages glue headings to the figures before them ("52元三、收到…").
_PART_HEAD = re.compile(rf"(?<![第{_NUM}])(?:第?([{_NUM}])[、.．]|第([{_NUM}])部分[、.．：:]?)\s*")
_SUB_HEAD = re.compile(rf"(?:^|(?<=[。；：:！？\s]))[（(]([{_NUM}]+)[)）]\s*")
_ITEM_START = re.compile(r"(?<=[。；！？])\s*(?=[（(]\d{1,2}[)）]|\d{1,2}[.．、](?!\d)|[①-⑳])")
_ITEM_HEADING = re.compile(r"^\s*(?:\d{1,2}[、.．]|[（(]\d{1,2}[)）]|[①-⑳])")
_SUB_END = re.compile(r"方面|情况|措施|问题|工作|建设|保障|管理|公开|平台|监督|考核|培训|事项|改进|评议|追究")
_TABLE_TEXT = re.compile(r"第二十条第|本年新收|上年结转|本年度办理结果|结果维持|结果纠正|信息内容|本年制发件数|申请人情况")


@dataclass
class _Unit:
    text: str
    start: int
    kind: str  # heading / paragraph
    page: int | None = None
    bbox: tuple | None = None
    end: int | None = None  # source end, when text left characters out (gaps)
    gaps: list[tuple[int, int]] | None = None

    @property
    def source_end(self) -> int:
        return self.end if self.end is not None else self.start + len(self.text)


def part_of_heading(text: str) -> int | None:
    """Part number (1..6) of a numbered top-level heading, by its title words."""
    t = compact(text)
    if not re.match(rf"^(第?[{_NUM}][、.．]|第[{_NUM}]部分)", t) or len(t) > 45:
        return None
    head = t[:30]
    for number, pattern in PART_TITLES.items():
        if re.search(pattern, head):
            return number
    return None


def _numeral(text: str) -> int:
    m = re.match(rf"\s*第?([{_NUM}])", text)
    return _NUM.index(m.group(1)) + 1 if m else 0


def _split_inline(text: str, start: int) -> list[_Unit]:
    """Cut a long run of text (copied pages often lose their line breaks) at part and
    subsection headings."""
    cuts: list[tuple[int, int]] = []  # (heading start, heading end)
    for m in _PART_HEAD.finditer(text):
        rest = text[m.end(): m.end() + 30]
        for pattern in PART_TITLES.values():
            pm = re.match(rf"[^。；]{{0,12}}?(?:{pattern})(?:[^。；，,\s\d]{{0,14}}?(?:情况|事项|措施))?", rest)
            if pm:
                end = m.end() + pm.end()
                if end < len(text) and text[end] in "：:。":
                    end += 1
                cuts.append((m.start(), end))
                break
    for m in _SUB_HEAD.finditer(text):
        # A run-in heading ends at its own punctuation: "（一）继续强化信息公开责任。切实…".
        runin = re.match(r"[^，。；：:,\s（(]{2,30}[。：:]", text[m.end():])
        if runin:
            cuts.append((m.start(), m.end() + runin.end()))
            continue
        window = text[m.end(): m.end() + 14]
        window = re.split(r"[，。；：:、,\s]", window)[0] if re.search(r"[，。；：:、,\s]", window) else window
        ends = [e.end() for e in _SUB_END.finditer(window)]
        if not ends:
            continue
        end = m.end() + max(ends)
        if end < len(text) and text[end] in "：:。；":
            end += 1
        cuts.append((m.start(), end))
    # Numbered items ("（1）…", "2.…", "①…") after a full stop start a new paragraph.
    for m in _ITEM_START.finditer(text):
        cuts.append((m.start(), m.start()))
    if not cuts:
        return [_Unit(text, start, "paragraph")]
    cuts.sort()
    units: list[_Unit] = []
    pos = 0
    for hs, he in cuts:
        if hs < pos:
            continue
        if text[pos:hs].strip() and hs > pos:
            seg = text[pos:hs]
            lead = len(seg) - len(seg.lstrip())
            units.append(_Unit(seg.strip(), start + pos + lead, "paragraph"))
        if he == hs:  # a paragraph break, no heading
            pos = hs
            continue
        units.append(_Unit(text[hs:he].strip(), start + hs, "heading"))
        # A run-in heading ("（一）主动公开方面。按照…") stays part of its paragraph.
        runin = text[he - 1] in "。：:" and re.match(r"[（(]", text[hs:he]) and text[he:].strip()
        pos = hs if runin else he
    if text[pos:].strip():
        seg = text[pos:]
        lead = len(seg) - len(seg.lstrip())
        units.append(_Unit(seg.strip(), start + pos + lead, "paragraph"))
    return units


def _units(doc: Document) -> list[_Unit]:
    units: list[_Unit] = []
    for b in doc.blocks:
        if b.kind == "table":
            continue
        start = b.prov.start if b.prov.start is not None else 0
        if b.kind == "heading":
            units.append(_Unit(b.text, start, "heading", b.prov.page, b.prov.bbox))
            continue
        # A block holding headings inline (copied one-line pages) is cut at them.
        if len(b.text) > 200 or _PART_HEAD.search(b.text) or _SUB_HEAD.match(b.text):
            pieces = _split_inline(b.text, start)
        else:
            pieces = [_Unit(b.text, start, "paragraph")]
        for p in pieces:
            p.page, p.bbox = b.prov.page, b.prov.bbox
        units.extend(pieces)
    return units


# A line ends a sentence when it ends with one of these (closing quotes and brackets aside).
_SENTENCE_END = re.compile(r"[。！？!?；;]\s*[”’」』）)]*\s*$")
_NEW_PARAGRAPH = re.compile(rf"^\s*(?:第?[{_NUM}]+[、.．]|[（(][{_NUM}\d]+[)）]|[{_NUM}]是|\d+[、.．](?!\d)|[①-⑳])")
BROKEN_SHARE = 0.3  # lines that stop mid-sentence, among a text's narrative lines, before its paragraphs are rebuilt
BROKEN_MIN_LINES = 8


def broken_at_spans(units: list[_Unit]) -> bool:
    """Does the text break its paragraphs into lines mid-sentence (a line per inline span of the
    page), rather than a line per paragraph?"""
    lines = [u for u in units if u.kind == "paragraph" and re.search(r"[\u4e00-\u9fff]{2}", u.text)]
    broken = [u for u in lines if not _SENTENCE_END.search(u.text)]
    return len(broken) >= BROKEN_MIN_LINES and len(broken) >= BROKEN_SHARE * len(lines)


def rejoin(units: list[_Unit], text: str) -> list[_Unit]:
    """Rebuild paragraphs from lines broken mid-sentence: a line that does not end its sentence
    runs on into the next, unless the next is a heading or starts a numbered item; the line
    breaks are left out of the paragraph's text and kept as gaps (provenance maps back)."""
    out: list[_Unit] = []
    for u in units:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "paragraph"
            and u.kind == "paragraph"
            and prev.page == u.page
            and not _SENTENCE_END.search(prev.text)
            and not _NEW_PARAGRAPH.match(u.text)
            and part_of_heading(u.text) is None
            and not text[prev.source_end : u.start].strip()
        ):
            gaps = list(prev.gaps or [])
            gaps.append((len(prev.text), u.start - prev.source_end))
            out[-1] = _Unit(prev.text + u.text, prev.start, "paragraph", prev.page, prev.bbox,
                            end=u.source_end, gaps=gaps + [(len(prev.text) + at, n) for at, n in (u.gaps or [])])
            continue
        out.append(u)
    return out


def _is_title(text: str) -> bool:
    return len(text) <= 60 and "。" not in text and bool(re.search(r"年度?报告|年$|政府信息公开工作", text))


def segment(doc: Document) -> tuple[list[Part], list[Paragraph]]:
    """The report's parts and its narrative paragraphs, in reading order."""
    units = _units(doc)
    if broken_at_spans(units):
        units = rejoin(units, doc.text)
    parts: list[Part] = []
    paragraphs: list[Paragraph] = []
    current, subsection, last_numeral = 0, None, 0
    seen_body = False
    text_end = len(doc.text)

    def open_part(number: int, title: str, start: int) -> None:
        if parts:
            parts[-1].end = start
        parts.append(Part(number=number, title=title, start=start, end=text_end))

    open_part(0, "", 0)
    for u in units:
        number = part_of_heading(u.text) if (u.kind == "heading" or len(u.text) <= 45) else None
        numeral = _numeral(u.text)
        # Headings must count upwards: a "三、" inside a table or list is not a part.
        if number is not None and numeral > last_numeral:
            current, subsection, last_numeral = number, None, numeral
            open_part(number, u.text, u.start)
            continue
        if u.kind == "heading" or (_SUB_HEAD.match(u.text) and len(u.text) <= 30 and "。" not in u.text):
            subsection = u.text
            continue
        if _ITEM_HEADING.match(u.text) and len(u.text) <= 25 and not re.search(r"[。；，]", u.text):
            continue  # "1、全方位解读政策信息": an item title inside the subsection, not narrative
        if not seen_body and current == 0 and _is_title(u.text):
            continue  # the report's title lines
        seen_body = True
        if current in (2, 3, 4) and (_TABLE_TEXT.search(u.text) or not re.search(r"[。！？；]", u.text)):
            continue  # table text (labels, cells) printed as lines: the tables stage reads it
        paragraphs.append(Paragraph(
            text=u.text, part=current, index=len(paragraphs), subsection=subsection,
            prov=Provenance(start=u.start, end=u.source_end, page=u.page, bbox=u.bbox), gaps=list(u.gaps or []),
        ))
    # Drop an empty preamble part.
    if len(parts) > 1 and parts[0].end == 0:
        parts.pop(0)
    return parts, paragraphs


# ------------------------------------------------------------ labels


@stage(reads=("document",), assigns=("parts", "paragraphs"))
def read_sections(report, settings) -> None:
    """The sections stage: the report's parts and narrative paragraphs."""
    report.parts, report.paragraphs = segment(report.document)


@stage(reads=("paragraphs",), assigns=("paragraphs",))
def label_paragraphs(report, settings) -> None:
    """The classifier stage: a label and score on every paragraph (in place), when the settings want it."""
    if settings.classify:
        report.messages += classify(report.paragraphs, model_dir=settings.model_dir)


def classify(paragraphs: list[Paragraph], *, model_dir: Path | str | None = None) -> list[Message]:
    """Label every paragraph in place (label, score) with the trained classifier (the packaged
    model, or the one in ``model_dir``); without a model it labels from the report's own
    headings (``classifier_data.weak_label``) and the returned message says so."""
    if not paragraphs:
        return []
    from .classifier import label_paragraphs

    return label_paragraphs(paragraphs, model_dir=model_dir)


__all__ = ["segment", "classify", "read_sections", "label_paragraphs", "part_of_heading", "PART_TITLES"]
