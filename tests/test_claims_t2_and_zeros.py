"""Claim classes added after the first held-out measurement (their sentences here are written for the
test or taken from the development reports, never from the held-out split): T2 decision counts,
what a request is called after its figure, running totals, statements that several things were none."""

from __future__ import annotations

from pathlib import Path

from nianbao.claims import extract_claims
from nianbao.model import Paragraph, Provenance
from nianbao.pipeline import check

PUTIAN = Path(__file__).resolve().parent.parent / "corpus" / "putian"


def linked(sentence: str, layout: str | None = "2021") -> list[tuple[str, float]]:
    claims = extract_claims([Paragraph(text=sentence, part=1, index=0, prov=Provenance(start=0))], layout=layout)
    return [(c.metric, c.value) for c in claims if c.metric != "other"]


def test_t2_decision_counts_link_to_their_rows():
    assert linked("本年度共办理行政许可1280项次，作出行政处罚决定36起，实施行政强制2件。") == [
        ("T2.licensing.decisions", 1280), ("T2.punishment.decisions", 36), ("T2.coercion.decisions", 2)]
    assert linked("公布行政许可审批结果共88件，行政处罚案件数12件。") == [
        ("T2.licensing.decisions", 88), ("T2.punishment.decisions", 12)]


def test_published_items_and_lists_of_powers_are_not_decisions():
    assert linked("主动公开行政许可类信息40条。") == []
    # 莆田市文化和旅游局 2021: items of its list of powers, not decisions taken
    report = check(PUTIAN / "putian-ptwgj-2021" / "source.txt", classify=False)
    assert not [c for c in report.claims if c.metric.startswith("T2.") and c.metric.endswith(".decisions")]


def test_the_request_is_named_after_its_figure():
    assert linked("全年共受理3条公开申请，均按时答复。") == [("T3.new_received.total", 3)]
    assert linked("本机关收到4件政府信息公开申请。") == [("T3.new_received.total", 4)]


def test_a_figure_of_government_information_published():
    assert linked("本年度在门户网站共发布36条政府信息。") == [("proactive_total", 36)]


def test_a_running_total_is_the_total_only_when_the_year_states_no_other():
    # corpus/labels: "截至2022年12月31日,累计主动公开政府信息12条" is that report's only proactive figure
    assert linked("截至2022年12月31日,累计主动公开政府信息12条。") == [("proactive_total", 12)]
    both = "本年度我局主动公开政府信息15条。截至2023年底，累计主动公开政府信息210条。"
    assert linked(both) == [("proactive_total", 15)]


def test_negations_that_state_several_zeros():
    assert linked("本年度没有产生处罚强制信息。") == [("T2.punishment.decisions", 0), ("T2.coercion.decisions", 0)]
    assert linked("我局暂无行政规范性文件。") == [("T2.normative_docs.in_force", 0)]
    assert linked("我局暂无行政规范性文件。", layout="2019") == [("T2.normative_docs.total_published", 0)]
    assert linked("本年度未制发规范性文件。") == [("T2.normative_docs.issued", 0)]
    assert linked("本年度未收到和处理政府信息公开申请。") == [
        ("T3.new_received.total", 0), ("T3.handled_total.total", 0)]


def test_what_is_in_force_now_and_what_a_clean_up_repealed():
    assert linked("现有行政规范性文件21份。") == [("T2.normative_docs.in_force", 21)]
    assert linked("共清理已失效的规范性文件6份。") == [("T2.normative_docs.repealed", 6)]
    # a clean-up's count of what stays in force is no T2 figure (pingtan-2023's 393)
    assert linked("清理并集中发布现行有效行政规范性文件393件。") == []


def test_a_bare_none_answers_the_heading_above_it(tmp_path: Path):
    # a part 六 in the question-and-answer form (written for the test: no development report has one)
    text = ("六、其他需要报告的事项\n（一）信息公开处理费收取情况：\n无。\n（二）人大代表建议和政协提案办理情况：\n"
            "本年度办理建议3件。\n")
    paragraphs = [Paragraph(text="无。", part=6, index=0, prov=Provenance(start=text.index("无。")),
                            subsection="（一）信息公开处理费收取情况：")]
    claims = extract_claims(paragraphs)
    assert [(c.metric, c.value, c.text) for c in claims] == [("fees_collected_yuan", 0, "无")]
    # under a heading naming nothing countable, a bare 无 states nothing (莆田市科技局 2019's part 六)
    report = check(PUTIAN / "putian-ptkjj-2019" / "source.txt", classify=False)
    last = report.paragraphs[-1]
    assert last.text == "无" and not [c for c in report.claims if c.paragraph == last.index]


def test_a_mixed_category_in_a_list_of_published_information_is_no_t2_figure():
    # written for the test; corpus/labels keeps "其中…规范性文件信息4条" as the documents T2 counts
    assert linked("共公开信息40件，其中发展规划3件、组织机构设置6件、法律法规、规范性文件和资金下达2件。") == [
        ("proactive_total", 40)]
    assert linked("其中,政府信息公开指南1条,规范性文件信息4条。") == [("T2.normative_docs.issued", 4)]
