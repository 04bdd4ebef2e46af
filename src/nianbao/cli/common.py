"""What every command does at the edge: build the Settings, guard output files, exit statuses."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Optional

import typer

from ..errors import NianbaoError
from .output import err, escape

# Exit statuses of `check` and `run` (README, "Exit status").
EXIT_OK, EXIT_FINDINGS, EXIT_FILE_ERRORS = 0, 1, 2

CONFIG_HELP = "Settings file (default: ./nianbao.toml if present): rules, classifier, limits."
FORCE_HELP = "Replace output files that already exist (without it, nianbao refuses to overwrite them)."


def load_settings(config: Optional[Path], **overrides: Any):
    """The one Settings of this command, from --config or ./nianbao.toml; a clear exit 2 if unusable."""
    from ..settings import Settings

    try:
        return Settings.load(config, **overrides)
    except (NianbaoError, OSError) as exc:
        where = config or "nianbao.toml"
        err.print(f"[bold red]error:[/] cannot use the settings in {escape(str(where))}: {escape(str(exc))}")
        raise typer.Exit(EXIT_FILE_ERRORS) from None


def refuse_overwrite(paths: Iterable[Optional[Path]], force: bool) -> None:
    """Stop before any work if an output file exists and --force was not given."""
    existing = [p for p in paths if p is not None and p.exists() and not p.is_dir()]
    if existing and not force:
        names = ", ".join(escape(str(p)) for p in existing)
        err.print(f"[bold red]error:[/] {names} already exist{'s' if len(existing) == 1 else ''}: "
                  "give another path, remove it, or add --force to replace it")
        raise typer.Exit(EXIT_FILE_ERRORS)


def result_file_names(files: Sequence[Path]) -> list[str]:
    """One result file name per input, unique and predictable: the input's path relative to the
    inputs' common folder, folders joined by '__', plus '.json' (a/source.html -> a__source.html.json)."""
    resolved = [f.resolve() for f in files]
    base = Path(os.path.commonpath([str(p.parent) for p in resolved])) if resolved else Path()
    return ["__".join(p.relative_to(base).parts) + ".json" for p in resolved]


def stop_on(exc: NianbaoError) -> None:
    """A per-command problem (store in use, missing folder): one line, exit 2."""
    err.print(f"[bold red]error:[/] {escape(str(exc))}")
    raise typer.Exit(EXIT_FILE_ERRORS)
