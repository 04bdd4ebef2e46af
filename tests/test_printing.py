"""Objects print like the report (issue 16): a finding as the one line a reviewer reads, a claim with
its words, a table as a small grid, a figure with its provenance or its open candidates."""

from __future__ import annotations

from nianbao.model import Figure, format_number, plain_number
from nianbao.pipeline import check

from sample_data import SAMPLES, SEED


def test_a_finding_prints_as_its_review_line():
    result = check(SAMPLES / "pingtan-2020-html" / "source.html", classify=False)
    first = result.findings[0]
    assert str(first).startswith("NB103 error T3.handled_total.natural: expected 26, found 20 — 「自然人」列 （七）总计")
    narrative = next(f for f in result.findings if f.code == "NB203")
    assert str(narrative).startswith("NB203 warning narrative_vs_table: expected 2603, found 2602 — 正文称总数 2602条")


def test_a_claim_prints_its_metric_value_and_words():
    result = check(SEED, classify=False)
    lines = {str(c) for c in result.claims if c.metric != "other"}
    assert "T3.new_received.total = 1 「收到政府信息依申请公开申请 1 件」" in lines


def test_a_table_prints_as_a_grid_in_its_own_order():
    t3 = check(SAMPLES / "pingtan-2023-html" / "source.html", classify=False).tables["T3"]
    lines = str(t3).splitlines()
    assert lines[0].startswith("T3 (2021, grid")
    assert lines[1].split() == ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
    assert lines[2].split() == ["new_received", "80", "1", "0", "0", "0", "0", "81"]
    assert lines[-1].split()[0] == "carried_forward" and len(lines) == 2 + 25


def test_figures_and_numbers_print_as_a_reader_writes_them():
    assert str(Figure("T3", "granted.total", 272.0)) == "T3.granted.total = 272"
    assert str(Figure("T3", "granted.natural", None, candidates=[1, 11])) == "T3.granted.natural = 1/11 (not settled)"
    assert format_number(5949.088667) == "5949.088667" and format_number(None, missing="空") == "空"
    assert plain_number(20.0) == 20 and isinstance(plain_number(20.0), int)
