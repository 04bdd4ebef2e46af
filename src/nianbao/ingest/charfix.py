"""Repair of CJK radical code points that some PDF fonts extract instead of ideographs.

CJK fonts such as Noto Sans CJK draw a Kangxi radical (U+2F00–U+2FDF) and the
ideograph it resembles with one glyph.  When a PDF producer (Chromium/Skia, for
one) writes the font's ToUnicode map, it may pick the radical's code point for
that glyph, so text extraction yields "⼀⼈⾏⺠⻔" where the page shows "一人行民门".

NFKC maps every Kangxi radical and most compatibility ideographs back, but it
leaves the CJK Radicals Supplement (U+2E80–U+2EFF: ⺠ ⻔ ⻅ …) alone and maps
⼾ (KANGXI RADICAL DOOR) to the traditional 戶 although the glyph is 户.
``RADICAL_MAP`` covers exactly those forms; it was derived from the glyph
sharing in Noto Sans CJK SC (``build_radical_map`` regenerates it).

Only characters in these blocks are touched: the rest of the text keeps its
full-width punctuation (（一）, ：) exactly as printed.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Radical form -> the ideograph the same glyph stands for in a Simplified Chinese font.
_RADICAL_FORMS = "⺂⺃⺅⺉⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺠⺡⺣⺤⺦⺨⺭⺯⺰⺱⺹⺺⺾⻂⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⼾"
_IDEOGRAPHS = "乛乚亻刂尣尢巳幺彑彐忄扌攵旡歺民氵灬爫丬犭礻糹纟罓耂肀艹衤见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜亀户"
RADICAL_MAP: dict[str, str] = dict(zip(_RADICAL_FORMS, _IDEOGRAPHS, strict=True))

# Radicals supplement, Kangxi radicals, CJK compatibility ideographs (+ supplement).
_SUSPECT = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def _repair(match: re.Match[str]) -> str:
    ch = match.group()
    return RADICAL_MAP.get(ch) or unicodedata.normalize("NFKC", ch)


def fix_chars(text: str) -> str:
    """Replace radical/compatibility code points by the ideographs they display."""
    if not _SUSPECT.search(text):
        return text
    return _SUSPECT.sub(_repair, text)


def count_suspect(text: str) -> int:
    """How many radical/compatibility code points a text holds (for diagnostics)."""
    return len(_SUSPECT.findall(text))


def build_radical_map(font_path: str | Path, font_number: int = 2) -> dict[str, str]:
    """Derive RADICAL_MAP from a CJK font: radical forms whose glyph is shared with
    exactly one unified ideograph that NFKC does not already give.

    ``font_number`` 2 is the SC face of /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc.
    """
    from fontTools.ttLib import TTCollection

    font = TTCollection(str(font_path)).fonts[font_number]
    cmap = font.getBestCmap()
    by_glyph: dict[str, list[int]] = {}
    for cp, glyph in cmap.items():
        if 0x4E00 <= cp <= 0x9FFF:
            by_glyph.setdefault(glyph, []).append(cp)
    mapping = {}
    for cp in range(0x2E80, 0x2FE0):
        same = by_glyph.get(cmap.get(cp, ""), [])
        if len(same) == 1 and chr(same[0]) != unicodedata.normalize("NFKC", chr(cp)):
            mapping[chr(cp)] = chr(same[0])
    return mapping
