"""Table mapping onto canonical keys: both layouts, blanks, item numbers, dropped rows."""

from __future__ import annotations

from pathlib import Path

from nianbao.ingest import load
from nianbao.tables import extract_tables, schema
from nianbao.tables.values import read_cell

from sample_data import SEED, sample_gold, sample_source


def test_seed_2021_layout_every_figure_exact():
    ex = extract_tables(load(SEED))
    assert ex.layout == "2021"
    gold = sample_gold("jinshui-sfj-2023-txt")["tables"]
    for table, values in gold.items():
        assert ex.tables[table].values() == values
    # The shifted 不予公开 / 其他处理 rows land on their own keys.
    assert set(ex.tables["T3"].figures) == set(schema.t3_keys("2021"))


def test_2019_layout_detected_with_single_other_row():
    ex = extract_tables(load(sample_source("pingtan-2019-html")))
    assert ex.layout == "2019"
    t3 = ex.tables["T3"]
    assert "other.total" in t3.figures and "other.no_correction.total" not in t3.figures
    assert set(ex.tables["T2"].figures) == set(schema.t2_keys("2019"))
    assert ex.tables["T2"].value("procurement.amount") == sample_gold("pingtan-2019-html")["tables"]["T2"]["procurement.amount"]


def test_item_numbers_and_labels_are_never_figures():
    assert read_cell("1.属于国家秘密").kind == "label"
    assert read_cell("1.").kind == "label"
    assert read_cell("3、").kind == "label"
    assert read_cell("12").value == 12
    assert read_cell("１，２３４").value == 1234
    assert read_cell("75394432.52元").value == 75394432.52
    for blank in ("", "-", "/", "—", "无", " "):
        cv = read_cell(blank)
        assert cv.kind == "blank" and cv.value == 0


def test_dropped_all_zero_rows_are_reported_not_invented(tmp_path: Path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if not any(w in ln for w in ("属于国家秘密", "重复申请", "3.其他"))]
    f = tmp_path / "dropped.txt"
    f.write_text("\n".join(kept), encoding="utf-8")
    ex = extract_tables(load(f))
    t3 = ex.tables["T3"]
    assert set(t3.missing_rows) == {"denied.state_secret", "not_processed.duplicate", "other.other"}
    assert "denied.state_secret.total" not in t3.figures
    assert t3.value("handled_total.total") == 1
    warning = next(m for m in ex.messages if m.code == "t3-missing-rows")
    assert "属于国家秘密" in warning.text


def test_figures_carry_grid_provenance():
    doc = load(sample_source("pingtan-2021-html"))
    t3 = extract_tables(doc).tables["T3"]
    fig = t3.figures["new_received.total"]
    assert fig.value == 70 and fig.prov.table is not None
    cell = doc.blocks[fig.prov.table].rows[fig.prov.row][fig.prov.col]
    assert cell.text == "70"
    assert doc.text[fig.prov.start:fig.prov.end] == "70"


def test_resolve_derived_metrics():
    gold = sample_gold("pingtan-2023-html")["tables"]
    assert schema.resolve_metric("T3.denied.total", gold, "2021") == 5
    assert schema.resolve_metric("T3.granted_or_partial.total", gold, "2021") == 42
    assert schema.resolve_metric("T4.litigation.total", gold, "2021") == 7
    assert schema.resolve_metric("T3.unknown.total", gold, "2021") is None


def test_header_row_ending_in_qita_is_not_the_other_row(tmp_path: Path):
    # A T3 printing （六）其他处理 as one row, whose third header row ends "…其他" beside one empty cell.
    # The seed's T2 prints the 2021 headers, so this is a 2021-layout report with one （六） row (gold.md).
    text = SEED.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith(("2.申请人逾期", "3.其他"))]
    lines = [ln.replace("(六) 其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "(六) 其他处理")
             for ln in lines]
    f = tmp_path / "t3-2019.txt"
    f.write_text("\n".join(lines), encoding="utf-8")
    ex = extract_tables(load(f))
    assert ex.tables["T3"].layout == "2021" and ex.layout == "2021"
    assert "other.total" in ex.tables["T3"].figures and "other.other.total" not in ex.tables["T3"].figures


def test_a_dropped_column_is_placed_by_its_header_and_reported(tmp_path: Path):
    # An agency that printed no 科研机构 column: every row has six figures.
    cols = ["自然人", "商业企业", "社会公益组织", "法律服务机构", "其他", "总计"]
    rows = [("一、本年新收政府信息公开申请数量", [3, 1, 0, 0, 1, 5]),
            ("二、上年结转政府信息公开申请数量", [0, 0, 0, 0, 0, 0]),
            ("（一）予以公开", [2, 1, 0, 0, 1, 4]),
            ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [1, 0, 0, 0, 0, 1]),
            ("（七）总计", [3, 1, 0, 0, 1, 5]),
            ("四、结转下年度继续办理", [0, 0, 0, 0, 0, 0])]
    head = "<tr><td rowspan=2>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>" \
           "<td colspan=6>申请人情况</td></tr><tr>" + "".join(f"<td>{c}</td>" for c in cols) + "</tr>"
    body = "".join(f"<tr><td>{label}</td>" + "".join(f"<td>{v}</td>" for v in vals) + "</tr>" for label, vals in rows)
    f = tmp_path / "no-research.html"
    f.write_text("<html><body><div><p>某局2023年政府信息公开工作年度报告</p><p>三、收到和处理政府信息公开申请情况</p>"
                 f"<table>{head}{body}</table></div></body></html>", encoding="utf-8")
    ex = extract_tables(load(f))
    t3 = ex.tables["T3"]
    assert t3.missing_columns == ["research"]
    assert "new_received.research" not in t3.figures
    assert t3.value("new_received.natural") == 3 and t3.value("new_received.social") == 0
    assert t3.value("new_received.other_org") == 1 and t3.value("new_received.total") == 5
    assert t3.value("granted.commercial") == 1 and t3.value("handled_total.total") == 5
    assert any(m.code == "t3-missing-columns" and "科研机构" in m.text for m in ex.messages)
