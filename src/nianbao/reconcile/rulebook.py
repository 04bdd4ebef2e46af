"""The rule catalog: the built-in rules, those installed by other packages (entry point group
``nianbao.rules``) and those a nianbao.toml names (``[rules] plugins = ["module:function"]``).

User rules are plain Python functions decorated with ``nianbao.reconcile.rule``.
"""

from __future__ import annotations

import functools
import importlib
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Mapping

from .config import Config, ConfigError, config_from_dict, read_toml
from .registry import ENTRY_POINT_GROUP, Rule, Scope, as_rule


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


def validate(config: Config) -> None:
    """Fail now, not at the first report, on unknown rule codes or plugins that do not load."""
    catalog(config)


def load_config(path: str | Path | None = None) -> Config:
    """The rule settings of a ``nianbao.toml`` (its ``[rules]`` table), validated; the defaults when
    ``path`` is None.  (The whole file, rules and the rest, is ``nianbao.settings.Settings.load``.)"""
    if path is None:
        return Config()
    path = Path(path)
    config = config_from_dict(read_toml(path), source=str(path))
    config.path = path.resolve()
    validate(config)
    return config


def as_config(config: Config | Mapping[str, Any] | str | Path | None) -> Config:
    """Accept a Config, a parsed TOML dict, a path, or None (defaults)."""
    if config is None:
        return Config()
    if isinstance(config, Config):
        return config
    if isinstance(config, (str, Path)):
        return load_config(config)
    if isinstance(config, Mapping):
        return config_from_dict(config)
    raise TypeError(f"config must be a Config, dict, path or None, not {type(config).__name__}")
