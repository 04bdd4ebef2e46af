"""A rule: a small function registered with ``@rule``.

A rule function takes a context (``RuleContext`` for one report,
``CorpusContext`` for consecutive reports of one agency) and yields
``Finding`` objects, usually built with ``ctx.finding(...)`` so that code,
family, severity and evidence are filled in the same way everywhere.
The catalog of all rules (built-in, entry points, plugins) is ``catalog.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal

from ..model import FAMILIES, Finding
from .config import ConfigError

Scope = Literal["report", "corpus"]
ENTRY_POINT_GROUP = "nianbao.rules"


@dataclass(frozen=True)
class Example:
    """A short passing or failing case shown by ``nianbao rule CODE``."""

    text: str
    note: str = ""


@dataclass
class Rule:
    code: str  # NB101
    name: str  # finer rule name, e.g. t3_balance
    family: str  # one of model.FAMILIES
    severity: str  # default severity: error / warning / info
    summary: str  # one line, English
    explain_zh: str
    explain_en: str
    check: Callable[[Any], Iterable[Finding]]
    scope: Scope = "report"
    passing: Example | None = None
    failing: Example | None = None
    options: dict[str, Any] = field(default_factory=dict)  # option name -> default
    origin: str = "nianbao"  # nianbao, or where a plugin came from

    def __call__(self, ctx: Any) -> Iterable[Finding]:
        return self.check(ctx)


def rule(
    code: str,
    *,
    name: str,
    family: str,
    severity: str = "error",
    summary: str,
    zh: str,
    en: str,
    passing: str | tuple[str, str] | None = None,
    failing: str | tuple[str, str] | None = None,
    scope: Scope = "report",
    options: dict[str, Any] | None = None,
) -> Callable[[Callable[[Any], Iterable[Finding]]], Rule]:
    """Decorator turning a check function into a catalogued Rule."""
    if family not in FAMILIES:
        raise ValueError(f"rule {code}: family {family!r} is not one of {', '.join(FAMILIES)}")
    if severity not in ("error", "warning", "info"):
        raise ValueError(f"rule {code}: severity {severity!r} must be error, warning or info")

    def wrap(fn: Callable[[Any], Iterable[Finding]]) -> Rule:
        return Rule(
            code=code,
            name=name,
            family=family,
            severity=severity,
            summary=summary,
            explain_zh=zh,
            explain_en=en,
            check=fn,
            scope=scope,
            passing=_example(passing),
            failing=_example(failing),
            options=dict(options or {}),
            origin=fn.__module__,
        )

    return wrap


def _example(value: str | tuple[str, str] | None) -> Example | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return Example(*value)
    return Example(value)


def as_rule(obj: Any, origin: str) -> Rule:
    """A loaded plugin object as a Rule (it must have been made with ``@rule``)."""
    if isinstance(obj, Rule):
        obj.origin = origin
        return obj
    raise ConfigError(
        f"plugin {origin} is a {type(obj).__name__}, not a rule: decorate the function with "
        "@nianbao.reconcile.rule(code=..., name=..., family=..., ...)"
    )


