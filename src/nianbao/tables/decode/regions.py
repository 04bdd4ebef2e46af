"""Step 1 of decoding tables printed as text: where each table is, and which layout it has.

T2 starts at its block header 第二十条第（一）项, T3 at its row label 本年新收…申请数量
(not a sentence of the narrative using the words), T4 at the 行政复议 header after T3's
last row; T4 ends after its run of figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIGURE_CHARS = r"[\d\s\-－−—–/／.．无+＋]"


def fuzzy(word: str) -> str:
    """A regex for a label word that tolerates spaces and line breaks inside it ("本年度办 理结果")."""
    return r"\s*".join(re.escape(ch) for ch in word)


T2_BLOCK = r"第\s*二\s*十\s*条\s*第\s*[（(]\s*[一二三四五六七八九]\s*[)）]\s*项"
T3_START = re.compile(r"本\s*年\s*(?:度\s*)?新\s*收")
T4_START = re.compile(fuzzy("行政复议"))
CARRIED_FORWARD = re.compile(fuzzy("结转下年度") + "|" + fuzzy("结转下一年度"))


@dataclass
class Regions:
    """Where each table's text is (character positions in the text)."""

    t2: tuple[int, int] | None = None
    t3: tuple[int, int] | None = None
    t4: tuple[int, int] | None = None

    @property
    def span(self) -> tuple[int, int] | None:
        spans = [s for s in (self.t2, self.t3, self.t4) if s]
        return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None

    def of(self, table: str) -> tuple[int, int] | None:
        return {"T2": self.t2, "T3": self.t3, "T4": self.t4}[table]


def find_regions(text: str) -> Regions:
    """Locate T2 (第二十条第（一）项…), T3 (本年新收…) and T4 (行政复议 header after T3)."""
    regions = Regions()
    t2 = re.search(T2_BLOCK, text)
    t3 = _t3_start(text, t2.end() if t2 else 0)
    if t3 is None and t2 is not None:
        t3 = _t3_start(text, 0)
    if t3:
        # the T3 row label starts a little before its anchor ("一、本年新收")
        t3_start = max(t3.start() - 4, t2.end() if t2 and t2.start() < t3.start() else 0)
        carried = CARRIED_FORWARD.search(text, t3.end())
        t4 = T4_START.search(text, carried.end()) if carried else None
        t3_end = t4.start() if t4 else (carried.end() + 80 if carried else len(text))
        regions.t3 = (t3_start, min(t3_end, len(text)))
        if t4:
            regions.t4 = (t4.start(), _t4_end(text, t4.start()))
    if t2 and (not t3 or t2.start() < t3.start()):
        regions.t2 = (t2.start(), regions.t3[0] if regions.t3 else min(len(text), t2.start() + 1500))
    return regions


def _t3_start(text: str, start: int) -> re.Match[str] | None:
    """The T3 row label 本年新收…申请数量, not a sentence of the narrative that uses the words."""
    for m in T3_START.finditer(text, start):
        if re.match(r"[^。；\d]{0,20}?申\s*请\s*数\s*量", text[m.end() : m.end() + 40]):
            return m
    return None


def _t4_end(text: str, start: int) -> int:
    """T4 ends after its data run: the first stretch of figures after the header."""
    limit = min(len(text), start + 800)
    m = re.search(r"\d", text[start:limit])
    if not m:
        return limit
    i = start + m.start()
    j = i
    while j < limit and re.match(_FIGURE_CHARS, text[j]) and text[j] not in ".．":
        j += 1
    return j


def detect_layout(text: str, regions: Regions) -> str:
    """2019 or 2021 layout, from T2's column headers or T3's （六） rows."""
    if regions.t2:
        t2 = re.sub(r"\s", "", text[regions.t2[0] : regions.t2[1]])
        if re.search(r"新制作|对外公开总数量|上一年项目数量|政府集中采购|\d{4}年项目数量", t2):
            return "2019"
        if re.search(r"本年制发|现行有效|本年废止|本年收费金额", t2):
            return "2021"
    if regions.t3:
        t3 = re.sub(r"\s", "", text[regions.t3[0] : regions.t3[1]])
        if re.search(r"逾期不补正|缴纳费用", t3):
            return "2021"
        if re.search(r"其他处理[\d\-/]", t3):
            return "2019"
    return "2021"


def single_other_row(text: str, regions: Regions) -> bool:
    """Does T3 print （六）其他处理 as one row (no 逾期不补正 / 缴纳费用 sub-rows)?"""
    if not regions.t3:
        return False
    t3 = re.sub(r"\s", "", text[regions.t3[0] : regions.t3[1]])
    return "其他处理" in t3 and not re.search(r"逾期不补正|缴纳费用|逾期未按", t3)
