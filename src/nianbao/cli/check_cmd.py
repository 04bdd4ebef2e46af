"""`nianbao check` and `nianbao evaluate`."""

from __future__ import annotations

import json
import logging
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from .app import app
from ..model import ReportResult
from .common import (
    CONFIG_HELP, EXIT_FILE_ERRORS, EXIT_FINDINGS, EXIT_OK, FORCE_HELP, load_settings, refuse_overwrite,
    result_file_names,
)
from .output import err, escape, out

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@contextmanager
def _ocr_progress():
    """Say each scanned page as OCR finishes it (a page takes seconds): one whole line on stderr."""
    logger = logging.getLogger("nianbao.ingest.pdf_ocr")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _check_all(files: list[Path], settings) -> list[ReportResult]:
    from ..pipeline import check

    results = []
    with _ocr_progress(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for f in files:
            results.append(check(f, settings))
    for w in {str(w.message) for w in caught}:
        err.print(f"[yellow]warning:[/] {escape(w)}")
    return results


def is_alarm(finding) -> bool:
    """Findings that change the exit status: errors and warnings (an info is a note for the reader)."""
    return finding.severity in ("error", "warning")


def _print_summary(r: ReportResult) -> None:
    out.heading(escape(r.source))
    if r.status == "error":
        for m in r.messages:
            if m.level == "error":
                out.print(f"[bold red]error:[/] {escape(m.text)}")
        return
    out.print(
        f"agency [bold]{escape(r.agency or '?')}[/]  year [bold]{r.year or '?'}[/]  "
        f"layout [bold]{r.layout}[/]  format {r.format}"
    )
    if r.tables:
        parts = []
        for name in ("T2", "T3", "T4"):
            t = r.tables.get(name)
            if t is None:
                parts.append(f"{name} [red]missing[/]")
                continue
            extra = f", {len(t.missing_rows)} rows missing" if t.missing_rows else ""
            uncertain = sum(1 for f in t.figures.values() if f.candidates)
            extra += f", {uncertain} uncertain" if uncertain else ""
            parts.append(f"{name} {len(t.figures)} figures ({t.method}{extra})")
        out.print("tables: " + "; ".join(parts))
        t3 = r.tables.get("T3")
        if t3:
            def v(k: str) -> str:
                x = t3.value(k)
                return "?" if x is None else str(x)
            out.print(
                f"  T3 新收 {v('new_received.total')} · 上年结转 {v('carried_over.total')} · "
                f"办结（七）{v('handled_total.total')} · 结转下年度 {v('carried_forward.total')}"
            )
    else:
        out.print("tables: none found")
    labelled = [p for p in r.paragraphs if p.label]
    by_part: dict[int, int] = {}
    for c in r.claims:
        part = r.paragraphs[c.paragraph].part if c.paragraph is not None and c.paragraph < len(r.paragraphs) else -1
        by_part[part] = by_part.get(part, 0) + 1
    out.print(
        f"narrative: {len(r.parts)} parts, {len(r.paragraphs)} paragraphs"
        + (f" ({len(labelled)} labelled)" if labelled else "")
        + f", {len(r.claims)} claims"
        + (" (" + ", ".join(f"part {k}: {n}" for k, n in sorted(by_part.items()) if k >= 0) + ")" if by_part else "")
    )
    for c in r.claims:
        if c.metric != "other":
            out.print(f"  claim {escape(str(c))}")
    for m in r.messages:
        style = _SEVERITY_STYLE.get(m.level, "")
        out.print(f"[{style}]{m.level}:[/] {escape(m.text)}")
    if not r.findings:
        out.print("[green]no findings[/]")
        return
    out.print(f"[bold]{len(r.findings)} finding(s)[/]")
    for f in r.findings:
        out.print(finding_line(f))


def finding_line(f, source: str | None = None) -> str:
    """A finding as printed on the terminal: its own one line, the code coloured by severity."""
    where = f"  [dim]{escape(source)}[/]" if source else ""
    return f"  [{_SEVERITY_STYLE.get(f.severity, '')}]{f.code} {f.severity}[/]{escape(str(f)[len(f.code) + len(f.severity) + 1:])}{where}"


@app.command()
def check(
    files: list[Path] = typer.Argument(..., help="Report files (.txt .html .docx .doc .wps .pdf)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result JSON (gold.md format); an array for several files."),
    out_dir: Optional[Path] = typer.Option(
        None, "--out", help="Also write one result JSON per file into this folder, named after the file's path "
        "(a/source.html -> a__source.html.json)."),
    config: Optional[Path] = typer.Option(None, "--config", help=CONFIG_HELP),
    csv_path: Optional[Path] = typer.Option(None, "--csv", help="Write all findings to this CSV file."),
    html_path: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML report of the findings."),
    classify: Optional[bool] = typer.Option(
        None, "--classify/--no-classify", help="Label paragraphs with the classifier (default: on, or as the settings say)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Read each report, map its tables, extract its claims and check them.

    Exit status: 0 = every file read, no error or warning finding; 1 = findings
    reported; 2 = at least one file (or a standard table in it) could not be
    read: its error is printed, and the other files are still checked.
    """
    settings = load_settings(config, **({} if classify is None else {"classify": classify}))
    result_paths = [out_dir / name for name in result_file_names(files)] if out_dir is not None else []
    refuse_overwrite([*result_paths, csv_path, html_path], force)
    results = _check_all(files, settings)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for target, r in zip(result_paths, results):
            target.write_text(r.to_json(indent=1), encoding="utf-8")
    if as_json:
        payload = [r.to_dict() for r in results]
        sys.stdout.write(json.dumps(payload if len(payload) > 1 else payload[0], ensure_ascii=False, indent=1) + "\n")
    else:
        for r in results:
            _print_summary(r)
    # Several reports of one agency: also check them against each other (cross-year, copied text).
    from ..reconcile import reconcile_corpus

    readable = [r for r in results if r.status != "error"]
    corpus_findings = reconcile_corpus(readable, config=settings.rules) if len(readable) > 1 else []
    if corpus_findings and not as_json:
        out.heading("across reports")
        for source, f in corpus_findings:
            out.print(finding_line(f, source))
    if csv_path or html_path:
        from ..reconcile import report  # late: csv and markupsafe serve only these files
    if csv_path:
        report.findings_to_csv(results, csv_path, corpus_findings=corpus_findings)
    if html_path:
        html_path.write_text(report.render_html(results, corpus_findings=corpus_findings), encoding="utf-8")
    failed = [r for r in results if r.status != "ok"]
    if failed:
        if as_json:  # the JSON holds the messages; say them once on stderr too, for the person at the terminal
            for r in failed:
                err.print(f"[bold red]{escape(r.source)}:[/] "
                          + "; ".join(escape(m.text) for m in r.messages if m.level == "error"))
        else:  # each message was printed with its file above: here only which files
            err.print(f"[bold red]{len(failed)} of {len(results)} file(s) not fully read:[/] "
                      + ", ".join(escape(r.source) for r in failed))
        raise typer.Exit(EXIT_FILE_ERRORS)
    alarms = any(is_alarm(f) for r in results for f in r.findings) or any(is_alarm(f) for _, f in corpus_findings)
    raise typer.Exit(EXIT_FINDINGS if alarms else EXIT_OK)


def _fmt(x) -> str:
    return "–" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


@app.command()
def evaluate(
    paths: list[Path] = typer.Argument(..., help="Labelled report folders (gold.md), folders of them, or labels .jsonl files."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    config: Optional[Path] = typer.Option(None, "--config", help=CONFIG_HELP),
) -> None:
    """Score nianbao against labelled data: table cells, claims, findings, paragraph labels."""
    from ..evaluation.reports import evaluate_folders, find_labelled
    from ..pipeline import check as run_check

    scores: dict = {}
    for p in [p for p in paths if p.suffix == ".jsonl"]:
        head = p.open(encoding="utf-8").readline()
        if '"sentence"' in head:
            from ..evaluation.claims import evaluate_labels as claims_eval

            scores[str(p)] = claims_eval(p)
        else:
            from ..training.evaluate import evaluate_labels as para_eval

            scores[str(p)] = para_eval(p)
    folders = find_labelled([p for p in paths if p.suffix != ".jsonl"])
    if folders:
        settings = load_settings(config)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            summary = evaluate_folders(folders, lambda f: run_check(f, settings)).as_dict()
        scores["reports"] = summary
    elif not scores:
        err.print("[red]no labelled data found:[/] give folders holding gold.json (see gold.md) or labels .jsonl files")
        raise typer.Exit(2)
    if as_json:
        sys.stdout.write(json.dumps(scores, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    for name, s in scores.items():
        if name != "reports":
            out.heading(escape(name))
            out.print(escape(json.dumps(s, ensure_ascii=False, default=str)))
    if "reports" not in scores:
        return
    s = scores["reports"]
    rows = []
    for r in s["reports"]:
        f = r["findings"]
        tp = sum(v["tp"] for v in f.values())
        fp = sum(v["fp"] for v in f.values())
        fn = sum(v["fn"] for v in f.values())
        rows.append((
            escape(r["name"]), r["layout"], f"{r['cells']['correct']}/{r['cells']['total']}", _fmt(r["cells"]["accuracy"]),
            str(r["cells"]["ambiguous"]), _fmt(r["claims"]["precision"]), _fmt(r["claims"]["recall"]),
            _fmt(tp / (tp + fp) if tp + fp else None), _fmt(tp / (tp + fn) if tp + fn else None),
        ))
    out.table(("report", "layout", "cells", "accuracy", "ambiguous", "claims P", "claims R", "findings P", "findings R"),
              rows, title="per report")
    c, cl, para = s["cells"], s["claims"], s["paragraphs"]
    out.print(f"table cells: {c['correct']}/{c['total']} = {_fmt(c['accuracy'])} "
              f"({c['ambiguous']} left open, {c['misread']} read wrong; {c['undetermined']} cells the gold could not "
              f"determine left out, the tool agrees with {c['undetermined_agree']} of them)")
    out.print(f"claims (metric, value): precision {_fmt(cl['precision'])}  recall {_fmt(cl['recall'])}  "
              f"(tp {cl['tp']}, fp {cl['fp']}, fn {cl['fn']})")
    out.table(("family", "tp", "fp", "fn", "precision", "recall"),
              [(fam, str(v["tp"]), str(v["fp"]), str(v["fn"]), _fmt(v["precision"]), _fmt(v["recall"]))
               for fam, v in s["findings"].items()], title="findings by family")
    out.print(f"paragraph labels: macro-F1 {_fmt(para['macro_f1'])} over {para['n']} gold paragraphs")
