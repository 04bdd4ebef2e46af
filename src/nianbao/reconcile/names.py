"""Canonical refs written the way the report prints them, for messages."""

from __future__ import annotations

from ..tables.schema import T3_COLUMN_LABELS, T3_ROWS_2019, T3_ROWS_2021, T4_COLUMN_LABELS, T4_GROUP_LABELS

_T3_ROW_LABELS = {r.key: r.label for r in T3_ROWS_2021 + T3_ROWS_2019}
_T3_ROW_LABELS.update(
    {
        "denied": "（三）不予公开",
        "unable": "（四）无法提供",
        "not_processed": "（五）不予处理",
        "other": "（六）其他处理",
        "granted_or_partial": "予以公开及部分公开",
    }
)
_T4_GROUP_LABELS = dict(T4_GROUP_LABELS, litigation="行政诉讼")
_T2_ROW_LABELS = {
    "regulations": "规章",
    "normative_docs": "（行政）规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "coercion": "行政强制",
    "admin_fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
_T2_COLUMN_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "处理决定数量",
    "amount_wan": "收费金额（万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous": "上一年项目数量",
    "change": "本年增/减",
    "count": "采购项目数量",
    "amount": "采购总金额",
}


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
        return f"T2「{_T2_ROW_LABELS.get(row, row)}」「{_T2_COLUMN_LABELS.get(col, col)}」"
    return ref


def column_label(col: str) -> str:
    return T3_COLUMN_LABELS.get(col, col)


def row_label(row: str) -> str:
    return short_row(_T3_ROW_LABELS.get(row, row))
