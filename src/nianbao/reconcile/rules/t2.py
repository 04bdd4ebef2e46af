"""NB501–NB502: plausibility of T2 (proactive disclosure).  Conservative on purpose:
T2 counts have loose definitions, so these rules only flag what cannot be true."""

from __future__ import annotations

from typing import Iterator

from ...model import Finding
from ...tables.schema import T2_ROWS_2019
from ..names import cell_label, fmt
from ..registry import rule


@rule(
    "NB501",
    name="t2_in_force",
    family="t2",
    severity="warning",
    summary="2021 layout: 现行有效件数 cannot be below 本年制发 − 本年废止",
    zh="2021 格式表二中，本年制发的规章、行政规范性文件除当年又被废止的以外都仍现行有效，"
    "因此「现行有效件数」不应小于「本年制发件数 − 本年废止件数」。",
    en="In the 2021 T2, documents issued this year are still in force unless repealed the same year, so the "
    "in-force count cannot be smaller than issued − repealed.",
)
def t2_in_force(ctx) -> Iterator[Finding]:
    if ctx.layout != "2021" or not ctx.has_table("T2"):
        return
    for row in ("regulations", "normative_docs"):
        refs = [f"T2.{row}.{c}" for c in ("issued", "repealed", "in_force")]
        issued, repealed, in_force = (ctx.value(r) for r in refs)
        if None in (issued, repealed, in_force):
            continue
        floor = issued - repealed
        if in_force + ctx.tolerance < floor:
            yield ctx.finding(
                f"{cell_label(refs[2])}为 {fmt(in_force)}，少于本年制发 {fmt(issued)} − 本年废止 {fmt(repealed)}"
                f" = {fmt(floor)}：本年制发的文件应计入现行有效。请核对表二。",
                expected=floor,
                found=in_force,
                cells=[refs[2]],
                evidence_cells=refs,
            )


@rule(
    "NB502",
    name="t2_change",
    family="t2",
    severity="info",
    summary="2019 layout: 上一年项目数量 + 本年增/减 is negative, or 对外公开总数量 < 本年新公开数量",
    zh="2019 格式表二中，「上一年项目数量 + 本年增/减」是本年的项目数量，不可能为负；"
    "「对外公开总数量」包含本年新公开的文件，不应小于「本年新公开数量」。",
    en="In the 2019 T2, previous count + change is this year's count and cannot be negative; the total published "
    "includes this year's newly published documents, so it cannot be below the newly published count.",
)
def t2_change(ctx) -> Iterator[Finding]:
    if ctx.layout != "2019" or not ctx.has_table("T2"):
        return
    for row, cols in T2_ROWS_2019.items():
        if "change" in cols:
            refs = [f"T2.{row}.previous", f"T2.{row}.change"]
            previous, change = (ctx.value(r) for r in refs)
            if previous is not None and change is not None and previous + change < -ctx.tolerance:
                yield ctx.finding(
                    f"{cell_label(refs[0])} {fmt(previous)} 加{cell_label(refs[1])} {fmt(change)} 为负数"
                    f"（{fmt(previous + change)}）。请核对表二。",
                    expected=0,
                    found=previous + change,
                    cells=[refs[1]],
                    evidence_cells=refs,
                )
        if "total_published" in cols:
            refs = [f"T2.{row}.new_published", f"T2.{row}.total_published"]
            new, total = (ctx.value(r) for r in refs)
            if new is not None and total is not None and total + ctx.tolerance < new:
                yield ctx.finding(
                    f"{cell_label(refs[1])}为 {fmt(total)}，少于{cell_label(refs[0])} {fmt(new)}。请核对表二。",
                    expected=new,
                    found=total,
                    cells=[refs[1]],
                    evidence_cells=refs,
                )
