"""Report metadata: agency, year and title from the title, preamble or file name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .model import Document, stage

_TITLE_WORDS = re.compile(r"政府信息公开(工作)?(年度)?报告|信息公开年报|年度报告")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
_YEAR_CN = {"二〇": "20", "二零": "20"}


@dataclass
class Metadata:
    title: str | None
    agency: str | None
    year: int | None


def _title(doc: Document) -> str | None:
    for key in ("article_title", "title", "标题"):
        t = doc.meta.get(key)
        if t and _TITLE_WORDS.search(t):
            return re.split(r"[_|｜]| - ", t)[0].strip()
    # The first short lines of the body (a title is often split over two lines).
    lines = []
    for b in doc.blocks[:6]:
        if b.kind == "table" or len(b.text) > 60 or "。" in b.text:
            if lines:
                break
            continue
        lines.append(b.text.strip())
        if _TITLE_WORDS.search("".join(lines)):
            return "".join(lines)
    return None


@stage(reads=("document", "source", "tables", "layout"), assigns=("agency", "year", "title", "layout"))
def read_metadata(report, settings) -> None:
    """The metadata stage: agency, year and title; a report before 2019 with no standard table
    is in no national layout ("legacy")."""
    meta = extract(report.document, report.source)
    report.agency, report.year, report.title = meta.agency, meta.year, meta.title
    if report.layout == "unknown" and report.year and report.year < 2019 and not report.tables:
        report.layout = "legacy"


def extract(doc: Document, path: str | Path | None = None) -> Metadata:
    title = _title(doc)
    year = None
    agency = None
    if title:
        t = title
        for cn, digits in _YEAR_CN.items():
            t = t.replace(cn, digits)
        m = _YEAR.search(t)
        if m:
            year = int(m.group(1))
            before = t[: m.start()].strip(" 　《")
            after = t[m.end():]
            if before:
                agency = before
            else:
                am = re.match(r"\s*(.+?)(?:政府信息公开|信息公开)", after)
                agency = am.group(1).strip() if am and am.group(1).strip() else None
        else:
            am = re.match(r"\s*(.+?)(?:政府信息公开|信息公开)", t)
            agency = am.group(1).strip() if am else None
    if year is None:
        m = re.search(r"统计期限.{0,4}?((?:19|20)\d{2})\s*年", doc.text[:3000]) or re.search(
            r"((?:19|20)\d{2})\s*年度?(?:政府)?信息公开", doc.text[:3000]
        )
        if m:
            year = int(m.group(1))
    if year is None and path is not None:
        m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", Path(path).name)
        if m:
            year = int(m.group(1))
    if not agency:
        agency = doc.meta.get("发布机构") or None
    if agency:
        agency = re.sub(r"\s+", "", agency).strip("《》“”\"")
    return Metadata(title=title, agency=agency or None, year=year)


# ---- one spelling per agency, so that its reports line up across years --------------------
_ABBREVIATIONS = (
    ("管委会", "管理委员会"),
    ("区政府", "区人民政府"),
    ("市政府", "市人民政府"),
    ("县政府", "县人民政府"),
    ("省政府", "省人民政府"),
    ("镇政府", "镇人民政府"),
    ("乡政府", "乡人民政府"),
)
_BRACKETED = re.compile(r"[（(【\[〔][^）)】\]〕]*[）)】\]〕]")
_NOISE = re.compile(r"[\s·•、，,。.“”\"'‘’《》_—-]+")
_YEARS = re.compile(r"(19|20)\d{2}年度?")
_REPORT_WORDS = re.compile(r"(政府)?信息公开(工作)?(年度)?报告$|工作年度报告$|年度报告$|工作报告$|报告$")


def normalise_agency(name: str | None) -> str:
    """One canonical spelling of an agency's name ("" when nothing is left):
    '平潭综合实验区管委会（全区汇总）' and '平潭综合实验区管理委员会 2020年度报告' are both
    '平潭综合实验区管理委员会'.  Full-width folded; brackets, spaces, punctuation, years and
    report words dropped; common abbreviations written out."""
    if not name:
        return ""
    s = unicodedata.normalize("NFKC", name)
    s = _BRACKETED.sub("", s)
    s = _NOISE.sub("", s)
    s = _YEARS.sub("", s)
    s = _REPORT_WORDS.sub("", s)
    for short, full in _ABBREVIATIONS:
        if full not in s:
            s = s.replace(short, full)
    return s
