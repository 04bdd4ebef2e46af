"""Mapping table grids (HTML, DOCX, tab-separated text, PDF) onto canonical keys.

Rows are recognised by their label text, never by position, so dropped or
reordered rows, shifted columns and label cells repeated by row spans all
map the same way.  A row's figures are the value cells after its last label
cell (merged-cell copies dropped); blank padding left by shifted columns is
trimmed to the number of columns the layout defines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ingest.textutil import compact
from ..model import Block, CanonicalTable, Cell, Figure, Message, Provenance
from . import schema
from .values import read_cell


@dataclass
class RowView:
    block: int
    row: int
    labels: list[Cell]
    values: list[Cell]  # value cells (numbers or blanks) after the last label

    @property
    def last_label(self) -> str:
        return compact(self.labels[-1].text) if self.labels else ""

    @property
    def full_label(self) -> str:
        out: list[str] = []
        for c in self.labels:
            t = compact(c.text)
            if not out or out[-1] != t:
                out.append(t)
        return "".join(out)

    def numbers(self) -> int:
        return sum(1 for c in self.values if read_cell(c.text).kind == "number")


def row_views(block_index: int, block: Block) -> list[RowView]:
    views = []
    for r, cells in enumerate(block.rows or []):
        kinds = [read_cell(c.text) for c in cells]
        last = max((i for i, (c, k) in enumerate(zip(cells, kinds)) if k.kind == "label" and c.text.strip()), default=-1)
        labels = [c for c, k in zip(cells[: last + 1], kinds) if k.kind == "label" and c.text.strip()]
        values = [c for c in cells[last + 1 :] if c.origin]
        views.append(RowView(block_index, r, labels, values))
    return views


def _trim(values: list[Cell], expected: int) -> list[Cell]:
    """Drop empty padding cells at the ends until the row has ``expected`` cells."""
    vals = list(values)
    while len(vals) > expected and vals and not vals[-1].text.strip():
        vals.pop()
    while len(vals) > expected and vals and not vals[0].text.strip():
        vals.pop(0)
    return vals


def _figure(table: str, key: str, cell: Cell, block: int) -> Figure:
    cv = read_cell(cell.text)
    prov = Provenance(**{**cell.prov.__dict__})
    prov.table, prov.row, prov.col = block, cell.row, cell.col
    return Figure(table=table, key=key, value=cv.value, raw=cell.text, blank=cv.kind == "blank", prov=prov,
                  confidence=cell.confidence)


# ---------------------------------------------------------------- T3


def _t3_row_key(view: RowView) -> str | None:
    specs = schema.T3_ROWS_2021 + (schema.T3_ROWS_2019[-3],)  # 2021 rows + the 2019 single "other" row
    for text in (view.last_label, view.full_label):
        if not text:
            continue
        for spec in specs:
            if any(p.search(text) for p in spec.patterns):
                return spec.key
    return None


@dataclass
class _Found:
    tables: dict[str, CanonicalTable] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    layout_votes: list[str] = field(default_factory=list)


def _map_t3(views: list[RowView], out: _Found) -> None:
    rows: dict[str, RowView] = {}
    unknown: list[RowView] = []
    for v in views:
        # A header row ("…其他 | 总计") has labels and a stray blank, never a row of figures.
        if not v.values or (v.numbers() == 0 and len(v.values) < len(schema.T3_COLUMNS)):
            continue
        key = _t3_row_key(v)
        if key is None:
            if v.numbers() and v.labels:
                unknown.append(v)
            continue
        if key in rows:
            if rows[key].numbers() == 0 and v.numbers() > 0:
                rows[key] = v
            continue
        rows[key] = v
    if len(rows) < 3:
        return
    headers = _t3_header_columns(views)
    single_other = "other" in rows and not any(k.startswith("other.") for k in rows)
    _match_misprinted(rows, unknown, single_other, out)
    # Three （六） sub-rows are the 2021 layout; one （六） row is 2019's, or a 2021 report printing it
    # as one row: then T2's headers (or the year) decide the layout, and the rows are keyed other.*.
    layout = "2021" if any(k.startswith("other.") for k in rows) else ""
    if layout:
        out.layout_votes.append(layout)
    table = CanonicalTable(name="T3", layout=layout or "2019", block=next(iter(rows.values())).block)
    for spec in schema.t3_rows(layout or "2021", single_other):
        v = rows.get(spec.key)
        if v is None:
            table.missing_rows.append(spec.key)
            continue
        vals = _trim(v.values, len(schema.T3_COLUMNS))
        if len(vals) < len(schema.T3_COLUMNS):
            # A dropped column: place the figures under the header cells above them.
            placed = _place_by_header(vals, headers.get(v.block, {}))
            if placed is None:
                out.messages.append(Message(
                    "warning", "t3-short-row",
                    f"T3 row 「{v.full_label}」 has {len(vals)} figures, not 7, and no header places them: the row was skipped",
                ))
                table.missing_rows.append(spec.key)
                continue
            for col, cell in placed.items():
                fig = _figure("T3", f"{spec.key}.{col}", cell, v.block)
                table.figures[fig.key] = fig
            for col in schema.T3_COLUMNS:
                if col not in placed and col not in table.missing_columns:
                    table.missing_columns.append(col)
            continue
        if len(vals) > len(schema.T3_COLUMNS) and any(c.text.strip() for c in vals[len(schema.T3_COLUMNS):]):
            out.messages.append(Message(
                "warning", "t3-long-row",
                f"T3 row 「{v.full_label}」 has {len(vals)} figures, not 7: the first 7 were read",
            ))
        for col, cell in zip(schema.T3_COLUMNS, vals):
            fig = _figure("T3", f"{spec.key}.{col}", cell, v.block)
            table.figures[fig.key] = fig
    if table.missing_columns:
        names = "、".join(schema.T3_COLUMN_LABELS[c] for c in table.missing_columns)
        out.messages.append(Message(
            "warning", "t3-missing-columns",
            f"T3: column(s) {names} not printed; their figures are not read (agencies sometimes drop all-zero columns)",
        ))
    if table.missing_rows:
        labels = "、".join(r.label for r in schema.t3_rows(layout or "2021", single_other) if r.key in table.missing_rows)
        out.messages.append(Message(
            "warning", "t3-missing-rows",
            f"T3: {len(table.missing_rows)} row(s) not found in the table ({labels}); their figures are not read "
            "(agencies sometimes drop all-zero rows)",
        ))
    out.tables["T3"] = table


def _match_misprinted(rows: dict[str, RowView], unknown: list[RowView], single_other: bool, out: _Found) -> None:
    """Rows whose labels match no template wording ("2.其他法律行政止公开" as printed; "7.属于行政执法来卷"
    as OCR misreads a small scan) take the rows of the template missing between the rows found above
    and below them: when as many such rows stand in that gap as the template misses there, they are
    paired in order, each only if its words are close enough to the template row it takes."""
    specs = schema.t3_rows("2019" if single_other else "2021")
    order = [r.key for r in specs]
    position = {(v.block, v.row): k for k, v in rows.items()}
    gaps: dict[tuple[int, int], list[RowView]] = {}
    for v in unknown:
        above = [k for (b, r), k in position.items() if (b, r) < (v.block, v.row)]
        below = [k for (b, r), k in position.items() if (b, r) > (v.block, v.row)]
        lo = max((order.index(k) for k in above if k in order), default=-1)
        hi = min((order.index(k) for k in below if k in order), default=len(order))
        gaps.setdefault((lo, hi), []).append(v)
    for (lo, hi), views in gaps.items():
        gap = [k for k in order[lo + 1 : hi] if k not in rows]
        if len(gap) != len(views):
            continue
        views = sorted(views, key=lambda v: (v.block, v.row))
        pairs = [(v, next(r for r in specs if r.key == key)) for v, key in zip(views, gap)]
        if not all(schema.resembles_label(v.last_label, compact(spec.label)) for v, spec in pairs):
            continue
        for v, spec in pairs:
            rows[spec.key] = v
            out.messages.append(Message(
                "warning", "table-label-misprinted",
                f"T3: the row label 「{v.last_label}」 is not the template's wording (misprinted, or misread on a scan); "
                f"it was read as the row in its place, 「{spec.label}」 (the rows around it match)",
            ))


_T3_LABEL_TO_COLUMN = {label: col for col, label in schema.T3_COLUMN_LABELS.items()}


def _t3_header_columns(views: list[RowView]) -> dict[int, dict[int, str]]:
    """Per table block: grid column -> T3 column key, from header cells (自然人 … 总计)."""
    headers: dict[int, dict[int, str]] = {}
    for v in views:
        if v.numbers():
            continue
        for cell in v.labels:
            col = _T3_LABEL_TO_COLUMN.get(compact(cell.text))
            if col is not None:
                headers.setdefault(v.block, {}).setdefault(cell.col, col)
    return headers


def _place_by_header(values: list[Cell], header: dict[int, str]) -> dict[str, Cell] | None:
    """The row's figures keyed by the header column above each; None unless every figure has
    a distinct header column (a guess is worse than a skipped row)."""
    placed: dict[str, Cell] = {}
    for cell in values:
        col = header.get(cell.col)
        if col is None or col in placed:
            return None
        placed[col] = cell
    return placed or None


# ---------------------------------------------------------------- T4


def _map_t4(blocks: list[tuple[int, Block, list[RowView]]], out: _Found) -> None:
    for index, block, views in blocks:
        text = compact(block.text)
        if "行政复议" not in text or not ("维持" in text or "纠正" in text):
            continue
        keys = schema.t4_keys()
        full = [v for v in views if len(_trim(v.values, 15)) >= 15 and v.numbers() >= 5]
        table = CanonicalTable(name="T4", layout="any", block=index)
        if full:
            v = full[0]
            for key, cell in zip(keys, _trim(v.values, 15)):
                fig = _figure("T4", key, cell, index)
                table.figures[key] = fig
            out.tables["T4"] = table
            return
        # Transposed variant: one row per group with five figures.
        groups = {"review": r"行政复议", "litigation_direct": r"直接起诉", "litigation_after_review": r"复议后起诉"}
        found = 0
        for g, pat in groups.items():
            for v in views:
                if re.search(pat, v.full_label) and len(_trim(v.values, 5)) == 5:
                    for col, cell in zip(schema.T4_COLUMNS, _trim(v.values, 5)):
                        fig = _figure("T4", f"{g}.{col}", cell, index)
                        table.figures[fig.key] = fig
                    found += 1
                    break
        if found:
            out.tables["T4"] = table
            return


# ---------------------------------------------------------------- T2

_T2_2019_HEADERS = ("本年新制作", "新公开数量", "对外公开总数", "上一年项目数量", "本年增", "采购总金额", "采购项目数量")
_T2_2021_HEADERS = ("本年制发", "本年废止", "现行有效", "本年收费金额")


def _map_t2(blocks: list[tuple[int, Block, list[RowView]]], out: _Found, layout_hint: str) -> None:
    t2_blocks = [
        (i, b, vs) for i, b, vs in blocks
        if any(any(p.search(v.last_label) for p in pats) for v in vs for pats in schema.T2_ROW_PATTERNS.values())
        and ("第二十条" in compact(b.text) or "信息内容" in compact(b.text) or "处理决定" in compact(b.text))
    ]
    if not t2_blocks:
        return
    text = "".join(compact(b.text) for _, b, _ in t2_blocks)
    if any(h in text for h in _T2_2019_HEADERS):
        layout = "2019"
    elif any(h in text for h in _T2_2021_HEADERS):
        layout = "2021"
    else:
        layout = layout_hint
    out.layout_votes.append(layout)
    rows = schema.t2_rows(layout)
    table = CanonicalTable(name="T2", layout=layout, block=t2_blocks[0][0])
    for index, _block, views in t2_blocks:
        for v in views:
            for row, pats in schema.T2_ROW_PATTERNS.items():
                if row not in rows or f"{row}.{rows[row][0]}" in table.figures:
                    continue
                if any(p.search(v.last_label) for p in pats) and v.values:
                    cols = rows[row]
                    vals = _trim(v.values, len(cols))
                    for col, cell in zip(cols, vals):
                        fig = _figure("T2", f"{row}.{col}", cell, index)
                        table.figures[fig.key] = fig
                    break
    table.missing_rows = [r for r, cols in rows.items() if f"{r}.{cols[0]}" not in table.figures]
    if table.figures:
        out.tables["T2"] = table


def map_grids(table_blocks: list[tuple[int, Block]], year_hint: int | None = None) -> tuple[dict[str, CanonicalTable], str, list[Message]]:
    """Find T2/T3/T4 among the table blocks and map them onto canonical keys."""
    out = _Found()
    blocks = [(i, b, row_views(i, b)) for i, b in table_blocks]
    all_views = [v for _, _, vs in blocks for v in vs]
    _map_t3(all_views, out)
    _map_t4(blocks, out)
    hint = out.layout_votes[0] if out.layout_votes else ("2019" if year_hint in (2019, 2020) else "2021")
    _map_t2(blocks, out, hint)
    layout = out.layout_votes[0] if out.layout_votes else ("unknown" if not out.tables else hint)
    for table in out.tables.values():
        if table.name != "T2":
            table.layout = layout
    for table in out.tables.values():
        if any(f.prov.method == "ocr" for f in table.figures.values()):
            table.method = "ocr"  # read from a page image (a scan)
    return out.tables, layout, out.messages
