"""Generated corpus and the store summary (HTML / CSV / XLSX)."""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

from nianbao.corpus import summary
from nianbao.evaluation.generate import generate_corpus
from nianbao.corpus.run import discover
from nianbao.corpus.store import Store
from nianbao.model import CanonicalTable, Figure, Finding, ReportResult
from nianbao.pipeline import check

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"


def test_generated_variants_keep_tables_consistent(tmp_path: Path) -> None:
    variants = generate_corpus(tmp_path, n=24, seed=3, error_rate=0.3, pdf_rate=0.0, zip_rate=0.2)
    assert len({t.sha256 for t in discover(tmp_path)}) == 24  # all distinct, zip members included
    checked = 0
    for v in variants:
        if "!" in v.path or not v.truth_changes:
            continue
        gold = json.loads((SAMPLES / v.base / "gold.json").read_text("utf-8"))["tables"]["T3"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = check(v.path)
        assert (result.year, result.agency) == (v.year, v.agency)
        got = result.tables["T3"].values()
        for ref, delta in v.truth_changes.items():
            key = ref.split(".", 1)[1]
            extra = v.injected["delta"] if v.injected and key == "granted.natural" else 0
            assert got[key] == gold[key] + delta + extra, (v.path, key)
        families = {f.family for f in result.findings}
        if v.injected:
            assert "t3_row_total" in families
        elif v.base not in ("pingtan-2020-html", "pingtan-2020-txt"):  # 2020 has real T3 errors
            assert not families & {"t3_balance", "t3_row_total", "t3_result_total"}, (v.path, families)
        checked += 1
        if checked == 6:
            break
    assert checked >= 4


def _result(sha: str, agency: str, year: int, findings: list[Finding]) -> ReportResult:
    t3 = CanonicalTable("T3", "2021", {"granted.total": Figure("T3", "granted.total", 5, raw="5")})
    return ReportResult(source=f"{agency}{year}.html", format="html", sha256=sha, agency=agency, year=year,
                        layout="2021", tables={"T3": t3}, findings=findings, version="0.1.0")


def test_summary_html_csv_xlsx(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    f1 = Finding("NB102", "t3_row_total", "t3_row_total", "error", "总计不等于各列之和", 5, 6, cells=["T3.granted.total"])
    f2 = Finding("NB103", "t3_result_total", "t3_result_total", "error", "（七）总计不符", cells=["T3.handled_total.total"])
    with Store(db) as store:
        store.write_results([
            ("a.html", _result("a" * 64, "郑州市金水区司法局", 2022, [f1, f2])),
            ("b.html", _result("b" * 64, "厦门市思明区教育局", 2023, [f1])),
        ])
    data = summary.load(db)
    page = summary.render_html(data)
    assert page.count("<svg") == 5 and "郑州市金水区司法局" in page and "NB102" in page
    # Nothing loaded from outside: no scripts, stylesheets or images by URL.
    assert not re.search(r'(src|href)="https?:|<script|<link', page)

    summary.write_csv(data, tmp_path / "f.csv")
    rows = list(csv.DictReader(open(tmp_path / "f.csv", encoding="utf-8-sig")))
    assert len(rows) == 3 and {r["code"] for r in rows} == {"NB102", "NB103"}
    assert {r["agency_norm"] for r in rows} == {"郑州市金水区司法局", "厦门市思明区教育局"}

    from openpyxl import load_workbook

    summary.write_xlsx(data, tmp_path / "f.xlsx")
    wb = load_workbook(tmp_path / "f.xlsx")
    assert wb.sheetnames == ["findings", "reports", "by rule"]
    assert wb["findings"].max_row == 4 and wb["by rule"]["D2"].value == 2
    assert summary.region_of("郑州市金水区司法局") == "郑州市"


def test_cli_run_and_summary(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nianbao.cli import app

    variants = generate_corpus(tmp_path / "gen", n=6, seed=5, pdf_rate=0.0, zip_rate=0.5)
    manifest = tmp_path / "gen" / "manifest.jsonl"  # zip members listed as "batch_00.zip!region/name"
    assert any("!" in v.path for v in variants)
    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    out = runner.invoke(app, ["run", str(manifest), "--store", str(db), "--workers", "2", "--no-progress"])
    assert out.exit_code == 1, out.output  # every file read; the generated reports carry planted errors
    with Store(db, read_only=True) as store:
        assert sorted(r["path"] for r in store.reports()) == sorted(v.path for v in variants)
    html, table = tmp_path / "s.html", tmp_path / "f.xlsx"
    out = runner.invoke(app, ["summary", "--store", str(db), "--html", str(html), "--xlsx", str(table)])
    assert out.exit_code == 0, out.output
    assert "<svg" in html.read_text("utf-8") and table.stat().st_size > 0
    missing = runner.invoke(app, ["summary", "--store", str(tmp_path / "none.duckdb"), "--html", str(html)])
    assert missing.exit_code == 2 and "nianbao run" in missing.output


def _tick_labels(svg: str, axis: str) -> list[str]:
    """The tick label texts of one axis ("x" or "y") of a matplotlib SVG: each tick group holds
    its label as a <text> (svg.fonttype none) or as a comment before the glyphs."""
    labels = []
    for chunk in re.split(rf'<g id="{axis}tick_\d+">', svg)[1:]:
        m = re.search(r"<text[^>]*>([^<]+)</text>|<!-- (.+?) -->", chunk)
        if m:
            labels.append((m.group(1) or m.group(2)).strip())
    return labels


def test_findings_plots_tick_at_whole_findings(tmp_path: Path) -> None:
    # Two findings of one rule and one of another: matplotlib's default ticks are 0.0, 0.5, 1.0 …
    db = tmp_path / "c.duckdb"
    f1 = Finding("NB102", "t3_row_total", "t3_row_total", "error", "总计不等于各列之和", 5, 6, cells=["T3.granted.total"])
    f2 = Finding("NB103", "t3_result_total", "t3_result_total", "error", "（七）总计不符", cells=["T3.handled_total.total"])
    with Store(db) as store:
        store.write_results([
            ("a" * 64, _result("a" * 64, "平潭综合实验区", 2023, [f1, f2])),
            ("b" * 64, _result("b" * 64, "平潭综合实验区", 2022, [f1])),
        ])
    plots = summary.plots(summary.load(db))
    for name, axis in (("by_rule", "x"), ("by_agency", "x"), ("by_region", "x"), ("by_year", "y"), ("success", "y")):
        ticks = _tick_labels(plots[name], axis)
        assert len(ticks) >= 2, (name, ticks)
        assert all(re.fullmatch(r"[−-]?\d+", t) for t in ticks), (name, ticks)
