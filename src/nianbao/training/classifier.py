"""Fit the paragraph classifier with scikit-learn and export it to the plain format that
``nianbao.sections.classifier`` applies (JSON + npz, numpy only).

Only this module imports scikit-learn (the ``[train]`` extra); checking a report never does.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..extras import require
from ..model import Paragraph
from ..sections.classifier import (
    LabelOrder,
    Labeller,
    LinearModel,
    ParagraphClassifier,
    TfidfFeatures,
    clear_model_cache,
    jieba_words,
    label_paragraphs,
    normalise,
)
from ..sections.classifier_data import (
    LABELS,
    LabelledText,
    SegmentedReport,
    TrainingData,
    attach_context,
    is_test_agency,
    load_gold_paragraphs,
    load_labels_jsonl,
    load_weak_examples,
    merge_examples,
    report_sources,
)
from ..sections.classifier_weak import PART_LABELS
from .reports import segment_reports

MODEL_VERSION = "2.0.0"

# Training data lives in the repository, not in the package.
_REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_LABELS_PATH = _REPO_ROOT / "corpus" / "labels" / "paragraphs.jsonl"
DEFAULT_SAMPLES_DIR = _REPO_ROOT / "corpus" / "samples"
# Unlabelled real reports whose headings give weak labels (the 莆田 portal's development side).
DEFAULT_REPORT_DIRS = (_REPO_ROOT / "corpus" / "putian",)
# The 莆田 portal's held-out split: test data only (``portal_holdout``), never trained on.
DEFAULT_HELDOUT_DIR = _REPO_ROOT / "corpus" / "heldout"
# Weight of a weak example against a hand label in the fit (chosen by agency cross-validation).
WEAK_WEIGHT = 1.0

# How much a paragraph's place in the report weighs against its text: a label the place rules
# out keeps this share of its probability (the text can still win when it is very sure).
PART_PRIOR_FLOOR = 0.05
SUBSECTION_PRIOR_FLOOR = 0.15
# In part 五 the subsection headings are unambiguous ("(一) 存在问题", "(二) 改进措施"): there the
# other label keeps only this share.
PART5_SUBSECTION_FLOOR = 0.02
# A part prior is dropped only when the text model flatly disagrees for the part as a whole
# (a report whose parts were mis-numbered).  ``sections.segment`` numbers parts by their title
# words, so the gate is low: at 0.35 it wrongly dropped the seed's part 五 (see MODEL_CARD.md).
PART_AGREEMENT_MIN = 0.1
# Weight of the label order model against the text model.  1.0 was chosen on the hand labels
# alone; with the weak labels the text model is surer and 0.5 is best both in agency CV (in
# report order 0.940 -> 0.947) and on the 莆田 development reports (0.858 -> 0.880); 0.25, 0.35,
# 0.75, 2 and 3 were worse on both (MODEL_CARD.md).  Isolated text does not use it.
ORDER_WEIGHT = 0.5
# The parts come in a fixed order (format.md): once a report is at its problems and measures
# (part 五) it does not go back to the overview or part 一's topics; only part 六 (`other`)
# follows.  Smoothing alone would give such a step back ~3%, enough for a run of numbered
# measures worded like disclosure work ("(二)做好财政预决算…公开") to be read as proactive.
RETURN_FROM_PART5 = 0.01
_PART5_LABELS = ("problem", "measure")
_PART1_LABELS = ("preamble", "overview", "proactive", "on_request", "management")
# Read a paragraph's own descriptive opening title ("（五）监督保障情况。…") like a subsection
# heading, in a report and alone.  Alone it is the only place the paragraph states: isolated
# agency CV 0.842 -> 0.852 (in report order unchanged, 0.935).
USE_INLINE_HEADINGS = True
# Decide problem vs measure in part 五 with a dedicated two-label model.
USE_PROBLEM_MEASURE_MODEL = True


def settings() -> dict[str, Any]:
    """The labelling settings written into the model file (the inference side reads them there)."""
    return {
        "part_floor": PART_PRIOR_FLOOR,
        "subsection_floor": SUBSECTION_PRIOR_FLOOR,
        "part5_subsection_floor": PART5_SUBSECTION_FLOOR,
        "order_weight": ORDER_WEIGHT,
        "agreement_min": PART_AGREEMENT_MIN,
        "return_from_part5": RETURN_FROM_PART5,
        "inline_headings": USE_INLINE_HEADINGS,
        "part_labels": {str(part): list(labels) for part, labels in PART_LABELS.items()},
    }


# Words whose presence says what a paragraph does (report, plan, admit a problem, …).
CUE_WORDS: list[str] = sorted(
    {
        # future / plan (measures)
        "继续", "进一步", "下一步", "今后", "将", "要", "改进", "措施", "加大", "持续", "不断", "努力", "力争", "确保",
        # problems
        "存在", "问题", "不足", "有待", "仍", "薄弱", "不够", "还需",
        # past / report of the year
        "了", "已", "共", "全年", "本年度", "年",
        # topics
        "收费", "处理费", "减免", "建议", "提案", "条例", "报告", "依申请", "申请", "主动公开", "平台", "网站",
        "培训", "考核", "监督", "机制", "制度", "答复", "复议", "诉讼", "解读", "预决算", "重点领域",
        "我局", "我镇", "我区", "一是", "二是", "统计", "下载", "电子版", "无", "未",
    }
)


# Weight of the cue-word block.  It was 2.0 with 300 hand labels; with the weak labels' wording
# the n-grams carry the cues themselves: 0.5 is best in agency cross-validation and on the 莆田
# development reports (see MODEL_CARD.md).
CUE_WEIGHT = 0.5


def build_pipeline(kind: str = "logreg", *, seed: int = 0) -> Any:
    """The text model: word + char-n-gram TF-IDF, then a linear classifier.

    ``kind``: "logreg" (multinomial logistic regression, probabilistic by itself),
    "svm" (LinearSVC wrapped in sigmoid calibration), "cnb" (complement naive Bayes).
    """
    require("sklearn", "train")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=jieba_words, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
            # A fixed vocabulary of cue words, weighted up: with a few hundred examples the
            # tense/modality cues (继续, 进一步, 将 vs 了, 全年) drown among thousands of n-grams.
            (
                "cues",
                TfidfVectorizer(
                    analyzer="char", ngram_range=(1, 3), vocabulary=CUE_WORDS, use_idf=False, sublinear_tf=True
                ),
            ),
        ],
        transformer_weights={"words": 1.0, "chars": 1.0, "cues": CUE_WEIGHT},
    )
    return Pipeline([("features", features), ("clf", build_classifier(kind, seed=seed))])


def build_classifier(kind: str = "logreg", *, seed: int = 0) -> Any:
    """The linear model on top of the features (see ``build_pipeline``)."""
    require("sklearn", "train")
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    if kind == "logreg":
        clf: Any = LogisticRegression(C=20.0, solver="newton-cg", max_iter=200, class_weight="balanced", random_state=seed)
    elif kind == "logreg_cal":
        # Sigmoid-calibrated on held-out folds: plain logistic regression on a few hundred
        # paragraphs is overconfident, which would let one wrong text score outvote the headings.
        clf = CalibratedClassifierCV(
            LogisticRegression(C=20.0, solver="newton-cg", max_iter=200, class_weight="balanced", random_state=seed),
            method="sigmoid",
            cv=3,
        )
    elif kind == "svm":
        clf = CalibratedClassifierCV(
            LinearSVC(C=0.5, class_weight="balanced", random_state=seed), method="sigmoid", cv=3
        )
    elif kind == "cnb":
        clf = ComplementNB(alpha=0.3)
    else:
        raise ValueError(f"unknown model kind {kind!r}; use logreg, logreg_cal, svm or cnb")
    return clf


# ---- the fitted scikit-learn model -----------------------------------------------------------


@dataclass
class SklearnClassifier(Labeller):
    """A fitted scikit-learn text pipeline, the problem/measure model and the label order
    model: what ``fit`` returns.  It labels exactly as the exported model does (same
    ``Labeller`` steps after the probabilities), which is how the export is tested."""

    pipeline: Any
    transitions: LabelOrder | None = None
    problem_measure: Any = None
    settings: dict[str, Any] = field(default_factory=settings)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def features(self, texts: Sequence[str]) -> Any:
        """``FeatureUnion.transform`` without its joblib dispatch (the same matrix)."""
        from scipy import sparse

        union = self.pipeline.named_steps["features"]
        weights = union.transformer_weights or {}
        normalised = [normalise(t) for t in texts]
        blocks = [
            transformer.transform(normalised) * weights.get(name, 1.0)
            for name, transformer in union.transformer_list
            if transformer not in ("drop", None)
        ]
        return sparse.hstack(blocks).tocsr()

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        if not texts:
            return np.zeros((0, len(LABELS))), None
        features = self.features(texts)
        raw = self.pipeline.named_steps["clf"].predict_proba(features)
        out = np.zeros((len(texts), len(LABELS)))
        for j, label in enumerate(self.labels):
            out[:, LABELS.index(label)] = raw[:, j]
        p_problem = None
        if self.problem_measure is not None:
            classes = list(self.problem_measure.classes_)
            p_problem = self.problem_measure.predict_proba(features)[:, classes.index("problem")]
        return out, p_problem

    def export(self) -> ParagraphClassifier:
        """The same model in the plain format: vocabularies, idf, coefficients, intercepts, the
        label order model and the settings.  Only what numpy can apply exactly is exported:
        logistic regression and complement naive Bayes (calibrated models are for comparison)."""
        union = self.pipeline.named_steps["features"]
        weights = union.transformer_weights or {}
        blocks: list[TfidfFeatures] = []
        offset = 0
        for name, vectorizer in union.transformer_list:
            if callable(vectorizer.analyzer):
                if vectorizer.analyzer is not jieba_words:
                    raise ValueError(f"feature block {name!r} uses an analyzer the exported model cannot apply")
                analyzer, lowercase = "jieba_words", False  # scikit-learn does not lowercase for a callable
            elif vectorizer.analyzer == "char" and vectorizer.preprocessor is None and not vectorizer.strip_accents:
                analyzer, lowercase = "char", bool(vectorizer.lowercase)
            else:
                raise ValueError(f"feature block {name!r}: analyzer {vectorizer.analyzer!r} cannot be exported")
            terms = [""] * len(vectorizer.vocabulary_)
            for term, column in vectorizer.vocabulary_.items():
                terms[column] = term
            blocks.append(TfidfFeatures(
                name=name, analyzer=analyzer, terms=terms,
                idf=np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else None,
                offset=offset, ngram_range=tuple(vectorizer.ngram_range), lowercase=lowercase,
                sublinear_tf=bool(vectorizer.sublinear_tf), norm=vectorizer.norm, weight=float(weights.get(name, 1.0)),
            ))
            offset += len(terms)
        problem_measure = _export_linear(self.problem_measure) if self.problem_measure is not None else None
        return ParagraphClassifier(
            features=blocks, text_model=_export_linear(self.pipeline.named_steps["clf"]),
            problem_measure=problem_measure, transitions=self.transitions,
            settings=dict(self.settings), info=dict(self.info),
        )


def _export_linear(estimator: Any) -> LinearModel:
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    classes = [str(c) for c in estimator.classes_]
    if isinstance(estimator, LogisticRegression):
        coef, intercept = np.array(estimator.coef_, dtype=np.float64), np.array(estimator.intercept_, dtype=np.float64)
        return LinearModel(classes, coef, intercept, "logistic" if coef.shape[0] == 1 else "softmax")
    if isinstance(estimator, ComplementNB):
        coef = np.array(estimator.feature_log_prob_, dtype=np.float64)
        intercept = np.array(estimator.class_log_prior_ if len(classes) == 1 else np.zeros(len(classes)), dtype=np.float64)
        return LinearModel(classes, coef, intercept, "softmax")
    raise ValueError(
        f"a {type(estimator).__name__} cannot be exported to the plain model format; "
        "train with --kind logreg (the shipped model) or cnb"
    )


def estimate_label_order(documents: Sequence[Sequence[str]], smoothing: float = 0.5) -> LabelOrder:
    """The label order model from the training reports' label sequences, with the format's part
    order imposed (no step back from part 五 to part 一's labels)."""
    n = len(LABELS)
    start = np.full(n, smoothing)
    counts = np.full((n, n), smoothing)
    for labels in documents:
        idx = [LABELS.index(label) for label in labels]
        if idx:
            start[idx[0]] += 1
        for a, b in zip(idx, idx[1:]):
            counts[a, b] += 1
    for a in _PART5_LABELS:
        for b in _PART1_LABELS:
            counts[LABELS.index(a), LABELS.index(b)] *= RETURN_FROM_PART5
    return LabelOrder(start=start / start.sum(), matrix=counts / counts.sum(axis=1, keepdims=True), weight=ORDER_WEIGHT)


def fit(examples: Sequence[LabelledText], kind: str = "logreg", *, weak_weight: float = WEAK_WEIGHT) -> SklearnClassifier:
    """Fit the text pipeline, the problem/measure model and the label order model; a weak
    example counts ``weak_weight`` times a hand label."""
    pipeline = build_pipeline(kind)
    weights = np.array([weak_weight if ex.source == "weak" else 1.0 for ex in examples])
    pipeline.fit([normalise(ex.text) for ex in examples], [ex.label for ex in examples], clf__sample_weight=weights)
    _drop_stop_words(pipeline)
    documents: dict[str, list[str]] = {}
    for ex in examples:
        documents.setdefault(ex.document or ex.id, []).append(ex.label)
    model = SklearnClassifier(pipeline=pipeline, transitions=estimate_label_order(list(documents.values())))
    if USE_PROBLEM_MEASURE_MODEL:
        pm = [i for i, ex in enumerate(examples) if ex.label in ("problem", "measure")]
        features = model.features([examples[i].text for i in pm])
        model.problem_measure = build_classifier(kind).fit(features, [examples[i].label for i in pm], sample_weight=weights[pm])
    return model


def _drop_stop_words(pipeline: Any) -> None:
    """TF-IDF keeps every pruned n-gram in ``stop_words_`` for introspection only."""
    for _name, vectorizer in pipeline.named_steps["features"].transformer_list:
        if hasattr(vectorizer, "stop_words_"):
            delattr(vectorizer, "stop_words_")


# ---- training data and the training run --------------------------------------------------------


def load_training_data(
    labels_path: Path = DEFAULT_LABELS_PATH,
    samples_dir: Path = DEFAULT_SAMPLES_DIR,
    *,
    weak: bool = True,
    report_dirs: Sequence[Path] = DEFAULT_REPORT_DIRS,
) -> TrainingData:
    """Hand labels, gold labels and (``weak``) the weak labels of the sample reports and of
    every report under ``report_dirs``, deduplicated (hand labels win).

    Gold paragraphs get the part/subsection of their segmented paragraph, so the in-report
    evaluation uses the same context ``label_paragraphs`` gets from ``sections.segment``.
    """
    hand = load_labels_jsonl(labels_path)
    gold = load_gold_paragraphs(samples_dir)
    sources: list[list[LabelledText]] = [hand, gold]
    reports: list[SegmentedReport] = []
    if weak:
        samples = segment_reports(report_sources(samples_dir))
        attach_context(gold, samples)
        reports = samples + [r for folder in report_dirs for r in segment_reports(report_sources(Path(folder)))]
        sources.append(load_weak_examples(reports))
    return TrainingData(merge_examples(*sources), reports)


def load_training_examples(
    labels_path: Path = DEFAULT_LABELS_PATH,
    samples_dir: Path = DEFAULT_SAMPLES_DIR,
    *,
    weak: bool = True,
    report_dirs: Sequence[Path] = DEFAULT_REPORT_DIRS,
) -> list[LabelledText]:
    """The examples of ``load_training_data``."""
    return load_training_data(labels_path, samples_dir, weak=weak, report_dirs=report_dirs).examples


def split_examples(examples: Sequence[LabelledText]) -> tuple[list[LabelledText], list[LabelledText]]:
    """Train / held-out split by agency (``is_test_agency``); held-out keeps only hand labels.

    An agency with weak labels only (a report without any hand label) always trains: none of
    its paragraphs is ever scored, so it cannot leak into a held-out score.
    """
    hand_agencies = {ex.agency for ex in examples if ex.source != "weak"}
    train_set = [ex for ex in examples if ex.agency not in hand_agencies or not is_test_agency(ex.agency)]
    test_set = [ex for ex in examples if ex.agency in hand_agencies and is_test_agency(ex.agency) and ex.source != "weak"]
    return train_set, test_set


def train(
    *,
    kind: str = "logreg",
    labels_path: Path = DEFAULT_LABELS_PATH,
    samples_dir: Path = DEFAULT_SAMPLES_DIR,
    weak: bool = True,
    report_dirs: Sequence[Path] = DEFAULT_REPORT_DIRS,
    save_dir: Path | None = None,
    cross_validate: bool = False,
    heldout_dir: Path | None = None,
) -> tuple[ParagraphClassifier, dict[str, Any]]:
    """Fit on the training agencies, export, score the exported model on the held-out agencies,
    optionally save it (with its metrics and model card).

    The saved model is the one fitted on the training agencies only, so every held-out
    paragraph (tests, model card) is unseen by it.  ``cross_validate`` adds ``agency_cv``:
    every hand-labelled paragraph scored by a model that never saw its agency, in report order
    and alone.  With ``weak``, ``portal_dev`` is added: a model fitted without any 莆田 report
    labels the development reports of that portal (their weak labels).  ``heldout_dir`` adds
    ``portal_heldout``: the same model on the portal's held-out split (weak labels and hand
    labels; scores only, no paragraph is kept in the report), and ``heldout_shipped``: the
    shipped model (fitted with the portal's development reports) on that split.
    """
    from . import card
    from .evaluate import evaluate_examples

    data = load_training_data(labels_path, samples_dir, weak=weak, report_dirs=report_dirs)
    examples = data.examples
    train_set, test_set = split_examples(examples)
    started = time.perf_counter()
    model = fit(train_set, kind).export()
    fit_seconds = time.perf_counter() - started
    in_report = evaluate_examples(model, test_set, in_order=True)
    text_only = evaluate_examples(model, test_set, in_order=False)
    report: dict[str, Any] = {
        "version": MODEL_VERSION,
        "kind": kind,
        "fit_seconds": round(fit_seconds, 2),
        "cue_weight": CUE_WEIGHT,
        "weak_weight": WEAK_WEIGHT,
        "train": _describe(train_set),
        "test": _describe(test_set),
        "held_out": {k: v for k, v in in_report.items() if k != "errors"},
        "held_out_text_only": {k: v for k, v in text_only.items() if k != "errors"},
        "held_out_errors": in_report["errors"],
        "held_out_text_only_errors": text_only["errors"],
    }
    if cross_validate:
        report["agency_cv"] = agency_cross_validation(examples, kind=kind)
    if weak:
        from .portal import portal_holdout

        def fit_exported(examples: Sequence[LabelledText]) -> ParagraphClassifier:
            return fit(examples, kind).export()

        report["weak_agreement"] = weak_label_agreement(data.reports, samples_dir)
        report["weak_reports"] = len(data.reports)
        report["weak_agencies"] = len({r.agency for r in data.reports})
        report.update(portal_holdout(data, fit_exported, heldout_dir=heldout_dir))
    if heldout_dir is not None:
        from .portal import score_heldout

        report["heldout_shipped"] = score_heldout(model, Path(heldout_dir))
    report["speed"] = _time_labelling(model, test_set)
    model.info = _without_errors(report)
    if save_dir is not None:
        model.save(save_dir)
        card.write(save_dir, report, LABELS, model.settings)
        clear_model_cache()
    return model, report


def weak_label_agreement(reports: Sequence[SegmentedReport], samples_dir: Path = DEFAULT_SAMPLES_DIR) -> dict[str, Any]:
    """How often a weak label agrees with the hand label of the same text, on the sample reports
    that have both (a weak example and a gold paragraph match when one text holds the other)."""
    gold_by_document: dict[str, list[tuple[str, str]]] = {}
    for gold_path in sorted(samples_dir.glob("*/gold.json")):  # both copies of a report (html, txt)
        rows = json.loads(gold_path.read_text(encoding="utf-8")).get("paragraphs", [])
        gold_by_document[gold_path.parent.name] = [(_squash(r["text"]), r["label"]) for r in rows]
    pairs: Counter[tuple[str, str]] = Counter()
    for report in reports:
        gold = gold_by_document.get(report.document)
        if not gold:
            continue
        for weak in load_weak_examples([report]):
            text = _squash(weak.text)
            label = next((g for t, g in gold if t and text and (t in text or text in t)), None)
            if label is not None:
                pairs[(label, weak.label)] += 1
    n = sum(pairs.values())
    agree = sum(c for (g, w), c in pairs.items() if g == w)
    return {"n": n, "agree": agree, "disagree": {f"{g}->{w}": c for (g, w), c in pairs.most_common() if g != w}}


def _squash(text: str) -> str:
    return "".join(text.split())


def agency_cross_validation(examples: Sequence[LabelledText], *, kind: str = "logreg", folds: int = 5) -> dict[str, Any]:
    """Grouped k-fold over *all* agencies (training and held-out): each fold's model is fitted on
    the other agencies (weak labels included) and scores this fold's hand labels in report order
    (``in_report``, the figures at the top level) and each paragraph alone (``isolated``).
    A larger-sample estimate than the fixed held-out split, with the same settings."""
    from sklearn.model_selection import GroupKFold

    from .evaluate import predict_labels, score

    gold: list[str] = []
    in_report: list[str] = []
    isolated: list[str] = []
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(examples, groups=[ex.agency for ex in examples]):
        model = fit([examples[i] for i in train_idx], kind).export()
        scored = [examples[i] for i in test_idx if examples[i].source != "weak"]
        gold += [ex.label for ex in scored]
        in_report += predict_labels(model, scored, in_order=True)
        isolated += predict_labels(model, scored, in_order=False)
    result = score(gold, in_report)
    result["isolated"] = score(gold, isolated)
    result["folds"] = folds
    result["agencies"] = len({ex.agency for ex in examples})
    result["hand_agencies"] = len({ex.agency for ex in examples if ex.source != "weak"})
    return result


def _time_labelling(model: ParagraphClassifier, examples: Sequence[LabelledText]) -> dict[str, Any]:
    """Mean wall-clock ms per paragraph of ``label_paragraphs``, one call per report."""
    by_document: dict[str, list[Paragraph]] = {}
    for ex in examples:
        group = by_document.setdefault(ex.document or ex.id, [])
        group.append(Paragraph(text=ex.text, part=ex.part if ex.part is not None else -1, index=len(group), subsection=ex.subsection))
    reports = list(by_document.values())
    if not reports:
        return {}
    label_paragraphs(reports[0], model)  # warm-up
    started = time.perf_counter()
    for paragraphs in reports:
        label_paragraphs(paragraphs, model)
    n = sum(len(r) for r in reports)
    return {
        "ms_per_paragraph": round((time.perf_counter() - started) / n * 1000, 3),
        "paragraphs": n,
        "load": round(os.getloadavg()[0], 1),
    }


def _without_errors(report: dict[str, Any]) -> dict[str, Any]:
    """The report without its error lists (paragraph texts): what the model file carries."""
    return {k: _without_errors(v) if isinstance(v, dict) else v for k, v in report.items() if not k.endswith("errors")}


def _describe(examples: Sequence[LabelledText]) -> dict[str, Any]:
    return {
        "n": len(examples),
        "agencies": sorted({ex.agency for ex in examples}),
        "labels": {label: n for label, n in Counter(ex.label for ex in examples).most_common()},
        "sources": dict(Counter(ex.source for ex in examples)),
    }
