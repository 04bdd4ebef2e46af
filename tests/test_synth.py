"""The test-data maker: synthetic truth is consistent, tables look like the templates,
and `nianbao synth` writes PDFs with their truth."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.synth import random_report, random_truth, score_values
from nianbao.synth.render import expand, report_html
from nianbao.tables.schema import T3_COLUMNS, t2_keys, t3_keys, t3_rows, t4_keys


@pytest.mark.parametrize("layout", ["2021", "2019"])
def test_random_truth_has_every_key_and_obeys_the_arithmetic(layout):
    import random

    for seed in range(20):
        truth = random_truth(random.Random(seed), layout)
        t3, t4 = truth["T3"], truth["T4"]
        assert set(t3) == set(t3_keys(layout)) and set(t4) == set(t4_keys()) and set(truth["T2"]) == set(t2_keys(layout))
        results = [r.key for r in t3_rows(layout)][2:-2]  # （一） … （六）, without （七）总计
        for col in T3_COLUMNS:
            assert t3[f"new_received.{col}"] + t3[f"carried_over.{col}"] == t3[f"handled_total.{col}"] + t3[f"carried_forward.{col}"]
            assert t3[f"handled_total.{col}"] == sum(t3[f"{r}.{col}"] for r in results)
        for row in {k.rsplit(".", 1)[0] for k in t3}:
            assert t3[f"{row}.total"] == sum(t3[f"{row}.{c}"] for c in T3_COLUMNS[:-1])
        for g in ("review", "litigation_direct", "litigation_after_review"):
            assert t4[f"{g}.total"] == sum(t4[f"{g}.{c}"] for c in ("upheld", "corrected", "other", "pending"))


def test_t3_table_has_the_template_shape():
    report = random_report(3, "2021")
    t3 = next(i for i in report.items if i.name == "T3")
    grid, spans = expand(t3.table)
    assert len(grid[0]) == 10 and len(grid) == 3 + 25  # 3 header rows, 25 rows of figures
    assert (0, 0, 2, 2) in spans  # the corner cell spans 3 x 3
    assert grid[3][0] == "一、本年新收政府信息公开申请数量" and grid[-1][0] == "四、结转下年度继续办理"
    html = report_html(report, ruled=False, split_t3=True)
    assert "border: none" in html and "break-before: page" in html


def test_score_values_counts_exact_cells():
    truth = {"T4": {"review.total": 3, "review.upheld": 1}}
    s = score_values(truth, {"T4": {"review.total": 3, "review.upheld": 2}})
    assert (s.correct, s.total, s.wrong) == (1, 2, [("T4.review.upheld", 1, 2)])


def test_synth_command_writes_pdfs_with_truth(tmp_path):
    result = CliRunner().invoke(app, ["synth", "-o", str(tmp_path), "-n", "1", "-m", "reportlab-cid"])
    assert result.exit_code == 0, result.output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert [p.name for p in pdfs] == ["synth-2021-1-reportlab-cid-borderless.pdf", "synth-2021-1-reportlab-cid-ruled.pdf"]
    gold = json.loads(pdfs[1].with_suffix("").with_suffix(".gold.json").read_text(encoding="utf-8"))
    assert gold["tables"] == random_report(1, "2021").truth
    assert pdfs[1].read_bytes().startswith(b"%PDF")


def test_synth_command_rejects_unknown_maker(tmp_path):
    result = CliRunner().invoke(app, ["synth", "-o", str(tmp_path), "-m", "word"])
    assert result.exit_code == 2 and "unknown PDF maker" in result.output
