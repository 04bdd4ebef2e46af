"""NB501–NB502: T2 plausibility on real T2 tables."""

from pathlib import Path

from nianbao.reconcile import reconcile
from nianbao.evaluation.findings import result_from_gold

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"


def t2(findings):
    return [(f.code, f.family, f.cells, f.expected, f.found) for f in findings if f.family == "t2"]


def test_2021_in_force_plausible_on_real_reports():
    for name in ("pingtan-2021-html", "pingtan-2023-html", "pingtan-2025-html", "jinshui-sfj-2023-txt"):
        assert t2(reconcile(result_from_gold(SAMPLES / name))) == [], name


def test_2021_in_force_below_this_years_issued():
    r = result_from_gold(SAMPLES / "pingtan-2021-html")  # 规范性文件 制发 69, 废止 3, 现行有效 665
    r.tables["T2"].figures["normative_docs.in_force"].value = 60
    assert t2(reconcile(r)) == [("NB501", "t2", ["T2.normative_docs.in_force"], 66, 60)]


def test_2019_changes_plausible_on_real_reports():
    for name in ("pingtan-2019-html", "pingtan-2020-html"):  # 2020 has negative changes (-18, -15)
        assert t2(reconcile(result_from_gold(SAMPLES / name))) == [], name


def test_2019_negative_item_count_and_published_total():
    r = result_from_gold(SAMPLES / "pingtan-2020-html")
    r.tables["T2"].figures["punishment.previous"].value = 10  # 10 + (-18) < 0
    r.tables["T2"].figures["normative_docs.total_published"].value = 70  # below 77 newly published
    got = t2(reconcile(r))
    assert ("NB502", "t2", ["T2.punishment.change"], 0, -8) in got
    assert ("NB502", "t2", ["T2.normative_docs.total_published"], 77, 70) in got
    assert len(got) == 2
    assert all(f.severity == "info" for f in reconcile(r) if f.family == "t2")
