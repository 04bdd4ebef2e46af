"""The exported classifier (JSON + npz, applied in plain Python) labels exactly as the scikit-learn model it
was exported from, on every labelled paragraph: the labels file and the samples' gold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nianbao import training
from nianbao.model import Paragraph
from nianbao.sections.classifier_data import load_gold_paragraphs, load_labels_jsonl

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fitted() -> training.SklearnClassifier:
    """The scikit-learn model fitted as ``nianbao train`` fits the shipped one."""
    pytest.importorskip("sklearn")
    train_set, _ = training.split_examples(training.load_training_examples())
    return training.fit(train_set)


@pytest.fixture(scope="module")
def every_labelled_paragraph():
    return load_labels_jsonl(training.DEFAULT_LABELS_PATH) + load_gold_paragraphs(training.DEFAULT_SAMPLES_DIR)


def test_every_labelled_paragraph_is_covered(every_labelled_paragraph):
    rows = (ROOT / "corpus" / "labels" / "paragraphs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(every_labelled_paragraph) >= len([r for r in rows if r.strip()]) + 30


def test_export_gives_the_same_probabilities(fitted, every_labelled_paragraph):
    exported = fitted.export()
    texts = [ex.text for ex in every_labelled_paragraph]
    sk_probs, sk_problem = fitted.probabilities(texts)
    probs, problem = (np.asarray(x) for x in exported.probabilities(texts))
    assert np.abs(probs - sk_probs).max() < 1e-12
    assert np.abs(problem - sk_problem).max() < 1e-12
    assert (probs.argmax(axis=1) == sk_probs.argmax(axis=1)).all()


def test_export_gives_the_same_labels_and_scores_in_report_order(fitted, every_labelled_paragraph):
    """What ``label_paragraphs`` writes (label, score rounded to 4 places), report by report,
    with the place prior where the segmentation gives part/subsection."""
    exported = fitted.export()
    by_document: dict[str, list[Paragraph]] = {}
    for ex in every_labelled_paragraph:
        group = by_document.setdefault(ex.document or ex.id, [])
        group.append(Paragraph(ex.text, part=ex.part if ex.part is not None else -1, index=len(group), subsection=ex.subsection))
    compared = 0
    for paragraphs in by_document.values():
        sk = [(label, round(score, 4)) for label, score in fitted.label_report(paragraphs)]
        ours = [(label, round(score, 4)) for label, score in exported.label_report(paragraphs)]
        assert ours == sk
        compared += len(paragraphs)
    assert compared == len(every_labelled_paragraph)


def test_the_seed_in_report_order_with_its_segmentation(fitted):
    """The gold paragraphs that carry part/subsection (the place prior is exercised)."""
    examples = training.load_training_examples()
    with_place = [ex for ex in examples if ex.part is not None]
    assert len(with_place) > 50
    exported = fitted.export()
    assert training.predict_labels(exported, with_place, in_order=True) == training.predict_labels(fitted, with_place, in_order=True)


def test_labelling_imports_neither_scikit_learn_nor_skops_nor_scipy_nor_numpy():
    code = (
        "import sys\n"
        "from nianbao.model import Paragraph\n"
        "from nianbao.sections.classifier import label_paragraphs\n"
        "ps = [Paragraph('一是重点领域信息公开工作还需加强，对相关政策的进一步解读、细化较少；二是信息公开缺少标准化。', part=5, index=0), Paragraph('下一步，我局将加强培训。', part=5, index=1)]\n"
        "assert label_paragraphs(ps) == [], 'model missing'\n"
        "assert [p.label for p in ps] == ['problem', 'measure'], [p.label for p in ps]\n"
        "print(sorted(m for m in ('sklearn', 'skops', 'scipy', 'joblib', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
