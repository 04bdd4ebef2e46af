"""Findings that hold on reports nianbao was not tuned on (issue 13), on real excerpts.

Excerpts come from corpus/putian (莆田 portal, development side: one inline span per line
there, joined here as the paragraph reads) and corpus/samples.  Where a test plants a
mismatch it changes one figure of the real text and says which.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.claims import extract_claims
from nianbao.model import Paragraph, Provenance, ReportResult
from nianbao.reconcile import reconcile
from nianbao.evaluation.findings import result_from_gold

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus" / "samples"
PUTIAN = ROOT / "corpus" / "putian"


def narrative_result(*texts: str, layout: str = "legacy", tables=None) -> ReportResult:
    """A report of these paragraphs (no tables unless given), with the claims nianbao reads from them."""
    offset, paragraphs = 0, []
    for i, text in enumerate(texts):
        paragraphs.append(Paragraph(text=text, part=1, index=i, prov=Provenance(start=offset, end=offset + len(text))))
        offset += len(text) + 1
    result = ReportResult(source="excerpt", layout=layout, paragraphs=paragraphs, tables=tables or {})
    result.claims = extract_claims(paragraphs, layout=layout)
    return result


def codes(findings, prefix="NB"):
    return [f.code for f in findings if f.code.startswith(prefix)]


def with_claims_from(result: ReportResult, *texts: str) -> ReportResult:
    """A gold result whose narrative is replaced by ``texts`` and the claims read from them."""
    paragraphs = [Paragraph(text=t, part=1, index=i, prov=Provenance(start=0)) for i, t in enumerate(texts)]
    result.paragraphs = paragraphs
    result.claims = extract_claims(paragraphs, layout=result.layout)
    return result


# ---- T2 claims, checked in the report's own layout -----------------------------------


@pytest.fixture(scope="module")
def ptcg_2024():
    from nianbao.pipeline import check

    return check(PUTIAN / "putian-ptcg-2024" / "source.html")


def test_t2_claims_are_linked_and_checked(ptcg_2024):
    r = ptcg_2024
    t2 = sorted((c.metric, c.value) for c in r.claims if c.metric.startswith("T2."))
    assert t2 == [("T2.normative_docs.in_force", 16), ("T2.normative_docs.issued", 4),
                  ("T2.normative_docs.repealed", 4)]
    assert codes(reconcile(r), "NB2") == []
    # planted: 现行有效 17 instead of 16
    i = next(i for i, c in enumerate(r.claims) if c.metric == "T2.normative_docs.in_force")
    r.claims[i].value = 17
    [f] = [f for f in reconcile(r) if f.code.startswith("NB2")]
    assert (f.code, f.cells, f.expected, f.found) == ("NB201", ["T2.normative_docs.in_force"], 16, 17)
    r.claims[i].value = 16


def test_an_uncertain_table_figure_never_raises_a_finding(ptcg_2024):
    r = ptcg_2024
    i = next(i for i, c in enumerate(r.claims) if c.metric == "T2.normative_docs.in_force")
    fig = r.tables["T2"].figures["normative_docs.in_force"]
    r.claims[i].value, fig.candidates = 17, [16, 17]
    try:
        assert codes(reconcile(r), "NB2") == []
    finally:
        r.claims[i].value, fig.candidates = 16, None
    # T3 too (pingtan-2025: 一 总计 154 decoded with two candidates)
    g = result_from_gold(SAMPLES / "pingtan-2025-html")
    g.claims[next(i for i, c in enumerate(g.claims) if c.metric == "T3.new_received.total")].value = 145
    assert codes(reconcile(g), "NB201") == ["NB201"]
    g.tables["T3"].figures["new_received.total"].candidates = [145, 154]
    g.tables["T3"].figures["new_received.total"].value = None
    assert codes(reconcile(g), "NB2") == []


# ---- scope and loose wording ------------------------------------------------------------


def test_total_including_carried_over_is_checked_against_new_plus_carried():
    r = result_from_gold(SAMPLES / "pingtan-2021-html")  # 一 70, 二 0
    ok = with_claims_from(r, "本年度全区共收到70件申请（含上年结转0件），及时依法依规办结69件，1件结转下年度继续办理。")
    assert [(c.metric, c.value) for c in ok.claims][:2] == [("requests_total_incl_carried", 70), ("T3.carried_over.total", 0)]
    assert codes(reconcile(ok), "NB2") == []
    # planted: 72 instead of 70; the finding names both cells of 一 + 二, never carried_over alone
    bad = with_claims_from(result_from_gold(SAMPLES / "pingtan-2021-html"),
                           "本年度全区共收到72件申请（含上年结转0件），及时依法依规办结69件，1件结转下年度继续办理。")
    [f] = [f for f in reconcile(bad) if f.code.startswith("NB2")]
    assert (f.code, f.cells, f.expected, f.found) == ("NB201", ["T3.new_received.total", "T3.carried_over.total"], 70, 72)


def test_receiving_and_answering_in_one_statement_agrees_with_either_row():
    # pingtan-2021: 一 70, （七） 69
    r = with_claims_from(result_from_gold(SAMPLES / "pingtan-2021-html"), "全年共受理并答复政府信息公开申请69件。")
    assert [(c.metric, c.value) for c in r.claims] == [("T3.new_received.total", 69)]
    assert codes(reconcile(r), "NB2") == []
    # one verb only: the other row is a loose reading, a note that names it
    r = with_claims_from(result_from_gold(SAMPLES / "pingtan-2021-html"), "全年共受理政府信息公开申请69件。")
    [f] = [f for f in reconcile(r) if f.code.startswith("NB2")]
    assert (f.code, f.severity) == ("NB202", "info") and "（七）总计" in f.evidence["reading"]


def test_a_narrower_scope_is_a_warning_that_says_so():
    # putian-ptszf-2019: the city's T3 (（七）总计 545); "其中：市本级299件" written as its own statement
    r = result_from_gold(SAMPLES / "pingtan-2023-html")  # （七）总计 81
    r = with_claims_from(r, "2023年，区政府本级办结政府信息公开申请50件。")
    [f] = [f for f in reconcile(r) if f.code.startswith("NB2")]
    assert (f.code, f.severity, f.family, f.cells) == ("NB205", "warning", "narrative_vs_table", ["T3.handled_total.total"])
    assert "口径" in f.message


# ---- NB401: every base before flagging ---------------------------------------------------

PTSZF_2019_PROACTIVE = (
    "1.主动公开方面。依托政府网站、政府公报、政务新媒体、新闻发布会，以及各级档案馆、图书馆、行政服务大厅查阅点等平台，"
    "全年主动公开涉及脱贫攻坚、化解风险、污染防治、教育医疗、土地征收等重点领域各类政府信息11543件，公开及时率100%。"
    "其中：市本级3315件，县（区、管委会）8228件。主动公开信息中，机构职能类1404件，占12.2%；政策性规范性文件类665条，占5.8%；"
    "发展规划类406件，占3.5%；重大建设项目类250件，占2.2%；为民办实事类622件，占5.4%；扶贫、保障、就业类938件，占8.1%；"
    "国土资源城乡建设环保能源类1123件，占9.7%；科教文体卫生类1037件，占9.0%；安全生产类1414件，占12.2%；"
    "应主动公开的其他类3684件，占31.9%。"
)


def test_shares_of_the_proactive_total_are_not_flagged():
    # putian-ptszf-2019: every share is of the 11543 stated first (the listed 件 parts sum to 10878:
    # one item is counted in 条); 8 false alarms before the total was read as the base
    r = narrative_result(PTSZF_2019_PROACTIVE, layout="2019")
    assert ("proactive_total", 11543) in [(c.metric, c.value) for c in r.claims]
    assert codes(reconcile(r), "NB4") == []
    planted = narrative_result(PTSZF_2019_PROACTIVE.replace("1404件，占12.2%", "1404件，占13.2%"), layout="2019")
    [f] = [f for f in reconcile(planted) if f.code == "NB401"]
    assert f.found == 13.2 and 11543 in [b["value"] for b in f.evidence["bases"]]


def test_a_share_no_base_reproduces_is_flagged_with_its_base():
    # putian-ptszf-2009 (real error: 1 of 421 is 0.24%, not 0.02%)
    text = ("全市各级政府及其工作部门共受理政府信息公开申请421件，其中市级工作部门收到362件，市县（区）人民政府（管委会）收到59件；"
            "当面申请249件，占59.2%，以网上提交表单形式申请136件，占32.4%，以电子邮件形式申请6件，占1.43%，"
            "以信函形式申请29件，占6.89%，以传真申请方式申请1件，占0.02%。")
    [f] = [f for f in reconcile(narrative_result(text)) if f.code == "NB401"]
    assert (f.found, f.expected) == (0.02, 0.24)
    assert "421" in f.message


def test_share_findings_name_the_cells_of_part_and_base():
    # pingtan-2023: "因本机关不掌握等原因无法提供31件，占38.27%" planted as 39.27%
    r = result_from_gold(SAMPLES / "pingtan-2023-html")
    para = next(p.text for p in r.paragraphs if "占51.85%" in p.text)
    r = with_claims_from(r, para.replace("占38.27%", "占39.27%"))
    [f] = [f for f in reconcile(r) if f.code == "NB401"]
    assert "T3.handled_total.total" in f.cells
    assert any(c.startswith("T3.unable.") for c in f.cells)


# ---- narrative-internal arithmetic ------------------------------------------------------


def test_an_open_list_of_stages_is_not_a_breakdown():
    # putian-ptszf-2009: 审核通过 and 办结 overlap; their sum may pass the total
    text = "“领导信箱”共收到群众来信498条，其中审核通过365条，已办结179条，回复率达60%。"
    assert codes(reconcile(narrative_result(text)), "NB203") == []


def test_an_open_list_of_categories_exceeding_its_total():
    # putian-ptwgj-2021, the list without its 其他 item; planted total 60 (the items add to 64)
    text = ("2021年，我局规范到位、及时主动、准确公开了政府信息共60件，其中机构职能类信息7件，政策、规范性文件类信息2件，"
            "行政许可类信息2件，为民办实施类信息24件，科教文体卫生类信息19件，安全生产、应急管理类信息10件。")
    [f] = [f for f in reconcile(narrative_result(text)) if f.code == "NB203"]
    assert (f.family, f.cells, f.expected, f.found) == ("narrative_vs_table", [], 64, 60)


PTSZF_2009_RECEIVED = ("全市各级政府及其工作部门共受理政府信息公开申请421件，其中市级工作部门收到362件，"
                       "市县（区）人民政府（管委会）收到59件。")


def test_handled_more_than_received_with_all_done():
    ok = narrative_result(PTSZF_2009_RECEIVED + "在421件政府信息公开申请中，已答复421件，办结率100%。")
    assert codes(reconcile(ok), "NB206") == []
    # planted: 431 answered of 421 received, "办结率100%"
    bad = narrative_result(PTSZF_2009_RECEIVED + "在421件政府信息公开申请中，已答复431件，办结率100%。")
    [f] = [f for f in reconcile(bad) if f.code == "NB206"]
    assert (f.family, f.cells, f.expected, f.found) == ("narrative_vs_table", [], 421, 431)
    # without a statement that all is done, a carried-over count nobody states may explain it
    assert codes(reconcile(narrative_result(PTSZF_2009_RECEIVED + "已答复431件。")), "NB206") == []


PTSZF_2008_WAYS = ("全市各级政府及其工作部门共受理政府信息公开申请100件，其中市级工作部门收到72件，市县（区）政府（管委会）收到28件；"
                   "当面申请55件，占55%，以网上提交表单形式申请24件，占24%，以电子邮件形式申请10件，占10%，以信函形式申请11件，占11%。")


def test_complete_shares_over_parts_that_sum_to_another_total():
    # putian-ptszf-2008: the four ways add to 100 and their shares to 100%
    assert codes(reconcile(narrative_result(PTSZF_2008_WAYS)), "NB2") == []
    assert codes(reconcile(narrative_result(PTSZF_2008_WAYS)), "NB4") == []
    # planted: the total says 102
    planted = narrative_result(PTSZF_2008_WAYS.replace("申请100件", "申请102件"))
    found = reconcile(planted)
    [f] = [f for f in found if f.code == "NB207"]
    assert (f.family, f.cells, f.expected, f.found) == ("narrative_vs_table", [], 100, 102)
    assert codes(found, "NB4") == []  # the shares follow their parts: only the total is off


def test_two_counts_for_one_quantity():
    # pingtan-2025 says in part 六 that no 信息处理费 was collected; planted: a fee amount in part 一
    r = result_from_gold(SAMPLES / "pingtan-2025-html")
    from nianbao.model import Claim

    r.claims.append(Claim(text="收取信息处理费100元", value=100, metric="fees_collected_yuan", unit="元", confidence=0.85))
    [f] = [f for f in reconcile(r) if f.code == "NB208"]
    assert (f.family, f.cells) == ("narrative_vs_table", [])
    assert "100" in f.message and "无收取信息处理费" in f.message


def test_a_zero_stated_in_words_is_one_finding_with_no_narrower_reading():
    # pingtan-2023's "行政诉讼案件7件" with "无败诉"; planted: one direct suit lost in T4
    r = result_from_gold(SAMPLES / "pingtan-2023-html")
    r.tables["T4"].figures["litigation_direct.corrected"].value = 1
    r.tables["T4"].figures["litigation_direct.upheld"].value -= 1  # keep T4's own sums
    r = with_claims_from(r, "行政诉讼案件7件，无败诉。")
    found = [f for f in reconcile(r) if f.family == "narrative_vs_table"]
    assert [(f.code, f.severity) for f in found] == [("NB201", "error")]
    assert "T4.litigation_direct.corrected" in found[0].cells


PTSZFBGS_2019_SHARES = (
    "今年来,莆田市政府门户网站共发布信息约3.9万件,上传图片约600幅,主动公开莆田市人民政府、莆田市人民政府办公室文件277件,"
    "其中:机构职能类信息21件,占7.5%;规范性文件类信息25件,占9%;规划计划类信息10件,占3.6%;重大建设项目类信息4件,占1.4%;"
    "为民办实事类信息30件,占10.8%;社会保障类信息6件,占2.2%;城乡建设、环保类信息148件,占53.4%;科教文卫类信息2件,占0.7%;"
    "安全生产、应急管理类信息4件,占1.4%;业务类信息27件,占9.7%,信息发布更趋于精准、规范。"
)


def test_shares_truncated_at_their_printed_decimals_are_right():
    # putian-ptszfbgs-2019: 21 / 277 = 7.58% printed 7.5% (truncated), 30 / 277 = 10.83% printed 10.8%
    assert codes(reconcile(narrative_result(PTSZFBGS_2019_SHARES, layout="2019")), "NB4") == []
    planted = narrative_result(PTSZFBGS_2019_SHARES.replace("21件,占7.5%", "21件,占8.5%"), layout="2019")
    [f] = [f for f in reconcile(planted) if f.code == "NB401"]
    assert (f.found, f.expected) == (8.5, 7.6)


def test_an_uncertain_t4_cell_backs_no_qualitative_finding():
    # pingtan-2023's "行政复议案件2件，均获维持" (T4 复议 维持 1、纠正 1 planted) with 纠正 decoded two ways
    r = result_from_gold(SAMPLES / "pingtan-2023-html")
    r.tables["T4"].figures["review.upheld"].value = 1
    r.tables["T4"].figures["review.corrected"].value = 1
    r = with_claims_from(r, "行政复议案件2件，均获维持。")
    assert "NB204" in codes(reconcile(r))
    r.tables["T4"].figures["review.corrected"].candidates = [0, 1]
    assert "NB204" not in codes(reconcile(r))


def test_claims_are_placed_in_paragraphs_rebuilt_from_broken_lines():
    # putian-ptszfbgs-2019: one inline span per line; the paragraph leaves the line breaks out
    # (gaps), so a claim's document span is mapped back through them before its neighbours are read
    from nianbao.pipeline import check
    from nianbao.reconcile.claimcheck import claim_position
    from nianbao.reconcile.context import RuleContext
    from nianbao.reconcile.config import Config

    r = check(PUTIAN / "putian-ptszfbgs-2019" / "source.txt")
    assert any(p.gaps for p in r.paragraphs)
    ctx = RuleContext(r, Config())
    for c in r.claims:
        start, end = claim_position(ctx, c)
        assert r.paragraphs[c.paragraph].text[start:end] == c.text
    # the ten shares of "文件277件" follow their parts: no share or completeness finding
    assert [f.code for f in r.findings if f.code in ("NB207", "NB401", "NB208")] == []
