"""The explanation of a finding's rule, for the reviewer.

The rule catalog belongs to ``nianbao.reconcile`` (``find_rule``); a finding stored
by a rule that is no longer in it gets the family's statement from gold.md instead,
so the page never breaks on an unknown rule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

FAMILY_STATEMENTS = {
    "t3_balance": "Table 三, each column: 一 本年新收 + 二 上年结转 = 三（七）总计 + 四 结转下年度 (the 勾稽关系 printed in the template).",
    "t3_row_total": "Table 三, each row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他.",
    "t3_result_total": "Table 三, each column: （七）总计 = （一） + （二） + Σ（三） + Σ（四） + Σ（五） + Σ（六）.",
    "t4_group_total": "Table 四, each group (复议 / 直接起诉 / 复议后起诉): 总计 = 维持 + 纠正 + 其他 + 尚未审结.",
    "narrative_vs_table": "A figure stated in the narrative must equal the table figure it describes.",
    "percentage": "A stated share or change must follow from the figures it is computed from.",
    "cross_year": "This year's 上年结转 must equal the same agency's 结转下年度 of the previous report.",
    "missing": "A required table or figure is absent from the report.",
    "t2": "Table 二 figures must be consistent (2019 layout: previous + change = current; 2021: in-force counts plausible).",
    "copied_narrative": "Part 五 (problems and measures) should not repeat the previous year's report verbatim.",
}

@dataclass(frozen=True)
class RuleHelp:
    code: str
    name: str
    family: str
    explanation: str  # may hold two paragraphs (Chinese and English)
    from_catalog: bool
    summary: str | None = None
    passing: str | None = None
    failing: str | None = None


def rule_help(code: str, rule: str, family: str) -> RuleHelp:
    """The explanation of the rule that raised a finding, from the rule catalog; a finding stored
    by a rule this nianbao no longer has (a plugin since removed) gets its family's statement."""
    from ..reconcile import ConfigError, find_rule
    from ..reconcile.fixtures import FixtureError

    found = find_rule(code) if code else None
    if found is None:
        statement = FAMILY_STATEMENTS.get(family, "No explanation is available for this rule family.")
        return RuleHelp(code, rule, family, statement, False)
    try:
        passing, failing = found.passing, found.failing
    except (FixtureError, ConfigError) as exc:  # a plugin's broken fixture must not break the page
        log.warning("rule %s: its fixture cannot be read (%s)", code, exc)
        passing = failing = None
    return RuleHelp(
        found.code, found.name, found.family, f"{found.explain_zh}\n\n{found.explain_en}", True, found.summary,
        _case_text(passing), _case_text(failing),
    )


def _case_text(case: Any) -> str | None:
    if case is None:
        return None
    return f"{case.text} ({case.note})" if case.note else case.text
