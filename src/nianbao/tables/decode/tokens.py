"""Step 2b: the figures after each row label, as tokens, and how the text prints them.

Three ways real portals print a table as text (recognised from the text itself):

- ``glued``: a row's cells run together on one line, separators lost
  ("一、本年新收政府信息公开申请数量640020470" is 64, 0, 0, 2, 0, 4, 70);
- ``lines``: one cell per line; empty cells may simply be missing;
- ``merged``: one cell per line, and the page text merges consecutive identical
  lines into one (no line of the text ever repeats the line before it), so one
  printed "0" may stand for a whole row of zeros.

A token is a stretch the text does separate: a line (line styles) or a run between
spaces and blank marks (glued).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..schema import BLANK_DASHES
from .labels import FoundLabel

GLUED, LINES, MERGED = "glued", "lines", "merged"

BLANK_MARKS = BLANK_DASHES.replace("\\", "") + "无"  # in running text a backslash is not a cell
_SPACE = re.compile(r"\s")
_DATA = re.compile(r"[\d\s\-－−—–/／.．无+＋]")
_FIGURE_LINE = re.compile(r"^\s*(?:[+＋\-－−]?\d[\d,，]*(?:[.．]\d+)?\s*(?:万元|元|件|个|项|条|%)?|[-－—–/／]+|无)\s*$")
MERGED_MIN_LONE_ROWS = 3  # rows printed as one lone figure line, before "no line repeats" is evidence of merging


@dataclass(frozen=True)
class Token:
    """A stretch of a run between forced boundaries (line ends, spaces, blank marks, signs)."""

    text: str
    start: int
    blank: bool = False


@dataclass
class RowRun:
    """The figures text after one row label, with the ways it can be read."""

    table: str
    row: str
    label_start: int
    label_end: int
    variants: list[tuple[str, int]] = field(default_factory=list)  # (run text, start)
    anchor_start: int | None = None  # where the label's distinctive words start
    printed_label: str | None = None  # a misprinted label matched by similarity

    @property
    def text(self) -> str:
        return self.variants[0][0] if self.variants else ""

    @property
    def start(self) -> int:
        return self.variants[0][1] if self.variants else self.label_end

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def tokenize(run: str, start: int, allow_negative: bool) -> list[Token]:
    """Cut a run at the boundaries the text does show: whitespace and blank marks.

    A '-' directly before a digit starts a negative number when the row has a
    column that may be negative (2019 T2 本年增/减, "2648-18538"); otherwise it
    is a blank cell.  A '+' before a digit ("+60") is the sign of an increase.
    """
    tokens: list[Token] = []
    i = 0
    while i < len(run):
        ch = run[i]
        if _SPACE.match(ch) or ch in "+＋" or (ch == "增" and _digit_follows(run, i)):
            i += 1
            continue
        if ch == "减" and allow_negative and _digit_follows(run, i):  # "减3": a decrease, written out
            j = i + 1
            while j < len(run) and not run[j].isdigit():
                j += 1
            k = j
            while k < len(run) and (run[k].isdigit() or run[k] in ".．"):
                k += 1
            tokens.append(Token("-" + run[j:k], start + i))
            i = k
            continue
        if ch in "-－−" and allow_negative and i + 1 < len(run) and run[i + 1].isdigit():
            j = i + 1
            while j < len(run) and (run[j].isdigit() or run[j] in ".．"):
                j += 1
            tokens.append(Token("-" + run[i + 1 : j], start + i))
            i = j
            continue
        if ch in BLANK_MARKS:
            j = i + 1
            while j < len(run) and run[j] == ch and ch in "-—－":  # "——" is one blank
                j += 1
            tokens.append(Token(run[i:j], start + i, blank=True))
            i = j
            continue
        j = i
        while j < len(run) and (run[j].isdigit() or run[j] in ".．"):
            j += 1
        if j == i:  # stray character: skip it (tokens stay aligned with positions)
            i += 1
            continue
        tokens.append(Token(run[i:j], start + i))
        i = j
    return tokens


def _digit_follows(run: str, i: int) -> bool:
    """Is the character after position i (spaces and line breaks skipped) a digit?"""
    m = re.match(r"\s*\d", run[i + 1 : i + 8])
    return m is not None


def line_tokens(run: str, start: int, allow_negative: bool) -> list[Token]:
    """One token per line of the run (line styles): the line's figure, or a blank mark."""
    tokens: list[Token] = []
    pos = 0
    for line in run.split("\n"):
        got = tokenize(line, start + pos, allow_negative)
        if len(got) == 1:
            tokens.append(got[0])
        elif got:  # a line holding several figures after all: keep them, in order
            tokens.extend(got)
        pos += len(line) + 1
    return tokens


def text_style(text: str, regions: list[tuple[int, int]]) -> str:
    """How the tables in these regions of ``text`` print their cells: glued, lines or merged.

    One style for the whole text (a page prints all its tables the same way): ``lines``
    when most figures of the tables stand alone on their lines, ``merged`` when the
    text also shows that repeated lines were merged.
    """
    bodies = [text[a:b] for a, b in regions]
    lines = [ln for body in bodies for ln in body.split("\n") if ln.strip()]
    figure_lines = [ln for ln in lines if _FIGURE_LINE.match(ln)]
    digits_in_figure_lines = sum(len(re.findall(r"\d", ln)) for ln in figure_lines)
    digits = sum(len(re.findall(r"\d", body)) - _item_digits(body) for body in bodies)
    if len(figure_lines) < 5 or digits_in_figure_lines < 0.7 * max(1, digits):
        return GLUED
    return MERGED if repeats_merged(text, bodies) else LINES


def _item_digits(body: str) -> int:
    """Digits of item numbers ("2.其他法律…") and years in labels, which are not figures."""
    return len(re.findall(r"\d(?=\s*[.．、]\s*\D)|(?:19|20)\d\d(?=\s*年)", body))


def may_merge(text: str) -> bool:
    """Could the text merge consecutive identical lines?  Not if some line repeats the one before it."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return not any(a == b for a, b in zip(lines, lines[1:]))


def repeats_merged(text: str, tables: list[str]) -> bool:
    """Does the text merge consecutive identical lines?

    Evidence, both needed: no line of the text repeats the line before it, and the
    tables print rows of several cells as one lone figure line between two label lines
    (what a row of equal cells, typically zeros, becomes when merged; with every cell
    printed such rows would show the same line several times in a row).
    """
    if not may_merge(text):
        return False
    lone = 0
    for body in tables:
        rows = [ln.strip() for ln in body.split("\n") if ln.strip()]
        for before, line, after in zip(rows, rows[1:], rows[2:]):
            if _FIGURE_LINE.match(line) and not _FIGURE_LINE.match(before) and not _FIGURE_LINE.match(after):
                lone += 1
    return lone >= MERGED_MIN_LONE_ROWS


def _marker_is_blank(text: str, i: int, end: int) -> bool:
    """'无' counts as a blank cell only between figures, never as the start of a label word."""
    if text[i] != "无":
        return True
    return i + 1 >= end or bool(re.match(r"[\d\s\-－—/]", text[i + 1]))


def first_run(text: str, start: int, end: int, decimal: bool) -> tuple[str, int] | None:
    """The first stretch of figures in text[start:end]: the row's cells."""
    i = start
    while i < end:
        ch = text[i]
        if ch.isdigit() or (ch in BLANK_MARKS and _marker_is_blank(text, i, end)):
            break
        i += 1
    if i >= end:
        return None
    if i > start and text[i - 1] in "+＋":
        i -= 1
    j = i
    while j < end and ((_DATA.match(text[j]) and (text[j] != "无" or _marker_is_blank(text, j, end)))
                       or (text[j] in "增减" and _digit_follows(text, j))):  # 2019 T2 本年增/减 written "增7"
        if text[j] in ".．" and not decimal:
            break
        j += 1
    run = text[i:j].rstrip()
    run = run.rstrip(".．")
    return (run, i) if run.strip() else None


def row_runs(text: str, table: str, found: list[FoundLabel], end: int, decimal: bool = False) -> list[RowRun]:
    """The run after each found row label, up to the next label."""
    runs = []
    for k, lab in enumerate(found):
        if not lab.spec.key:
            continue
        nxt = found[k + 1] if k + 1 < len(found) else None
        area_end = nxt.start if nxt else end
        run = RowRun(table, lab.spec.key, lab.start, lab.anchor_end, anchor_start=lab.anchor_start,
                     printed_label=lab.printed)
        got = first_run(text, lab.anchor_end, area_end, decimal)
        if got:
            run.variants.append(got)
            body, s = got
            if nxt and nxt.optional_item_start is not None and s + len(body) == nxt.start:
                short = text[s : nxt.optional_item_start].rstrip()
                if short.strip():
                    run.variants.append((short, s))
        runs.append(run)
    return runs
