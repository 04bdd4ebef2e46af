"""Summaries of a corpus store: one self-contained HTML page, CSV and XLSX.

The HTML embeds its plots as inline SVG whose text stays text
(``svg.fonttype = none``), so agency names in Chinese show in the reader's
browser fonts even where matplotlib has no CJK font; the page loads nothing
from outside.
"""

from __future__ import annotations

import csv
import html
import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .store import Store

FINDING_COLUMNS = (
    "finding_id", "scope", "path", "agency", "agency_norm", "year", "layout", "code", "rule", "family",
    "severity", "message", "expected", "found", "cells", "claims",
)
REPORT_COLUMNS = (
    "report_id", "path", "format", "agency", "agency_norm", "year", "layout", "status", "error",
    "n_cells", "n_claims", "n_paragraphs", "n_findings", "elapsed_s", "nianbao_version",
)
_REGION = re.compile(r"^(.+?(?:省|自治区|特别行政区|市|综合实验区|新区|自治州|地区|盟))")


@dataclass
class StoreData:
    path: Path
    reports: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    runs: list[dict[str, Any]]


def load(store_path: str | Path) -> StoreData:
    with Store(store_path, read_only=True) as store:
        reports = store.reports()
        findings = store.findings()
        runs = store.runs()
    return StoreData(Path(store_path), reports, findings, runs)


def region_of(agency: str | None) -> str:
    """The province / city part of an agency name ("郑州市金水区司法局" → "郑州市")."""
    if not agency:
        return "(unknown)"
    m = _REGION.match(agency)
    return m.group(1) if m else agency


# ---- exports -------------------------------------------------------------
def _finding_row(f: dict[str, Any]) -> list[Any]:
    row = []
    for col in FINDING_COLUMNS:
        value = f.get(col)
        if col in ("cells", "claims"):
            value = " ".join(str(v) for v in value or [])
        row.append(value)
    return row


def write_csv(data: StoreData, out: str | Path) -> None:
    # utf-8-sig: Excel opens Chinese text correctly only with the BOM.
    with open(out, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(FINDING_COLUMNS)
        writer.writerows(_finding_row(f) for f in data.findings)


def write_xlsx(data: StoreData, out: str | Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("findings")
    sheet.append(list(FINDING_COLUMNS))
    for f in data.findings:
        sheet.append(_finding_row(f))
    sheet = wb.create_sheet("reports")
    sheet.append(list(REPORT_COLUMNS))
    for r in data.reports:
        sheet.append([r.get(c) for c in REPORT_COLUMNS])
    sheet = wb.create_sheet("by rule")
    sheet.append(["code", "rule", "family", "findings"])
    for (code, rule, family), n in Counter((f["code"], f["rule"], f["family"]) for f in data.findings).most_common():
        sheet.append([code, rule, family, n])
    wb.save(out)


# ---- plots ---------------------------------------------------------------
def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog: the SVG is inlined in HTML


def _count_ticks(axis) -> None:
    """Counts are whole: no tick at 0.5 finding (matplotlib's default for small counts)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _barh(title: str, counts: list[tuple[str, int]], xlabel: str = "findings") -> str:
    import matplotlib.pyplot as plt

    labels = [str(k) for k, _ in counts][::-1]
    values = [v for _, v in counts][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(3, len(labels)) + 0.8))
    ax.barh(labels, values, color="#4c72b0")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    _count_ticks(ax.xaxis)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v}", va="center", fontsize=8)
    try:
        return _svg(fig)
    finally:
        plt.close(fig)


def _bars(title: str, counts: list[tuple[Any, int]], ylabel: str = "findings") -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.bar([str(k) for k, _ in counts], [v for _, v in counts], color="#55a868")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    _count_ticks(ax.yaxis)
    try:
        return _svg(fig)
    finally:
        plt.close(fig)


def _success_plot(data: StoreData) -> str:
    import matplotlib.pyplot as plt

    by_format: dict[str, Counter] = {}
    for r in data.reports:
        by_format.setdefault(r.get("format") or "(unread)", Counter())[r["status"]] += 1
    formats = sorted(by_format)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    bottom = [0] * len(formats)
    colours = {"ok": "#55a868", "error": "#c44e52", "timeout": "#dd8452", "crashed": "#8172b3"}
    for status, colour in colours.items():
        values = [by_format[f][status] for f in formats]
        ax.bar(formats, values, bottom=bottom, label=status, color=colour)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title("parse status by format")
    ax.set_ylabel("reports")
    _count_ticks(ax.yaxis)
    ax.legend()
    try:
        return _svg(fig)
    finally:
        plt.close(fig)


def _fonts() -> list[str]:
    """CJK fonts matplotlib can find here, then its default (text stays text in
    the SVG either way; the font only sets the layout widths)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    wanted = ["Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC"]
    return [name for name in wanted if name in installed] + ["DejaVu Sans"]


def plots(data: StoreData) -> dict[str, str]:
    """The summary's figures as inline SVG strings, by name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["font.family"] = _fonts()
    f = data.findings
    with warnings.catch_warnings():
        # Without a CJK font matplotlib warns per glyph; the SVG keeps the text anyway.
        warnings.filterwarnings("ignore", message=r"(Glyph .* missing|findfont)")
        warnings.filterwarnings("ignore", category=UserWarning, module="matplotlib")
        out = {
            "by_rule": _barh("findings by rule", Counter(f"{x['code']} {x['rule']}" for x in f).most_common(20)),
            "by_year": _bars("findings by report year", sorted(Counter(x["year"] or 0 for x in f).items())),
            "by_region": _barh("findings by region (top 15)", Counter(region_of(x["agency_norm"]) for x in f).most_common(15)),
            "by_agency": _barh("findings by agency (top 15)", Counter(x["agency_norm"] or "(unknown)" for x in f).most_common(15)),
            "success": _success_plot(data),
        }
    return out


# ---- HTML ----------------------------------------------------------------
_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>nianbao corpus summary</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }}
h1 {{ font-size: 1.5em; }} .cards {{ display: flex; gap: 1em; flex-wrap: wrap; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: .6em 1em; min-width: 9em; }}
.card b {{ display: block; font-size: 1.6em; }} .plots {{ display: flex; flex-wrap: wrap; gap: 1.5em; }}
.plots figure {{ margin: 0; max-width: 46em; }} svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; font-size: .85em; }} td, th {{ border: 1px solid #ddd; padding: .25em .5em; vertical-align: top; }}
th {{ background: #f4f4f4; }} .error {{ color: #b00; }}
</style></head><body>
<h1>nianbao corpus summary</h1>
<p>Store <code>{store}</code>, written {generated}. {runs}</p>
<div class="cards">{cards}</div>
<h2>Plots</h2><div class="plots">{plots}</div>
<h2>Findings by rule</h2>{rule_table}
<h2>Reports that could not be checked ({n_failed})</h2>{failed_table}
<h2>Findings (first {n_shown} of {n_findings})</h2>{finding_table}
</body></html>
"""


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(data: StoreData, *, max_findings: int = 500) -> str:
    statuses = Counter(r["status"] for r in data.reports)
    n = len(data.reports)
    ok_rate = statuses["ok"] / n if n else 0.0
    with_findings = len({f["report_id"] for f in data.findings})
    cards = [
        ("reports", n), ("checked without error", f"{ok_rate:.1%}"), ("findings", len(data.findings)),
        ("reports with findings", with_findings),
        ("agencies", len({r["agency_norm"] for r in data.reports if r["agency_norm"]})),
        ("years", len({r["year"] for r in data.reports if r["year"]})),
        ("error / timeout / crashed", f"{statuses['error']} / {statuses['timeout']} / {statuses['crashed']}"),
    ]
    figures = "".join(f"<figure>{svg}</figure>" for svg in plots(data).values())
    rule_rows = [
        [code, rule, family, count]
        for (code, rule, family), count in Counter((f["code"], f["rule"], f["family"]) for f in data.findings).most_common()
    ]
    failed = [r for r in data.reports if r["status"] != "ok"]
    last = data.runs[-1] if data.runs else None
    runs = f"{len(data.runs)} run(s); last {last['run_id']} ({last['engine']}, {last['workers']} workers)." if last else ""
    shown = data.findings[:max_findings]
    return _PAGE.format(
        store=html.escape(str(data.path)),
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        runs=html.escape(runs),
        cards="".join(f'<div class="card"><b>{html.escape(str(v))}</b>{html.escape(k)}</div>' for k, v in cards),
        plots=figures,
        rule_table=_table(["code", "rule", "family", "findings"], rule_rows),
        n_failed=len(failed),
        failed_table=_table(["path", "status", "error"], [[r["path"], r["status"], r["error"]] for r in failed[:200]]),
        n_shown=len(shown),
        n_findings=len(data.findings),
        finding_table=_table(
            ["path", "agency", "year", "scope", "code", "severity", "message", "cells"],
            [[f["path"], f["agency"], f["year"], f["scope"], f["code"], f["severity"], f["message"], " ".join(f["cells"] or [])] for f in shown],
        ),
    )


def write_html(data: StoreData, out: str | Path) -> None:
    Path(out).write_text(render_html(data), encoding="utf-8")
