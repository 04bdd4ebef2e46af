"""Reading one table cell: a figure, a blank, or a label."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .schema import is_blank_mark

_NUMBER = re.compile(r"^([+\-−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|元|件|个|项|条|次|%)?$")
_ITEM_NUMBER = re.compile(r"^\d+[.．、]$")  # "1." before a label: never a figure
_WHITESPACE = re.compile(r"\s+")
_CHANGE = re.compile(r"^(增加|增|新增|减少|减)(\d+(?:\.\d+)?)")
# No table figure has more digits than this (the largest are 万元 amounts); a longer run
# is a broken cell, and Python refuses to convert strings of over 4,300 digits anyway.
MAX_DIGITS = 15


@dataclass(frozen=True)
class CellValue:
    kind: str  # "number", "blank" or "label"
    value: float | int | None = None

    @property
    def is_value(self) -> bool:
        return self.kind in {"number", "blank"}


def read_cell(text: str) -> CellValue:
    t = unicodedata.normalize("NFKC", text or "").strip()
    t = _WHITESPACE.sub("", t)
    if is_blank_mark(t):
        return CellValue("blank", 0)
    if _ITEM_NUMBER.match(t):
        return CellValue("label")
    m = _NUMBER.match(t)
    if m:
        sign, digits, frac, _unit = m.groups()
        if len(digits.replace(",", "")) > MAX_DIGITS:
            return CellValue("label")
        num = float(digits.replace(",", "") + (frac or "")) if frac else int(digits.replace(",", ""))
        if sign in {"-", "−"}:
            num = -num
        return CellValue("number", num)
    m = _CHANGE.match(t)
    if m and len(m.group(2).partition(".")[0]) <= MAX_DIGITS:
        num = float(m.group(2)) if "." in m.group(2) else int(m.group(2))
        return CellValue("number", -num if m.group(1).startswith("减") else num)
    return CellValue("label")
