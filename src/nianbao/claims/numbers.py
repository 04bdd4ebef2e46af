"""Reading the figures of a Chinese sentence: where they are and what they are worth.

A *mention* is a number followed by a counting unit (件, 条, 起, 元, % …), with the
approximation words around it (约/近 before, 余/多/以上 after).  A number with no
unit is not a claim, except right after the word for a count and closing its
clause ("答复数3，", unit ""): that rule alone keeps dates (2023年), document numbers
(〔2021〕30号), floors (14层), postcodes and phone numbers out, and flattened table
rows ("行政规范性文件77132470") too.  Ordinals (第二十条) are dropped explicitly.

Values are converted by cn2an (smart mode reads Arabic, Chinese and mixed forms
such as 二十八, 两, 1.5万).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from ..numerals import to_number as chinese_to_number  # cn2an's reading, cn2an imported only for rare forms

Qualifier = Literal["exact", "approx", "at_least", "at_most"]

_ARABIC = r"[0-9０-９]+(?:,[0-9]{3}(?![0-9]))*(?:[.．][0-9０-９]+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_SPACE = r"[ \u00a0\u3000\t]*"

# Longest first, so that 万元 wins over 万 + 元 and 人次 over 人.
UNITS = (
    "个百分点", "百分点", "个工作日", "万元", "亿元", "人次", "件次", "项次", "家次",
    "件", "条", "起", "次", "场", "篇", "元", "宗", "项", "个", "名", "人", "家",
    "所", "期", "份", "则", "只", "批",
)
_UNIT = "|".join(UNITS)
_PREFIX_QUAL = r"(?P<pre>大约|约|将近|近|超过|逾|不足|不到)?"
_SUFFIX_QUAL = r"(?P<suf>余|多)?"
_AFTER_QUAL = r"(?P<after>左右|以上|以下|之多)?"

_COUNT_RE = re.compile(
    _PREFIX_QUAL
    # The lookbehind: never start inside a longer number (a match there is dropped anyway,
    # and trying every position of a long digit run is quadratic).
    + rf"(?<![0-9０-９零〇一二两三四五六七八九十百千万亿])(?P<num>{_ARABIC}|{_CHINESE})(?P<mult>万(?!元)|亿(?!元))?{_SPACE}"
    + _SUFFIX_QUAL
    + rf"{_SPACE}(?P<unit>{_UNIT}|[%％])"
    + _AFTER_QUAL
)
# A figure closing its clause with the unit left out, after the word for a count:
# "同意公开答复数3，无法提供数1。" (unit "": the linker decides what it counts).
_BARE_RE = re.compile(
    rf"(?:数|数量|总数|总量|件数)(?:为|是|达)?{_SPACE}(?P<num>[0-9０-９]{{1,6}}){_SPACE}(?=[。；;，,）)！？!?\n]|$)"
)
_PERCENT_WORDS_RE = re.compile(r"百分之(?P<num>" + _CHINESE + r"|" + _ARABIC + r")")

# Chinese-numeral words that are idioms, not counts ("一次性告知", "一件事一次办").
_IDIOMS = re.compile(
    r"一件事|一次性|一次办|一站式|一把手|一起|一个窗口|两个维护|两个确立|四个意识|四个自信|"
    r"四个体系|三个代表|三个一|一条龙|一网|一门|一窗|百分百|千家万户|万人|一项一|一人一"
)
_CN_DIGITS = set("零〇一二两三四五六七八九十百千万亿")

_APPROX = {"约": "approx", "大约": "approx", "近": "approx", "将近": "approx", "余": "approx",
           "多": "approx", "左右": "approx", "超过": "at_least", "逾": "at_least",
           "以上": "at_least", "之多": "at_least", "不足": "at_most", "不到": "at_most",
           "以下": "at_most"}


@dataclass
class Mention:
    """One figure in a text: offsets are into the text it was found in."""

    start: int  # first character of the figure including its qualifier
    end: int  # one past the unit (and trailing qualifier)
    num_start: int  # where the digits themselves start
    value: float | int
    unit: str
    qualifier: Qualifier = "exact"

    @property
    def is_percent(self) -> bool:
        return self.unit in {"%", "百分点", "个百分点"}


# The longest figure a report writes ("1,234,567.89万", "一千二百三十四万五千六百七十八") is far
# shorter; a longer run of digits is noise, and converting it would overflow.
_MAX_NUMBER_CHARS = 30


def to_number(raw: str) -> float | int:
    """Numeric value of one number as written ("1,234", "１２", "二十八", "1.5万", "十二点五")."""
    text = unicodedata.normalize("NFKC", raw).replace(",", "").replace("．", ".")
    if text[:1] in {"百", "千"}:
        text = "一" + text  # "百余件" is 一百余件; cn2an wants the leading 一
    if len(text) > _MAX_NUMBER_CHARS:
        raise ValueError(f"{raw[:20]}…: too long to be a figure")
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        value = float(text)
    else:
        value = float(chinese_to_number(text))
    if not math.isfinite(value):
        raise ValueError(f"{raw[:20]}…: too large to be a figure")
    return int(value) if value.is_integer() else round(value, 6)


def _qualifier(*words: str | None) -> Qualifier:
    for word in words:
        if word:
            return _APPROX[word]  # type: ignore[return-value]
    return "exact"


def _is_ordinal_or_idiom(text: str, start: int, num: str) -> bool:
    before = text[max(0, start - 1):start]
    if before in {"第", "每", ".", "．"}:  # 第二十条, 每一条, 1.属于国家秘密
        return True
    if before and (before.isdigit() or before in _CN_DIGITS):
        return True  # the tail of a longer number the regex did not take (e.g. "2023" + "年")
    if num[0] in _CN_DIGITS:
        if before in {"“", "\"", "「"}:
            return True  # a quoted slogan ("“一网通办”", "“三个一”")
        if num in {"万", "亿"}:  # "万家", "万人": words, not counts ("十余条", "百余件" are)
            return True
        if _IDIOMS.match(text, start):
            return True
    return False


def find_numbers(text: str) -> list[Mention]:
    """Every counted figure of ``text``, in order."""
    mentions: list[Mention] = []
    for m in _COUNT_RE.finditer(text):
        num = m.group("num")
        if _is_ordinal_or_idiom(text, m.start("num"), num):
            continue
        try:
            value = to_number(num + (m.group("mult") or ""))
        except (ValueError, TypeError, KeyError):  # cn2an rejects odd digit strings such as "十十", "亿两"
            continue
        unit = m.group("unit")
        if unit == "个" and text.startswith("部分", m.end()):
            continue  # "本报告包括…等六个部分": the report's own structure
        if unit == "％":
            unit = "%"
        mentions.append(
            Mention(
                start=m.start(),
                end=m.end(),
                num_start=m.start("num"),
                value=value,
                unit=unit,
                qualifier=_qualifier(m.group("pre"), m.group("suf"), m.group("after")),
            )
        )
    for m in _BARE_RE.finditer(text):
        value = to_number(m.group("num"))
        mentions.append(Mention(m.start("num"), m.end("num"), m.start("num"), value, ""))
    for m in _PERCENT_WORDS_RE.finditer(text):
        try:
            value = to_number(m.group("num"))
        except (ValueError, TypeError, KeyError):  # not a number cn2an can read: no figure
            continue
        mentions.append(Mention(m.start(), m.end(), m.start("num"), value, "%"))
    mentions.sort(key=lambda x: x.start)
    return mentions
