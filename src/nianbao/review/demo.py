"""A review store built from the labelled sample reports (for tests, screenshots, demos).

Until the pipeline finds these inconsistencies by itself, the findings come
from the reviewers' gold labels: the real text, figures and confirmed
inconsistencies of ``corpus/samples/*`` become ``ReportResult``s with
findings carrying evidence as ``nianbao.reconcile`` does (claim span and
paragraph, cells with provenance), written with the corpus store API.

Also here: ``render_table_pdf`` lays a report's real T3 figures out as a PDF
page (reportlab), recording each cell's bounding box, so the app's PDF view
can be exercised without shipping a PDF sample.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..model import CanonicalTable, Claim, Figure, Finding, Paragraph, Provenance, ReportResult
from ..tables.schema import T3_COLUMN_LABELS, T3_COLUMNS, resolve_metric, t3_derived, t3_rows

# The reconcile catalog's code for each family's main rule.
FAMILY_CODES = {
    "t3_balance": "NB101",
    "t3_row_total": "NB102",
    "t3_result_total": "NB103",
    "t4_group_total": "NB104",
    "narrative_vs_table": "NB201",
    "missing": "NB301",
    "percentage": "NB401",
    "cross_year": "NB601",
}
LABEL_PARTS = {"preamble": 0, "overview": 1, "proactive": 1, "on_request": 1, "management": 1, "problem": 5, "measure": 5, "other": 6}
_SENTENCE_END = "。；;！!？?\n"


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _source(folder: Path) -> Path:
    for name in ("source.txt", "source.html", "source.pdf", "source.docx"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{folder} holds no source.* file")


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding text[start:end] (from the previous 。 to the next)."""
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return left, right


def result_from_gold(folder: Path) -> ReportResult:
    """A ReportResult holding a labelled sample's gold reading and findings."""
    source = _source(folder)
    data = source.read_bytes()
    text = data.decode("utf-8", errors="replace")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    layout = meta.get("layout", "unknown")
    result = ReportResult(
        source=str(source),
        format=source.suffix.lstrip("."),
        sha256=hashlib.sha256(data).hexdigest(),
        agency=meta.get("agency"),
        year=meta.get("year"),
        layout=layout,
        title=f"{meta.get('agency')} {meta.get('year')}年政府信息公开工作年度报告",
        version="review-demo",
    )
    blanks = set(gold.get("blank_cells", []))
    for name, values in gold.get("tables", {}).items():
        table = CanonicalTable(name=name, layout=layout, method="gold")
        for key, value in values.items():
            table.figures[key] = Figure(name, key, value, raw=str(value), blank=f"{name}.{key}" in blanks)
        result.tables[name] = table

    def add_paragraph(ptext: str, label: str | None) -> int:
        start = text.find(ptext)
        prov = Provenance(start=start, end=start + len(ptext)) if start >= 0 else Provenance()
        result.paragraphs.append(Paragraph(ptext, LABEL_PARTS.get(label or "", 1), len(result.paragraphs), prov, label=label))
        return len(result.paragraphs) - 1

    for p in gold.get("paragraphs", []):
        add_paragraph(p["text"], p.get("label"))
    for c in gold.get("claims", []):
        para = next((p.index for p in result.paragraphs if c["text"] in p.text), None)
        start = text.find(c["text"])
        if para is None and start >= 0:
            left, right = _sentence_around(text, start, start + len(c["text"]))
            para = add_paragraph(text[left:right].strip(), None)
        prov = Provenance(start=start, end=start + len(c["text"])) if start >= 0 else Provenance()
        result.claims.append(
            Claim(c["text"], c["value"], c["metric"], qualifier="approx" if c.get("approx") else "exact", paragraph=para, prov=prov)
        )
    result.findings = [_finding(result, g) for g in gold.get("findings", [])]
    return result


def _values(result: ReportResult) -> dict[str, dict[str, Any]]:
    return {name: t.values() for name, t in result.tables.items()}


def _finding(result: ReportResult, gold: dict[str, Any]) -> Finding:
    """A finding as reconcile would report the gold one: expected, found, evidence."""
    family = gold["rule"]
    cells = list(gold.get("cells", []))
    values = _values(result)
    expected = found = None
    message = gold.get("note", "")
    evidence: dict[str, Any] = {"note": gold.get("note", ""), "source": "gold label"}
    if cells and family == "t3_result_total":
        _, _, key = cells[0].partition(".")
        col = key.rpartition(".")[2]
        rows = ["granted", "partial"] + [r for part in ("denied", "unable", "not_processed", "other") for r in t3_derived(result.layout)[part]]
        parts = {f"T3.{r}.{col}": values["T3"].get(f"{r}.{col}") for r in rows}
        expected = sum(v for v in parts.values() if v)
        found = values["T3"].get(key)
        message = f"三（七）总计（{T3_COLUMN_LABELS.get(col, col)}列）为{_number(found)}，各办理结果之和为{_number(expected)}"
        evidence["cells"] = [
            {"ref": ref, "value": v, "prov": {}} for ref, v in parts.items() if v
        ] + [{"ref": cells[0], "value": found, "prov": {}}]
    claims: list[int] = []
    if family == "narrative_vs_table":
        note = gold.get("note", "")
        claim_index = next((i for i, c in enumerate(result.claims) if c.text in note), None)
        if claim_index is not None:
            claims = [claim_index]
            claim = result.claims[claim_index]
            found = claim.value
            table_value = resolve_metric(claim.metric, values, result.layout)
            stated_sum = re.search(r"sum to (\d+)", note)
            expected = table_value if table_value is not None else (int(stated_sum.group(1)) if stated_sum else None)
            paragraph = result.paragraphs[claim.paragraph] if claim.paragraph is not None else None
            message = f"叙述称“{claim.text}”，但分项合计为{_number(expected)}"
            evidence.update(
                claim={"text": claim.text, "start": claim.prov.start, "end": claim.prov.end},
                paragraph=paragraph.text if paragraph else None,
            )
    return Finding(
        FAMILY_CODES.get(family, "NB999"), family, family, "error", message, expected, found, cells, claims, evidence
    )


def hostile_result(base: ReportResult) -> ReportResult:
    """A copy of a real report whose text tries to run script in the reviewer's browser."""
    attack = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">"\'><svg onload=window.__xss=3>'
    result = ReportResult.from_dict(base.to_dict())
    result.agency = f"金水区司法局{attack}"
    result.sha256 = hashlib.sha256((base.sha256 + "hostile").encode()).hexdigest()
    result.source = base.source + "#hostile"
    text = f"本年度共收到政府信息公开申请 1 件{attack}，" + '"onerror=alert(1) 办结 1 件。'
    result.paragraphs.append(Paragraph(text, 1, len(result.paragraphs), Provenance(), label="on_request"))
    result.claims.append(Claim("收到政府信息公开申请 1 件", 1, "T3.new_received.total", paragraph=len(result.paragraphs) - 1))
    result.findings = [
        Finding(
            "NB201", f"narrative_vs_table{attack}", "narrative_vs_table", "error",
            f"叙述与表格不一致{attack}", 2, 1, ["T3.new_received.total"], [len(result.claims) - 1],
            {"note": attack, "cells": [{"ref": "T3.new_received.total", "raw": attack}]},
        )
    ]
    result.tables["T3"].figures["new_received.total"].raw = f"1{attack}"
    return result


# ---- a PDF page holding a report's T3 table -------------------------------
def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path in ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",):
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont("ReviewCJK", path, subfontIndex=0))
            return "ReviewCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def render_table_pdf(result: ReportResult, out: Path) -> ReportResult:
    """Write ``result``'s T3 table (and its first claim's sentence) as a one-page PDF.

    Returns a copy of the result as a PDF report: format pdf, source ``out``,
    sha256 of the PDF, and every T3 figure's provenance set to page 1 and its
    cell's bbox (x0, top, x1, bottom; points from the top left).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _cjk_font()
    width, height = A4
    pdf = canvas.Canvas(str(out), pagesize=A4)
    pdf.setTitle(result.title or "report")
    copy = ReportResult.from_dict(result.to_dict())
    pdf.setFont(font, 13)
    pdf.drawString(50, height - 50, (result.title or "")[:40])
    top = 80.0
    pdf.setFont(font, 8.5)
    shown: set[int] = set()
    for claim in copy.claims[:2]:
        if claim.paragraph is None or claim.paragraph in shown:
            continue
        shown.add(claim.paragraph)
        sentence = copy.paragraphs[claim.paragraph].text
        line_chars = 60
        for i in range(0, min(len(sentence), line_chars * 3), line_chars):
            top += 13
            pdf.drawString(50, height - top, sentence[i : i + line_chars])
        claim.prov = Provenance(page=1)
        top += 6
    pdf.setFont(font, 10)
    top += 20
    pdf.drawString(50, height - top, "三、收到和处理政府信息公开申请情况")
    top += 10
    label_w, col_w, row_h, x0 = 215.0, 42.0, 15.0, 40.0
    headers = ["自然人", "商业企业", "科研机构", "社会公益", "法律服务", "其他", "总计"]
    pdf.setFont(font, 7.5)
    pdf.rect(x0, height - top - row_h, label_w + col_w * 7, row_h)
    for i, h in enumerate(headers):
        pdf.drawCentredString(x0 + label_w + col_w * (i + 0.5), height - top - row_h + 4.5, h)
    top += row_h
    t3 = copy.tables["T3"]
    for spec in t3_rows(copy.layout):
        y = height - top - row_h
        pdf.rect(x0, y, label_w, row_h)
        pdf.drawString(x0 + 3, y + 4.5, spec.label[:30])
        for i, col in enumerate(T3_COLUMNS):
            fig = t3.figures.get(f"{spec.key}.{col}")
            cx0 = x0 + label_w + col_w * i
            pdf.rect(cx0, y, col_w, row_h)
            if fig is None:
                continue
            pdf.drawCentredString(cx0 + col_w / 2, y + 4.5, fig.raw or str(_number(fig.value)))
            fig.prov = Provenance(page=1, bbox=(cx0, top, cx0 + col_w, top + row_h))
        top += row_h
    pdf.showPage()
    pdf.save()
    data = out.read_bytes()
    copy.source, copy.format = str(out), "pdf"
    copy.sha256 = hashlib.sha256(data).hexdigest()
    copy.title = (copy.title or "") + "（PDF）"
    for finding in copy.findings:
        for item in finding.evidence.get("cells", []) if isinstance(finding.evidence.get("cells"), list) else []:
            fig = copy.figure(item["ref"]) if isinstance(item, dict) else None
            if fig is not None:
                item["prov"] = {"page": fig.prov.page, "bbox": list(fig.prov.bbox) if fig.prov.bbox else None}
    return copy


DEFAULT_SAMPLES = (
    "jinshui-sfj-2023-txt",
    "pingtan-2020-html",
    "pingtan-2020-txt",
    "pingtan-2023-html",
)


def sample_result(folder: Path, *, use_pipeline: bool = True) -> ReportResult:
    """The pipeline's result for a labelled sample; the gold reading when the
    pipeline misses findings the gold confirms (or fails on the file)."""
    if use_pipeline:
        from ..pipeline import check

        result = check(_source(folder))
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        if result.ok and (result.findings or not gold.get("findings")):
            return result
    return result_from_gold(folder)


def sample_results(samples: Path, names: list[str] | tuple[str, ...] | None = None, *, use_pipeline: bool = True) -> list[ReportResult]:
    folders = sorted(p for p in samples.iterdir() if (p / "gold.json").is_file())
    if names is not None:
        folders = [f for f in folders if f.name in names]
    return [sample_result(f, use_pipeline=use_pipeline) for f in folders]


def build_demo_store(
    store_path: Path,
    samples: Path,
    *,
    names: list[str] | tuple[str, ...] | None = DEFAULT_SAMPLES,
    pdf_dir: Path | None = None,
    hostile: bool = False,
    use_pipeline: bool = True,
) -> list[ReportResult]:
    """Write sample results (plus a PDF rendering of one report's T3 and, on
    request, a hostile report) to a store; returns what was written."""
    from ..corpus.store import Store

    results = sample_results(samples, names, use_pipeline=use_pipeline)
    extra = []
    if pdf_dir is not None:
        with_cells = [r for r in results if "T3" in r.tables and any(f.cells and f.cells[0].startswith("T3") for f in r.findings)]
        if with_cells:
            pdf_dir.mkdir(parents=True, exist_ok=True)
            extra.append(render_table_pdf(with_cells[0], pdf_dir / "pingtan-2020-table.pdf"))
    if hostile:
        base = next(r for r in results if r.agency and "金水" in r.agency)
        extra.append(hostile_result(base))
    with Store(store_path) as store:
        store.write_results([(r.source, r) for r in results + extra])
    return results + extra


_BUILT: dict[tuple[str, bool], Path] = {}


def cached_demo_store(samples: Path, *, use_pipeline: bool = True) -> Path:
    """Build the demo store (with PDF and hostile report) once per process and
    return its path; callers copy it before writing (tests run the pipeline once)."""
    import tempfile

    key = (str(samples.resolve()), use_pipeline)
    if key not in _BUILT:
        folder = Path(tempfile.mkdtemp(prefix="nianbao-review-demo-"))
        build_demo_store(folder / "demo.duckdb", samples, pdf_dir=folder / "pdf", hostile=True, use_pipeline=use_pipeline)
        _BUILT[key] = folder / "demo.duckdb"
    return _BUILT[key]
