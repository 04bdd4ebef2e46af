"""What a worker does with one file: check it and flatten the result to rows.

The same function runs in the local engine's worker processes and as a Dask
task, so both engines write identical store content.  It never raises: a
pipeline bug on one file becomes an ``error`` row for that file.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import resource
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..model import Message, ReportResult
from ..settings import Settings
from .store import ReportRows, report_rows


@dataclass(frozen=True)
class Task:
    """One file to check.  ``path`` when the worker can read the file itself,
    ``data`` (its bytes) for zip members and for workers on other machines."""

    display: str  # the path stored and shown, e.g. "a/b.zip!2023/report.html"
    sha256: str
    name: str  # file name, kept on temp copies since metadata reads it
    path: str | None = None
    data: bytes | None = None

    def without_data(self) -> Task:
        return Task(self.display, self.sha256, self.name, self.path, None)


@dataclass
class Reply:
    rows: ReportRows
    maxrss_kb: int  # the worker's peak resident memory so far
    pid: int
    cpu_s: float = 0.0  # CPU seconds the check used (vs wall time: is the work CPU bound?)


DEFAULT_CHECK = "nianbao.pipeline:check"


def check_task(
    task: Task, run_id: str | None = None, check: str = DEFAULT_CHECK, settings: Settings | None = None
) -> Reply:
    """Check one file with ``check`` (``module:function`` taking a path and the Settings and
    returning a ReportResult; tests swap in slow or crashing ones) and return its rows.
    Never raises."""
    import os

    settings = settings or Settings()
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        check_fn = resolve_check(check)
        if task.data is not None:
            result = _check_bytes(check_fn, task.data, task.name, settings)
        else:
            result = check_fn(Path(task.path or task.display), settings)
        status = error = None
    except Exception as exc:  # a pipeline bug must not stop the corpus run
        result = ReportResult(source=task.display, sha256=task.sha256, version=__version__)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"internal error while checking: {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        result.messages.append(Message("error", "internal", error))
        status = "error"
    result.source = task.display
    if not result.sha256:
        result.sha256 = task.sha256
    rows = report_rows(
        task.display, result, status=status, error=error,
        elapsed_s=time.perf_counter() - started, run_id=run_id, settings_digest=settings.digest(),
    )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Reply(rows, maxrss, os.getpid(), time.process_time() - cpu_started)


@functools.lru_cache(maxsize=8)
def resolve_check(ref: str) -> Callable[[Path, Settings], ReportResult]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name or "check")


def _check_bytes(check_fn: Callable[[Path, Settings], ReportResult], data: bytes, name: str,
                 settings: Settings) -> ReportResult:
    """pipeline.check takes a path: write the bytes under their own file name
    (the name can carry agency and year) in a private temp dir."""
    with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
        target = Path(tmp) / (name or "report")
        target.write_bytes(data)
        return check_fn(target, settings)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
