"""The canonical schema of the three standard tables (gold.md), per layout.

Each row has a canonical key and the label patterns that identify it in a
report.  Patterns are regular expressions over the label text with
whitespace removed; they are written to the national templates' wording and
its common variants.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# What a table prints for an empty cell (gold.md: 0, and listed in blank_cells): one definition for
# the grid reader and the text-table decoder.  Dashes and slashes may repeat ("——"); the words stand alone.
BLANK_DASHES = "-－—–─/／\\"
BLANK_WORDS = ("无", "空")


def is_blank_mark(text: str) -> bool:
    """Is this cell text (spaces removed) a blank: nothing, dashes or slashes, or 无 / 空?"""
    return not text or all(ch in BLANK_DASHES for ch in text) or text in BLANK_WORDS

# A row label that matches no template wording (misprinted, "2.其他法律行政止公开"; or misread on a
# scan) may still be the template row its position leaves open, if it keeps most of its words: one
# test for the grid reader and the text-table decoder.
MIN_LABEL_SIMILARITY = 0.6
_ITEM_NUMBER = re.compile(r"^\d+[.．]")


def resembles_label(printed: str, template: str) -> bool:
    """Does a printed row label read like the template's (item numbers left out of both)?"""
    ratio = difflib.SequenceMatcher(None, _ITEM_NUMBER.sub("", printed), _ITEM_NUMBER.sub("", template)).ratio()
    return ratio >= MIN_LABEL_SIMILARITY


T3_COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
T3_APPLICANT_COLUMNS = T3_COLUMNS[:-1]
T3_COLUMN_LABELS = {
    "natural": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social": "社会公益组织",
    "legal": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
T4_GROUP_LABELS = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}
T4_COLUMN_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str  # the national template's wording
    patterns: tuple[re.Pattern[str], ...]  # over the compacted label; compiled once (rows are matched a thousand times a report)
    parent: str | None = None  # group row (三、 / （三） …) this row belongs to


def _r(key: str, label: str, *patterns: str, parent: str | None = None) -> RowSpec:
    return RowSpec(key, label, tuple(re.compile(p) for p in patterns or (label,)), parent)


T3_ROWS_2021: tuple[RowSpec, ...] = (
    _r("new_received", "一、本年新收政府信息公开申请数量", r"本年新收", r"新收.*申请数量"),
    _r("carried_over", "二、上年结转政府信息公开申请数量", r"上年结转"),
    _r("granted", "（一）予以公开", r"予以公开(?!及)"),
    _r("partial", "（二）部分公开", r"部分公开"),
    _r("denied.state_secret", "1.属于国家秘密", r"国家秘密", parent="denied"),
    _r("denied.law_forbidden", "2.其他法律行政法规禁止公开", r"法律行政法规禁止公开", r"法规禁止公开", parent="denied"),
    _r("denied.three_safety", "3.危及“三安全一稳定”", r"三安全一稳定", r"危及", parent="denied"),
    _r("denied.third_party", "4.保护第三方合法权益", r"第三方合法权益", r"保护第三方", parent="denied"),
    _r("denied.internal_affairs", "5.属于三类内部事务信息", r"内部事务", parent="denied"),
    _r("denied.process_info", "6.属于四类过程性信息", r"过程性信息", parent="denied"),
    _r("denied.enforcement_file", "7.属于行政执法案卷", r"执法案卷", parent="denied"),
    _r("denied.query_item", "8.属于行政查询事项", r"行政查询事项", r"查询事项", parent="denied"),
    _r("unable.not_held", "1.本机关不掌握相关政府信息", r"不掌握", parent="unable"),
    _r("unable.needs_creation", "2.没有现成信息需要另行制作", r"另行制作", r"没有现成信息", parent="unable"),
    _r("unable.unclear", "3.补正后申请内容仍不明确", r"仍不明确", r"补正后", parent="unable"),
    _r("not_processed.complaint", "1.信访举报投诉类申请", r"信访举报投诉", r"信访", parent="not_processed"),
    _r("not_processed.duplicate", "2.重复申请", r"重复申请", parent="not_processed"),
    _r("not_processed.publication", "3.要求提供公开出版物", r"公开出版物", parent="not_processed"),
    _r("not_processed.excessive", "4.无正当理由大量反复申请", r"大量反复", parent="not_processed"),
    _r(
        "not_processed.confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        r"确认或重新出具",
        r"重新出具",
        parent="not_processed",
    ),
    _r("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", r"逾期不补正", parent="other"),
    _r("other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", r"收费通知", r"缴纳费用", parent="other"),
    _r("other.other", "3.其他", r"^\d?[.．、]?其他$", parent="other"),
    _r("handled_total", "（七）总计", r"^[（(]?七[)）]?总计", r"^总计$"),
    _r("carried_forward", "四、结转下年度继续办理", r"结转下年度"),
)

T3_ROWS_2019: tuple[RowSpec, ...] = tuple(r for r in T3_ROWS_2021 if r.parent != "other")[:-2] + (
    _r("other", "（六）其他处理", r"其他处理"),
    T3_ROWS_2021[-2],
    T3_ROWS_2021[-1],
)

# Group rows: labels that head a block of sub-rows (they carry no figures of their own).
T3_GROUP_HEADINGS = {
    "denied": (r"不予公开",),
    "unable": (r"无法提供",),
    "not_processed": (r"不予处理",),
    "other": (r"其他处理",),
    "results": (r"本年度办理结果",),
}

T2_ROWS_2021: dict[str, tuple[str, ...]] = {
    # row key -> columns, in printed order
    "regulations": ("issued", "repealed", "in_force"),
    "normative_docs": ("issued", "repealed", "in_force"),
    "licensing": ("decisions",),
    "punishment": ("decisions",),
    "coercion": ("decisions",),
    "admin_fees": ("amount_wan",),
}
T2_ROWS_2019: dict[str, tuple[str, ...]] = {
    "regulations": ("new_made", "new_published", "total_published"),
    "normative_docs": ("new_made", "new_published", "total_published"),
    "licensing": ("previous", "change", "decisions"),
    "other_services": ("previous", "change", "decisions"),
    "punishment": ("previous", "change", "decisions"),
    "coercion": ("previous", "change", "decisions"),
    "admin_fees": ("previous", "change"),
    "procurement": ("count", "amount"),
}
# Row and column labels as the national templates print them.
T2_ROW_LABELS = {
    "regulations": "规章",
    "normative_docs": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "coercion": "行政强制",
    "admin_fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
T2_COLUMN_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_wan": "本年收费金额（单位：万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous": "上一年项目数量",
    "change": "本年增/减",
    "count": "采购项目数量",
    "amount": "采购总金额",
}
T3_GROUP_LABELS = {
    "results": "三、本年度办理结果",
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}

T2_ROW_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {  # compiled once, like the T3 rows'
    "regulations": (re.compile(r"^规章$"),),
    "normative_docs": (re.compile(r"规范性文件$"),),
    "licensing": (re.compile(r"^行政许可$"),),
    "other_services": (re.compile(r"其他对外管理服务事项"), re.compile(r"对外管理服务")),
    "punishment": (re.compile(r"^行政处罚$"),),
    "coercion": (re.compile(r"^行政强制$"),),
    "admin_fees": (re.compile(r"行政事业性收费"),),
    "procurement": (re.compile(r"政府集中采购"),),
}


def t3_rows(layout: str, single_other: bool = False) -> tuple[RowSpec, ...]:
    """T3's rows.  ``single_other``: a 2021-layout report printing （六）其他处理 as one row
    (gold.md: keyed ``other.*`` as in 2019), i.e. the 2019 row set."""
    return T3_ROWS_2019 if layout == "2019" or single_other else T3_ROWS_2021


def t3_row_keys(keys) -> tuple[RowSpec, ...]:
    """The T3 row set a table of these figure keys has (single （六） row or three sub-rows)."""
    return T3_ROWS_2019 if any(k.startswith("other.") and k.count(".") == 1 for k in keys) else T3_ROWS_2021


# ---- the arithmetic every report's tables must satisfy (format.md) ---------------------------
# One definition, read by the text-table decoder (as constraints) and by the reconcile rules.

T3_NOT_RESULT_ROWS = frozenset({"new_received", "carried_over", "handled_total", "carried_forward"})


@dataclass(frozen=True)
class Equation:
    """``sum(lhs) == sum(rhs)`` over canonical refs ("T3.granted.total").

    ``family`` is the gold.md rule family; ``where`` the column, row or T4 group it is about;
    ``total`` the ref a reviewer names when it fails.
    """

    family: str  # t3_balance | t3_result_total | t3_row_total | t4_group_total
    where: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    total: str

    @property
    def refs(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


def t3_result_rows(rows: tuple[RowSpec, ...]) -> list[str]:
    """The result rows （一）…（六） whose sum is （七）总计."""
    return [r.key for r in rows if r.key not in T3_NOT_RESULT_ROWS]


def t3_equations(rows: tuple[RowSpec, ...]) -> list[Equation]:
    """Per column: the balance 一 + 二 = （七） + 四 and the result total; per row: the row total."""
    result_rows = t3_result_rows(rows)
    eqs = []
    for col in T3_COLUMNS:
        eqs.append(Equation("t3_balance", col, (f"T3.new_received.{col}", f"T3.carried_over.{col}"),
                            (f"T3.handled_total.{col}", f"T3.carried_forward.{col}"), f"T3.carried_forward.{col}"))
        eqs.append(Equation("t3_result_total", col, (f"T3.handled_total.{col}",),
                            tuple(f"T3.{r}.{col}" for r in result_rows), f"T3.handled_total.{col}"))
    for row in rows:
        eqs.append(Equation("t3_row_total", row.key, (f"T3.{row.key}.total",),
                            tuple(f"T3.{row.key}.{c}" for c in T3_APPLICANT_COLUMNS), f"T3.{row.key}.total"))
    return eqs


def t4_equations() -> list[Equation]:
    """In each group: 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    return [Equation("t4_group_total", g, (f"T4.{g}.total",),
                     tuple(f"T4.{g}.{c}" for c in T4_COLUMNS if c != "total"), f"T4.{g}.total")
            for g in T4_GROUPS]


def t3_keys(layout: str, single_other: bool = False) -> list[str]:
    return [f"{r.key}.{c}" for r in t3_rows(layout, single_other) for c in T3_COLUMNS]


def t4_keys() -> list[str]:
    return [f"{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS]


def t2_rows(layout: str) -> dict[str, tuple[str, ...]]:
    return T2_ROWS_2019 if layout == "2019" else T2_ROWS_2021


def t2_keys(layout: str) -> list[str]:
    return [f"{r}.{c}" for r, cols in t2_rows(layout).items() for c in cols]


def table_keys(table: str, layout: str) -> list[str]:
    return {"T2": t2_keys, "T3": t3_keys}.get(table, lambda _l: t4_keys())(layout)


# Derived keys (claims only): sums of sub-rows, per column.
def t3_derived(layout: str) -> dict[str, list[str]]:
    """Derived T3 row -> the canonical rows it sums."""
    rows = [r.key for r in t3_rows(layout)]
    derived = {
        "denied": [r for r in rows if r.startswith("denied.")],
        "unable": [r for r in rows if r.startswith("unable.")],
        "not_processed": [r for r in rows if r.startswith("not_processed.")],
        "other": [r for r in rows if r.startswith("other.")] or ["other"],
        "granted_or_partial": ["granted", "partial"],
    }
    return derived


T4_DERIVED = {"litigation": ["litigation_direct", "litigation_after_review"]}

NARRATIVE_METRICS = (
    "proactive_total",
    "policy_interpretations",
    "press_conferences",
    "fees_collected_yuan",
    "requests_total_incl_carried",
)


def resolve_metric(metric: str, tables: dict[str, dict[str, float | int | None]], layout: str) -> float | int | None:
    """Value of a claim metric (canonical or derived key) from table values.

    ``tables`` maps T2/T3/T4 to {key: value}.  Returns None when the figures
    it needs are missing.
    """
    table, _, rest = metric.partition(".")
    values = tables.get(table)
    if not values or not rest:
        return None
    if rest in values:
        return values[rest]
    row, _, col = rest.rpartition(".")
    parts: list[str] = []
    if table == "T3":
        parts = t3_derived(layout).get(row, [])
    elif table == "T4":
        parts = T4_DERIVED.get(row, [])
    if not parts:
        return None
    got = [values.get(f"{p}.{col}") for p in parts]
    if any(v is None for v in got):
        return None
    return sum(got)  # type: ignore[arg-type]
