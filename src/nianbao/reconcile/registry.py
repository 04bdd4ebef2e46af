"""A rule: a small function registered with ``@rule``.

A rule function takes a context (``RuleContext`` for one report,
``CorpusContext`` for consecutive reports of one agency) and yields
``Finding`` objects, usually built with ``ctx.finding(...)`` so that code,
family, severity and evidence are filled in the same way everywhere.
The catalog of all rules (built-in, entry points, plugins) is ``rulebook.py``;
each rule's passing and failing cases are its fixture (``fixtures/CODE.json``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Literal

from ..model import FAMILIES, Finding
from .config import ConfigError

if TYPE_CHECKING:
    from .fixtures import Case, RuleFixture

Scope = Literal["report", "corpus"]
ENTRY_POINT_GROUP = "nianbao.rules"


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
    options: dict[str, Any] = field(default_factory=dict)  # option name -> default
    origin: str = "nianbao"  # nianbao, or where a plugin came from
    fixture_file: Path | None = None  # its passing and failing cases; None: the one nianbao ships for its code

    def __call__(self, ctx: Any) -> Iterable[Finding]:
        return self.check(ctx)

    @functools.cached_property
    def fixture(self) -> RuleFixture | None:
        """The rule's passing and failing cases (read when first asked for: checking a report never needs them)."""
        from .fixtures import load_fixture, packaged_fixture

        return packaged_fixture(self.code) if self.fixture_file is None else load_fixture(self.fixture_file)

    @property
    def passing(self) -> Case | None:
        return self.fixture.passing if self.fixture else None

    @property
    def failing(self) -> Case | None:
        return self.fixture.failing if self.fixture else None


def rule(
    code: str,
    *,
    name: str,
    family: str,
    severity: str = "error",
    summary: str,
    zh: str,
    en: str,
    scope: Scope = "report",
    options: dict[str, Any] | None = None,
    fixture: str | Path | None = None,
) -> Callable[[Callable[[Any], Iterable[Finding]]], Rule]:
    """Decorator turning a check function into a catalogued Rule.

    Its passing and failing examples are its fixture (``reconcile/fixtures/CODE.json`` for nianbao's
    own rules; a plugin rule may name its own file with ``fixture=``)."""
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
            options=dict(options or {}),
            origin=fn.__module__,
            fixture_file=None if fixture is None else Path(fixture),
        )

    return wrap


def as_rule(obj: Any, origin: str) -> Rule:
    """A loaded plugin object as a Rule (it must have been made with ``@rule``)."""
    if isinstance(obj, Rule):
        obj.origin = origin
        return obj
    raise ConfigError(
        f"plugin {origin} is a {type(obj).__name__}, not a rule: decorate the function with "
        "@nianbao.reconcile.rule(code=..., name=..., family=..., ...)"
    )


