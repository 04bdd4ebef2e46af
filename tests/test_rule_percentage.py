"""NB401: shares stated in real paragraphs, recomputed from tables or from the narrative."""

import re
from pathlib import Path

from nianbao.model import Claim
from nianbao.reconcile import reconcile
from nianbao.evaluation.findings import result_from_gold

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"


def with_share_claims(name: str, marker: str, metrics: dict[str, str]):
    """The gold result of ``name`` with the counts and shares of the paragraph holding ``marker``
    as claims, in reading order (what the claims stage gives: "42件" then "占51.85%")."""
    r = result_from_gold(SAMPLES / name)
    para = next(p for p in r.paragraphs if marker in p.text)
    claims = []
    for m in re.finditer(r"([\u4e00-\u9fa5]*?)(\d+(?:\.\d+)?)(件|条|%)", para.text):
        label, number, unit = m.groups()
        text = m.group(0) if unit != "%" else "占" + number + "%"
        if unit == "%" and not para.text[: m.start(2)].endswith("占"):
            continue
        metric = next((v for k, v in metrics.items() if k in label), "other")
        claims.append(Claim(text=text, value=float(number), metric=metric, unit=unit, paragraph=para.index))
    r.claims = claims
    return r


METRICS_2023 = {
    "办结": "T3.handled_total.total",
    "予以公开及部分公开": "T3.granted_or_partial.total",
    "不予公开": "T3.denied.total",
    "无法提供": "T3.unable.total",
    "不予处理": "T3.not_processed.total",
    "其他处理": "T3.other.total",
}


def shares(findings):
    return [f for f in findings if f.code == "NB401"]


def test_pingtan_2023_five_shares_are_right():
    r = with_share_claims("pingtan-2023-html", "占51.85%", METRICS_2023)
    assert sum(c.unit == "%" for c in r.claims) == 5
    assert shares(reconcile(r)) == []


def test_pingtan_2023_wrong_share_is_found():
    r = with_share_claims("pingtan-2023-html", "占51.85%", METRICS_2023)
    i = next(i for i, c in enumerate(r.claims) if c.text == "占38.27%")
    r.claims[i].value = 39.27
    [f] = shares(reconcile(r))
    assert (f.family, f.severity, f.expected, f.found) == ("percentage", "warning", 38.27, 39.27)
    assert f.claims == [i - 1, i] and r.claims[i - 1].text.endswith("31件")


def test_legacy_shares_use_the_narrative_total():
    # "2015年主动公开政府信息2949条。其中，…2275条，占77%。各乡镇主动公开政府信息674条，占23%"
    r = with_share_claims("pingtan-2015-txt", "占77%", {})
    assert shares(reconcile(r)) == []
    r.claims[next(i for i, c in enumerate(r.claims) if c.text == "占23%")].value = 30
    [f] = shares(reconcile(r))
    assert f.expected == 22.9


def test_rates_and_changes_are_not_shares():
    r = with_share_claims("pingtan-2023-html", "占51.85%", METRICS_2023)
    r.claims.append(Claim(text="办结率100%", value=100, unit="%", paragraph=r.claims[0].paragraph))
    r.claims.append(Claim(text="同比增长12.3%", value=12.3, unit="%", time="change", paragraph=r.claims[0].paragraph))
    assert shares(reconcile(r)) == []
