"""NB301–NB302: what the national template requires but the report leaves out."""

from __future__ import annotations

from typing import Iterator

from ...model import Finding
from ..arithmetic import BLANK_TOTAL, analyse, describe
from ..claimcheck import supporting_claims
from ..registry import rule

_TABLE_NAMES = {
    "T2": "二、主动公开政府信息情况",
    "T3": "三、收到和处理政府信息公开申请情况",
    "T4": "四、政府信息公开行政复议、行政诉讼情况",
}


@rule(
    "NB301",
    name="missing_table",
    family="missing",
    summary="A standard table (T2, T3, T4) of the 2019/2021 layout is absent",
    zh="自2019年起，年度报告须按国办统一格式包含表二（主动公开）、表三（依申请公开）和表四（复议诉讼）。"
    "报告采用新格式却缺少其中某表，属于内容缺失。",
    en="Since 2019 every report must contain the national tables T2 (proactive disclosure), T3 (requests) and "
    "T4 (review and litigation). A report in the 2019/2021 layout without one of them omits required content.",
    options={"tables": ["T2", "T3", "T4"]},
)
def missing_table(ctx) -> Iterator[Finding]:
    if ctx.layout not in ("2019", "2021"):
        return
    for name in ctx.option("tables", ["T2", "T3", "T4"]):
        # Only a table the report lacks: one nianbao could not read is an error for the file
        # (tables-not-read), one printed without figures a warning, never this finding.
        status = ctx.result.table_status.get(name, "read" if ctx.has_table(name) else "absent")
        if status != "absent":
            continue
        yield ctx.finding(
            f"报告采用{ctx.layout}年格式，但全文没有{_TABLE_NAMES.get(name, name)}（{name}）的任何表格内容"
            "（表头、行列标签、数字）。请确认报告是否遗漏该表。",
            table=name,
            severity="warning" if name == "T2" else None,
        )


@rule(
    "NB302",
    name="blank_total",
    family="missing",
    severity="warning",
    summary="A 总计 cell is printed blank while its parts are not zero",
    zh="空白单元格通常表示 0，但「总计」空白而其组成项不为 0 时，说明总计漏填，而不是计算错误。",
    en="An empty cell usually means 0, but an empty total beside non-zero parts is an omission (the total was "
    "not filled in), not an arithmetic error; the arithmetic rules skip that equation.",
)
def blank_total(ctx) -> Iterator[Finding]:
    for problem in analyse(ctx):
        if problem.code != BLANK_TOTAL:
            continue
        eq = problem.equations[0]
        yield ctx.finding(
            describe(problem),
            expected=problem.expected,
            found=problem.found,
            cells=[problem.cell],
            claims=supporting_claims(ctx, problem.cell),
            evidence_cells=list(eq.refs),
            equations=[{"label": eq.label, "lhs": list(eq.lhs), "rhs": list(eq.rhs)}],
        )
