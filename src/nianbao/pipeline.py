"""One report in, a checked Report out: ``check`` is the list of stages, run in order.

One Report object flows through the stages; each stage is ``stage(report, settings)``,
declares which fields it reads and writes (``model.stage``), and writes only those:
``run_stage`` holds it to that.  Data flows one way: ingest -> tables -> sections ->
metadata -> classifier -> claims -> reconcile, each reading what earlier ones wrote,
and all told how to behave by the one ``Settings`` built at the edge.  The Document
stays on the Report, so later stages read provenance instead of searching the text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .claims import read_claims
from .errors import NianbaoError
from .ingest import load_report
from .metadata import read_metadata
from .model import Message, Report
from .reconcile import check_report
from .sections import label_paragraphs, read_sections
from .settings import Settings
from .tables import read_tables

Stage = Callable[[Report, Settings], None]
STAGES: tuple[Stage, ...] = (load_report, read_tables, read_sections, read_metadata, label_paragraphs, read_claims,
                             check_report)


class StageContractError(AssertionError):
    """A stage wrote a field it does not declare (a bug in nianbao or in a plugin stage)."""


def check(path: str | Path, settings: Settings | None = None, **overrides: Any) -> Report:
    """Load, extract and check one report file.

    ``settings`` (default: ``Settings()``, every rule with its defaults);
    keyword ``overrides`` change single settings, e.g. ``check(p, classify=False)``
    or ``check(p, config={"rules": {"disable": ["NB301"]}})``.

    Never raises for a bad file: a per-file problem becomes an error message
    on the returned report (``report.ok`` is False).
    """
    settings = (settings or Settings()).updated(**overrides)
    report = Report(source=str(path), version=__version__)
    for stage in STAGES:
        try:
            run_stage(stage, report, settings)
        except NianbaoError as exc:
            report.messages.append(Message("error", exc.code, str(exc)))
            break
        except StageContractError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in nianbao must not stop the other files
            report.messages.append(Message(
                "error", "internal",
                f"nianbao failed while checking this file ({type(exc).__name__}: {exc}, in {stage.__name__}); "
                "the other files are unaffected — please report this with the file",
            ))
            break
    return report


_FIELDS = tuple(f.name for f in dataclasses.fields(Report))


def run_stage(stage: Stage, report: Report, settings: Settings) -> None:
    """Run one stage, then check that it replaced no field but those it declares (``messages``
    may be appended to by any stage)."""
    before = {name: id(getattr(report, name)) for name in _FIELDS}
    stage(report, settings)
    allowed = set(getattr(stage, "assigns", ())) | {"messages"}
    changed = [name for name in _FIELDS if id(getattr(report, name)) != before[name] and name not in allowed]
    if changed:
        raise StageContractError(f"stage {stage.__name__} wrote {', '.join(changed)}, which it does not declare")
