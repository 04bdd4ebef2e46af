"""The canonical tables laid out as the national templates print them.

The store keeps figures by canonical key (``T3.granted.total``); a reviewer
reads them best in the grid of the report itself, with the header rows and
group labels of 国办公开办函〔2021〕30号 / 〔2019〕60号.  This module builds that
grid as plain data (the template only loops and escapes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..tables.schema import (
    T2_COLUMN_LABELS,
    T2_ROW_LABELS,
    T3_APPLICANT_COLUMNS,
    T3_COLUMN_LABELS,
    T3_COLUMNS,
    T4_COLUMN_LABELS,
    T4_COLUMNS,
    T4_GROUP_LABELS,
    T4_GROUPS,
    T3_GROUP_LABELS as T3_HEADINGS,
    t2_rows,
    t3_derived,
    t3_rows,
)

TABLE_TITLES = {
    "T2": "二、主动公开政府信息情况",
    "T3": "三、收到和处理政府信息公开申请情况",
    "T4": "四、政府信息公开行政复议、行政诉讼情况",
}

T2_BLOCKS = (
    ("第二十条第（一）项", ("regulations", "normative_docs")),
    ("第二十条第（五）项", ("licensing", "other_services")),
    ("第二十条第（六）项", ("punishment", "coercion")),
    ("第二十条第（八）项", ("admin_fees",)),
    ("第二十条第（九）项", ("procurement",)),
)


@dataclass
class GridCell:
    """One printed cell: a header, a row label or a figure."""

    text: str
    kind: str = "figure"  # figure / header / label / heading
    ref: str | None = None  # canonical ref for figures
    colspan: int = 1
    rowspan: int = 1
    mark: str | None = None  # "hit" (the finding's cell), "related" (in its equation), None
    state: str | None = None  # "blank" (printed empty/-), "missing" (not read)
    indent: int = 0

    @property
    def css(self) -> str:
        return " ".join(c for c in (self.kind, self.mark, self.state, f"indent{self.indent}" if self.indent else None) if c)


@dataclass
class Grid:
    name: str
    title: str
    layout: str
    header: list[list[GridCell]] = field(default_factory=list)
    body: list[list[GridCell]] = field(default_factory=list)
    marked: int = 0  # number of highlighted figures (hit)


def format_number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


class _Marker:
    """Builds figure cells from the stored values, marking the involved ones."""

    def __init__(self, table: str, cells: dict[str, dict], hits: set[str], related: set[str]) -> None:
        self.table, self.cells, self.hits, self.related = table, cells, hits, related
        self.marked = 0

    def figure(self, key: str) -> GridCell:
        ref = f"{self.table}.{key}"
        row = self.cells.get(key)
        if row is None:
            cell = GridCell("", ref=ref, state="missing")
        else:
            raw = (row.get("raw") or "").strip()
            shown = raw if raw else format_number(row.get("value"))
            cell = GridCell(shown, ref=ref, state="blank" if row.get("blank") else None)
        if ref in self.hits:
            cell.mark = "hit"
            self.marked += 1
        elif ref in self.related:
            cell.mark = "related"
        return cell


def _t3(marker: _Marker, layout: str) -> tuple[list[list[GridCell]], list[list[GridCell]]]:
    header = [
        [GridCell("", "header", rowspan=3), GridCell("申请人情况", "header", colspan=7)],
        [
            GridCell(T3_COLUMN_LABELS["natural"], "header", rowspan=2),
            GridCell("法人或其他组织", "header", colspan=5),
            GridCell(T3_COLUMN_LABELS["total"], "header", rowspan=2),
        ],
        [GridCell(T3_COLUMN_LABELS[c], "header") for c in T3_APPLICANT_COLUMNS[1:]],
    ]
    body: list[list[GridCell]] = []
    open_group: str | None = None
    for spec in t3_rows(layout):
        if spec.key == "granted":
            body.append([GridCell(T3_HEADINGS["results"], "heading", colspan=8)])
        if spec.parent and spec.parent != open_group:
            body.append([GridCell(T3_HEADINGS[spec.parent], "heading", colspan=8, indent=1)])
        open_group = spec.parent
        indent = 2 if spec.parent else (1 if spec.key not in ("new_received", "carried_over", "carried_forward") else 0)
        label = GridCell(spec.label, "label", indent=indent)
        body.append([label, *(marker.figure(f"{spec.key}.{c}") for c in T3_COLUMNS)])
    return header, body


def _t4(marker: _Marker) -> tuple[list[list[GridCell]], list[list[GridCell]]]:
    header = [
        [GridCell(T4_GROUP_LABELS["review"], "header", colspan=5, rowspan=2), GridCell("行政诉讼", "header", colspan=10)],
        [GridCell(T4_GROUP_LABELS[g], "header", colspan=5) for g in T4_GROUPS[1:]],
        [GridCell(T4_COLUMN_LABELS[c], "header") for _g in T4_GROUPS for c in T4_COLUMNS],
    ]
    body = [[marker.figure(f"{g}.{c}") for g in T4_GROUPS for c in T4_COLUMNS]]
    return header, body


def _t2(marker: _Marker, layout: str) -> tuple[list[list[GridCell]], list[list[GridCell]]]:
    rows = t2_rows(layout)
    body: list[list[GridCell]] = []
    for block, block_rows in T2_BLOCKS:
        present = [r for r in block_rows if r in rows]
        if not present:
            continue
        columns = rows[present[0]]
        width = 1 + max(len(rows[r]) for r in present)
        body.append([GridCell(block, "heading", colspan=width)])
        body.append([GridCell("信息内容", "header")] + [GridCell(T2_COLUMN_LABELS.get(c, c), "header") for c in columns])
        for r in present:
            label = T2_ROW_LABELS.get(r, r)
            if r == "normative_docs" and layout == "2019":
                label = "规范性文件"
            body.append([GridCell(label, "label")] + [marker.figure(f"{r}.{c}") for c in rows[r]])
    return [], body


def build_grid(table: str, layout: str, cells: dict[str, dict], hits: set[str], related: set[str]) -> Grid:
    """The printed grid of one canonical table.

    ``cells`` maps canonical keys (``granted.total``) to store rows (value, raw,
    blank); ``hits``/``related`` are canonical refs (``T3.granted.total``).
    """
    layout = layout if layout in ("2019", "2021") else "2021"
    marker = _Marker(table, cells, hits, related)
    if table == "T3":
        header, body = _t3(marker, layout)
    elif table == "T4":
        header, body = _t4(marker)
    else:
        header, body = _t2(marker, layout)
    grid = Grid(table, TABLE_TITLES.get(table, table), layout, header, body)
    grid.marked = marker.marked
    return grid


# ---- which cells an equation involves (for the "related" highlight) -----
def equation_cells(family: str, ref: str, layout: str) -> set[str]:
    """The other cells of the arithmetic a table finding is about.

    Only for display: the finding's own ``cells`` stay the authority.
    """
    table, _, key = ref.partition(".")
    row, _, col = key.rpartition(".")
    if not row:
        return set()
    layout = layout if layout in ("2019", "2021") else "2021"
    if table == "T3" and family == "t3_row_total":
        return {f"T3.{row}.{c}" for c in T3_COLUMNS}
    if table == "T3" and family == "t3_result_total":
        results = ["granted", "partial"] + [
            k for part in ("denied", "unable", "not_processed", "other") for k in t3_derived(layout)[part]
        ]
        return {f"T3.{r}.{col}" for r in [*results, "handled_total"]}
    if table == "T3" and family == "t3_balance":
        return {f"T3.{r}.{col}" for r in ("new_received", "carried_over", "handled_total", "carried_forward")}
    if table == "T4" and family == "t4_group_total":
        return {f"T4.{row}.{c}" for c in T4_COLUMNS}
    return set()


def metric_cells(metric: str, layout: str) -> set[str]:
    """Canonical cells a claim metric reads (derived metrics read several)."""
    table, _, key = metric.partition(".")
    if table not in ("T2", "T3", "T4") or not key:
        return set()
    row, _, col = key.rpartition(".")
    if table == "T3":
        parts = t3_derived(layout if layout in ("2019", "2021") else "2021").get(row)
        if parts:
            return {f"T3.{p}.{col}" for p in parts}
    if table == "T4" and row == "litigation":
        return {f"T4.{g}.{col}" for g in ("litigation_direct", "litigation_after_review")}
    return {metric}
