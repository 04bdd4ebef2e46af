"""The built-in rules, collected from their modules (one module per family group)."""

from __future__ import annotations

from ..registry import Rule
from . import corpus, missing, narrative, percentage, t2, tables

_MODULES = (tables, narrative, missing, percentage, t2, corpus)

BUILTIN: tuple[Rule, ...] = tuple(
    sorted((obj for mod in _MODULES for obj in vars(mod).values() if isinstance(obj, Rule)), key=lambda r: r.code)
)
