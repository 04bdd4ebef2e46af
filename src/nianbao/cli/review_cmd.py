"""``nianbao review`` (the review web app) and ``nianbao decisions export``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import FORCE_HELP, refuse_overwrite

decisions_app = typer.Typer(help="Review decisions stored by `nianbao review`.", no_args_is_help=True)
app.add_typer(decisions_app, name="decisions")

EXPORT_FORMATS = ("csv", "xlsx", "gold")


@app.command("review")
def review_command(
    store: Path = typer.Option(..., "--store", help="DuckDB store written by `nianbao run`, e.g. corpus.duckdb."),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to listen on."),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Interface to listen on. Any non-loopback address (e.g. 0.0.0.0) makes the app require "
        "the access token printed at start.",
    ),
    reviewer: Optional[str] = typer.Option(
        None, "--reviewer", help="Name recorded with each decision (default: $NIANBAO_REVIEWER or your login name)."
    ),
) -> None:
    """Review findings in the browser: queue, evidence, decisions (confirmed / false alarm / needs discussion)."""
    from ..review.server import serve

    try:
        serve(store, host=host, port=port, reviewer=reviewer)
    except (FileNotFoundError, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


@decisions_app.command("export")
def export_command(
    store: Path = typer.Option(..., "--store", help="DuckDB store holding the decisions."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write (.csv / .xlsx), or folder for --format gold."),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f", help="csv, xlsx or gold (gold.md folders for `nianbao evaluate`); default: from --out's suffix."
    ),
    what: str = typer.Option("decisions", "--what", help="decisions (every current decision) or confirmed (confirmed findings)."),
    history: bool = typer.Option(False, "--history", help="Include superseded and undone decisions (decisions export only)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Export review decisions as CSV/XLSX, or as labelled gold folders."""
    import duckdb

    from ..corpus.store import Store, StoreInUse, has_decisions_table
    from ..review import export

    fmt = (fmt or out.suffix.lstrip(".") or "gold").lower()
    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}: use {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    if what not in ("decisions", "confirmed"):
        raise typer.BadParameter(f"unknown export {what!r}: use decisions or confirmed", param_hint="--what")
    if not store.is_file():
        typer.echo(f"error: no store at {store}", err=True)
        raise typer.Exit(2)
    if fmt != "gold":
        refuse_overwrite([out], force)
    try:
        opened = Store(store, read_only=True)
    except (duckdb.IOException, StoreInUse) as exc:
        typer.echo(
            f"error: cannot open {store}: {exc}\nA running `nianbao review` holds it: use the app's export links, "
            "or stop the app and run this again.",
            err=True,
        )
        raise typer.Exit(2) from exc
    with opened:
        if not has_decisions_table(opened.con):
            typer.echo(f"error: {store} holds no decisions table: nothing has been reviewed yet", err=True)
            raise typer.Exit(2)
        if fmt == "gold":
            folders = export.write_gold(opened.con, out)
            typer.echo(f"wrote {len(folders)} gold folder(s) under {out} (score with: nianbao evaluate {out})")
        else:
            data = export.table_export(opened.con, what, fmt, include_history=history)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            typer.echo(f"wrote {what} to {out}")
