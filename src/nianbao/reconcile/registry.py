"""The rule catalog: each rule is a small function registered with ``@rule``.

A rule function takes a context (``RuleContext`` for one report,
``CorpusContext`` for consecutive reports of one agency) and yields
``Finding`` objects, usually built with ``ctx.finding(...)`` so that code,
family, severity and evidence are filled in the same way everywhere.

User rules are plain Python functions decorated with ``nianbao.reconcile.rule``
and exposed either by an entry point in the group ``nianbao.rules`` or by
``[rules] plugins = ["module:function"]`` in ``nianbao.toml``.
"""

from __future__ import annotations

import functools
import importlib
import sys
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Callable, Iterable, Literal

from ..model import FAMILIES, Finding
from .config import Config, ConfigError

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


def builtin_rules() -> list[Rule]:
    from .rules import BUILTIN

    return list(BUILTIN)


def catalog(config: Config | None = None, *, with_entry_points: bool = True) -> list[Rule]:
    """Every known rule (built-in, entry points, config plugins), sorted by code.

    Disabled rules are included: this is the catalog, not the run list.
    """
    config = config or Config()
    rules = builtin_rules()
    if with_entry_points:
        rules += list(entry_point_rules())
    rules += config_plugin_rules(config)
    seen: dict[str, Rule] = {}
    for r in rules:
        if r.code in seen and seen[r.code] is not r:
            raise ConfigError(
                f"rule code {r.code} is defined twice ({seen[r.code].origin} and {r.origin}): "
                "give the user rule another code"
            )
        seen[r.code] = r
    unknown = sorted(config.disable - set(seen)) + sorted(set(config.options) - set(seen))
    if unknown:
        where = f" in {config.path}" if config.path else ""
        raise ConfigError(
            f"unknown rule code(s) {', '.join(unknown)}{where}: run `nianbao rules` to list the codes"
        )
    return sorted(seen.values(), key=lambda r: r.code)


def active_rules(config: Config, scope: Scope) -> list[Rule]:
    return [r for r in catalog(config) if r.scope == scope and config.enabled(r.code)]


def find_rule(code: str, config: Config | None = None) -> Rule | None:
    code = code.upper()
    return next((r for r in catalog(config) if r.code == code), None)


def as_rule(obj: Any, origin: str) -> Rule:
    """A loaded plugin object as a Rule (it must have been made with ``@rule``)."""
    if isinstance(obj, Rule):
        obj.origin = origin
        return obj
    raise ConfigError(
        f"plugin {origin} is a {type(obj).__name__}, not a rule: decorate the function with "
        "@nianbao.reconcile.rule(code=..., name=..., family=..., ...)"
    )


@functools.cache
def entry_point_rules() -> tuple[Rule, ...]:
    """Rules installed by other packages (group ``nianbao.rules``).

    Read once per process: scanning installed distributions costs more than
    checking a report.  ``entry_point_rules.cache_clear()`` re-reads them.
    """
    rules = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except ImportError as exc:
            raise ConfigError(f"rule plugin {ep.name} ({ep.value}) cannot be imported: {exc}") from exc
        rules.append(as_rule(obj, f"entry point {ep.name} ({ep.value})"))
    return tuple(rules)


def config_plugin_rules(config: Config) -> list[Rule]:
    """Rules named ``module:attribute`` in the config.

    The config file's folder is put on ``sys.path`` so a project can keep its
    rules next to its ``nianbao.toml``.
    """
    rules = []
    if config.plugins:
        base = str(config.base_dir)
        if base not in sys.path:
            sys.path.insert(0, base)
    for spec in config.plugins:
        module_name, _, attr = spec.partition(":")
        if not module_name or not attr:
            raise ConfigError(f"plugin {spec!r} must be written module:function, e.g. \"myrules:too_many_denials\"")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ConfigError(f"plugin module {module_name!r} cannot be imported ({exc}); it is looked up "
                              f"in {config.base_dir} and on the Python path") from exc
        try:
            obj = getattr(module, attr)
        except AttributeError:
            raise ConfigError(f"plugin module {module_name!r} has no attribute {attr!r}") from None
        rules.append(as_rule(obj, f"plugin {spec}"))
    return rules
