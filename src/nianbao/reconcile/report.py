"""Findings out: a CSV for spreadsheets and a self-contained HTML page for reviewers.

Both read only ReportResult / Finding objects (and their evidence), so a
review app can show the two sides of each finding without re-parsing.
All report text is escaped (jinja2 autoescape; highlights are built from
escaped pieces).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from markupsafe import Markup, escape

from ..model import Finding, ReportResult

CSV_COLUMNS = (
    "source", "agency", "year", "layout", "code", "rule", "family", "severity", "message",
    "expected", "found", "cells", "cell_values", "claims", "paragraph",
)


def _rows(results: Iterable[ReportResult], corpus_findings: Iterable[tuple[str, Finding]] = ()):
    results = list(results)
    by_source = {r.source: r for r in results}
    for r in results:
        for f in r.findings:
            yield r, f
    for source, f in corpus_findings:
        yield by_source.get(source) or ReportResult(source=source), f


def findings_to_csv(
    results: Iterable[ReportResult], path: str | Path, corpus_findings: Iterable[tuple[str, Finding]] = ()
) -> int:
    """Write one row per finding (UTF-8 with BOM so Excel shows the Chinese); returns the row count."""
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for r, f in _rows(results, corpus_findings):
            cells = f.evidence.get("cells", [])
            claims = f.evidence.get("claims", [])
            para = f.evidence.get("paragraph") or {}
            writer.writerow(
                {
                    "source": r.source,
                    "agency": r.agency or "",
                    "year": r.year or "",
                    "layout": r.layout,
                    "code": f.code,
                    "rule": f.rule,
                    "family": f.family,
                    "severity": f.severity,
                    "message": f.message,
                    "expected": "" if f.expected is None else f.expected,
                    "found": "" if f.found is None else f.found,
                    "cells": ";".join(f.cells),
                    "cell_values": ";".join(f"{c['ref']}={c.get('raw') if c.get('raw') else c.get('value')}" for c in cells),
                    "claims": " | ".join(c["text"] for c in claims),
                    "paragraph": para.get("text", "") or (claims[0].get("paragraph_text", "") if claims else ""),
                }
            )
            n += 1
    return n


def _prov_text(prov: dict[str, Any] | None) -> str:
    if not prov:
        return ""
    bits = []
    if prov.get("page") is not None:
        bits.append(f"第 {prov['page']} 页")
    if prov.get("table") is not None:
        bits.append(f"表块 {prov['table']} 行 {prov.get('row')} 列 {prov.get('col')}")
    if prov.get("start") is not None:
        bits.append(f"字符 {prov['start']}–{prov.get('end')}")
    return "，".join(bits)


def _highlight(text: str, needle: str | None) -> Markup:
    """Escaped paragraph text with the claim marked."""
    if not text:
        return Markup("")
    at = text.find(needle) if needle else -1
    if at < 0:
        return escape(text)
    return escape(text[:at]) + Markup("<mark>") + escape(needle) + Markup("</mark>") + escape(text[at + len(needle):])


_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>nianbao 检查结果</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4}.sev{font-weight:bold;border-radius:3px;padding:0 .4em;color:#fff}
.error{background:#c62828}.warning{background:#ef6c00}.info{background:#1565c0}
.meta{color:#555}.small{font-size:.85em;color:#555}mark{background:#fff59d}
.ev{margin:.2em 0}.ok{color:#2e7d32}
</style></head><body>
<h1>nianbao 检查结果</h1>
<p class="meta">{{ results|length }} 份报告，{{ total }} 条发现
{% for sev, n in counts %}· <span class="sev {{ sev }}">{{ sev }}</span> {{ n }} {% endfor %}</p>
{% for r in reports %}
<h2>{{ r.source }}</h2>
<p class="meta">机关 {{ r.agency or "?" }} · 年度 {{ r.year or "?" }} · 格式 {{ r.layout }}
{% if r.messages %}<br>{% for m in r.messages %}{{ m.level }}: {{ m.text }}<br>{% endfor %}{% endif %}</p>
{% if not r.findings %}<p class="ok">未发现问题。</p>{% else %}
<table><tr><th>级别</th><th>规则</th><th>说明</th><th>应为 / 实为</th><th>证据</th></tr>
{% for f in r.findings %}<tr>
<td><span class="sev {{ f.severity }}">{{ f.severity }}</span></td>
<td>{{ f.code }}<br><span class="small">{{ f.rule }}{% if f.family != f.rule %}<br>{{ f.family }}{% endif %}</span></td>
<td>{{ f.message }}</td>
<td>{{ "–" if f.expected is none else f.expected }} / {{ "–" if f.found is none else f.found }}</td>
<td>{% for c in f.named %}<div class="ev"><b><code>{{ c.ref }}</code> = {{ c.raw or c.value }}</b>{% if c.prov %} <span class="small">（{{ c.prov }}）</span>{% endif %}</div>{% endfor %}
{% if f.others %}<details><summary class="small">相关单元格 {{ f.others|length }} 个{% if f.nonzero %}，非零：{% for c in f.nonzero %}<code>{{ c.ref }}</code> = {{ c.raw or c.value }}{% if not loop.last %}；{% endif %}{% endfor %}{% endif %}</summary>
{% for c in f.others %}<div class="ev small"><code>{{ c.ref }}</code> = {{ c.raw or c.value }}{% if c.prov %}（{{ c.prov }}）{% endif %}</div>{% endfor %}</details>{% endif %}
{% for c in f.claims_ev %}<div class="ev">「{{ c.text }}」{% if c.paragraph %}<div class="small">{{ c.paragraph }}</div>{% endif %}</div>{% endfor %}
{% if f.paragraph %}<div class="ev small">{{ f.paragraph }}</div>{% endif %}
{% if f.previous %}<div class="ev small">上一年度：{{ f.previous }}</div>{% endif %}</td>
</tr>{% endfor %}</table>{% endif %}
{% endfor %}
<p class="small">由 nianbao 生成。每条发现列出涉及的表格单元格（原文与位置）和正文语句，供人工核对。</p>
</body></html>
"""


def _finding_view(f: Finding) -> dict[str, Any]:
    ev = f.evidence
    cells_ev = [
        {"ref": c["ref"], "raw": c.get("raw"), "value": c.get("value"), "prov": _prov_text(c.get("prov"))}
        for c in ev.get("cells", [])
    ]
    claims_ev = [
        {"text": c["text"], "paragraph": _highlight(c.get("paragraph_text", ""), c["text"])}
        for c in ev.get("claims", [])
    ]
    para = ev.get("paragraph") or {}
    needle = ev.get("phrase")
    shown = {c.get("paragraph_text") for c in ev.get("claims", [])}
    paragraph = _highlight(para.get("text", ""), needle) if para and para.get("text") not in shown else ""
    previous = ""
    if "previous_source" in ev:
        prev_cells = "，".join(f"{c['ref']} = {c.get('raw') or c.get('value')}" for c in ev.get("previous_cells", []))
        previous = f"{ev['previous_source']}（{ev.get('previous_year')}）{prev_cells}"
    named = [c for c in cells_ev if c["ref"] in f.cells]
    others = [c for c in cells_ev if c["ref"] not in f.cells]
    return dict(
        code=f.code, rule=f.rule, family=f.family, severity=f.severity, message=f.message,
        expected=f.expected, found=f.found, named=named, others=others,
        nonzero=[c for c in others if c["value"]], claims_ev=claims_ev,
        paragraph=paragraph, previous=previous,
    )


def render_html(results: Iterable[ReportResult], corpus_findings: Iterable[tuple[str, Finding]] = ()) -> str:
    """One self-contained HTML page (inline CSS, no scripts) for one file or a whole corpus."""
    results = list(results)
    extra: dict[str, list[Finding]] = {}
    for source, f in corpus_findings:
        extra.setdefault(source, []).append(f)
    reports = []
    for r in results:
        findings = list(r.findings) + extra.pop(r.source, [])
        reports.append(
            dict(
                source=r.source, agency=r.agency, year=r.year, layout=r.layout,
                messages=[m for m in r.messages if m.level == "error"],
                findings=[_finding_view(f) for f in findings],
            )
        )
    for source, findings in extra.items():  # corpus findings for reports not passed in
        reports.append(dict(source=source, agency=None, year=None, layout="?", messages=[],
                            findings=[_finding_view(f) for f in findings]))
    counts = Counter(f["severity"] for r in reports for f in r["findings"])
    from jinja2 import Environment  # late: only --html needs it

    env = Environment(autoescape=True)
    return env.from_string(_TEMPLATE).render(
        results=results,
        reports=reports,
        total=sum(counts.values()),
        counts=[(s, counts[s]) for s in ("error", "warning", "info") if counts[s]],
    )
