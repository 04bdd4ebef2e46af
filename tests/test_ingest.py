"""Loaders: TXT encodings, HTML body and grids, DOCX merged cells, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nianbao.errors import IngestError
from nianbao.ingest import load
from nianbao.tables import extract_tables

from sample_data import SEED, sample_gold, sample_source


def _t3(doc):
    return extract_tables(doc).tables["T3"].values()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_txt_encodings_give_the_same_tables(tmp_path: Path, encoding: str):
    text = SEED.read_text(encoding="utf-8")
    f = tmp_path / f"seed-{encoding}.txt"
    f.write_bytes(text.encode(encoding))
    doc = load(f)
    assert "金水区司法局" in doc.text
    t3 = _t3(doc)
    assert t3["new_received.total"] == 1 and t3["granted.total"] == 1 and t3["handled_total.total"] == 1
    assert doc.text[doc.blocks[1].prov.start:doc.blocks[1].prov.end] == doc.blocks[1].text


def test_txt_cells_keep_their_character_span():
    doc = load(SEED)
    t3 = extract_tables(doc).tables["T3"]
    fig = t3.figures["new_received.natural"]
    assert doc.text[fig.prov.start:fig.prov.end] == "1"
    assert "本年新收" in doc.text[doc.text.rfind("\n", 0, fig.prov.start):fig.prov.start]


def test_pipe_separated_table(tmp_path: Path):
    lines = SEED.read_text(encoding="utf-8").replace("\t", " | ")
    f = tmp_path / "pipes.txt"
    f.write_text(lines, encoding="utf-8")
    t3 = _t3(load(f))
    assert t3["new_received.total"] == 1 and t3["carried_forward.total"] == 0


def test_html_body_skips_portal_and_scripts():
    doc = load(sample_source("pingtan-2023-html"))
    assert doc.format == "html"
    assert "function" not in doc.text and "<script" not in doc.text
    # The body starts with the report, not the portal's menus.
    assert doc.blocks[0].text.startswith("本报告根据")
    assert len(doc.tables) == 3


def test_html_rowspan_colspan_expanded():
    doc = load(sample_source("pingtan-2021-html"))
    t3_block = doc.tables[1][1]
    widths = {len(r) for r in t3_block.rows}
    assert len(widths) == 1, "every grid row has the same width"
    copies = [c for r in t3_block.rows for c in r if not c.origin]
    assert copies, "merged cells are repeated over their span"


HOSTILE_HTML = """<html><head><meta charset="gbk"><title>某某局2022年政府信息公开工作年度报告</title>
<script>document.write('<p>一、总体情况 假的</p>')</script><style>p{color:red}</style></head>
<body><div class="nav"><a href="/">首页</a> | <a href="/a">政务公开</a> | <a href="/b">主动公开政府信息</a> | <a href="/c">依申请公开</a></div>
<div class="article"><p>某某局2022年政府信息公开工作年度报告</p><p>一、总体情况</p>
<p><span>全年共收到</span><span>政府信息公开申请</span><span>1</span><span>2</span><span>件。</span></p>
<p>三、收到和处理政府信息公开申请情况</p>
<table><tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>１０</td><td>&nbsp;2</td><td>-</td><td>/</td><td>无</td><td><span>0</span></td><td><span>1</span><span>2</span></td></tr>
<tr><td colspan="3">二、上年结转政府信息公开申请数量</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>10<br></td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>12</td></tr>
<tr><td colspan="2">（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td colspan="2">（七）总计</td><td>10</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>12</td></tr>
<tr><td colspan="3">四、结转下年度继续办理</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
</table></div><div class="footer">版权所有 <a href="/d">主动公开</a> <a href="/e">依申请公开</a> <a href="/f">行政复议</a></div></body></html>"""


def test_gbk_html_with_spans_fullwidth_and_blank_marks(tmp_path: Path):
    f = tmp_path / "report.html"
    f.write_bytes(HOSTILE_HTML.encode("gbk"))
    doc = load(f)
    assert doc.meta["encoding"] == "gb18030"
    assert "全年共收到政府信息公开申请12件。" in doc.text, "a figure split over spans is joined"
    assert "假的" not in doc.text and "版权所有" not in doc.text
    ex = extract_tables(doc)
    t3 = ex.tables["T3"]
    assert t3.value("new_received.natural") == 10, "full-width digits"
    assert t3.value("new_received.commercial") == 2, "&nbsp; before a figure"
    for key in ("research", "social", "legal"):
        fig = t3.figures[f"new_received.{key}"]
        assert fig.value == 0 and fig.blank, f"'{fig.raw}' reads as a blank 0"
    assert not t3.figures["new_received.other_org"].blank
    assert t3.value("new_received.total") == 12
    assert t3.value("granted.natural") == 10
    # The report kept only some rows: the rest are reported, not invented.
    assert "denied.state_secret" in t3.missing_rows and "denied.state_secret.total" not in t3.figures
    assert any(m.code == "t3-missing-rows" for m in ex.messages)


def test_docx_with_merged_cells(tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_paragraph("某某局2023年政府信息公开工作年度报告")
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table = d.add_table(rows=4, cols=15)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "行政复议"
    table.cell(0, 5).merge(table.cell(0, 14)).text = "行政诉讼"
    table.cell(1, 5).merge(table.cell(1, 9)).text = "未经复议直接起诉"
    table.cell(1, 10).merge(table.cell(1, 14)).text = "复议后起诉"
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for i in range(5):
        table.cell(1, i).merge(table.cell(2, i)).text = heads[i]
        table.cell(2, 5 + i).text = heads[i]
        table.cell(2, 10 + i).text = heads[i]
    values = [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]
    for i, v in enumerate(values):
        table.cell(3, i).text = str(v)
    f = tmp_path / "r.docx"
    d.save(f)
    doc = load(f)
    assert doc.format == "docx"
    t4 = extract_tables(doc).tables["T4"]
    assert t4.value("review.total") == 3 and t4.value("litigation_direct.total") == 12
    fig = t4.figures["review.other"]
    assert doc.text[fig.prov.start:fig.prov.end] == "2"


def test_doc_without_libreoffice_says_how_to_convert(tmp_path: Path, monkeypatch):
    f = tmp_path / "old.doc"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(IngestError, match="LibreOffice"):
        load(f)


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.txt", b"", "empty"),
        ("blank.html", b"   \n\n ", "empty"),
        ("junk.html", bytes(range(256)) * 40, "binary|not readable|cannot decode"),
        ("junk.txt", b"\x00\x01\x02\x03" * 500, "binary"),
    ],
)
def test_bad_input_raises_a_clear_error(tmp_path: Path, name: str, data: bytes, message: str):
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(IngestError, match=message):
        load(f)


def test_html_without_tables_loads_with_no_tables(tmp_path: Path):
    f = tmp_path / "notables.html"
    f.write_text("<html><body><div><p>某局2023年政府信息公开工作年度报告</p><p>一、总体情况</p>"
                 "<p>本年度主动公开政府信息10条。</p></div></body></html>", encoding="utf-8")
    doc = load(f)
    ex = extract_tables(doc)
    assert ex.tables == {} and any(m.code == "no-tables" for m in ex.messages)


def test_truncated_table_reads_what_is_there(tmp_path: Path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    cut = next(i for i, ln in enumerate(lines) if "属于国家秘密" in ln)
    f = tmp_path / "truncated.txt"
    f.write_text("\n".join(lines[: cut + 2]), encoding="utf-8")
    ex = extract_tables(load(f))
    t3 = ex.tables["T3"]
    assert t3.value("new_received.total") == 1
    assert "handled_total" in t3.missing_rows
    assert "T4" not in ex.tables and any(m.code == "tables-missing" for m in ex.messages)


def test_html_gold_figures_match_on_every_sample():
    for name in ("pingtan-2019-html", "pingtan-2020-html", "pingtan-2021-html", "pingtan-2023-html", "pingtan-2025-html"):
        ex = extract_tables(load(sample_source(name)))
        gold = sample_gold(name)["tables"]
        for table, values in gold.items():
            got = ex.tables[table].values()
            assert got == values, f"{name} {table}"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_doc_converted_with_libreoffice(tmp_path: Path):
    import subprocess

    import docx

    d = docx.Document()
    d.add_paragraph("某某局2023年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本年度共收到政府信息公开申请5件。")
    src = tmp_path / "r.docx"
    d.save(src)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/p", "--convert-to", "doc",
                    "--outdir", str(tmp_path / "out"), str(src)], check=True, capture_output=True, timeout=180)
    doc = load(tmp_path / "out" / "r.doc")
    assert doc.format == "doc"
    assert "本年度共收到政府信息公开申请5件。" in doc.text


def test_huge_file_is_refused_without_reading(tmp_path: Path, monkeypatch):
    from nianbao import pipeline

    f = tmp_path / "big.txt"
    f.write_bytes(SEED.read_bytes())
    r = pipeline.check(f, classify=False, max_file_mb=100 / 2**20)
    assert not r.ok and r.messages[0].code == "too-large"
