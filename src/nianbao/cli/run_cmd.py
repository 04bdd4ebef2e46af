"""``nianbao run`` (check a corpus into a DuckDB store) and ``nianbao summary``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import app

console = Console(stderr=True)


@app.command("run")
def run_command(
    target: Path = typer.Argument(..., help="Folder (searched recursively), zip archive, or manifest (.lst/.csv/.jsonl) of report files."),
    store: Path = typer.Option(..., "--store", help="DuckDB store to write (created if missing), e.g. corpus.duckdb."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="Worker processes (local engine) or local Dask workers."),
    timeout: float = typer.Option(120.0, "--timeout", help="Per-file time limit in seconds; a file over it is recorded as 'timeout'."),
    engine: str = typer.Option("local", "--engine", help="'local' (worker processes here) or 'dask'."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (dask engine; default: a local cluster)."),
    batch_size: int = typer.Option(50, "--batch-size", min=1, help="Reports per store transaction."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Also re-check files that failed (error/timeout/crashed) with this version."),
    corpus_checks: bool = typer.Option(True, "--corpus-checks/--no-corpus-checks", help="Run cross-year and copied-narrative checks after the run."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show the progress bar."),
) -> None:
    """Check every report under TARGET in parallel into a DuckDB store.

    Resumable: files are keyed by content hash and files already checked by this
    nianbao version are skipped, so a killed run is finished by running it again.
    """
    from ..corpus.run import run_corpus

    if engine not in ("local", "dask"):
        raise typer.BadParameter(f"unknown engine {engine!r}: use 'local' or 'dask'", param_hint="--engine")
    try:
        summary = run_corpus(
            target, store, workers=workers, timeout=timeout, engine=engine, scheduler=scheduler,
            batch_size=batch_size, retry_failed=retry_failed, corpus_checks=corpus_checks, progress=progress,
        )
    except FileNotFoundError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    _print_summary(summary)
    if summary.statuses.get("ok", 0) == 0 and summary.processed:
        raise typer.Exit(1)


def _print_summary(summary) -> None:
    table = Table(title=f"nianbao run {summary.run_id}", show_header=False)
    table.add_row("store", summary.store)
    table.add_row("files found", f"{summary.found} ({summary.duplicates} with the same bytes as another)")
    table.add_row("already in store (skipped)", str(summary.skipped))
    table.add_row("checked now", f"{summary.processed} in {summary.seconds:.1f} s ({summary.rate:.1f} files/s)")
    for status in ("ok", "error", "timeout", "crashed"):
        n = summary.statuses.get(status, 0)
        style = "green" if status == "ok" else ("red" if n else "")
        table.add_row(f"  {status}", f"[{style}]{n}[/{style}]" if style else str(n))
    if summary.corpus_findings is None:
        table.add_row("corpus checks", "not available in this nianbao (no reconcile_corpus)")
    else:
        table.add_row("corpus findings", str(summary.corpus_findings))
    if summary.peak_rss_kb:
        table.add_row("peak memory per worker", f"{max(summary.peak_rss_kb.values()) / 1024:.0f} MiB")
    console.print(table)
    for path, status, error in summary.failures[:10]:
        console.print(f"[red]{status}[/red] {path}: {error}")
    if len(summary.failures) > 10:
        console.print(f"… and {len(summary.failures) - 10} more: SELECT path, status, error FROM reports WHERE status <> 'ok'")


@app.command("summary")
def summary_command(
    store: Path = typer.Option(..., "--store", help="DuckDB store written by `nianbao run`."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML summary with plots here."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Export all findings as CSV here."),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Export all findings (and reports) as an Excel workbook here."),
) -> None:
    """Summarise a corpus store: the findings on the terminal, or HTML with plots and CSV / XLSX files."""
    from ..corpus import summary as summ

    if not store.exists():
        console.print(f"[red]error:[/red] no store at {store}: run `nianbao run DIR --store {store}` first")
        raise typer.Exit(2)
    data = summ.load(store)
    if not (html or csv or xlsx):
        _print_findings(data)
        return
    if html:
        summ.write_html(data, html)
        console.print(f"wrote {html}")
    if csv:
        summ.write_csv(data, csv)
        console.print(f"wrote {csv} ({len(data.findings)} findings)")
    if xlsx:
        summ.write_xlsx(data, xlsx)
        console.print(f"wrote {xlsx}")


def _print_findings(data) -> None:
    """Findings of the store on the terminal, report by report, most severe first."""
    from collections import Counter

    from rich.markup import escape

    statuses = Counter(r["status"] for r in data.reports)
    console.print(f"[bold]{len(data.reports)} reports[/] ({', '.join(f'{n} {s}' for s, n in statuses.items())}), "
                  f"[bold]{len(data.findings)} findings[/]")
    rank = {"error": 0, "warning": 1, "info": 2}
    last = None
    for f in sorted(data.findings, key=lambda f: (f["path"] or "", rank.get(f["severity"], 3), f["code"])):
        if f["path"] != last:
            last = f["path"]
            console.print(f"\n[bold]{escape(str(f['path']))}[/]  {escape(str(f['agency'] or '?'))} {f['year'] or ''}")
        style = {"error": "bold red", "warning": "yellow"}.get(f["severity"], "cyan")
        figures = "" if f.get("expected") is None else f"  [dim](expected {_n(f['expected'])}, found {_n(f['found'])})[/]"
        console.print(f"  [{style}]{f['code']} {f['severity']}[/] {f['family']}: {escape(f['message'])}{figures}")


def _n(x):
    return int(x) if isinstance(x, float) and x.is_integer() else x
