"""Rule configuration: which rules run, and their options (``nianbao.toml``).

Example::

    [rules]
    disable = ["NB301"]                 # switch rules off by code
    plugins = ["mymodule:my_rule"]      # user rules, importable as module:attribute

    [rules.NB201]
    tolerance = 0.5                     # any rule option, by rule code
    severity = "warning"                # override the rule's default severity

The config is read once, at the edge (``nianbao.settings.Settings``, or
``catalog.load_config`` for the rules alone), and handed to ``reconcile``;
rules never read files themselves.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import NianbaoError

CONFIG_NAME = "nianbao.toml"
_SEVERITIES = ("error", "warning", "info")


class ConfigError(NianbaoError):
    """The rule configuration cannot be used as written."""

    code = "config"


@dataclass
class Config:
    """Settings for the rule catalog.  The default runs every rule with its defaults."""

    disable: set[str] = field(default_factory=set)
    plugins: list[str] = field(default_factory=list)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule code -> options
    path: Path | None = None  # the file it was read from, if any

    def enabled(self, code: str) -> bool:
        return code not in self.disable

    def option(self, code: str, name: str, default: Any = None) -> Any:
        return self.options.get(code, {}).get(name, default)

    @property
    def base_dir(self) -> Path:
        """Directory that plugin modules are imported from (the config's own folder)."""
        return self.path.parent if self.path else Path.cwd()


def read_toml(path: str | Path) -> dict[str, Any]:
    """A nianbao.toml parsed, or ConfigError saying what to fix."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist: give the path of a nianbao.toml") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML ({exc}): fix the syntax and retry") from None


def config_from_dict(data: Mapping[str, Any], source: str = "config") -> Config:
    """Build a Config from the parsed TOML (the ``[rules]`` table)."""
    rules = data.get("rules", {})
    if not isinstance(rules, Mapping):
        raise ConfigError(f"{source}: [rules] must be a table, e.g. [rules] disable = [\"NB301\"]")
    disable = rules.get("disable", [])
    plugins = rules.get("plugins", [])
    for name, value in (("disable", disable), ("plugins", plugins)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source}: [rules] {name} must be a list of strings")
    options: dict[str, dict[str, Any]] = {}
    for key, value in rules.items():
        if key in ("disable", "plugins"):
            continue
        if not isinstance(value, Mapping):
            raise ConfigError(
                f"{source}: unknown setting [rules] {key}; rule options go in a table such as [rules.NB201]"
            )
        severity = value.get("severity")
        if severity is not None and severity not in _SEVERITIES:
            raise ConfigError(f"{source}: [rules.{key}] severity must be one of {', '.join(_SEVERITIES)}")
        options[key] = dict(value)
    return Config(disable=set(disable), plugins=list(plugins), options=options)
