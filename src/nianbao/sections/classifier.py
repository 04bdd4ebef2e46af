"""Narrative paragraph classifier: what does each paragraph of a report talk about?

Labels (gold.md): preamble, overview, proactive, on_request, management, problem, measure, other.

The model is a scikit-learn pipeline (TF-IDF over jieba words + character n-grams + cue words,
multinomial logistic regression; its probabilities measured well calibrated in grouped CV, ECE
~0.05), saved with skops in ``models/``.  On a segmented report the paragraph's place (part
number, subsection heading) is a prior on top of the text model, and a label order model
(Viterbi over the report's paragraphs) settles ambiguous ones; bare text (``nianbao classify``)
uses the text model alone.  See models/MODEL_CARD.md for data and held-out scores.

Entry points:

- ``label_paragraphs(paragraphs)``: sets ``label`` / ``score`` on each ``Paragraph`` (the lead's
  ``sections.classify`` calls it).  With no model file it falls back to heading rules and
  emits a ``warnings.warn`` (category ``ModelMissingWarning``).
- ``split_mixed(text)``: spans of a paragraph where the label changes (problems, then measures).
- ``evaluate_labels(path)``: held-out scores on a labelled jsonl file.
- ``train(...)``: fit on the corpus, score on the held-out agencies, save to ``models/``.
"""

from __future__ import annotations

import json
import os
import re
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Paragraph
from .classifier_data import (
    LABELS,
    LabelledText,
    allowed_labels,
    attach_context,
    inline_heading,
    load_gold_paragraphs,
    load_labels_jsonl,
    load_weak_examples,
    merge_examples,
    segment_reports,
    split_by_agency,
    subsection_label,
    weak_label,
)

MODEL_VERSION = "1.0.0"
MODEL_FILENAME = "paragraph_classifier.skops"
METRICS_FILENAME = "paragraph_classifier.metrics.json"

# The repository's models/ (editable install); NIANBAO_MODEL_DIR overrides it.
_REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_MODEL_DIR = _REPO_ROOT / "models"
DEFAULT_LABELS_PATH = _REPO_ROOT / "corpus" / "labels" / "paragraphs.jsonl"
DEFAULT_SAMPLES_DIR = _REPO_ROOT / "corpus" / "samples"

# Functions the saved pipeline refers to; skops loads only these (plus sklearn/numpy types).
TRUSTED_FUNCTIONS = ["nianbao.sections.classifier.jieba_words"]

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
# Weight of the label order model against the text model (chosen by cross-validation on the
# training agencies, see notebooks/train_classifier.ipynb).
ORDER_WEIGHT = 1.0
# The parts come in a fixed order (format.md): once a report is at its problems and measures
# (part 五) it does not go back to the overview or part 一's topics; only part 六 (`other`)
# follows.  Smoothing alone would give such a step back ~3%, enough for a run of numbered
# measures worded like disclosure work ("(二)做好财政预决算…公开") to be read as proactive.
RETURN_FROM_PART5 = 0.01
_PART5_LABELS = ("problem", "measure")
_PART1_LABELS = ("preamble", "overview", "proactive", "on_request", "management")
# Read a paragraph's own opening title ("（三）政府信息管理情况。") like a subsection heading
# (off: no gain in cross-validation on the training agencies; kept for experiments).
USE_INLINE_HEADINGS = False
# Decide problem vs measure in part 五 with a dedicated two-label model.
USE_PROBLEM_MEASURE_MODEL = True


class ModelMissingWarning(UserWarning):
    """No trained model file: paragraphs are labelled by heading rules only."""


# ---- text features ---------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Digits become one symbol (counts and dates say nothing about the topic); spaces go."""
    return _DIGITS.sub("0", _SPACE.sub("", text))


def jieba_words(text: str) -> list[str]:
    """jieba words of a normalised paragraph, punctuation dropped (the word analyzer)."""
    from ..segmenter import quiet_jieba

    jieba = quiet_jieba()

    # HMM off: the new-word model costs a third of the time and the char n-grams cover new words.
    return [w for w in jieba.lcut(text, HMM=False) if w.strip() and not _is_punct(w)]


def _is_punct(word: str) -> bool:
    return all(not ch.isalnum() for ch in word)


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


def build_pipeline(kind: str = "logreg", *, seed: int = 0) -> Any:
    """The text model: word + char-n-gram TF-IDF, then a linear classifier.

    ``kind``: "logreg" (multinomial logistic regression, probabilistic by itself),
    "svm" (LinearSVC wrapped in sigmoid calibration), "cnb" (complement naive Bayes).
    """
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
        transformer_weights={"words": 1.0, "chars": 1.0, "cues": 2.0},
    )
    return Pipeline([("features", features), ("clf", build_classifier(kind, seed=seed))])


def build_classifier(kind: str = "logreg", *, seed: int = 0) -> Any:
    """The linear model on top of the features (see ``build_pipeline``)."""
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


# ---- the trained model -----------------------------------------------------------------------


@dataclass
class ParagraphClassifier:
    """A fitted text pipeline, the label order model, and what they were trained on."""

    pipeline: Any
    transitions: LabelOrder | None = None
    info: dict[str, Any] = field(default_factory=dict)
    # A second linear model (same features) for the one decision part 五 leaves open: problem or
    # measure.  The 8-label model spreads little mass over these two, so their ratio is noise.
    problem_measure: Any = None

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """(P(label) over ``LABELS`` per text, P(problem | problem or measure) per text or None).

        The features are computed once for both models (jieba is most of the cost).
        """
        if not texts:
            return np.zeros((0, len(LABELS))), None
        features = union_transform(self.pipeline.named_steps["features"], [normalise(t) for t in texts])
        raw = self.pipeline.named_steps["clf"].predict_proba(features)
        out = np.zeros((len(texts), len(LABELS)))
        for j, label in enumerate(self.labels):
            out[:, LABELS.index(label)] = raw[:, j]
        p_problem = None
        if self.problem_measure is not None:
            classes = list(self.problem_measure.classes_)
            p_problem = self.problem_measure.predict_proba(features)[:, classes.index("problem")]
        return out, p_problem

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities over ``LABELS`` (columns in LABELS order, 0 for a label never trained)."""
        return self.probabilities(texts)[0]

    def problem_probability(self, texts: Sequence[str]) -> np.ndarray | None:
        """P(problem | problem or measure) per text, or None without the two-label model."""
        return self.probabilities(texts)[1] if texts else None

    def predict(self, texts: Sequence[str], *, in_order: bool = False) -> list[tuple[str, float]]:
        """(label, probability) per text; ``in_order``: the texts are one report's paragraphs in
        reading order, so the label order model is applied too."""
        probs = self.predict_proba(texts)
        return self.decide(probs, in_order=in_order)

    def decide(self, probs: np.ndarray, *, in_order: bool) -> list[tuple[str, float]]:
        if in_order and self.transitions is not None and len(probs):
            best = self.transitions.decode(probs)
        else:
            best = [int(i) for i in probs.argmax(axis=1)] if len(probs) else []
        return [(LABELS[i], float(row[i])) for row, i in zip(probs, best)]

    def save(self, model_dir: Path) -> Path:
        """Write ``paragraph_classifier.skops`` (skops, no pickle) and the metrics JSON."""
        import skops.io as sio

        model_dir.mkdir(parents=True, exist_ok=True)
        path = model_dir / MODEL_FILENAME
        bundle: dict[str, Any] = {"pipeline": self.pipeline, "version": MODEL_VERSION, "labels": list(LABELS)}
        if self.transitions is not None:
            bundle["start"] = self.transitions.start
            bundle["transitions"] = self.transitions.matrix
        if self.problem_measure is not None:
            bundle["problem_measure"] = self.problem_measure
        sio.dump(bundle, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        (model_dir / METRICS_FILENAME).write_text(
            json.dumps(self.info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        return path

    @classmethod
    def load(cls, model_dir: Path | None = None) -> ParagraphClassifier:
        """Load ``models/paragraph_classifier.skops``; FileNotFoundError when there is none.

        Only scikit-learn/numpy/scipy types and ``TRUSTED_FUNCTIONS`` are accepted: any other
        type in the file is refused rather than executed.
        """
        import skops.io as sio

        model_dir = model_dir or default_model_dir()
        path = model_dir / MODEL_FILENAME
        if not path.exists():
            raise FileNotFoundError(f"no paragraph model at {path}; run `nianbao train` to create it")
        untrusted = sio.get_untrusted_types(file=path)
        unexpected = [t for t in untrusted if t not in TRUSTED_FUNCTIONS]
        if unexpected:
            raise ValueError(f"{path} refers to code nianbao does not trust: {', '.join(unexpected)}")
        bundle = sio.load(path, trusted=untrusted)
        if list(bundle.get("labels", [])) != list(LABELS):
            raise ValueError(f"{path} was trained for labels {bundle.get('labels')}; retrain with `nianbao train`")
        order = None
        if "transitions" in bundle:
            order = LabelOrder(start=np.asarray(bundle["start"]), matrix=np.asarray(bundle["transitions"]))
        info_path = model_dir / METRICS_FILENAME
        info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
        return cls(pipeline=bundle["pipeline"], transitions=order, info=info, problem_measure=bundle.get("problem_measure"))


@dataclass
class LabelOrder:
    """How labels follow each other in a report (preamble → overview → … → measure → other).

    A first-order Markov chain over labels, estimated from the training reports' label
    sequences; ``decode`` finds the most likely label sequence (Viterbi) given per-paragraph
    probabilities.  It fixes paragraphs whose text alone is ambiguous, e.g. a measure worded
    like a proactive-disclosure paragraph right after the problems.
    """

    start: np.ndarray  # P(first label)
    matrix: np.ndarray  # P(next label | label)
    weight: float = ORDER_WEIGHT  # how much the order counts against the text (log-linear)

    @classmethod
    def estimate(cls, documents: Sequence[Sequence[str]], smoothing: float = 0.5) -> LabelOrder:
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
        return cls(start=start / start.sum(), matrix=counts / counts.sum(axis=1, keepdims=True))

    def decode(self, probs: np.ndarray) -> list[int]:
        eps = 1e-9
        log_emit = np.log(probs + eps)
        log_trans = self.weight * np.log(self.matrix)
        score = self.weight * np.log(self.start) + log_emit[0]
        back = np.zeros(probs.shape, dtype=int)
        for t in range(1, len(probs)):
            candidates = score[:, None] + log_trans
            back[t] = candidates.argmax(axis=0)
            score = candidates.max(axis=0) + log_emit[t]
        path = [int(score.argmax())]
        for t in range(len(probs) - 1, 0, -1):
            path.append(int(back[t, path[-1]]))
        return path[::-1]


def union_transform(union: Any, texts: Sequence[str]) -> Any:
    """``FeatureUnion.transform`` without its joblib dispatch (same matrix, a millisecond less
    per call, which is most of the cost of labelling one short report)."""
    from scipy import sparse

    weights = union.transformer_weights or {}
    blocks = [
        transformer.transform(texts) * weights.get(name, 1.0)
        for name, transformer in union.transformer_list
        if transformer not in ("drop", None)
    ]
    return sparse.hstack(blocks).tocsr()


def default_model_dir() -> Path:
    env = os.environ.get("NIANBAO_MODEL_DIR")
    return Path(env) if env else DEFAULT_MODEL_DIR


@lru_cache(maxsize=4)
def _cached_model(model_dir: str) -> ParagraphClassifier:
    return ParagraphClassifier.load(Path(model_dir))


def load_default_model() -> ParagraphClassifier | None:
    """The model in ``models/`` (cached), or None with a ModelMissingWarning when absent."""
    model_dir = default_model_dir()
    try:
        return _cached_model(str(model_dir))
    except FileNotFoundError as exc:
        warnings.warn(
            f"{exc}. Paragraphs are labelled from their headings only (labels may be missing).",
            ModelMissingWarning,
            stacklevel=3,
        )
        return None


# ---- labelling paragraphs --------------------------------------------------------------------


def label_paragraphs(paragraphs: list[Paragraph], model: ParagraphClassifier | None = None) -> None:
    """Set ``label`` and ``score`` on each paragraph (in place).

    Uses the default model in ``models/``.  When no model file exists it emits a
    ``ModelMissingWarning`` (``warnings.warn``) and labels from the headings alone
    (``classifier_data.weak_label``) with ``score=None``; a paragraph whose place gives no label
    keeps ``label=None``.
    """
    if not paragraphs:
        return
    model = model or load_default_model()
    if model is None:
        for para in paragraphs:
            para.label, para.score = weak_label(para), None
        return
    text_probs, p_problem = model.probabilities([p.text for p in paragraphs])
    probs = apply_context(paragraphs, text_probs, p_problem)
    for para, (label, prob) in zip(paragraphs, model.decide(probs, in_order=True)):
        para.label, para.score = label, round(prob, 4)


def apply_context(
    paragraphs: Sequence[Paragraph], text_probs: np.ndarray, problem_probability: np.ndarray | None = None
) -> np.ndarray:
    """Combine text probabilities with the paragraph's place in the report.

    A part of the standard layout (0 preamble, 1 overview…management, 5 problem/measure,
    6 other) down-weights the labels it rules out, but only when the text model itself puts
    at least ``PART_AGREEMENT_MIN`` of its mass on the part's labels on average (a legacy report
    numbers its parts differently).  In part 五 the mass left on problem/measure is shared by
    ``problem_probability`` (the two-label model) when given.  A subsection heading that names a
    label ("（一）主动公开", "（二）改进措施") down-weights the others.
    """
    probs = text_probs.copy()
    trusted_parts = _parts_agreeing(paragraphs, text_probs)
    for row, para in enumerate(paragraphs):
        prior = np.ones(len(LABELS))
        allowed = allowed_labels(para.part)
        if allowed is not None and para.part in trusted_parts:
            prior *= _prior_for(allowed, PART_PRIOR_FLOOR)
            if problem_probability is not None and set(allowed) == {"problem", "measure"}:
                probs[row] = _share_problem_measure(probs[row] * prior, float(problem_probability[row]))
                prior = np.ones(len(LABELS))
        heading_label = subsection_label(para.subsection)
        if heading_label is None and USE_INLINE_HEADINGS:
            heading_label = subsection_label(inline_heading(para.text))
        if heading_label is not None and (allowed is None or heading_label in allowed or para.part not in trusted_parts):
            floor = PART5_SUBSECTION_FLOOR if heading_label in ("problem", "measure") and para.part == 5 else SUBSECTION_PRIOR_FLOOR
            prior *= _prior_for((heading_label,), floor)
        probs[row] *= prior
        total = probs[row].sum()
        probs[row] = probs[row] / total if total > 0 else text_probs[row]
    return probs


def _share_problem_measure(row: np.ndarray, p_problem: float) -> np.ndarray:
    out = row.copy()
    i_problem, i_measure = LABELS.index("problem"), LABELS.index("measure")
    mass = row[i_problem] + row[i_measure]
    out[i_problem], out[i_measure] = mass * p_problem, mass * (1.0 - p_problem)
    return out


def _prior_for(allowed: Sequence[str], floor: float) -> np.ndarray:
    return np.array([1.0 if label in allowed else floor for label in LABELS])


def _parts_agreeing(paragraphs: Sequence[Paragraph], text_probs: np.ndarray) -> set[int]:
    by_part: dict[int, list[float]] = {}
    for para, row in zip(paragraphs, text_probs):
        allowed = allowed_labels(para.part)
        if allowed is None:
            continue
        mass = sum(row[LABELS.index(label)] for label in allowed)
        by_part.setdefault(para.part, []).append(float(mass))
    return {part for part, masses in by_part.items() if np.mean(masses) >= PART_AGREEMENT_MIN}


def classify_texts(
    texts: Sequence[str], model: ParagraphClassifier | None = None, *, in_order: bool = False
) -> list[dict[str, Any]]:
    """Bare texts -> [{"text", "label", "score"}] (the ``nianbao classify`` output).

    ``in_order``: the texts are one report's paragraphs in reading order (label order model on).
    """
    model = model or load_default_model()
    if model is None:
        return [{"text": t, "label": None, "score": None} for t in texts]
    return [
        {"text": t, "label": label, "score": round(score, 4)}
        for t, (label, score) in zip(texts, model.predict(texts, in_order=in_order))
    ]


# ---- mixed paragraphs ------------------------------------------------------------------------

# Sentence/clause ends: full stops, semicolons, and the start of an enumerated clause ("二是").
_CLAUSE_END = re.compile(r"[。！？!?；;]+|(?=[一二三四五六七八九十]是)|(?=下一步)")
# A clause that turns from what went wrong to what will be done ("下一步，…", "2024年，我区将采取
#以下措施加以改进：", "针对上述问题，…").
_TURN_TO_MEASURE = re.compile(
    r"^\W*(下一步|今后|接下来|针对|为此|对此|对于上述|整改措施|改进措施|改进情况|[0-9０-９]{4}年[，,]?[^。；;]{0,12}将)"
    r"|将采取|采取以下措施|加以改进|改进措施|整改措施|改进如下"
)
# A clause that (re)opens a list of problems ("存在的主要问题：…", "…仍存在一些不足").
# Wording that states a shortcoming; decides the first clause's label before the model does.
_PROBLEM_WORDING = re.compile(r"还需加强|有待|不够|不足|较少|缺少|缺乏|薄弱|滞后|不到位|不高|不强|不均衡|仍存在|还存在|存在.{0,6}问题")
_TURN_TO_PROBLEM = re.compile(r"^\W*(存在的?(主要)?问题|主要问题|问题[:：]|不足[:：])|仍存在|还存在|存在以下问题|存在一些")


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Split a paragraph into sentence/clause spans (character offsets, covering the text)."""
    cuts = sorted({0, len(text), *(m.end() for m in _CLAUSE_END.finditer(text) if 0 < m.end() < len(text))})
    spans = [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]
    # Fold tiny pieces ("一是", "；") into the previous clause: too short to carry a label.
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and len(text[a:b].strip()) < 6:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def split_mixed(text: str, model: ParagraphClassifier | None = None) -> list[tuple[int, int, str]]:
    """Split a paragraph where its label changes: [(start, end, label)], covering the text.

    Made for part 五 paragraphs that list problems ("一是…二是…") and then measures ("下一步…"):
    the label changes only at a clause that turns to measures (下一步, 今后, 针对…, "…将采取以下
    措施") or back to problems (存在的问题, 仍存在…); the first clause's label comes from the
    problem/measure model (or the turn cues).  Any other paragraph is one span with its label.
    Adjacent clauses with the same label are merged, so an unmixed paragraph gives one span.
    """
    spans = clause_spans(text)
    if not spans:
        return []
    model = model or load_default_model()
    if model is None:
        label = "problem" if _TURN_TO_PROBLEM.search(text) else "measure" if _TURN_TO_MEASURE.search(text) else "other"
        return [(spans[0][0], spans[-1][1], label)]
    whole_label, _ = model.predict([text])[0]
    if whole_label not in ("problem", "measure"):
        return [(spans[0][0], spans[-1][1], whole_label)]
    first = text[spans[0][0] : spans[0][1]]
    if _PROBLEM_WORDING.search(first) and not _TURN_TO_MEASURE.search(first):
        current = "problem"
    else:
        p_problem = model.problem_probability([first])
        current = whole_label if p_problem is None else ("problem" if p_problem[0] >= 0.5 else "measure")
    labels: list[str] = []
    for a, b in spans:
        clause = text[a:b].strip()
        if _TURN_TO_MEASURE.search(clause):
            current = "measure"
        elif _TURN_TO_PROBLEM.search(clause):
            current = "problem"
        labels.append(current)
    out: list[tuple[int, int, str]] = []
    for (a, b), label in zip(spans, labels):
        if out and out[-1][2] == label:
            out[-1] = (out[-1][0], b, label)
        else:
            out.append((a, b, label))
    return out


# ---- training and evaluation -----------------------------------------------------------------


def load_training_examples(
    labels_path: Path = DEFAULT_LABELS_PATH,
    samples_dir: Path = DEFAULT_SAMPLES_DIR,
    *,
    weak: bool = True,
) -> list[LabelledText]:
    """Hand labels, gold labels and (when segmentation is available) weak labels, deduplicated.

    Gold paragraphs get the part/subsection of their segmented paragraph, so the in-report
    evaluation uses the same context ``label_paragraphs`` gets from ``sections.segment``.
    """
    hand = load_labels_jsonl(labels_path)
    gold = load_gold_paragraphs(samples_dir)
    sources: list[list[LabelledText]] = [hand, gold]
    if weak:
        reports = segment_reports(sorted(samples_dir.glob("*/source.*")))
        attach_context(gold, reports)
        sources.append(load_weak_examples(reports))
    return merge_examples(*sources)


def split_examples(examples: Sequence[LabelledText]) -> tuple[list[LabelledText], list[LabelledText]]:
    """Train / held-out split by agency; held-out keeps only hand labels (never weak ones)."""
    train_set, test_set = split_by_agency(examples)
    return train_set, [ex for ex in test_set if ex.source != "weak"]


def score(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Macro-F1, per-label precision/recall/F1/support and the confusion matrix."""
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    labels = list(labels or [label for label in LABELS if label in set(gold) | set(predicted)])
    present = [label for label in labels if label in set(gold)]
    p, r, f, s = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    return {
        "n": len(gold),
        "accuracy": round(float(np.mean([g == q for g, q in zip(gold, predicted)])), 4) if gold else 0.0,
        "macro_f1": round(float(f1_score(gold, predicted, labels=present, average="macro", zero_division=0)), 4),
        "per_label": {
            label: {"precision": round(float(pi), 4), "recall": round(float(ri), 4), "f1": round(float(fi), 4), "support": int(si)}
            for label, pi, ri, fi, si in zip(labels, p, r, f, s)
        },
        "labels": labels,
        "confusion": confusion_matrix(gold, predicted, labels=labels).tolist(),
    }


def predict_labels(model: ParagraphClassifier, examples: Sequence[LabelledText], *, in_order: bool) -> list[str]:
    """Model labels for examples.

    ``in_order=False``: each text alone (what ``nianbao classify`` does).
    ``in_order=True``: examples are grouped by their report (``document``), kept in report order,
    and labelled as ``label_paragraphs`` does: place prior when part/subsection are known, then
    the label order model.
    """
    if not in_order:
        return [label for label, _ in model.predict([ex.text for ex in examples])]
    predicted: list[str] = [""] * len(examples)
    by_document: dict[str, list[int]] = {}
    for i, ex in enumerate(examples):
        by_document.setdefault(ex.document or ex.id, []).append(i)
    for rows in by_document.values():
        paragraphs = [
            Paragraph(text=examples[i].text, part=examples[i].part if examples[i].part is not None else -1, index=k, subsection=examples[i].subsection)
            for k, i in enumerate(rows)
        ]
        probs = apply_context(paragraphs, *model.probabilities([p.text for p in paragraphs]))
        for i, (label, _) in zip(rows, model.decide(probs, in_order=True)):
            predicted[i] = label
    return predicted


def evaluate_examples(model: ParagraphClassifier, examples: Sequence[LabelledText], *, in_order: bool) -> dict[str, Any]:
    gold = [ex.label for ex in examples]
    predicted = predict_labels(model, examples, in_order=in_order)
    if "preamble" not in gold:  # a label set without `preamble` files those paragraphs as `other`
        predicted = ["other" if p == "preamble" else p for p in predicted]
    result = score(gold, predicted)
    result["mode"] = "in_report" if in_order else "text_only"
    result["errors"] = [
        {"id": ex.id, "agency": ex.agency, "gold": ex.label, "predicted": p, "text": ex.text}
        for ex, p in zip(examples, predicted)
        if ex.label != p
    ]
    return result


def evaluate_labels(
    path: Path,
    model: ParagraphClassifier | None = None,
    *,
    held_out_only: bool = True,
    in_order: bool = True,
) -> dict[str, Any]:
    """Score the model on a labelled paragraphs jsonl ({"id","url","text","label"}).

    ``held_out_only`` (default) keeps only rows of held-out agencies, so the score is never on
    training data.  ``in_order`` (default) labels each URL's rows together, in file order, as
    ``label_paragraphs`` labels a report; False scores each text alone.  Labels are taken as
    written; a ``preamble`` prediction counts as ``other`` when the file has no ``preamble`` label.
    Returns {"n", "accuracy", "macro_f1", "per_label": {label: {precision, recall, f1, support}},
    "labels", "confusion" (rows gold, columns predicted, in "labels" order), "errors", …}.
    """
    from .classifier_data import is_test_agency

    model = model or load_default_model()
    if model is None:
        raise FileNotFoundError(f"no paragraph model in {default_model_dir()}; run `nianbao train` first")
    examples = load_labels_jsonl(Path(path), harmonise_preamble=False)
    if held_out_only:
        examples = [ex for ex in examples if is_test_agency(ex.agency)]
    result = evaluate_examples(model, examples, in_order=in_order)
    result["source"] = str(path)
    result["held_out_only"] = held_out_only
    result["model_version"] = model.info.get("version", "")
    return result


def fit(examples: Sequence[LabelledText], kind: str = "logreg") -> ParagraphClassifier:
    """Fit the text pipeline and the label order model on ``examples``."""
    pipeline = build_pipeline(kind)
    pipeline.fit([normalise(ex.text) for ex in examples], [ex.label for ex in examples])
    _drop_stop_words(pipeline)
    documents: dict[str, list[str]] = {}
    for ex in examples:
        documents.setdefault(ex.document or ex.id, []).append(ex.label)
    problem_measure = None
    if USE_PROBLEM_MEASURE_MODEL:
        pm_examples = [ex for ex in examples if ex.label in ("problem", "measure")]
        features = pipeline.named_steps["features"].transform([normalise(ex.text) for ex in pm_examples])
        problem_measure = build_classifier(kind).fit(features, [ex.label for ex in pm_examples])
    return ParagraphClassifier(
        pipeline=pipeline, transitions=LabelOrder.estimate(list(documents.values())), problem_measure=problem_measure
    )


def _drop_stop_words(pipeline: Any) -> None:
    """TF-IDF keeps every pruned n-gram in ``stop_words_`` for introspection only; dropping it
    (as scikit-learn's docs allow) makes the saved model a fraction of the size."""
    for _name, vectorizer in pipeline.named_steps["features"].transformer_list:
        if hasattr(vectorizer, "stop_words_"):
            delattr(vectorizer, "stop_words_")


def train(
    *,
    kind: str = "logreg",
    labels_path: Path = DEFAULT_LABELS_PATH,
    samples_dir: Path = DEFAULT_SAMPLES_DIR,
    weak: bool = True,
    save_dir: Path | None = None,
    cross_validate: bool = False,
) -> tuple[ParagraphClassifier, dict[str, Any]]:
    """Fit on the training agencies, score on the held-out agencies, optionally save.

    The saved model is the one fitted on the training agencies only, so every held-out
    paragraph (tests, model card) is unseen by it.  ``cross_validate`` adds
    ``agency_cv``: every hand-labelled paragraph scored by a model that never saw its agency.
    """
    examples = load_training_examples(labels_path, samples_dir, weak=weak)
    train_set, test_set = split_examples(examples)
    started = time.perf_counter()
    model = fit(train_set, kind)
    fit_seconds = time.perf_counter() - started
    in_report = evaluate_examples(model, test_set, in_order=True)
    text_only = evaluate_examples(model, test_set, in_order=False)
    report = {
        "version": MODEL_VERSION,
        "kind": kind,
        "fit_seconds": round(fit_seconds, 2),
        "train": _describe(train_set),
        "test": _describe(test_set),
        "held_out": {k: v for k, v in in_report.items() if k != "errors"},
        "held_out_text_only": {k: v for k, v in text_only.items() if k != "errors"},
        "held_out_errors": in_report["errors"],
        "held_out_text_only_errors": text_only["errors"],
    }
    if cross_validate:
        report["agency_cv"] = agency_cross_validation(examples, kind=kind)
    report["speed"] = _time_labelling(model, test_set)
    model.info = {k: v for k, v in report.items() if not k.endswith("errors")}
    if save_dir is not None:
        from . import classifier_card

        model.save(save_dir)
        classifier_card.write(save_dir, report, LABELS, _settings())
        _cached_model.cache_clear()
    return model, report


def agency_cross_validation(examples: Sequence[LabelledText], *, kind: str = "logreg", folds: int = 5) -> dict[str, Any]:
    """Grouped k-fold over *all* agencies (training and held-out): each fold's model is fitted on
    the other agencies (weak labels included) and scores this fold's hand labels in report
    order.  A larger-sample estimate than the fixed held-out split, with the same settings."""
    from sklearn.model_selection import GroupKFold

    gold: list[str] = []
    predicted: list[str] = []
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(examples, groups=[ex.agency for ex in examples]):
        model = fit([examples[i] for i in train_idx], kind)
        scored = [examples[i] for i in test_idx if examples[i].source != "weak"]
        gold += [ex.label for ex in scored]
        predicted += predict_labels(model, scored, in_order=True)
    result = score(gold, predicted)
    result["folds"] = folds
    result["agencies"] = len({ex.agency for ex in examples})
    return result


def _settings() -> dict[str, Any]:
    return {
        "part_floor": PART_PRIOR_FLOOR,
        "subsection_floor": SUBSECTION_PRIOR_FLOOR,
        "part5_subsection_floor": PART5_SUBSECTION_FLOOR,
        "order_weight": ORDER_WEIGHT,
        "agreement_min": PART_AGREEMENT_MIN,
        "return_from_part5": RETURN_FROM_PART5,
    }


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


def _describe(examples: Sequence[LabelledText]) -> dict[str, Any]:
    return {
        "n": len(examples),
        "agencies": sorted({ex.agency for ex in examples}),
        "labels": {label: n for label, n in Counter(ex.label for ex in examples).most_common()},
        "sources": dict(Counter(ex.source for ex in examples)),
    }
