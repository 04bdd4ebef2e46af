"""What a rule sees: the report (or two consecutive reports), its options, and
one way to build a Finding with its evidence."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable

from ..model import Claim, Figure, Finding, Paragraph, ReportResult, plain_number
from ..tables.schema import resolve_metric
from .config import Config
from .names import fmt  # noqa: F401  (rules and plugins written against context.fmt)
from .registry import Rule


def cell_evidence(ref: str, fig: Figure | None) -> dict[str, Any]:
    """A table cell as a review app shows it: value, printed text, where it was read."""
    if fig is None:
        return {"ref": ref, "value": None, "raw": None, "present": False}
    return {
        "ref": ref,
        "value": fig.value,
        "raw": fig.raw,
        "blank": fig.blank,
        "confidence": fig.confidence,
        "candidates": fig.candidates,
        "prov": dataclasses.asdict(fig.prov),
        "present": True,
    }


def paragraph_evidence(paragraph: Paragraph) -> dict[str, Any]:
    return {
        "index": paragraph.index,
        "part": paragraph.part,
        "text": paragraph.text,
        "prov": dataclasses.asdict(paragraph.prov),
    }


def claim_evidence(result: ReportResult, index: int) -> dict[str, Any]:
    claim: Claim = result.claims[index]
    ev: dict[str, Any] = {
        "index": index,
        "text": claim.text,
        "value": claim.value,
        "metric": claim.metric,
        "unit": claim.unit,
        "qualifier": claim.qualifier,
        "span": [claim.prov.start, claim.prov.end],
        "paragraph": claim.paragraph,
    }
    para = paragraph_of(result, claim)
    if para is not None:
        ev["paragraph_text"] = para.text
        ev["part"] = para.part
    return ev


def paragraph_of(result: ReportResult, claim: Claim) -> Paragraph | None:
    if claim.paragraph is None or not 0 <= claim.paragraph < len(result.paragraphs):
        return None
    return result.paragraphs[claim.paragraph]


class _FindingMaker:
    """Shared by report and corpus contexts: fills code/family/severity from the running rule."""

    config: Config
    rule: Rule | None

    def option(self, name: str, default: Any = None) -> Any:
        assert self.rule is not None, "option() is only available while a rule runs"
        return self.config.option(self.rule.code, name, self.rule.options.get(name, default))

    @property
    def tolerance(self) -> float:
        return float(self.option("tolerance", 0))

    def _make(
        self,
        message: str,
        *,
        expected: float | int | None,
        found: float | int | None,
        cells: Iterable[str],
        claims: Iterable[int],
        evidence: dict[str, Any],
        severity: str | None,
    ) -> Finding:
        rule = self.rule
        assert rule is not None, "finding() is only available while a rule runs"
        severity = self.config.option(rule.code, "severity") or severity or rule.severity
        return Finding(
            code=rule.code,
            rule=rule.name,
            family=rule.family,
            severity=severity,  # type: ignore[arg-type]
            message=message,
            expected=_plain(expected),
            found=_plain(found),
            cells=list(cells),
            claims=list(claims),
            evidence=evidence,
        )


class RuleContext(_FindingMaker):
    """One report, the config, and a cache shared by the rules of one run."""

    def __init__(self, result: ReportResult, config: Config):
        self.result = result
        self.config = config
        self.rule: Rule | None = None
        self._cache: dict[str, Any] = {}

    @property
    def layout(self) -> str:
        return self.result.layout

    @property
    def table_layout(self) -> str:
        """The T3 row set to check against: the report's layout, or (when the
        layout was not decided) the one whose 其他处理 rows the table has."""
        if self.result.layout in ("2019", "2021"):
            return self.result.layout
        t3 = self.result.tables.get("T3")
        if t3 is None:
            return self.result.layout
        return "2019" if "other.total" in t3.figures else "2021"

    def has_table(self, name: str) -> bool:
        return name in self.result.tables

    def figure(self, ref: str) -> Figure | None:
        return self.result.figure(ref)

    def value(self, ref: str) -> float | int | None:
        fig = self.figure(ref)
        return None if fig is None else fig.value

    def table_values(self) -> dict[str, dict[str, float | int | None]]:
        return self.cached("table_values", lambda: {n: t.values() for n, t in self.result.tables.items()})

    def metric_value(self, metric: str) -> float | int | None:
        return resolve_metric(metric, self.table_values(), self.table_layout)

    def rule_enabled(self, code: str) -> bool:
        return self.config.enabled(code)

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def finding(
        self,
        message: str,
        *,
        expected: float | int | None = None,
        found: float | int | None = None,
        cells: Iterable[str] = (),
        claims: Iterable[int] = (),
        evidence_cells: Iterable[str] = (),
        paragraph: int | None = None,
        severity: str | None = None,
        **extra: Any,
    ) -> Finding:
        """A Finding for the running rule, with every named cell and claim as evidence."""
        cells = list(cells)
        claims = list(claims)
        refs = list(dict.fromkeys(cells + list(evidence_cells)))
        evidence: dict[str, Any] = {
            "cells": [cell_evidence(ref, self.figure(ref)) for ref in refs],
            "claims": [claim_evidence(self.result, i) for i in claims],
        }
        if paragraph is not None and 0 <= paragraph < len(self.result.paragraphs):
            evidence["paragraph"] = paragraph_evidence(self.result.paragraphs[paragraph])
        evidence.update(extra)
        return self._make(
            message, expected=expected, found=found, cells=cells, claims=claims, evidence=evidence, severity=severity
        )


class CorpusContext(_FindingMaker):
    """Two consecutive reports of one agency: ``previous`` (year N-1) and ``current`` (year N)."""

    def __init__(self, current: ReportResult, previous: ReportResult, config: Config):
        self.current = current
        self.previous = previous
        self.config = config
        self.rule: Rule | None = None

    def finding(
        self,
        message: str,
        *,
        expected: float | int | None = None,
        found: float | int | None = None,
        cells: Iterable[str] = (),
        previous_cells: Iterable[str] = (),
        severity: str | None = None,
        **extra: Any,
    ) -> Finding:
        """A finding about ``current``; ``previous_cells`` are shown from last year's report."""
        cells = list(cells)
        evidence: dict[str, Any] = {
            "cells": [cell_evidence(ref, self.current.figure(ref)) for ref in cells],
            "previous_source": self.previous.source,
            "previous_year": self.previous.year,
            "previous_cells": [cell_evidence(ref, self.previous.figure(ref)) for ref in previous_cells],
        }
        evidence.update(extra)
        return self._make(
            message, expected=expected, found=found, cells=cells, claims=(), evidence=evidence, severity=severity
        )


_plain = plain_number
