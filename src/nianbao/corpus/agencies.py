"""Agency names, normalised so that one agency's reports line up across years.

Report titles and metadata spell the same body differently from year to year
("平潭综合实验区管委会（全区汇总）", "平潭综合实验区管理委员会", "金水区司法局" vs
"郑州市金水区司法局").  ``normalize_agency`` makes one spelling canonical;
``cluster_agencies`` then maps names that are a shorter form of exactly one
other name in the corpus (the city prefix dropped) onto that longer name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Common abbreviations in report titles and their full forms.
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
_NOISE = re.compile(r"[\s·•、，,。.“”\"'‘’]+")
_YEAR_PREFIX = re.compile(r"^\d{4}\s*年(度)?")
_REPORT_SUFFIX = re.compile(r"(\d{4}\s*年(度)?)?(政府)?信息公开(工作)?(年度)?报告$")


def normalize_agency(name: str | None) -> str | None:
    """One canonical spelling: full-width folded, brackets, spaces, a leading
    year and a trailing "…年度报告" removed, common abbreviations expanded."""
    if not name:
        return None
    s = unicodedata.normalize("NFKC", name)
    s = _BRACKETED.sub("", s)
    s = _NOISE.sub("", s)
    s = _YEAR_PREFIX.sub("", s)
    s = _REPORT_SUFFIX.sub("", s)
    for short, full in _ABBREVIATIONS:
        if full not in s:
            s = s.replace(short, full)
    return s or None


def cluster_agencies(names: Iterable[str | None]) -> dict[str, str]:
    """Map each normalised name to its corpus-wide canonical name.

    A name that is the tail of exactly one longer name (e.g. "金水区司法局" of
    "郑州市金水区司法局") maps to that longer name; ambiguous tails stay as they
    are, since two cities can both have a 金水区司法局-like body.
    """
    distinct = sorted({n for n in names if n})
    mapping = {}
    for name in distinct:
        longer = [other for other in distinct if other != name and other.endswith(name)]
        mapping[name] = longer[0] if len(longer) == 1 else name
    return mapping
