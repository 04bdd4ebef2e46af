"""CSV and HTML output of findings, evidence included, report text escaped."""

import csv
from pathlib import Path

from nianbao.model import Paragraph
from nianbao.reconcile import reconcile, reconcile_corpus
from nianbao.evaluation.findings import result_from_gold
from nianbao.reconcile.report import findings_to_csv, render_html

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"


def checked(name):
    r = result_from_gold(SAMPLES / name)
    r.findings = reconcile(r)
    return r


def test_csv_has_one_row_per_finding_with_cells_and_claims(tmp_path):
    results = [checked("pingtan-2020-html"), checked("pingtan-2023-html")]
    path = tmp_path / "findings.csv"
    assert findings_to_csv(results, path) == 3
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert [r["code"] for r in rows] == ["NB103", "NB103", "NB203"]
    assert rows[0]["cells"] == "T3.handled_total.natural"
    assert "T3.granted.natural=6" in rows[0]["cell_values"]
    assert rows[2]["claims"] == "共公布政府信息2602条"
    assert "其他应主动公开政府信息1053条" in rows[2]["paragraph"]


def test_csv_includes_corpus_findings(tmp_path):
    previous, current = checked("pingtan-2020-html"), checked("pingtan-2021-html")
    current.tables["T3"].figures["carried_over.total"].value = 2
    corpus = reconcile_corpus([previous, current])
    path = tmp_path / "all.csv"
    assert findings_to_csv([previous, current], path, corpus) == 4
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert rows[-1]["code"] == "NB601" and rows[-1]["source"] == current.source


def test_html_shows_both_sides_and_escapes_report_text():
    r = result_from_gold(SAMPLES / "pingtan-2023-html")
    r.paragraphs.append(Paragraph(text="<script>alert(1)</script>行政复议案件2件，均获维持。", part=1,
                                  index=len(r.paragraphs)))
    r.findings = reconcile(r)
    page = render_html([r, checked("pingtan-2020-html")])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "NB204" in page and "<mark>均获维持</mark>" in page
    assert "T3.handled_total.natural" in page and "NB103" in page
    assert page.startswith("<!DOCTYPE html>") and "<link" not in page  # self-contained
    assert "未发现问题" in render_html([checked("pingtan-2025-html")])


def test_findings_serialise_with_their_evidence():
    import json

    from nianbao.model import ReportResult

    r = checked("pingtan-2020-html")
    back = ReportResult.from_json(r.to_json())
    assert [(f.code, f.cells, f.evidence) for f in back.findings] == [
        (f.code, f.cells, json.loads(json.dumps(f.evidence))) for f in r.findings]
