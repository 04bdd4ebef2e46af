"""Figures the narrative states that pin down table cells ("共收到申请70件").

Only used as weak evidence when decoding flattened tables: a decoding that
agrees with the narrative is preferred among those that fit the table's
arithmetic equally well.  The claims stage does the real claim extraction;
this is a handful of unambiguous patterns, Arabic numerals only.
"""

from __future__ import annotations

import re

from .flattened_solve import Hint
from .schema import t3_derived

_STOP = r"[^。；;，,\d]"  # stay inside one clause, before any other figure


def _patterns(layout: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(table, regex with one number group, the cells whose sum it states)."""
    derived = t3_derived(layout)

    def totals(group: str) -> tuple[str, ...]:
        return tuple(f"{r}.total" for r in derived[group])

    issued = "normative_docs.new_made" if layout == "2019" else "normative_docs.issued"
    return [
        ("T3", rf"(?:收到|受理|新收|接收){_STOP}{{0,25}}?申请{_STOP}{{0,6}}?(\d+)\s*件", ("new_received.total",)),
        ("T3", r"(?:收到|受理|新收|接收)(\d+)\s*件" + _STOP + r"{0,8}申请", ("new_received.total",)),
        ("T3", r"申请共计?(\d+)\s*件", ("new_received.total",)),
        ("T3", rf"办结{_STOP}{{0,12}}?(\d+)\s*件", ("handled_total.total",)),
        ("T3", rf"(\d+)\s*件{_STOP}{{0,4}}结转下一?年", ("carried_forward.total",)),
        ("T3", rf"结转(?:至|到)?(?:下一?年度?|\d{{4}}年){_STOP}{{0,8}}?(\d+)\s*件", ("carried_forward.total",)),
        ("T3", r"予以公开及部分公开\D{0,4}?(\d+)\s*件", ("granted.total", "partial.total")),
        ("T3", r"(?<!及)予以公开(\d+)\s*件", ("granted.total",)),
        ("T3", r"(?<!及)部分公开(\d+)\s*件", ("partial.total",)),
        ("T3", r"不予公开(\d+)\s*件", totals("denied")),
        ("T3", r"无法提供(\d+)\s*件", totals("unable")),
        ("T3", r"不予处理(\d+)\s*件", totals("not_processed")),
        ("T3", r"其他处理(\d+)\s*件", totals("other")),
        ("T4", r"行政复议(?:案件)?\D{0,4}?(\d+)\s*[件起宗]", ("review.total",)),
        (
            "T4",
            r"行政诉讼(?:案件)?\D{0,4}?(\d+)\s*[件起宗]",
            ("litigation_direct.total", "litigation_after_review.total"),
        ),
        ("T2", r"制发的?(?:行政)?规范性文件(\d+)\s*件", (issued,)),
    ]


def narrative_hints(narrative: str, layout: str) -> dict[str, list[Hint]]:
    """Hints per table found in the narrative text."""
    found: dict[str, list[Hint]] = {"T2": [], "T3": [], "T4": []}
    for table, pattern, cells in _patterns(layout):
        for m in re.finditer(pattern, narrative):
            clause = m.group(0)
            if "结转" in clause and cells == ("new_received.total",):
                continue  # "含上年结转": the figure is 一 + 二, not 一
            hint = Hint(cells, int(m.group(1)), clause)
            if hint not in found[table]:
                found[table].append(hint)
    return found
