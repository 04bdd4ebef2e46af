"""Reports printed in traditional characters (繁體), read through their simplified twin.

Some portals serve their pages in traditional characters (a 繁體 button that converts
the page).  Every later stage matches simplified wording (row labels, headings, cue
words), so the Document's text is converted with OpenCC's t2s character dictionary, one
character for one, so every offset still points at the printed text, which the
Document keeps in ``printed_text`` for evidence.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from operator import ne
from pathlib import Path

from ..model import Document

# A text is traditional when this share of its Chinese characters changes under t2s
# (simplified text changes almost none: a few characters are shared spellings).
TRADITIONAL_SHARE = 0.03
_CJK = re.compile(r"[\u4e00-\u9fff]")


# A line of TSCharacters.txt that maps one character to one ("這\t这", or "著\t着 著": the first
# reading); phrases and multi-character lines are left out.
_ONE_TO_ONE = re.compile(r"^([^\t\n])\t([^ \t\n])(?=[ \n]|$)", re.MULTILINE)


def _dictionary_file() -> Path:
    """OpenCC's t2s character list, found without importing opencc (its import costs every check
    more than reading the list; only the data file is used)."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("No module named 'opencc'", name="opencc")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "TSCharacters.txt"


@lru_cache(maxsize=1)
def _char_map() -> dict[int, str]:
    text = _dictionary_file().read_text(encoding="utf-8")
    return {ord(trad): simp for trad, simp in _ONE_TO_ONE.findall(text)}


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, of exactly the same length."""
    return text.translate(_char_map())


def is_traditional(text: str) -> bool:
    sample = "".join(_CJK.findall(text[:50_000]))
    if len(sample) < 50:
        return False
    changed = sum(map(ne, sample, sample.translate(_char_map())))
    return changed >= TRADITIONAL_SHARE * len(sample)


def read_simplified(text: str) -> str:
    """The text to read: ``text`` itself, or its simplified twin when it is printed in 繁體."""
    return to_simplified(text) if is_traditional(text) else text


def mark_converted(doc: Document, printed: str) -> None:
    """Record that ``doc`` was read converted: keep what was printed, say so."""
    if printed == doc.text or len(printed) != len(doc.text):
        return
    doc.printed_text = printed
    doc.meta["script"] = "traditional"
    doc.messages.append(doc_message())


def simplify(doc: Document) -> Document:
    """Convert a traditional-character Document in place (text, blocks, cells, metadata), for the
    formats read without a text step of their own (PDF, DOCX); the printed text stays in
    ``doc.printed_text``, character for character."""
    if doc.printed_text is not None or not is_traditional(doc.text):
        return doc
    doc.printed_text = doc.text
    doc.text = to_simplified(doc.text)
    for block in doc.blocks:
        block.text = to_simplified(block.text)
        for row in block.rows or []:
            for cell in row:
                cell.text = to_simplified(cell.text)
    for key in ("title", "article_title", "标题", "发布机构"):
        if isinstance(doc.meta.get(key), str):
            doc.meta[key] = to_simplified(doc.meta[key])
    doc.meta["script"] = "traditional"
    doc.messages.append(doc_message())
    return doc


def doc_message():
    from ..model import Message

    return Message("info", "traditional-script",
                   "the report is printed in traditional characters (繁體): it is read in simplified characters, "
                   "and its evidence quotes the printed text")
