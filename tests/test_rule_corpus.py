"""NB601–NB603 over consecutive reports of one agency (reconcile_corpus)."""

import copy
from pathlib import Path

from nianbao.reconcile import normalise_agency, reconcile_corpus
from nianbao.reconcile.config import Config
from nianbao.evaluation.findings import result_from_gold

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"


def sample(name):
    return result_from_gold(SAMPLES / name)


def test_agency_names_normalised():
    # one spelling per agency (the full forms), whatever the title or the year adds
    assert normalise_agency("平潭综合实验区管委会（全区汇总）") == "平潭综合实验区管理委员会"
    assert normalise_agency("平潭综合实验区管委会（政府信息公开工作领导小组办公室汇总）") == "平潭综合实验区管理委员会"
    assert normalise_agency(" 郑州市金水区人民政府 2023年度 政府信息公开工作年度报告") == "郑州市金水区人民政府"
    assert normalise_agency("郑州市金水区政府") == "郑州市金水区人民政府"
    assert normalise_agency("平潭综合实验区管理委员会") == "平潭综合实验区管理委员会"
    assert normalise_agency(None) == ""


def test_real_pingtan_series_is_continuous():
    names = ["pingtan-2015-txt", "pingtan-2016-txt", "pingtan-2019-html", "pingtan-2020-html",
             "pingtan-2020-txt", "pingtan-2021-html", "pingtan-2023-html", "jinshui-sfj-2023-txt"]
    assert reconcile_corpus([sample(n) for n in names]) == []


def test_carried_over_must_match_last_years_carried_forward():
    previous, current = sample("pingtan-2020-html"), sample("pingtan-2021-html")
    current.tables["T3"].figures["carried_over.total"].value = 2  # 2020 carried forward 0
    [(source, f)] = reconcile_corpus([current, previous])
    assert source == current.source
    assert (f.code, f.family, f.cells, f.expected, f.found) == ("NB601", "cross_year", ["T3.carried_over.total"], 0, 2)
    assert f.evidence["previous_source"] == previous.source
    assert f.evidence["previous_cells"][0]["ref"] == "T3.carried_forward.total"


def test_reports_of_other_agencies_or_non_consecutive_years_are_not_compared():
    previous, current = sample("pingtan-2020-html"), sample("pingtan-2021-html")
    current.tables["T3"].figures["carried_over.total"].value = 2
    current.agency = "郑州市金水区司法局"
    assert reconcile_corpus([previous, current]) == []
    current.agency, current.year = previous.agency, 2022
    assert reconcile_corpus([previous, current]) == []


def _previous_year_of(result, year):
    prev = copy.deepcopy(result)
    prev.source, prev.year = result.source + "#previous", year
    return prev


def test_t2_in_force_chain_2021_layout():
    current = sample("pingtan-2023-html")  # 规范性文件 制发 77, 废止 132, 现行有效 470
    previous = _previous_year_of(current, 2022)
    no_copy_check = Config(disable={"NB603"})  # the stand-in previous report shares its text
    previous.tables["T2"].figures["normative_docs.in_force"].value = 525  # 525 + 77 - 132 = 470
    assert reconcile_corpus([previous, current], no_copy_check) == []
    previous.tables["T2"].figures["normative_docs.in_force"].value = 400
    [(_, f)] = reconcile_corpus([previous, current], no_copy_check)
    assert (f.code, f.severity, f.cells, f.expected, f.found) == (
        "NB602", "info", ["T2.normative_docs.in_force"], 345, 470)


def test_copied_part_five():
    previous = sample("pingtan-2020-html")
    copied = _previous_year_of(previous, 2021)
    copied.source = "copied-2021"
    for p in copied.paragraphs:  # near-verbatim: the year changed, one word edited
        if p.part == 5:
            p.text = p.text.replace("2020", "2021").replace("进一步", "更加")
    only_copy = Config(disable={"NB604"})  # the stand-in copy repeats last year's T2 too
    [(source, f)] = reconcile_corpus([previous, copied], only_copy)
    assert (source, f.code, f.family) == ("copied-2021", "NB603", "copied_narrative")
    assert f.evidence["share"] > 0.9 and f.evidence["copied"]
    # the real 2021 report wrote its own part 五
    assert reconcile_corpus([previous, sample("pingtan-2021-html")]) == []
    # threshold from the config
    assert reconcile_corpus([previous, copied], Config(disable={"NB604"}, options={"NB603": {"threshold": 1.01}})) == []


def test_t2_item_count_chain_2019_layout():
    previous, current = sample("pingtan-2019-html"), sample("pingtan-2020-html")  # 396 + 0 = 396, …
    assert reconcile_corpus([previous, current]) == []
    previous.tables["T2"].figures["licensing.change"].value = 10
    [(source, f)] = reconcile_corpus([previous, current])
    assert (source, f.code, f.cells, f.expected, f.found) == (
        current.source, "NB604", ["T2.licensing.previous"], 406, 396)
