"""What the PDF table readers (ruled: pdf_tables, borderless: pdf_textgrid) hand on: tables as printed."""

from __future__ import annotations

from dataclasses import dataclass

from .pdf_text import BBox


@dataclass
class RawCell:
    """A cell as printed (spans merged), with its text."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    page: int
    pos: tuple[int, int] | None = None  # (row, col) when the reader placed the cell itself
    conf: float | None = None  # OCR pages: the lowest probability of the cell's characters (None: text layer)


@dataclass
class RawTable:
    """One printed table, possibly in several parts (one part per page)."""

    parts: list[list[RawCell]]
    pages: list[int]
    bboxes: list[BBox]
    flavor: str
    label_cols: list[int] | None = None  # per part, for tables placed by position (pdf_textgrid)
    figure_cols: list[list[float]] | None = None  # x ranges of the figure columns (pdf_textgrid)

    @property
    def page(self) -> int:
        return self.pages[0]

    @property
    def bbox(self) -> BBox:
        return self.bboxes[0]
