"""Agency names normalised so that consecutive reports of one agency group together."""

from __future__ import annotations

import re

_PARENTHESES = re.compile(r"[（(][^（）()]*[)）]")
_YEAR = re.compile(r"(19|20)\d{2}\s*年度?")
_REPORT_WORDS = re.compile(r"政府信息公开工作年度报告|政府信息公开年度报告|政府信息公开工作|年度报告|工作报告|报告|年度")
_VARIANTS = (("人民政府", "政府"), ("管理委员会", "管委会"))


def normalise_agency(name: str | None) -> str:
    """'平潭综合实验区管委会（全区汇总）' and '平潭综合实验区管理委员会 2020年度报告' -> '平潭综合实验区管委会'.

    Drops whitespace, parenthesised notes, years and report words, and writes
    人民政府 as 政府 and 管理委员会 as 管委会.  Empty when nothing is left.
    """
    if not name:
        return ""
    text = re.sub(r"\s+", "", name)
    text = _PARENTHESES.sub("", text)
    text = _YEAR.sub("", text)
    text = _REPORT_WORDS.sub("", text)
    for long, short in _VARIANTS:
        text = text.replace(long, short)
    return text.strip("《》“”\"'·-—_ ")
