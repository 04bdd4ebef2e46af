"""Reconcile: the rule catalog that turns tables and claims into findings.

Entry points:

- ``reconcile(result, config=None) -> list[Finding]`` for one report;
- ``reconcile_corpus(results, config=None) -> list[(source, Finding)]`` for
  consecutive reports of the same agency (cross-year rules);
- ``load_config(path | None) -> Config`` reads a ``nianbao.toml``;
- ``rule(...)``: the decorator for built-in and user rules; ``catalog()`` lists them;
- ``run_alone(rule, results)``: one rule with every other switched off (its fixture cases are run so).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping

from ..model import SEVERITY_ORDER, Finding, Message, ReportResult, stage
from ..metadata import normalise_agency
from .rulebook import active_rules, as_config, builtin_rules, catalog, find_rule, load_config
from .config import Config, ConfigError
from .context import CorpusContext, RuleContext
from .registry import Rule, rule

__all__ = [
    "Config",
    "ConfigError",
    "Rule",
    "catalog",
    "find_rule",
    "load_config",
    "normalise_agency",
    "reconcile",
    "reconcile_corpus",
    "rule",
    "run_alone",
]

ConfigLike = Config | Mapping[str, Any] | str | None


@stage(reads=("tables", "claims", "paragraphs", "layout", "table_status"), assigns=("findings",))
def check_report(report, settings) -> None:
    """The reconcile stage: every enabled report rule of the settings, run on the report."""
    report.findings = reconcile(report, config=settings.rules)


def reconcile(result: ReportResult, config: ConfigLike = None) -> list[Finding]:
    """Run every enabled report rule on one result; findings sorted by severity, then code.

    A rule that crashes does not stop the others: it becomes an error message
    on ``result.messages`` naming the rule.
    """
    config = as_config(config)
    return _reconcile(result, config, active_rules(config, "report"))


def _reconcile(result: ReportResult, config: Config, rules: list[Rule]) -> list[Finding]:
    ctx = RuleContext(result, config)
    findings: list[Finding] = []
    for r in rules:
        ctx.rule = r
        findings += _run(r, ctx, result)
    ctx.rule = None
    return sorted(findings, key=finding_order(result.layout))


def finding_order(layout: str):
    """Sort key of findings: most severe first, then by code, then where in the report they are
    (table cells in the template's order, then claims): the same order whatever the file's format."""
    from ..tables.schema import table_keys

    position = {f"{t}.{k}": i for t in ("T2", "T3", "T4") for i, k in enumerate(table_keys(t, layout))}

    def key(f: Finding):
        cells = tuple(position.get(c, len(position)) for c in f.cells)
        return (SEVERITY_ORDER.get(f.severity, len(SEVERITY_ORDER)), f.code, cells, tuple(f.claims), f.message)

    return key


def reconcile_corpus(results: list[ReportResult], config: ConfigLike = None) -> list[tuple[str, Finding]]:
    """Cross-year rules over reports of the same agency in consecutive years.

    Reports are grouped by ``normalise_agency(result.agency)``; each report is
    compared with the (first, by source) report of the year before.  Reports
    without an agency or year are left out.
    """
    config = as_config(config)
    return _reconcile_corpus(results, config, active_rules(config, "corpus"))


def _reconcile_corpus(results: list[ReportResult], config: Config, rules: list[Rule]) -> list[tuple[str, Finding]]:
    by_agency: dict[str, dict[int, list[ReportResult]]] = defaultdict(lambda: defaultdict(list))
    for res in results:
        agency = normalise_agency(res.agency)
        if agency and res.year:
            by_agency[agency][res.year].append(res)
    out: list[tuple[str, Finding]] = []
    for years in by_agency.values():
        for year, group in sorted(years.items()):
            previous = sorted(years.get(year - 1, []), key=lambda r: r.source)
            if not previous:
                continue
            for current in sorted(group, key=lambda r: r.source):
                ctx = CorpusContext(current, previous[0], config)
                for r in rules:
                    ctx.rule = r
                    out += [(current.source, f) for f in _run(r, ctx, current)]
    return out


def run_alone(rule: Rule, results: list[ReportResult]) -> list[Finding]:
    """What ``rule`` finds with every other rule switched off, as ruff tests a rule alone: on the one
    report of ``results``, or (a corpus rule) on the later of consecutive reports of one agency."""
    config = Config(disable={r.code for r in builtin_rules()} - {rule.code})
    if rule.scope == "corpus":
        return [f for _, f in _reconcile_corpus(results, config, [rule])]
    if len(results) != 1:
        raise ValueError(f"rule {rule.code} reads one report; {len(results)} were given")
    return _reconcile(results[0], config, [rule])


def _run(r: Rule, ctx: Any, result: ReportResult) -> list[Finding]:
    try:
        return list(r.check(ctx))
    except Exception as exc:  # a broken (often user) rule must not lose the other findings
        result.messages.append(
            Message("error", "rule-failed", f"rule {r.code} ({r.name}, from {r.origin}) failed: "
                    f"{type(exc).__name__}: {exc}. Fix or disable it in nianbao.toml ([rules] disable).")
        )
        return []
