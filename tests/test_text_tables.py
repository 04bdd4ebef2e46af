"""Tables printed as page text by other portals (issue 17): one cell per line, empty cells missing,
repeated lines merged, numbers split over lines, 2021 reports with one （六） row, misprinted labels,
reports cut off mid-table, and the decoder's time budget.

Real excerpts: the 莆田 reports of corpus/putian (their page text merges repeated lines), and the
平潭 HTML reports of corpus/samples printed the way other portals print page text (one cell per line,
every cell or only the filled ones), checked against their hand-written gold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.ingest import load
from nianbao.pipeline import check
from nianbao.tables import extract_tables
from nianbao.tables.decode import GLUED, LINES, MERGED, decode_text_tables
from nianbao.tables.schema import T3_COLUMNS, t3_rows

from sample_data import SAMPLES, sample_gold

PUTIAN = Path(__file__).resolve().parent.parent / "corpus" / "putian"


def page_text(name: str, *, drop_zeros: bool = False, merge: bool = False) -> str:
    """A 平潭 HTML report as another portal's page text: a line per paragraph and per table cell.
    ``drop_zeros``: cells holding 0 are left empty (and print no line); ``merge``: consecutive
    identical lines are merged into one (as the 莆田 page text does)."""
    doc = load(SAMPLES / name / "source.html")
    lines: list[str] = []
    for block in doc.blocks:
        if block.kind != "table":
            lines.append(block.text)
            continue
        for row in block.rows:
            for i, cell in enumerate(row):
                text = cell.text.strip()
                if not cell.origin or not text or (drop_zeros and text == "0" and i > 0):
                    continue
                lines.append(text)
    if merge:
        lines = [ln for k, ln in enumerate(lines) if k == 0 or ln != lines[k - 1]]
    return "\n".join(lines)


def _decoded(text: str, **kw):
    return decode_text_tables(text, narrative="", **kw)


@pytest.mark.parametrize("name", ["pingtan-2021-html", "pingtan-2023-html", "pingtan-2019-html"])
def test_one_cell_per_line_every_cell_printed(name: str):
    # Before, such page text gave no table at all and the report passed with an info line.
    dec = _decoded(page_text(name))
    assert dec.styles["T3"] == LINES and not dec.ambiguous and not dec.broken
    gold = sample_gold(name)["tables"]
    assert {t: dec.tables[t].values() for t in gold} == gold


@pytest.mark.parametrize("name, open_cells", [
    ("pingtan-2023-html", set()),
    # 新收 64|0|0|2|0|4|70 prints 64/0/2/0/4/70: the 2 is 科研机构's or 社会公益组织's, and every row
    # holding it prints the same way, so the columns cannot tell.
    ("pingtan-2021-html", {"new_received.research", "new_received.social"}),
])
def test_repeated_lines_merged(name: str, open_cells: set[str]):
    text = page_text(name, merge=True)
    lines = text.split("\n")
    assert all(a != b for a, b in zip(lines, lines[1:]))
    dec = _decoded(text)
    assert dec.styles["T3"] == MERGED
    gold = sample_gold(name)["tables"]
    for table in ("T3", "T4"):
        for key, want in gold[table].items():
            fig = dec.tables[table].figures[key]
            if fig.candidates:
                assert fig.value is None and want in fig.candidates, key
            else:
                assert fig.value == want, key
    ambiguous = {r.partition(".")[2] for r in dec.ambiguous if r.startswith("T3.")}
    assert open_cells <= ambiguous and not [r for r in dec.ambiguous if r.startswith("T4.")]


def test_empty_cells_missing_are_decoded_by_the_arithmetic_and_the_rest_reported():
    dec = _decoded(page_text("pingtan-2023-html", drop_zeros=True))
    gold = sample_gold("pingtan-2023-html")["tables"]
    t3 = dec.tables["T3"]
    assert dec.styles["T3"] == LINES and not dec.broken
    for key, want in gold["T3"].items():
        fig = t3.figures[key]
        if f"T3.{key}" in dec.ambiguous:
            assert fig.value is None and want in fig.candidates, key
        else:
            assert fig.value == want, key
    # 新收 prints "80 / 1 / 81": the 1 may be any organisation column, and the table cannot tell which.
    assert "T3.new_received.commercial" in dec.ambiguous
    assert t3.value("new_received.total") == 81 and t3.value("handled_total.total") == 81
    assert any(m.code == "flattened-ambiguous" and "新收" in m.text for m in dec.messages)


def test_a_number_split_over_two_lines_is_joined_where_the_row_sums_say_so():
    text = page_text("pingtan-2023-html", merge=True)
    # 本机关不掌握 31 printed "3" / "1": only joined again does its row (31 = 31) hold.
    at = text.index("1.本机关不掌握相关政府信息\n31\n")
    text = text[:at] + text[at:].replace("\n31\n", "\n3\n1\n", 1)
    dec = _decoded(text)
    t3 = dec.tables["T3"]
    assert t3.value("unable.not_held.natural") == 31 and t3.value("unable.not_held.total") == 31
    assert t3.figures["unable.not_held.natural"].raw == "3|1"
    assert not dec.broken


def test_merged_lines_in_a_real_portal_text():
    # 莆田市人民政府 2019: 予以公开 prints 287/24/2/0/1/315 (its two 1s merged: 287+24+2+0+1+1 = 315),
    # 本机关不掌握 140/5/0/1/0/146 (which 0 stands twice only the 法律服务机构 column tells).
    text = (PUTIAN / "putian-ptszf-2019" / "source.txt").read_text(encoding="utf-8")
    dec = _decoded(text)
    assert dec.styles["T3"] == MERGED
    t3 = dec.tables["T3"]
    row = lambda key: [t3.value(f"{key}.{c}") for c in T3_COLUMNS]  # noqa: E731
    assert row("granted") == [287, 24, 2, 0, 1, 1, 315]
    assert row("unable.not_held") == [140, 5, 0, 0, 1, 0, 146]
    assert row("carried_over") == [8, 0, 0, 0, 0, 0, 8]
    assert row("handled_total") == [509, 30, 2, 0, 3, 1, 545]
    assert not [r for r in dec.ambiguous if r.startswith("T3.")] and not dec.broken
    # T4 prints 13 lines for 15 cells: 复议后起诉 1/0/1 is 1,0,0,0,1.
    t4 = dec.tables["T4"]
    assert [t4.value(f"litigation_after_review.{c}") for c in ("upheld", "corrected", "other", "pending", "total")] \
        == [1, 0, 0, 0, 1]
    # Its 2019 T2 prints 2019年项目数量 and 处理决定数量 only: 本年增/减 is absent, not 0.
    t2 = dec.tables["T2"]
    assert t2.value("licensing.previous") == 2876 and t2.value("licensing.decisions") == 123291
    assert "licensing.change" not in t2.figures


def test_a_lone_zero_stands_for_a_whole_row_in_merged_text():
    text = (PUTIAN / "putian-ptkjj-2019" / "source.txt").read_text(encoding="utf-8")
    ex = extract_tables(load(PUTIAN / "putian-ptkjj-2019" / "source.txt"))
    assert ex.status == {"T2": "read", "T3": "read", "T4": "read"}
    assert set(ex.tables["T4"].values().values()) == {0} and len(ex.tables["T4"].figures) == 15
    assert "一、本年度新收" in text  # the label reads 本年度新收, not the template's 本年新收
    assert ex.tables["T3"].value("new_received.total") == 0


def test_rows_printed_without_figures_are_empty_cells():
    # 莆田市文化和旅游局 2019 leaves most T3 rows empty: their labels stand with no line after them.
    dec = _decoded((PUTIAN / "putian-ptwgj-2019" / "source.txt").read_text(encoding="utf-8"))
    t3 = dec.tables["T3"]
    assert len(t3.figures) == len(t3_rows("2019")) * len(T3_COLUMNS)
    assert t3.figures["granted.total"].value == 0 and t3.figures["granted.total"].blank
    assert t3.value("handled_total.total") == 1
    # Who the one request came from the table cannot tell: those cells are ambiguous, not guessed.
    assert t3.figures["new_received.natural"].value is None and t3.figures["new_received.natural"].candidates == [1, 0]


def test_a_2021_report_printing_one_other_row_is_keyed_as_gold_says():
    result = check(SAMPLES / "huaian-hongze-2023-pdf" / "source.pdf", classify=False)
    gold = sample_gold("huaian-hongze-2023-pdf")
    assert result.layout == "2021"
    assert set(result.tables["T3"].figures) == set(gold["tables"]["T3"])
    assert "other.total" in result.tables["T3"].figures and "other.other.total" not in result.tables["T3"].figures
    # the arithmetic runs on the table's own row set: the two real T4 errors, and no T3 finding
    assert sorted((f.code, tuple(f.cells)) for f in result.findings) == [
        ("NB104", ("T4.litigation_after_review.total",)), ("NB104", ("T4.review.total",))]


def test_a_misprinted_label_is_matched_by_position_and_said():
    result = check(SAMPLES / "huaian-hongze-2023-pdf" / "source.pdf", classify=False)
    assert "denied.law_forbidden.total" in result.tables["T3"].figures
    assert any(m.code == "table-label-misprinted" and "2.其他法律行政止公开" in m.text for m in result.messages)
    # the same misprint in page text
    text = (PUTIAN / "putian-ptszf-2019" / "source.txt").read_text(encoding="utf-8")
    text = text.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
    dec = _decoded(text)
    assert dec.tables["T3"].value("denied.law_forbidden.total") == 6
    assert any(m.code == "table-label-misprinted" for m in dec.messages)


def test_a_report_cut_off_mid_table_keeps_its_complete_rows():
    text = (PUTIAN / "putian-ptszf-2019" / "source.txt").read_text(encoding="utf-8")
    cut = text[: text.index("2.没有现成信息需要另行制作")]
    dec = _decoded(cut)
    t3 = dec.tables["T3"]
    assert t3.value("granted.total") == 315 and t3.value("denied.query_item.total") == 12
    assert "handled_total" in t3.missing_rows and "T4" not in dec.tables


def test_the_time_budget_stops_the_search_and_says_so(tmp_path: Path):
    # pingtan-2020's copied text has real printed errors (its result rows over-count （七）): with no
    # time to search, T3 is not read, the file says why, and no arithmetic finding comes from a guess.
    text = (SAMPLES / "pingtan-2020-txt" / "source.txt").read_text(encoding="utf-8")
    dec = decode_text_tables(text, seconds=0.0001)
    assert any(m.code == "flattened-time-budget" for m in dec.messages) and "T3" not in dec.tables
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    result = check(tmp_path / "r.txt", classify=False, decode_seconds=0.0001)
    assert result.status == "partial" and result.table_status["T3"] == "unreadable"
    assert not [f for f in result.findings if f.family.startswith("t3_")]
    assert check(tmp_path / "r.txt", classify=False).table_status["T3"] == "read"


def test_glued_digits_stay_glued():
    dec = _decoded((SAMPLES / "pingtan-2023-txt" / "source.txt").read_text(encoding="utf-8"))
    assert dec.styles["T3"] == GLUED


def test_an_item_number_broken_off_its_label_words():
    # issue 17: labels split over lines ("1." / "属于国家秘密", "3.危及" / "“三安全一稳定”")
    import re

    text = (PUTIAN / "putian-ptszf-2019" / "source.txt").read_text(encoding="utf-8")
    whole = _decoded(text).tables["T3"].values()
    for broken in (re.sub(r"\n(\d)\.([^\n]{2})", r"\n\1.\n\2", text),
                   re.sub(r"(\n\d\.)([\u4e00-\u9fff]{2})([\u4e00-\u9fff])", r"\1\2\n\3", text)):
        assert _decoded(broken).tables["T3"].values() == whole


def test_a_change_written_out_as_zeng_or_jian():
    # 2019 T2 本年增/减 printed "增" / "1" or "减3" instead of "+1" / "-3" (莆田市科技局 2019's rows, so written)
    text = (PUTIAN / "putian-ptkjj-2019" / "source.txt").read_text(encoding="utf-8")
    assert "\n7\n+1\n7\n" in text and "\n-3\n" in text
    t2 = _decoded(text.replace("\n7\n+1\n7\n", "\n7\n增\n1\n7\n").replace("\n-3\n", "\n减3\n")).tables["T2"]
    assert [t2.value(f"other_services.{c}") for c in ("previous", "change", "decisions")] == [7, 1, 7]
    assert [t2.value(f"punishment.{c}") for c in ("previous", "change", "decisions")] == [3, -3, 0]


# ---- a table that breaks its arithmetic under every reading (issues 13/17)

KJJ_2022 = PUTIAN / "putian-ptkjj-2022" / "source.txt"
# （七）总计 of putian-ptkjj-2022 as its page text prints it (2 natural persons, the merged zeros, total 2),
# and the same with the natural persons' figure changed to 0, as benchmarks/plant_tables.py plants it.
KJJ_HANDLED = "（七）总计\n2\n0\n2\n"
KJJ_HANDLED_PLANTED = "（七）总计\n0\n0\n2\n"


def _planted(tmp_path: Path, report: Path, printed: str, planted: str) -> Path:
    """A copy of a real report's page text with one printed passage changed, as benchmarks/plant_tables.py does."""
    text = report.read_text(encoding="utf-8")
    assert text.count(printed) == 1
    path = tmp_path / "source.txt"
    path.write_text(text.replace(printed, planted), encoding="utf-8")
    return path


def _planted_kjj(tmp_path: Path) -> Path:
    return _planted(tmp_path, KJJ_2022, KJJ_HANDLED, KJJ_HANDLED_PLANTED)


def test_a_row_that_adds_up_under_no_reading_is_proved_broken(tmp_path: Path):
    # "0 / 0 / 2" for seven cells, and the copy now prints a line twice in a row, so its lines are not
    # merged: wherever the unprinted cells go, the six applicant cells never sum to the total.  The
    # cells stay open, but the break is certain.
    dec = _decoded(_planted_kjj(tmp_path).read_text(encoding="utf-8"))
    t3 = dec.tables["T3"]
    assert t3.value("handled_total.total") is None  # open: 0 or 2
    [proof] = t3.proven_breaks
    assert (proof.family, proof.where) == ("t3_row_total", "handled_total")
    assert proof.fixed == {"T3.handled_total.natural": 0, "T3.handled_total.commercial": 0}
    assert proof.open["T3.handled_total.total"] == [0, 2] and proof.found is None


def test_a_table_broken_in_every_reading_raises_an_error_finding_on_its_certain_cells(tmp_path: Path):
    # Before, the report printed only the warning "T3 as printed breaks its own arithmetic" and no findings.
    result = check(_planted_kjj(tmp_path), classify=False)
    [finding] = [f for f in result.findings if f.family.startswith(("t3_", "t4_"))]
    assert (finding.code, finding.severity) == ("NB102", "error")
    assert finding.cells == ["T3.handled_total.natural", "T3.handled_total.commercial"]
    assert finding.expected is None and finding.found is None  # the readings disagree on both
    assert "无论按哪种读法" in finding.message and "（0或2）" in finding.message
    assert finding.evidence["broken_in_every_reading"]["open"]["T3.handled_total.total"] == [0, 2]
    # what the tables stage proved travels with the result JSON
    again = type(result).from_json(result.to_json())
    assert again.tables["T3"].proven_breaks == result.tables["T3"].proven_breaks


def test_a_table_with_a_consistent_reading_is_not_proved_broken():
    # The report as printed: its best readings add up, so nothing is proved and nothing is raised.
    result = check(KJJ_2022, classify=False)
    assert not result.tables["T3"].proven_breaks
    assert not [f for f in result.findings if f.family.startswith(("t3_", "t4_"))]


def test_no_proof_from_a_search_that_ran_out_of_time(tmp_path: Path):
    result = check(_planted_kjj(tmp_path), classify=False, decode_seconds=0.0001)
    assert not [f for f in result.findings if f.family.startswith(("t3_", "t4_"))]
    assert all(not t.proven_breaks for t in result.tables.values())


def test_a_row_that_adds_up_only_if_a_line_stands_for_two_cells_is_proved_broken_only_without_merging():
    # putian-ptszf-2019's （一）予以公开 prints 6 lines for 7 cells: 287+24+2+0+1 = 314, not 315, unless
    # the "1" stands for two cells (a merged repeat).  While the text may merge lines that reading
    # counts and nothing is proved; in text that prints a line twice in a row it is ruled out.
    from nianbao.tables.decode.proof import prove_breaks
    from nianbao.tables.decode.readings import T3_SHAPE, every_line_reading
    from nianbao.tables.decode.tokens import line_tokens, may_merge
    from nianbao.tables.schema import t3_equations

    text = (PUTIAN / "putian-ptszf-2019" / "source.txt").read_text(encoding="utf-8")
    assert may_merge(text) and "予以公开\n287\n24\n2\n0\n1\n315\n" in text
    tokens = line_tokens("287\n24\n2\n0\n1\n315", 0, False)
    [row_total] = [e for e in t3_equations(t3_rows("2019")) if e.family == "t3_row_total" and e.where == "granted"]

    def proofs(merged: bool):
        readings, complete = every_line_reading(tokens, T3_SHAPE, merged=merged)
        assert complete
        return prove_breaks([row_total], {"granted": readings},
                            lambda ref: (ref.split(".")[1], T3_COLUMNS.index(ref.split(".")[2])))

    assert proofs(merged=True) == []
    [proof] = proofs(merged=False)
    # a number split over two lines ("287" / "24" as 28724) is one of the readings tried, so no cell is fixed
    assert (proof.where, proof.fixed, proof.found) == ("granted", {}, None) and 315 in proof.open["T3.granted.total"]


SZF_2019 = PUTIAN / "putian-ptszf-2019" / "source.txt"


def _planted_szf(tmp_path: Path, printed: str, planted: str) -> Path:
    return _planted(tmp_path, SZF_2019, printed, planted)


def test_equations_that_no_reading_satisfies_together_are_one_finding(tmp_path: Path):
    # putian-ptszf-2019 (merged page text) with （一）予以公开's research figure 2 changed to 3, as the
    # benchmark plants it: 287+24+3+0+1 = 315 still keeps the row, and each column equation holds in
    # some reading, but moving a figure to mend one column breaks another: no reading satisfies them all.
    path = _planted_szf(tmp_path, "予以公开\n287\n24\n2\n0\n1\n315\n", "予以公开\n287\n24\n3\n0\n1\n315\n")
    result = check(path, classify=False)
    [proof] = result.tables["T3"].proven_breaks
    together = {(proof.family, proof.where)} | {(o["family"], o["where"]) for o in proof.others}
    assert {("t3_result_total", "research"), ("t3_row_total", "granted")} <= together and len(together) >= 2
    [finding] = [f for f in result.findings if f.family.startswith(("t3_", "t4_"))]
    assert (finding.code, finding.severity, finding.family) == ("NB103", "error", "t3_result_total")
    assert "不能同时成立" in finding.message and len(finding.evidence["equations"]) == len(together)
    assert all(proof.fixed[c] == 0 for c in finding.cells)  # only cells every reading agrees on


def test_a_t4_line_no_reading_of_which_keeps_every_group_total(tmp_path: Path):
    # putian-ptszf-2019's T4 line (13 lines for 15 cells) with one figure changed: each group total can
    # be kept by some reading, and any two of them, but no reading keeps all three.
    printed = "3\n8\n0\n1\n12\n0\n1\n0\n1\n2\n1\n0\n1\n五、"
    path = _planted_szf(tmp_path, printed, printed.replace("\n2\n1\n0\n1\n", "\n2\n4\n0\n1\n"))
    result = check(path, classify=False)
    [finding] = [f for f in result.findings if f.family.startswith("t4_")]
    assert (finding.code, finding.severity, finding.cells) == ("NB104", "error", [])
    assert len(finding.evidence["equations"]) == 3 and "不能同时成立" in finding.message
    # the report as printed reads so that every group adds up: nothing is proved there
    assert not check(SZF_2019, classify=False).tables["T4"].proven_breaks
