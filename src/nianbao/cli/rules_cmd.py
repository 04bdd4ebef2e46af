"""`nianbao rules` (the rule catalog) and `nianbao rule CODE` (one rule explained)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from . import app

console = Console(highlight=False)
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _config(path: Optional[Path]):
    from ..reconcile import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _catalog(config):
    from ..reconcile import ConfigError, catalog

    try:
        return catalog(config)
    except ConfigError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _as_dict(r, cfg) -> dict:
    return {
        "code": r.code, "name": r.name, "family": r.family, "scope": r.scope,
        "severity": cfg.option(r.code, "severity") or r.severity, "enabled": cfg.enabled(r.code),
        "summary": r.summary, "explain_zh": r.explain_zh, "explain_en": r.explain_en,
        "passing": r.passing and {"text": r.passing.text, "note": r.passing.note},
        "failing": r.failing and {"text": r.failing.text, "note": r.failing.note},
        "options": {k: cfg.option(r.code, k, v) for k, v in r.options.items()}, "origin": r.origin,
    }


@app.command("rules")
def rules_command(
    family: Optional[str] = typer.Option(None, "--family", help="Only rules of this family (e.g. t3_balance)."),
    config: Optional[Path] = typer.Option(None, "--config", help="nianbao.toml (default: ./nianbao.toml if present); "
                                          "shows which rules it disables and lists its plugin rules."),
    as_json: bool = typer.Option(False, "--json", help="Print the catalog as JSON (for review apps and docs)."),
) -> None:
    """List the reconciliation rules: code, name, family, severity, what each checks."""
    cfg = _config(config)
    rules = [r for r in _catalog(cfg) if family is None or r.family == family]
    if as_json:
        sys.stdout.write(json.dumps([_as_dict(r, cfg) for r in rules], ensure_ascii=False, indent=1) + "\n")
        return
    if not rules:
        console.print(f"no rule of family {escape(family or '')!s}; run `nianbao rules` to see the families")
        raise typer.Exit(1)
    table = Table(title="nianbao rules", header_style="bold")
    for col in ("code", "name", "family", "severity", "scope"):
        table.add_column(col, no_wrap=True)
    table.add_column("checks", overflow="fold", min_width=30)
    for r in rules:
        severity = cfg.option(r.code, "severity") or r.severity
        enabled = cfg.enabled(r.code)
        table.add_row(
            r.code if enabled else f"[dim]{r.code} (off)[/]",
            r.name,
            r.family,
            f"[{_SEVERITY_STYLE[severity]}]{severity}[/]",
            r.scope,
            escape(r.summary) + ("" if r.origin.startswith("nianbao.") else f" [dim]({escape(r.origin)})[/]"),
        )
    console.print(table)
    console.print("[dim]`nianbao rule CODE` explains one rule; switch rules off or set options in nianbao.toml.[/]")


@app.command("rule")
def rule_command(
    code: str = typer.Argument(..., help="Rule code, e.g. NB101."),
    config: Optional[Path] = typer.Option(None, "--config", help="nianbao.toml, to also find its plugin rules."),
) -> None:
    """Explain one rule (Chinese and English), with a passing and a failing example."""
    cfg = _config(config)
    _catalog(cfg)  # validates the config's codes and plugins
    from ..reconcile import find_rule

    r = find_rule(code, cfg)
    if r is None:
        console.print(f"[red]error:[/] no rule {escape(code)}; run `nianbao rules` to list the codes")
        raise typer.Exit(2)
    severity = cfg.option(r.code, "severity") or r.severity
    lines = [
        f"[bold]{r.code}[/] {r.name} · family [bold]{r.family}[/] · severity "
        f"[{_SEVERITY_STYLE[severity]}]{severity}[/] · scope {r.scope}"
        + ("" if cfg.enabled(r.code) else " · [red]disabled by config[/]"),
        "",
        escape(r.explain_zh),
        "",
        escape(r.explain_en),
    ]
    for label, ex, style in (("passes", r.passing, "green"), ("fails", r.failing, "red")):
        if ex is not None:
            note = f" [dim]({escape(ex.note)})[/]" if ex.note else ""
            lines += ["", f"[{style}]{label}:[/] {escape(ex.text)}{note}"]
    if r.options:
        opts = ", ".join(f"{k} = {cfg.option(r.code, k, v)!r}" for k, v in r.options.items())
        lines += ["", f"options: {escape(opts)}  [dim](set in nianbao.toml under {escape(f'[rules.{r.code}]')})[/]"]
    lines += ["", f"[dim]defined in {escape(r.origin)}[/]"]
    console.print(Panel("\n".join(lines), title=f"{r.code} · {escape(r.summary)}", expand=False))
