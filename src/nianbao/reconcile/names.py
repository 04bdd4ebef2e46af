"""Canonical refs written the way the report prints them, for messages."""

from __future__ import annotations

from ..model import format_number
from ..tables.schema import (
    T2_COLUMN_LABELS,
    T2_ROW_LABELS,
    T3_COLUMN_LABELS,
    T3_GROUP_LABELS,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T4_COLUMN_LABELS,
    T4_GROUP_LABELS,
)

_T3_ROW_LABELS = {r.key: r.label for r in T3_ROWS_2021 + T3_ROWS_2019}
_T3_ROW_LABELS.update(T3_GROUP_LABELS, granted_or_partial="予以公开及部分公开")
_T4_GROUP_LABELS = dict(T4_GROUP_LABELS, litigation="行政诉讼")


def short_row(label: str) -> str:
    """'三、本年度办理结果' style labels cut to what a reader needs ('（七）总计')."""
    return label if len(label) <= 14 else label[:14] + "…"


def cell_label(ref: str) -> str:
    """'T3.handled_total.natural' -> 'T3「（七）总计」行「自然人」列'."""
    table, _, rest = ref.partition(".")
    row, _, col = rest.rpartition(".")
    if table == "T3":
        return f"T3「{short_row(_T3_ROW_LABELS.get(row, row))}」行「{T3_COLUMN_LABELS.get(col, col)}」列"
    if table == "T4":
        return f"T4「{_T4_GROUP_LABELS.get(row, row)}」「{T4_COLUMN_LABELS.get(col, col)}」"
    if table == "T2":
        return f"T2「{T2_ROW_LABELS.get(row, row)}」「{T2_COLUMN_LABELS.get(col, col)}」"
    return ref


def column_label(col: str) -> str:
    return T3_COLUMN_LABELS.get(col, col)


def row_label(row: str) -> str:
    return short_row(_T3_ROW_LABELS.get(row, row))


def fmt(x: float | int | None) -> str:
    """A figure as a reader of the report writes it (空 when there is none)."""
    return format_number(x, missing="空")
