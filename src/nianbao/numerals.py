"""Chinese numerals as numbers, without importing cn2an for the usual forms.

cn2an's "smart" mode reads every form reports use (二十八, 一百零五, 两千, 1.5万, 十二点五,
speaking forms like 三千二) but costs about 0.1 s to import, a tenth of a cold ``nianbao
check``.  ``to_number`` reads the canonical forms of integers below 10^8 itself (digits 一…九
and 两 with 千百十, 零 where a unit is skipped, a leading 十, one 万; Arabic digits times 万 or
亿) and hands anything else to cn2an, imported then.  The result is cn2an's on every string:
tests/test_numerals.py checks the fast path against cn2an on every string of up to four
numeral characters, on cn2an's rendering of every integer below 20,000 and of a thousand
spread up to 10^8, and on Arabic digits times 万/亿.
"""

from __future__ import annotations

import re

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZEROS = {"零", "〇"}
_UNITS = {"千": 1000, "百": 100, "十": 10}
# Arabic digits times 万 or 亿 ("8232万", as to_number of claims.numbers gets them)
_ARABIC_TIMES_UNIT = re.compile(r"([0-9]{1,8})([万亿])")


def to_number(text: str) -> int | float:
    """The value cn2an.cn2an(text, "smart") gives; ValueError (or cn2an's own error) when the
    text is not a number."""
    value = canonical_value(text)
    if value is not None:
        return value
    import cn2an  # imported late: ~0.1 s, and only unusual forms need it

    return cn2an.cn2an(text, "smart")


def canonical_value(text: str) -> int | None:
    """The value of a canonical Chinese integer numeral (or of Arabic digits times 万/亿), or
    None when ``text`` is not one."""
    if text in _ZEROS:
        return 0
    arabic = _ARABIC_TIMES_UNIT.fullmatch(text)
    if arabic:
        return int(arabic.group(1)) * (10_000 if arabic.group(2) == "万" else 100_000_000)
    if "万" in text:
        high, _, low = text.partition("万")
        high_value = _section(high, leading=True)
        if high_value is None or high_value == 0:
            return None
        if not low:
            return high_value * 10000
        # below 万: canonical only from 千 down, or after a 零 ("一万零五"); "一万二" is speaking form
        if low[0] in _ZEROS:
            low_value = _section(low[1:], leading=False, after_zero=True)
        else:
            low_value = _section(low, leading=False, full=True)
        return None if low_value is None else high_value * 10000 + low_value
    return _section(text, leading=True)


def _section(text: str, *, leading: bool, after_zero: bool = False, full: bool = False) -> int | None:
    """1…9999 written canonically: each unit below the first present, or skipped with one 零.

    ``leading``: the first section of the number (may start with a bare 十: 十二 = 12);
    ``full``: must start at 千 (the part after 万 without 零); ``after_zero``: must not start at 千.
    """
    if not text:
        return None
    value = 0
    last_unit = 10000  # the unit of the previous term (none yet)
    zero = False
    i = 0
    first = True
    while i < len(text):
        ch = text[i]
        if ch in _ZEROS:
            if first or zero:
                return None
            zero = True
            i += 1
            continue
        if ch == "十" and first and leading:
            digit, unit = 1, 10
            i += 1
        elif ch in _DIGITS:
            digit = _DIGITS[ch]
            i += 1
            unit = 1
            if i < len(text) and text[i] in _UNITS:
                unit = _UNITS[text[i]]
                i += 1
            if ch == "两" and unit not in (100, 1000) and not (first and unit == 1 and i == len(text) and leading):
                return None  # 两 reads as 2 before 百/千 (and 万, alone); other uses go to cn2an
        else:
            return None
        if unit >= last_unit:
            return None
        if first:
            if full and unit != 1000:
                return None
            if after_zero and unit == 1000:
                return None
        elif zero:
            if unit * 10 >= last_unit:
                return None  # 零 only where a unit is skipped
        elif unit * 10 != last_unit:
            return None  # a skipped unit needs its 零; "三千二" (speaking form) goes to cn2an
        value += digit * unit
        last_unit = unit
        zero = False
        first = False
    if zero:
        return None  # a trailing 零
    return value
