"""The held-out portal (``nianbao.training.portal``): a model fitted without any 莆田 report,
scored on that portal's reports.  Built and checked on the development side only (corpus/putian
and folders made from it); the held-out split itself is never read by the tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nianbao import training
from nianbao.sections import classifier as clf
from nianbao.sections.classifier_data import report_sources
from nianbao.training.reports import segment_reports
from nianbao.training.portal import evaluate_gold_reports, evaluate_weak_reports, from_portal, portal_holdout

ROOT = Path(__file__).resolve().parents[1]
PUTIAN = ROOT / "corpus" / "putian"


@pytest.fixture(scope="module")
def data() -> training.TrainingData:
    pytest.importorskip("sklearn")
    return training.load_training_data()


def _fit(examples):
    return training.fit(examples).export()


def test_from_portal_by_folder_or_agency():
    assert from_portal("putian-ptcg-2024", "莆田市城市管理局")
    assert from_portal("some-folder", "莆田市科学技术局")
    assert not from_portal("pingtan-2021-html", "平潭综合实验区管委会")
    assert not from_portal("https://www.sinan.gov.cn/x.html", "sinan.gov.cn")


def test_the_portal_model_never_sees_a_putian_report(data):
    out = portal_holdout(data, _fit)
    putian = [ex for ex in data.examples if ex.document.startswith("putian-")]
    assert putian, "corpus/putian gives weak labels"
    assert out["portal_train"]["n"] == len(data.examples) - len(putian)
    dev = out["portal_dev"]
    assert dev["reports"] == len(report_sources(PUTIAN))
    assert dev["isolated"]["n"] >= dev["in_report"]["n"] > 200
    assert 0.5 < dev["isolated"]["macro_f1"] <= 1.0 and 0.5 < dev["in_report"]["macro_f1"] <= 1.0
    # every error names its report: none from outside the portal
    assert all(e["document"].startswith("putian-") for e in dev["errors"])


def test_a_held_out_folder_sharing_an_agency_with_training_is_refused(data, tmp_path):
    shutil.copytree(PUTIAN / "putian-ptcg-2024", tmp_path / "putian-ptcg-2024")
    with pytest.raises(ValueError, match="shares agencies"):
        portal_holdout(data, _fit, heldout_dir=tmp_path)
    with pytest.raises(ValueError, match="not a folder"):
        portal_holdout(data, _fit, heldout_dir=tmp_path / "nope")


def test_gold_paragraphs_are_scored_in_their_report_and_alone(tmp_path):
    """A labelled copy of a development report: two hand labels, one text segmentation cannot
    find (counted as wrong in report order, still scored alone)."""
    folder = tmp_path / "putian-ptcg-2024"
    shutil.copytree(PUTIAN / "putian-ptcg-2024", folder)
    gold = [
        {"text": "2024年，我局收到自然人政府信息公开申请13条，均依照法定程序出具政府信息公开申请答复书；", "label": "on_request"},
        {"text": "2024年，我局未收取信息处理费。", "label": "other"},
        {"text": "本段文字不在这份报告里。", "label": "other"},
    ]
    (folder / "gold.json").write_text(json.dumps({"paragraphs": gold}, ensure_ascii=False), encoding="utf-8")
    model = clf.ParagraphClassifier.load()
    result = evaluate_gold_reports(model, tmp_path, segment_reports(report_sources(tmp_path)))
    assert result["in_report"]["n"] == result["isolated"]["n"] == 3
    assert result["in_report"]["not_found_by_segmentation"] == 1
    assert result["in_report"]["per_label"]["on_request"]["recall"] == 1.0
    assert result["in_report"]["per_label"]["other"]["recall"] == 0.5  # the fee line; the missing text is wrong


def test_weak_labels_in_report_hide_the_headings_they_were_read_from():
    """In report order the weak labels are scored with the subsection headings hidden: a model
    that labels by headings alone gets no credit from them."""

    class HeadingsOnly(clf.Labeller):
        transitions = None
        settings = {"part_labels": {}, "agreement_min": 0.0, "part_floor": 1.0, "subsection_floor": 1e-6,
                    "part5_subsection_floor": 1e-6, "inline_headings": False}

        def probabilities(self, texts):
            import numpy as np

            return np.full((len(texts), len(clf.LABELS)), 1.0 / len(clf.LABELS)), None

        def label_report(self, paragraphs):
            assert all(p.subsection is None for p in paragraphs)
            return super().label_report(paragraphs)

    reports = segment_reports([next((PUTIAN / "putian-ptwgj-2023").glob("source.*"))])
    result = evaluate_weak_reports(HeadingsOnly(), reports, keep_errors=False)
    assert result["in_report"]["n"] > 20
    assert result["in_report"]["accuracy"] < 0.5  # uniform text, no headings: no better than chance
