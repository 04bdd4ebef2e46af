"""``nianbao run`` (check a corpus into a DuckDB store) and ``nianbao summary``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app
from ..errors import NianbaoError
from .common import CONFIG_HELP, EXIT_FILE_ERRORS, EXIT_FINDINGS, EXIT_OK, FORCE_HELP, load_settings, refuse_overwrite, stop_on
from .output import err, escape, out


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
    config: Optional[Path] = typer.Option(None, "--config", help=CONFIG_HELP),
) -> None:
    """Check every report under TARGET in parallel into a DuckDB store.

    Resumable: files are keyed by content hash and files already checked by this
    nianbao version with the same settings are skipped, so a killed run is
    finished by running it again.

    Exit status, over every file of TARGET (checked now or before): 0 = all read,
    no error or warning finding; 1 = findings; 2 = some files (or tables in them)
    not read, or the run could not start.
    """
    from ..corpus.run import run_corpus

    if engine not in ("local", "dask"):
        raise typer.BadParameter(f"unknown engine {engine!r}: use 'local' or 'dask'", param_hint="--engine")
    settings = load_settings(config)
    try:
        summary = run_corpus(
            target, store, workers=workers, timeout=timeout, engine=engine, scheduler=scheduler,
            batch_size=batch_size, retry_failed=retry_failed, corpus_checks=corpus_checks, progress=progress,
            settings=settings,
        )
    except FileNotFoundError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_FILE_ERRORS) from exc
    except NianbaoError as exc:
        stop_on(exc)
    _print_summary(summary)
    if summary.unread:
        raise typer.Exit(EXIT_FILE_ERRORS)
    raise typer.Exit(EXIT_FINDINGS if summary.target_alarms else EXIT_OK)


def _print_summary(summary) -> None:
    from ..corpus.run import STATUSES
    from ..corpus.store import unread_reports_query

    rows = [
        ("store", escape(summary.store)),
        ("files found", f"{summary.found} ({summary.duplicates} with the same bytes as another)"),
        ("already in store (skipped)", str(summary.skipped)),
        ("checked now", f"{summary.processed} in {summary.seconds:.1f} s ({summary.rate:.1f} files/s)"),
    ]
    for status in STATUSES:
        n = summary.statuses.get(status, 0)
        style = "green" if status == "ok" else ("red" if n else "")
        rows.append((f"  {status}", f"[{style}]{n}[/{style}]" if style else str(n)))
    if summary.corpus_findings is None:
        rows.append(("corpus checks", "not run (nothing changed since the last ones, or switched off)"))
    else:
        rows.append(("corpus findings", str(summary.corpus_findings)))
    unread = {s: n for s, n in summary.target_statuses.items() if s != "ok"}
    rows.append(("all files of the target", f"{sum(summary.target_statuses.values())}: "
                 + ", ".join(f"{n} {s}" for s, n in sorted(summary.target_statuses.items()))))
    if unread:
        rows.append(("  not (fully) read", f"[red]{sum(unread.values())}[/red]"))
    rows.append(("  error/warning findings", str(summary.target_alarms)))
    if summary.peak_rss_kb:
        rows.append(("peak memory per worker", f"{max(summary.peak_rss_kb.values()) / 1024:.0f} MiB"))
    err.table(("", ""), rows, title=f"nianbao run {summary.run_id}", show_header=False)
    for path, status, error in summary.failures[:10]:
        err.print(f"[red]{status}[/red] {escape(path)}: {escape(error)}")
    if len(summary.failures) > 10:
        err.print(f"… and {len(summary.failures) - 10} more: {unread_reports_query()}")


@app.command("summary")
def summary_command(
    store: Path = typer.Option(..., "--store", help="DuckDB store written by `nianbao run`."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML summary with plots here."),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Export all findings as CSV here."),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Export all findings (and reports) as an Excel workbook here."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Summarise a corpus store: the findings on the terminal, or HTML with plots and CSV / XLSX files."""
    from ..corpus import summary as summ

    if not store.exists():
        err.print(f"[red]error:[/red] no store at {escape(str(store))}: run `nianbao run DIR --store {escape(str(store))}` first")
        raise typer.Exit(EXIT_FILE_ERRORS)
    refuse_overwrite([html, csv, xlsx], force)
    try:
        data = summ.load(store)
    except NianbaoError as exc:
        stop_on(exc)
    if not (html or csv or xlsx):
        _print_findings(data)
        return
    if html:
        summ.write_html(data, html)
        err.print(f"wrote {escape(str(html))}")
    if csv:
        summ.write_csv(data, csv)
        err.print(f"wrote {escape(str(csv))} ({len(data.findings)} findings)")
    if xlsx:
        summ.write_xlsx(data, xlsx)
        err.print(f"wrote {escape(str(xlsx))}")


def _print_findings(data) -> None:
    """Findings of the store on the terminal, report by report, most severe first."""
    from collections import Counter

    from ..corpus.store import unread_reports_query

    from .check_cmd import finding_line

    statuses = Counter(r["status"] for r in data.reports)
    out.print(f"[bold]{len(data.reports)} reports[/] ({', '.join(f'{n} {s}' for s, n in statuses.items())}), "
              f"[bold]{len(data.findings)} findings[/]")
    for status, what in (("partial", "tables not read"), ("error", "not read"), ("timeout", "stopped at the time limit"),
                         ("crashed", "crashed a worker")):
        if statuses.get(status):
            n = statuses[status]
            out.print(f"[red]{n} report{'s' if n != 1 else ''}: {what}[/] "
                      f"({unread_reports_query(status)})")
    from ..reconcile import finding_order

    by_report: dict[str, list[dict]] = {}
    for f in data.findings:
        by_report.setdefault(f["path"] or "", []).append(f)
    for path in sorted(by_report):
        rows = by_report[path]
        out.print(f"\n[bold]{escape(str(path))}[/]  {escape(str(rows[0]['agency'] or '?'))} {rows[0]['year'] or ''}")
        in_order = finding_order(rows[0].get("layout") or "2021")  # as `check` prints them: twins alike
        for finding in sorted((_finding(f) for f in rows), key=in_order):
            out.print(finding_line(finding))



def _finding(row: dict):
    """A stored finding row as the Finding it was, so it prints the way `check` prints it."""
    import json

    from ..model import Finding

    cells = row.get("cells")
    return Finding(code=row["code"], rule=row.get("rule") or "", family=row["family"], severity=row["severity"],
                   message=row["message"], expected=row.get("expected"), found=row.get("found"),
                   cells=json.loads(cells) if isinstance(cells, str) else list(cells or []))
