"""Decoding bytes and tidying text, shared by the loaders."""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode report bytes: BOM, then a declared charset, UTF-8, GB18030 (a
    superset of GBK/GB2312), then charset-normalizer's guess.

    Returns (text, encoding).  Raises IngestError for empty or binary input.
    """
    if not data.strip():
        raise IngestError("the file is empty: nothing to read (check that the download or copy finished)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    if _looks_utf16(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc, errors="replace"), enc
    if data.count(b"\x00") > len(data) // 100:
        raise IngestError("the file is binary, not text (NUL bytes): is it a PDF, DOCX or image with the wrong extension?")
    candidates = [c for c in (_norm_enc(declared), "utf-8", "gb18030") if c]
    for enc in dict.fromkeys(candidates):
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError("cannot decode the file as text in any known encoding (tried UTF-8, GB18030, UTF-16)")
    return str(best), best.encoding


def _looks_utf16(data: bytes) -> bool:
    head = data[:400]
    if len(head) < 4:
        return False
    zeros_even = head[0::2].count(0)
    zeros_odd = head[1::2].count(0)
    half = len(head) // 2
    return zeros_odd > 0.3 * half or zeros_even > 0.3 * half


def _norm_enc(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    # Pages that say gb2312/gbk routinely contain characters outside it.
    if name in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"}:
        return "gb18030"
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


# Control characters (but tab, line ends, form feed), surrogates, private use, noncharacters, U+FFFD.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffd-\uffff"
                       "\U000f0000-\U0010ffff]")


def check_textual(text: str) -> None:
    """Reject decoded text that is really binary junk."""
    sample = text[:20000]
    if not sample:
        raise IngestError("the file holds no text")
    bad = len(_NOT_TEXT.findall(sample))
    if bad > 0.05 * len(sample):
        raise IngestError("the file is not readable text (mostly control or undecodable bytes): is it binary with a wrong extension?")
    if len(_CJK.findall(text[:200000])) < 10:
        raise IngestError("the file holds no Chinese text: is it a 政府信息公开工作年度报告, in a readable encoding?")


_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")


def clean_inline(text: str) -> str:
    """Collapse runs of whitespace (incl. &nbsp; and ideographic space) to one space."""
    return _SPACES.sub(" ", text).strip()


_WHITESPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """Text with all whitespace removed and full-width ASCII folded (for label matching)."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).replace("\u200b", "")


_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部分章节])"
)


def looks_like_heading(text: str) -> bool:
    """A short line numbered like a section heading (一、… /（一）…) with no sentence in it."""
    t = text.strip()
    if not t or len(t) > 40 or not _HEADING.match(t):
        return False
    return not re.search(r"[。；;]", t[:-1]) and not t.endswith("。")
