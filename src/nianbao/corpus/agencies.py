"""Agency names, normalised so that one agency's reports line up across years.

Report titles and metadata spell the same body differently from year to year
("平潭综合实验区管委会（全区汇总）", "平潭综合实验区管理委员会", "金水区司法局" vs
"郑州市金水区司法局").  ``metadata.normalise_agency`` makes one spelling canonical;
``cluster_agencies`` then maps names that are a shorter form of exactly one
other name in the corpus (the city prefix dropped) onto that longer name.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..metadata import normalise_agency

def normalize_agency(name: str | None) -> str | None:
    """The one normaliser (``metadata.normalise_agency``), None for no name (the store's NULL)."""
    return normalise_agency(name) or None


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
