"""NB101–NB104: the arithmetic printed into the T3 and T4 templates (format.md).

The four rules share one joint analysis (``reconcile.arithmetic``) so that a
single mistyped cell is reported once, by the rule it belongs to most.  They also
report what the tables stage proved about page text that leaves cells open
(``CanonicalTable.proven_breaks``): an equation, or a set of equations, that no
reading of the printed lines satisfies is certain, though its cells are not.
"""

from __future__ import annotations

from typing import Iterator

from ...model import Finding
from ..arithmetic import analyse, describe
from ..claimcheck import supporting_claims
from ..registry import rule


def with_claims(message: str, ctx, claims: list[int]) -> str:
    """Add what the narrative says about the same cell, when it backs the expected value."""
    quoted = "、".join(f"「{ctx.result.claims[i].text}」" for i in claims)
    return message + (f"正文{quoted}与推算值一致。" if claims else "")


def _report(ctx) -> Iterator[Finding]:
    for problem in analyse(ctx):
        if problem.code != ctx.rule.code:
            continue
        claims = supporting_claims(ctx, problem.cell) if problem.proof is None else []
        yield ctx.finding(
            with_claims(describe(problem), ctx, claims),
            expected=problem.expected,
            found=problem.found,
            cells=problem.cells,
            claims=claims,
            evidence_cells=[r for eq in problem.equations for r in eq.refs],
            equations=[
                {"label": eq.label, "lhs": list(eq.lhs), "rhs": list(eq.rhs), "lhs_sum": s[0], "rhs_sum": s[1]}
                # an equation broken in every reading has no sums when its cells stay open
                for eq, s in zip(problem.equations, problem.sums or [(None, None)] * len(problem.equations))
            ],
            explained_by_one_cell=problem.kind == "cell",
            **({"broken_in_every_reading": {"open": problem.proof.open}} if problem.proof else {}),
        )


@rule(
    "NB101",
    name="t3_balance",
    family="t3_balance",
    summary="T3 balance per column: 一 + 二 = 三（七）总计 + 四",
    zh="表三每一列都应满足表中印出的勾稽关系：本年新收（一）+ 上年结转（二）= 本年度办理结果总计（三（七））"
    "+ 结转下年度继续办理（四）。不成立说明收到、办结与结转的数字至少有一个填错。",
    en="Every column of T3 must satisfy the balance printed in the template: new requests (一) + carried over (二) "
    "= handled total (三（七）) + carried forward (四). A break means one of the received, handled or "
    "carried-forward figures is wrong.",
    options={"tolerance": 0},
)
def t3_balance(ctx):
    return _report(ctx)


@rule(
    "NB102",
    name="t3_row_total",
    family="t3_row_total",
    summary="T3 row totals: 总计 = the six applicant columns",
    zh="表三每一行的「总计」应等于自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六类申请人之和。",
    en="In every T3 row the 总计 column must equal the sum of the six applicant columns (natural persons, "
    "commercial, research, social, legal service, other organisations).",
    options={"tolerance": 0},
)
def t3_row_total(ctx):
    return _report(ctx)


@rule(
    "NB103",
    name="t3_result_total",
    family="t3_result_total",
    summary="T3 result total per column: （七）= （一）+（二）+Σ（三）+Σ（四）+Σ（五）+Σ（六）",
    zh="表三每一列的「（七）总计」应等于各办理结果之和：予以公开、部分公开、不予公开各项、无法提供各项、"
    "不予处理各项、其他处理各项。",
    en="In every T3 column, （七）总计 must equal the sum of all result rows: granted, partly granted, and every "
    "sub-row of denied, unable to provide, not processed and other handling.",
    options={"tolerance": 0},
)
def t3_result_total(ctx):
    return _report(ctx)


@rule(
    "NB104",
    name="t4_group_total",
    family="t4_group_total",
    summary="T4 group totals: 总计 = 维持 + 纠正 + 其他 + 尚未审结",
    zh="表四的行政复议、未经复议直接起诉、复议后起诉三组中，每组「总计」应等于结果维持、结果纠正、其他结果、尚未审结之和。",
    en="In each of T4's three groups (administrative review, direct litigation, litigation after review) the "
    "total must equal upheld + corrected + other + pending.",
    options={"tolerance": 0},
)
def t4_group_total(ctx):
    return _report(ctx)
