"""Reconcile: the rule catalog that turns tables and claims into findings.

Entry point: ``reconcile(result, config=None) -> list[Finding]``.
"""

from __future__ import annotations

from ..model import Finding, ReportResult


def reconcile(result: ReportResult, config=None) -> list[Finding]:
    # Placeholder until the rule catalog lands: no findings.
    return []
