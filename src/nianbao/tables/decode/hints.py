"""Figures the narrative states that pin down table cells ("共收到申请70件"): weak evidence for step 4.

Only used as weak evidence when decoding flattened tables: a decoding that
agrees with the narrative is preferred among those that fit the table's
arithmetic equally well.  The claims stage does the real claim extraction;
this is a handful of unambiguous patterns; figures may be Arabic or Chinese
numerals ("二十八件", read with cn2an).
"""

from __future__ import annotations

import re


from ...numerals import to_number as chinese_to_number
from ..schema import t3_derived
from .solve import Hint

_STOP = r"[^。；;，,\d零〇一二两三四五六七八九十百千]"  # stay inside one clause, before any other figure
# The figure, as digits or Chinese numerals, never the tail of a longer number (the
# lookbehind also keeps a long digit run from being tried at each of its positions).
_N = r"(?<![\d零〇一二两三四五六七八九十百千万])(\d+|[零〇一二两三四五六七八九十百千万]+)"
_MAX_DIGITS = 15  # no figure is longer; Python refuses to convert over 4,300 digits


def _patterns(layout: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(table, regex with one number group, the cells whose sum it states)."""
    derived = t3_derived(layout)

    def totals(group: str) -> tuple[str, ...]:
        return tuple(f"{r}.total" for r in derived[group])

    issued = "normative_docs.new_made" if layout == "2019" else "normative_docs.issued"
    n, stop = _N, _STOP
    return [
        ("T3", rf"(?:收到|受理|新收|接收){stop}{{0,25}}?申请{stop}{{0,6}}?{n}\s*件", ("new_received.total",)),
        ("T3", rf"(?:收到|受理|新收|接收){n}\s*件{stop}{{0,8}}申请", ("new_received.total",)),
        ("T3", rf"申请共计?{n}\s*件", ("new_received.total",)),
        ("T3", rf"办结{stop}{{0,12}}?{n}\s*件", ("handled_total.total",)),
        ("T3", rf"{n}\s*件{stop}{{0,4}}结转下一?年", ("carried_forward.total",)),
        ("T3", rf"结转(?:至|到)?(?:下一?年度?|\d{{4}}年){stop}{{0,8}}?{n}\s*件", ("carried_forward.total",)),
        ("T3", rf"予以公开及部分公开{stop}{{0,4}}?{n}\s*件", ("granted.total", "partial.total")),
        ("T3", rf"(?<!及)予以公开{n}\s*件", ("granted.total",)),
        ("T3", rf"(?<!及)部分公开{n}\s*件", ("partial.total",)),
        ("T3", rf"不予公开{n}\s*件", totals("denied")),
        ("T3", rf"无法提供{n}\s*件", totals("unable")),
        ("T3", rf"不予处理{n}\s*件", totals("not_processed")),
        ("T3", rf"其他处理{n}\s*件", totals("other")),
        ("T4", rf"行政复议(?:案件)?{stop}{{0,4}}?{n}\s*[件起宗]", ("review.total",)),
        (
            "T4",
            rf"行政诉讼(?:案件)?{stop}{{0,4}}?{n}\s*[件起宗]",
            ("litigation_direct.total", "litigation_after_review.total"),
        ),
        ("T2", rf"制发的?(?:行政)?规范性文件{n}\s*件", (issued,)),
    ]


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text) if len(text) <= _MAX_DIGITS else None
    try:
        return int(chinese_to_number(text))
    except ValueError:  # not a well-formed numeral ("十十"): no hint from it
        return None


def narrative_hints(narrative: str, layout: str) -> dict[str, list[Hint]]:
    """Hints per table found in the narrative text."""
    found: dict[str, list[Hint]] = {"T2": [], "T3": [], "T4": []}
    for table, pattern, cells in _patterns(layout):
        for m in re.finditer(pattern, narrative):
            clause = m.group(0)
            if "结转" in clause and cells == ("new_received.total",):
                continue  # "含上年结转": the figure is 一 + 二, not 一
            value = _number(m.group(1))
            if value is None:
                continue
            if not any(h.cells == cells and h.value == value for h in found[table]):
                found[table].append(Hint(cells, value, clause))
    return found
