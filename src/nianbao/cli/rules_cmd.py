"""`nianbao rules` (the rule catalog) and `nianbao rule CODE` (one rule explained)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import CONFIG_HELP, load_settings
from .output import err, escape, out

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _config(path: Optional[Path]):
    """The rule settings of the one Settings (--config, or ./nianbao.toml)."""
    return load_settings(path).rules


def _catalog(config):
    from ..reconcile import ConfigError, catalog

    try:
        return catalog(config)
    except ConfigError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _as_dict(r, cfg) -> dict:
    return {
        "code": r.code, "name": r.name, "family": r.family, "scope": r.scope,
        "severity": cfg.option(r.code, "severity") or r.severity, "enabled": cfg.enabled(r.code),
        "summary": r.summary, "explain_zh": r.explain_zh, "explain_en": r.explain_en,
        "passing": _example(r.passing),
        "failing": _example(r.failing),
        "options": {k: cfg.option(r.code, k, v) for k, v in r.options.items()}, "origin": r.origin,
    }


def _example(case) -> dict | None:
    """A fixture case as the catalog lists it: what it shows, where it is from, what it must raise."""
    if case is None:
        return None
    return {"text": case.zh, "en": case.en, "note": case.source, "findings": list(case.findings)}


def _fixture_lines(r) -> list[str]:
    """The rule's passing and failing cases, and what the rule says (alone) on the failing one."""
    from ..reconcile import run_alone

    lines = []
    for label, case, style in (("passes", r.passing, "green"), ("fails", r.failing, "red")):
        if case is None:
            continue
        pad = " " * (len(label) + 2)
        lines += ["", f"[{style}]{label}:[/] {escape(case.zh)}"]
        if case.en:
            lines.append(f"{pad}[dim]{escape(case.en)}[/]")
        lines.append(f"{pad}[dim]from {escape(case.source)}[/]")
        if case is r.failing:
            lines += [f"{pad}→ {escape(str(f))}" for f in run_alone(r, case.results())]
    return lines


@app.command("rules")
def rules_command(
    family: Optional[str] = typer.Option(None, "--family", help="Only rules of this family (e.g. t3_balance)."),
    config: Optional[Path] = typer.Option(None, "--config", help=CONFIG_HELP + " Shows which rules it disables "
                                          "and lists its plugin rules."),
    as_json: bool = typer.Option(False, "--json", help="Print the catalog as JSON (for review apps and docs)."),
) -> None:
    """List the reconciliation rules: code, name, family, severity, what each checks."""
    cfg = _config(config)
    rules = [r for r in _catalog(cfg) if family is None or r.family == family]
    if as_json:
        from ..reconcile.fixtures import FixtureError

        try:
            listed = [_as_dict(r, cfg) for r in rules]
        except FixtureError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        sys.stdout.write(json.dumps(listed, ensure_ascii=False, indent=1) + "\n")
        return
    if not rules:
        err.print(f"no rule of family {escape(family or '')!s}; run `nianbao rules` to see the families")
        raise typer.Exit(1)
    rows = []
    for r in rules:
        severity = cfg.option(r.code, "severity") or r.severity
        enabled = cfg.enabled(r.code)
        rows.append((
            r.code if enabled else f"[dim]{r.code} (off)[/]",
            r.name,
            r.family,
            f"[{_SEVERITY_STYLE[severity]}]{severity}[/]",
            r.scope,
            escape(r.summary) + ("" if r.origin.startswith("nianbao.") else f" [dim]({escape(r.origin)})[/]"),
        ))
    out.table(("code", "name", "family", "severity", "scope", "checks"), rows, title="nianbao rules", wrap="checks")
    if out.is_terminal:
        out.print("[dim]`nianbao rule CODE` explains one rule; switch rules off or set options in nianbao.toml.[/]")


@app.command("rule")
def rule_command(
    code: str = typer.Argument(..., help="Rule code, e.g. NB101."),
    config: Optional[Path] = typer.Option(None, "--config", help="nianbao.toml, to also find its plugin rules."),
) -> None:
    """Explain one rule (Chinese and English), with the passing and failing cases of its fixture."""
    cfg = _config(config)
    _catalog(cfg)  # validates the config's codes and plugins
    from ..reconcile import find_rule
    from ..reconcile.fixtures import FixtureError

    r = find_rule(code, cfg)
    if r is None:
        err.print(f"[red]error:[/] no rule {escape(code)}; run `nianbao rules` to list the codes")
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
    try:
        lines += _fixture_lines(r)
    except FixtureError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if r.options:
        opts = ", ".join(f"{k} = {cfg.option(r.code, k, v)!r}" for k, v in r.options.items())
        lines += ["", f"options: {escape(opts)}  [dim](set in nianbao.toml under {escape(f'[rules.{r.code}]')})[/]"]
    lines += ["", f"[dim]defined in {escape(r.origin)}[/]"]
    if out.is_terminal:
        from rich.panel import Panel

        out.console.print(Panel("\n".join(lines), title=f"{r.code} · {escape(r.summary)}", expand=False))
    else:
        out.print(f"{r.code} · {escape(r.summary)}")
        for line in lines:
            out.print(line)
