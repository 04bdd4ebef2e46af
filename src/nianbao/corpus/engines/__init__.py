"""Engines run ``worker.check_task`` over many files and yield one ``Done``
per file, in completion order.  ``local``: worker processes on this machine;
``dask``: tasks on a Dask cluster.  Both yield the same rows for the same file.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import __version__
from ..store import ReportRows, failure_result, report_rows
from ..worker import Task


@dataclass
class Done:
    task: Task
    rows: ReportRows
    maxrss_kb: int | None = None  # peak RSS of the worker that did it
    worker: str | None = None  # worker pid or address
    cpu_s: float = 0.0  # worker CPU seconds spent on the file


def failure(task: Task, status: str, error: str, run_id: str | None, elapsed_s: float | None = None) -> Done:
    """A ``timeout`` or ``crashed`` row for a file whose worker gave no result."""
    result = failure_result(task.display, task.sha256, __version__, status, error)
    return Done(task, report_rows(task.display, result, status=status, error=error, elapsed_s=elapsed_s, run_id=run_id))
