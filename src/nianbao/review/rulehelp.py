"""The explanation of a finding's rule, for the reviewer.

The rule catalog belongs to ``nianbao.reconcile``; this module only reads it,
trying the listing functions a catalog usually offers.  When the catalog (or a
rule) is not there, the family's statement from gold.md is shown instead, so
the page never breaks on an unknown rule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
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

_CATALOG_FUNCTIONS = ("catalog", "rules", "list_rules", "all_rules", "get_rules")
_CATALOG_CONSTANTS = ("RULES", "CATALOG", "REGISTRY")
_TEXT_FIELDS = ("explain_zh", "explain_en", "explanation_zh", "explanation_en", "explanation", "description")


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


def _field(rule: Any, *names: str) -> Any:
    for name in names:
        value = rule.get(name) if isinstance(rule, dict) else getattr(rule, name, None)
        if value:
            return value
    return None


def _listed_rules() -> list[Any]:
    try:
        from .. import reconcile
    except ImportError as exc:  # a broken reconcile package must not break review
        log.warning("rule catalog unavailable (%s); showing family statements", exc)
        return []
    for name in _CATALOG_FUNCTIONS:
        fn = getattr(reconcile, name, None)
        if callable(fn):
            try:
                found = fn()
            except TypeError:
                continue  # needs arguments we do not know
            return list(found.values() if isinstance(found, dict) else found)
    for name in _CATALOG_CONSTANTS:
        found = getattr(reconcile, name, None)
        if found:
            return list(found.values() if isinstance(found, dict) else found)
    return []


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Any]:
    """Rules by code and by name."""
    index: dict[str, Any] = {}
    for rule in _listed_rules():
        for key in (_field(rule, "code"), _field(rule, "name", "rule")):
            if isinstance(key, str):
                index.setdefault(key, rule)
    return index


def rule_help(code: str, rule: str, family: str) -> RuleHelp:
    found = _catalog().get(code) or _catalog().get(rule)
    if found is not None:
        texts = []
        for name in _TEXT_FIELDS:
            value = _field(found, name)
            if isinstance(value, str) and value.strip() and value.strip() not in texts:
                texts.append(value.strip())
        if texts:
            return RuleHelp(
                code,
                str(_field(found, "name", "rule") or rule),
                str(_field(found, "family") or family),
                "\n\n".join(texts[:2]),
                True,
                _field(found, "summary"),
                _example(_field(found, "passing", "example_pass", "passes", "good")),
                _example(_field(found, "failing", "example_fail", "fails", "bad")),
            )
    statement = FAMILY_STATEMENTS.get(family, "No explanation is available for this rule family.")
    return RuleHelp(code, rule, family, statement, False)


def _example(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    text = getattr(value, "text", None)  # reconcile's Example(text, note)
    if isinstance(text, str):
        note = getattr(value, "note", "")
        return f"{text} ({note})" if note else text
    return str(value)
