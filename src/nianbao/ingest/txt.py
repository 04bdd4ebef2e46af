"""Plain-text reports: copied text with tables flattened to tab- or |-separated lines.

``Document.text`` is the decoded file itself (line endings normalised), so
every span points into what the user sees.  Consecutive lines holding tabs or
``|`` form one table block; each cell keeps its character span.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Block, Cell, Document, Provenance
from .script import mark_converted, read_simplified
from .textutil import check_textual, decode_bytes, looks_like_heading

_TABLE_LINE = re.compile(r"\t|\|")
# Archive dumps start with "key: value" lines then a ===== 正文 ===== rule, or a "正文:" line.
_HEADER_RULE = re.compile(r"^(?:=+\s*正文\s*=+|正文\s*[:：])\s*$", re.M)
_HEADER_FIELD = re.compile(r"^(标题|发布时间|文号|发布机构|栏目|原文链接|原始链接|来源|发文机关)[:：][ \t]*(.*)$", re.M)


def load_txt(path: Path, data: bytes) -> Document:
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_textual(text)
    printed, text = text, read_simplified(text)
    doc = Document(source=str(path), format="txt", text=text, meta={"encoding": encoding})
    mark_converted(doc, printed)

    body_start = 0
    rule = _HEADER_RULE.search(text[:3000])
    if rule:
        for m in _HEADER_FIELD.finditer(text[: rule.start()]):
            doc.meta[m.group(1)] = m.group(2).strip()
        if doc.meta.get("标题"):
            doc.meta["title"] = doc.meta["标题"]
        body_start = rule.end()

    pending_table: list[tuple[int, str]] = []  # (offset, line)
    offset = 0
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if start < body_start:
            continue
        if _TABLE_LINE.search(line) and line.strip(" \t|"):
            pending_table.append((start, line))
            continue
        if pending_table:
            doc.blocks.append(_table_block(pending_table))
            pending_table = []
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        prov = Provenance(start=start + lead, end=start + lead + len(stripped))
        if stripped.startswith("页面链接与图片详见"):
            continue
        kind = "heading" if looks_like_heading(stripped) else "paragraph"
        doc.blocks.append(Block(kind=kind, text=stripped, prov=prov))
    if pending_table:
        doc.blocks.append(_table_block(pending_table))
    return doc


def _table_block(lines: list[tuple[int, str]]) -> Block:
    sep = "|" if all("\t" not in ln for _, ln in lines) else "\t"
    rows: list[list[Cell]] = []
    for r, (start, line) in enumerate(lines):
        row: list[Cell] = []
        pos = 0
        parts = line.split(sep)
        if sep == "|" and line.strip().startswith("|"):
            # Markdown-style rows: drop the empty cells outside the outer bars.
            pos = line.index("|") + 1
            parts = line.strip().strip("|").split("|")
        for c, raw in enumerate(parts):
            s = start + pos + (len(raw) - len(raw.lstrip()))
            row.append(Cell(text=raw.strip(), row=r, col=c, prov=Provenance(start=s, end=s + len(raw.strip()), row=r, col=c)))
            pos += len(raw) + 1
        rows.append(row)
    first, last = lines[0][0], lines[-1][0] + len(lines[-1][1])
    return Block(
        kind="table",
        text="\n".join(ln for _, ln in lines),
        prov=Provenance(start=first, end=last),
        rows=rows,
    )
