"""NB101–NB104 and NB302 on real reports' gold tables (pass) and mutated copies (fail)."""

from pathlib import Path

import pytest

from nianbao.reconcile import reconcile
from nianbao.reconcile.config import Config
from nianbao.evaluation.findings import result_from_gold

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"


def sample(name: str):
    return result_from_gold(SAMPLES / name)


def arithmetic(findings):
    return [(f.code, f.cells) for f in findings if f.code.startswith(("NB10", "NB30"))]


@pytest.mark.parametrize("name", ["pingtan-2019-html", "pingtan-2021-html", "pingtan-2023-html",
                                  "pingtan-2025-html", "jinshui-sfj-2023-txt"])
def test_consistent_reports_raise_no_table_finding(name):
    assert arithmetic(reconcile(sample(name))) == []


def test_pingtan_2020_result_overcount_gives_exactly_the_gold_findings():
    findings = reconcile(sample("pingtan-2020-html"))
    got = [(f.code, f.family, f.cells, f.expected, f.found) for f in findings if f.code.startswith("NB1")]
    assert got == [
        ("NB103", "t3_result_total", ["T3.handled_total.natural"], 26, 20),
        ("NB103", "t3_result_total", ["T3.handled_total.total"], 27, 21),
    ]
    f = findings[0]
    assert "26" in f.message and "20" in f.message
    refs = {c["ref"] for c in f.evidence["cells"]}
    assert {"T3.granted.natural", "T3.other.natural", "T3.handled_total.natural"} <= refs


def test_balance_break_names_the_carried_forward_cell():
    r = sample("pingtan-2021-html")
    # 一 one higher in the 自然人 and 总计 columns: the row total still holds, both balances break
    r.tables["T3"].figures["new_received.natural"].value += 1
    r.tables["T3"].figures["new_received.total"].value += 1
    assert arithmetic(reconcile(r)) == [
        ("NB101", ["T3.carried_forward.natural"]),
        ("NB101", ["T3.carried_forward.total"]),
    ]


def test_mistyped_row_total_is_one_row_total_finding_not_a_cascade():
    r = sample("pingtan-2023-html")
    r.tables["T3"].figures["granted.total"].value = 23  # parts say 22
    findings = reconcile(r)
    assert arithmetic(findings) == [("NB102", ["T3.granted.total"])]
    assert findings[0].expected == 22 and findings[0].found == 23
    assert findings[0].evidence["explained_by_one_cell"] is True
    assert len(findings[0].evidence["equations"]) == 2  # its row and the 总计 column's result total


def test_mistyped_handled_total_cell_breaks_three_equations_and_is_reported_once():
    r = sample("pingtan-2021-html")
    r.tables["T3"].figures["handled_total.natural"].value += 5
    findings = [f for f in reconcile(r) if f.code.startswith("NB1")]
    assert [(f.code, f.cells) for f in findings] == [("NB103", ["T3.handled_total.natural"])]
    assert len(findings[0].evidence["equations"]) == 3


def test_t4_group_total():
    r = sample("pingtan-2023-html")
    assert arithmetic(reconcile(r)) == []
    r.tables["T4"].figures["litigation_direct.total"].value = 6  # 4 + 0 + 0 + 1 = 5
    findings = reconcile(r)
    assert arithmetic(findings) == [("NB104", ["T4.litigation_direct.total"])]
    assert (findings[0].expected, findings[0].found) == (5, 6)


def test_ambiguous_figures_produce_no_arithmetic_finding():
    r = sample("pingtan-2020-html")
    fig = r.tables["T3"].figures["granted.natural"]
    fig.value, fig.candidates = None, [6, 60]
    # the 自然人 column's result total can no longer be checked; the 总计 column still can
    assert arithmetic(reconcile(r)) == [("NB103", ["T3.handled_total.total"])]


def test_blank_total_beside_parts_is_an_omission_not_arithmetic():
    r = sample("pingtan-2023-html")
    fig = r.tables["T3"].figures["granted.total"]
    fig.value, fig.blank, fig.raw = 0, True, ""
    findings = reconcile(r)
    assert [(f.code, f.family, f.cells, f.expected) for f in findings] == [
        ("NB302", "missing", ["T3.granted.total"], 22)
    ]
    # with NB302 off, the same blank shows up as the row-total break it also is
    off = reconcile(r, Config(disable={"NB302"}))
    assert arithmetic(off) == [("NB102", ["T3.granted.total"])]


def test_blank_cells_that_mean_zero_are_fine():
    r = sample("pingtan-2023-html")
    for key in ("denied.state_secret.total", "carried_forward.natural"):
        fig = r.tables["T3"].figures[key]
        fig.blank, fig.raw = True, ""
    assert arithmetic(reconcile(r)) == []


def test_missing_standard_table():
    r = sample("pingtan-2021-html")
    del r.tables["T4"]
    findings = reconcile(r)
    assert [(f.code, f.family, f.evidence["table"]) for f in findings] == [("NB301", "missing", "T4")]
    legacy = sample("pingtan-2015-txt")  # no national tables before 2019: nothing is missing
    assert reconcile(legacy) == []


def test_disabled_arithmetic_rule_is_left_out_of_the_joint_analysis():
    r = sample("pingtan-2020-html")
    assert arithmetic(reconcile(r, Config(disable={"NB103"}))) == []


@pytest.mark.parametrize("name", ["pingtan-2019-html", "pingtan-2021-html", "pingtan-2023-html", "pingtan-2025-html"])
def test_every_single_cell_error_is_reported_once_on_that_cell(name):
    """Exhaustive: each T3 cell (in 2-3 equations) is named itself; each T4 cell gives its group total."""
    only_tables = Config(disable={"NB201", "NB202", "NB203", "NB204", "NB401", "NB501", "NB502"})
    base = sample(name)
    for table in ("T3", "T4"):
        for key, fig in base.tables[table].figures.items():
            original = fig.value
            for delta in (1, -1) if original else (2,):
                fig.value = original + delta
                got = [f.cells for f in reconcile(base, only_tables)]
                want = [f"T3.{key}"] if table == "T3" else [f"T4.{key.split('.')[0]}.total"]
                assert got == [want], (key, delta, got)
            fig.value = original


def test_undecided_layout_is_read_from_the_table_rows():
    r = sample("pingtan-2020-html")  # 2019 rows (one 其他处理 row)
    r.layout = "unknown"
    assert [f.cells for f in reconcile(r) if f.code == "NB103"] == [
        ["T3.handled_total.natural"], ["T3.handled_total.total"]]
    assert not [f for f in reconcile(r) if f.code == "NB301"]  # no layout, no required tables


def test_dropped_rows_still_bound_the_total():
    r = sample("pingtan-2023-html")
    t3 = r.tables["T3"]
    for key in [k for k in t3.figures if k.startswith("denied.state_secret.")]:
        del t3.figures[key]  # an all-zero row the agency did not print
    t3.missing_rows.append("denied.state_secret")
    assert arithmetic(reconcile(r)) == []
    t3.figures["unable.not_held.total"].value += 10  # now the printed parts exceed （七）总计
    t3.figures["unable.not_held.natural"].value += 10
    findings = reconcile(r)
    got = [(f.code, f.cells, f.expected, f.found) for f in findings if f.code.startswith("NB1")]
    assert got == [("NB103", ["T3.handled_total.natural"], 90, 80), ("NB103", ["T3.handled_total.total"], 91, 81)]
    assert "超过" in findings[0].message


def test_blank_grand_total_is_one_omission():
    r = sample("pingtan-2023-html")
    fig = r.tables["T3"].figures["handled_total.total"]
    fig.value, fig.blank, fig.raw = 0, True, ""
    findings = reconcile(r)
    assert [(f.code, f.cells) for f in findings if f.code.startswith(("NB1", "NB3"))] == [
        ("NB302", ["T3.handled_total.total"])]
    # the narrative "办结依申请公开81件" is not a second finding: it states what the parts give
    assert not [f for f in findings if f.code == "NB201"]
