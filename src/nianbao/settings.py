"""One Settings object, built once at the edge (CLI, Python API, corpus worker) and passed down.

A stage never reads a file, the environment or the working folder to find out
how to behave: it reads the Settings it is handed.  ``Settings.load`` reads a
``nianbao.toml``::

    [rules]                       # the rule catalog (see reconcile/config.py)
    disable = ["NB301"]
    [rules.NB201]
    tolerance = 1

    [classifier]
    enabled = true                # label paragraphs (false: headings only, faster)
    model_dir = "my-model"        # a trained model folder (default: the one shipped in the package)

    [tables]
    decode_seconds = 2.0          # time budget of the flattened-table decoder, per table

    [limits]
    max_file_mb = 100             # files over this are refused with a message
    max_text_mb = 5               # decoded text (TXT/HTML/DOCX) over this is refused

Unknown sections and keys are rejected when the file is read, with a message
naming them, so a typo never silently changes nothing.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .reconcile.rulebook import validate
from .reconcile.config import CONFIG_NAME, Config, ConfigError, config_from_dict, read_toml

MODEL_DIR_ENV = "NIANBAO_MODEL_DIR"


@dataclass(frozen=True)
class Settings:
    """How nianbao checks a report.  The defaults run every rule and the shipped model."""

    rules: Config = field(default_factory=Config)
    classify: bool = True
    model_dir: Path | None = None  # None: the model shipped with nianbao
    decode_seconds: float = 2.0
    max_file_mb: float = 100.0
    max_text_mb: float = 5.0
    path: Path | None = None  # the nianbao.toml these came from, if any

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 2**20)

    @property
    def max_text_chars(self) -> int:
        # A CJK character is 3 bytes of UTF-8: "5 MB of text" is about this many characters.
        return int(self.max_text_mb * 2**20 / 3)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def updated(self, **overrides: Any) -> Settings:
        """These settings with some changed; ``config=`` takes the rule settings alone, as the
        reconcile API does (a Config, a parsed nianbao.toml dict or a path)."""
        if "config" in overrides:
            from .reconcile.rulebook import as_config

            overrides["rules"] = as_config(overrides.pop("config"))
        new = self.replace(**overrides) if overrides else self
        if "rules" in overrides:
            validate(new.rules)
        return new

    def digest(self) -> str:
        """A short fingerprint of everything here that can change a result (a store re-checks
        a report whose stored result was made with other settings)."""
        import hashlib
        import json

        rules = self.rules
        state = {
            "disable": sorted(rules.disable), "plugins": list(rules.plugins), "options": rules.options,
            "classify": self.classify, "model_dir": str(self.model_dir) if self.model_dir else None,
"decode_seconds": self.decode_seconds,
            "max_file_mb": self.max_file_mb, "max_text_mb": self.max_text_mb,
        }
        return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:12]

    @classmethod
    def load(cls, path: str | Path | None = None, *, search_cwd: bool = True, env: Mapping[str, str] | None = None,
             **overrides: Any) -> Settings:
        """Settings from ``path`` (or ``./nianbao.toml`` when ``search_cwd`` and it exists), then
        the environment (``NIANBAO_MODEL_DIR``), then ``overrides`` (e.g. ``classify=False``).

        Raises ConfigError naming the file and what to fix.
        """
        env = os.environ if env is None else env
        if path is None and search_cwd and (Path.cwd() / CONFIG_NAME).is_file():
            path = Path.cwd() / CONFIG_NAME
        data: dict[str, Any] = {}
        if path is not None:
            path = Path(path)
            data = read_toml(path)
        settings = from_dict(data, source=str(path) if path else "settings", base=path.parent if path else None)
        if path is not None:
            settings = settings.replace(path=path.resolve(), rules=dataclasses.replace(settings.rules, path=path.resolve()))
        if settings.model_dir is None and env.get(MODEL_DIR_ENV):
            settings = settings.replace(model_dir=Path(env[MODEL_DIR_ENV]))
        validate(settings.rules)
        return settings.updated(**overrides)


# section -> {key: (Settings field, type)}
_SECTIONS: dict[str, dict[str, tuple[str, type | tuple[type, ...]]]] = {
    "classifier": {"enabled": ("classify", bool), "model_dir": ("model_dir", str)},
    "tables": {"decode_seconds": ("decode_seconds", (int, float))},
    "limits": {"max_file_mb": ("max_file_mb", (int, float)), "max_text_mb": ("max_text_mb", (int, float))},
}


def from_dict(data: Mapping[str, Any], source: str = "settings", base: Path | None = None) -> Settings:
    """Settings from a parsed nianbao.toml; unknown sections or keys are an error."""
    unknown = sorted(set(data) - set(_SECTIONS) - {"rules"})
    if unknown:
        raise ConfigError(
            f"{source}: unknown section(s) {', '.join(f'[{u}]' for u in unknown)}; "
            f"nianbao.toml has [rules], {', '.join(f'[{s}]' for s in _SECTIONS)}"
        )
    values: dict[str, Any] = {"rules": config_from_dict(data, source=source)}
    for section, keys in _SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, Mapping):
            raise ConfigError(f"{source}: [{section}] must be a table of settings")
        bad = sorted(set(table) - set(keys))
        if bad:
            raise ConfigError(
                f"{source}: unknown setting(s) {', '.join(bad)} in [{section}]; it takes {', '.join(sorted(keys))}"
            )
        for key, (name, kind) in keys.items():
            if key not in table:
                continue
            value = table[key]
            if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
                raise ConfigError(f"{source}: [{section}] {key} = {value!r} has the wrong type")
            if name == "model_dir":
                value = Path(value) if base is None or Path(value).is_absolute() else base / value
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
                raise ConfigError(f"{source}: [{section}] {key} must be greater than 0")
            values[name] = value
    return Settings(**values)


__all__ = ["Settings", "ConfigError", "MODEL_DIR_ENV", "from_dict"]
