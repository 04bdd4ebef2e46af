"""NB201–NB204 on real narrative (gold claims and paragraphs) against gold tables."""

from pathlib import Path

from nianbao.model import Claim, Paragraph
from nianbao.reconcile import reconcile
from nianbao.reconcile.config import Config
from nianbao.evaluation.findings import result_from_gold

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"


def sample(name: str):
    return result_from_gold(SAMPLES / name)


def narrative(findings):
    return [f for f in findings if f.code.startswith("NB2")]


def claim_index(result, text):
    return next(i for i, c in enumerate(result.claims) if c.text == text)


def test_every_gold_claim_of_the_consistent_reports_agrees():
    for name in ("pingtan-2021-html", "pingtan-2023-html", "pingtan-2025-html", "jinshui-sfj-2023-txt"):
        assert narrative(reconcile(sample(name))) == [], name


def test_plain_mismatch():
    r = sample("pingtan-2025-html")
    i = claim_index(r, "全区共收到政府信息公开申请154件")
    r.claims[i].value = 145
    [f] = narrative(reconcile(r))
    assert (f.code, f.family, f.severity) == ("NB201", "narrative_vs_table", "error")
    assert f.cells == ["T3.new_received.total"] and f.claims == [i]
    assert (f.expected, f.found) == (154, 145)
    claim_ev = f.evidence["claims"][0]
    assert claim_ev["text"] == "全区共收到政府信息公开申请154件"
    assert "全区共收到政府信息公开申请154件" in claim_ev["paragraph_text"]
    assert f.evidence["cells"][0]["raw"] == "154"


def test_derived_metric_names_its_cells():
    r = sample("pingtan-2023-html")
    i = claim_index(r, "行政诉讼案件7件")
    r.claims[i].value = 8
    [f] = narrative(reconcile(r))
    assert f.cells == ["T4.litigation_direct.total", "T4.litigation_after_review.total"]
    assert f.expected == 7


def test_alternative_reading_is_a_milder_finding():
    r = sample("pingtan-2023-html")
    i = claim_index(r, "行政诉讼案件7件")
    r.claims[i].value = 5  # = 未经复议直接起诉 only
    [f] = narrative(reconcile(r))
    assert (f.code, f.severity) == ("NB202", "info")
    assert "直接起诉" in f.evidence["reading"]
    # "予以公开42件" read literally is （一） = 22; 42 is （一）+（二）
    r = sample("pingtan-2023-html")
    r.claims[claim_index(r, "予以公开及部分公开42件")].metric = "T3.granted.total"
    [f] = narrative(reconcile(r))
    assert f.code == "NB202" and f.cells == ["T3.granted.total"] and f.expected == 22


def test_received_including_carried_over():
    r = sample("pingtan-2021-html")
    r.tables["T3"].figures["carried_over.total"].value = 5
    r.tables["T3"].figures["carried_over.natural"].value = 5
    r.tables["T3"].figures["handled_total.total"].value += 5  # keep the table itself consistent
    r.tables["T3"].figures["handled_total.natural"].value += 5
    r.tables["T3"].figures["granted.total"].value += 5
    r.tables["T3"].figures["granted.natural"].value += 5
    i = claim_index(r, "本年度全区共收到70件申请")
    r.claims[i].value = 75
    found = narrative(reconcile(r))
    assert [(f.code, f.claims) for f in found if f.claims == [i]] == [("NB202", [i])]
    # when the narrative itself says the figure includes what was carried over, it is exact
    para = r.paragraphs[r.claims[i].paragraph]
    para.text = para.text.replace("本年度全区共收到70件申请", "本年度全区共收到75件申请（含上年结转5件）")
    r.claims[i].text = "本年度全区共收到75件申请"
    assert [f for f in narrative(reconcile(r)) if f.claims == [i]] == []


def test_approximate_claims_are_bounds():
    r = sample("pingtan-2025-html")  # 一 总计 154
    r.claims.append(Claim(text="收到申请150余件", value=150, metric="T3.new_received.total", qualifier="approx"))
    assert narrative(reconcile(r)) == []
    r.claims[-1] = Claim(text="收到申请160余件", value=160, metric="T3.new_received.total", qualifier="approx")
    assert [f.code for f in narrative(reconcile(r))] == ["NB201"]
    r.claims[-1] = Claim(text="收到申请近160件", value=160, metric="T3.new_received.total", qualifier="approx")
    assert narrative(reconcile(r)) == []
    r.claims[-1] = Claim(text="至少100件", value=100, metric="T3.new_received.total", qualifier="at_least")
    assert narrative(reconcile(r)) == []


def test_narrative_only_and_other_metrics_are_not_compared_with_tables():
    r = sample("pingtan-2025-html")
    r.claims.append(Claim(text="发布信息672条", value=672, metric="other"))
    r.claims.append(Claim(text="收取信息处理费100元", value=100, metric="fees_collected_yuan"))
    r.claims.append(Claim(text="较上年增长12件", value=12, metric="T3.new_received.total", time="change"))
    assert [f for f in narrative(reconcile(r)) if f.code in ("NB201", "NB202")] == []


def test_legacy_claims_without_tables_are_not_compared():
    assert reconcile(sample("pingtan-2016-txt")) == []


def test_table_error_backed_by_the_narrative_is_one_finding():
    r = sample("pingtan-2023-html")
    r.tables["T4"].figures["review.total"].value = 3  # 1 + 1 + 0 + 0 = 2, and the narrative says 2
    findings = reconcile(r)
    assert [(f.code, f.cells) for f in findings] == [("NB104", ["T4.review.total"])]
    assert findings[0].claims == [claim_index(r, "行政复议案件2件")]
    assert "行政复议案件2件" in findings[0].message


def test_claim_tolerance_from_config():
    r = sample("pingtan-2025-html")
    r.claims[claim_index(r, "共办结148件")].value = 148.4
    assert [f.code for f in narrative(reconcile(r))] == ["NB201"]
    assert narrative(reconcile(r, Config(options={"NB201": {"tolerance": 0.5}}))) == []


def test_breakdown_sum_pingtan_2020():
    r = sample("pingtan-2020-html")
    [f] = [f for f in reconcile(r) if f.code == "NB203"]
    assert (f.family, f.cells, f.expected, f.found) == ("narrative_vs_table", [], 2603, 2602)
    assert f.claims == [claim_index(r, "共公布政府信息2602条")]
    assert len(f.evidence["items"]) == 11 and "2602条(其中" in f.evidence["paragraph"]["text"]
    # the same paragraph with the residual item corrected passes
    p = r.paragraphs[f.evidence["paragraph"]["index"]]
    p.text = p.text.replace("1053条", "1052条")
    assert [f for f in reconcile(r) if f.code == "NB203"] == []


def test_breakdown_without_residual_item_is_not_assumed_complete():
    r = sample("pingtan-2023-html")
    r.paragraphs.append(Paragraph(text="共收到申请81件（其中自然人80件，商业企业0件）。", part=1, index=len(r.paragraphs)))
    assert narrative(reconcile(r)) == []


def _with_sentence(name, text):
    r = sample(name)
    r.paragraphs.append(Paragraph(text=text, part=1, index=len(r.paragraphs)))
    return r


def test_all_upheld_against_t4():
    text = "因政府信息公开引起的行政复议案件2件，均获维持。"
    assert [f for f in reconcile(_with_sentence("pingtan-2019-html", text)) if f.code == "NB204"] == []  # T4 all 0
    [f] = narrative(reconcile(_with_sentence("pingtan-2023-html", text)))  # 复议 纠正 1
    assert (f.code, f.cells, f.found) == ("NB204", ["T4.review.corrected"], 1)
    assert f.evidence["phrase"] == "均获维持"


def test_no_lost_lawsuit_against_t4():
    text = "全年行政诉讼9起，无败诉案件。"
    [f] = narrative(reconcile(_with_sentence("pingtan-2025-html", text)))  # 直接起诉 纠正 3
    assert f.cells == ["T4.litigation_direct.corrected"]
    assert narrative(reconcile(_with_sentence("pingtan-2023-html", text))) == []


def test_all_handled_against_carried_forward():
    text = "2021年共收到申请公开政府信息70宗，已全部办结。"
    [f] = narrative(reconcile(_with_sentence("pingtan-2021-html", text)))  # 结转下年度 1
    assert (f.code, f.cells) == ("NB204", ["T3.carried_forward.total"])
    assert narrative(reconcile(_with_sentence("pingtan-2023-html", text))) == []
    # other kinds of business, and sentences that name what is carried forward, are not about T3
    assert narrative(reconcile(_with_sentence("pingtan-2021-html", "全年人大代表建议、政协提案全部办结。"))) == []
    assert narrative(reconcile(_with_sentence("pingtan-2021-html", "申请均已办结，1件结转下年度办理。"))) == []


def test_unsure_claims_are_not_compared():
    r = sample("pingtan-2025-html")
    i = claim_index(r, "共办结148件")
    r.claims[i].value, r.claims[i].confidence = 140, 0.3
    assert narrative(reconcile(r)) == []
    r.claims[i].confidence = 0.9
    assert [f.code for f in narrative(reconcile(r))] == ["NB201"]


def test_breakdown_numbers_in_chinese_thousands_and_wan():
    def findings(text):
        return [f for f in reconcile(_with_sentence("pingtan-2023-html", text)) if f.code == "NB203"]

    assert findings("共收到申请15件（其中自然人10件，商业企业三件，其他2件）。") == []
    assert findings("主动公开信息12,345条（其中政策文件2,345条，其他10,000条）。") == []
    assert findings("主动公开信息1.2万条（其中政策文件2000条，其他1万条）。") == []
    [f] = findings("共收到申请15件（其中自然人10件，商业企业三件，其他3件）。")
    assert (f.expected, f.found) == (16, 15)


def test_all_handled_about_last_years_requests_only():
    text = "上年结转的1件申请已全部办结。"
    r = _with_sentence("pingtan-2021-html", text)  # 结转下年度 1 this year: not what the sentence is about
    assert narrative(reconcile(r)) == []
