"""Narrative paragraph classifier, inference side: what does each paragraph of a report talk about?

Labels (gold.md): preamble, overview, proactive, on_request, management, problem, measure, other.

The model was trained with scikit-learn (``nianbao.training``: TF-IDF over jieba words + character
n-grams + cue words, multinomial logistic regression) and exported to a plain format that this
module applies in plain Python: ``paragraph_classifier.json`` (vocabularies, settings, the part
prior table) and ``paragraph_classifier.npz`` (idf weights, coefficients, intercepts, the label
order model), whose float arrays are read by ``npz.read_npz`` (no pickle, so no file can run
code).  Neither scikit-learn, skops nor numpy is imported here: numpy's import alone costs a
cold ``nianbao check`` more than applying the model, which is a few thousand multiply-adds per
paragraph.  Probabilities are lists of rows (one float per label).  The model ships inside the package (``nianbao/models``, read with
``importlib.resources``); any other folder holding the two files can be passed instead.

On a segmented report the paragraph's place (part number, subsection heading) is a prior on top
of the text model, and a label order model (Viterbi over the report's paragraphs) settles
ambiguous ones; bare text (``nianbao classify``) uses the text model alone, and the descriptive
title a paragraph may open with ("（五）监督保障情况。").  See
nianbao/models/MODEL_CARD.md for data and held-out scores.

Entry points:

- ``label_paragraphs(paragraphs, model_dir=...)``: sets ``label`` / ``score`` on each
  ``Paragraph`` (``sections.classify`` calls it) and returns messages for the result: with no
  model it labels from the headings alone and says so (a ``model-missing`` warning).
- ``split_mixed(text)``: spans of a paragraph where the label changes (problems, then measures).
- ``classify_texts(texts)``: bare texts -> labels (``nianbao classify``).
"""

from __future__ import annotations

import json
import math
import re
import warnings
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from operator import itemgetter, mul
from typing import Any, Union

from ..model import Message, Paragraph
from .classifier_data import LABELS, inline_heading, subsection_label, weak_label
from .npz import read_npz

FORMAT = "nianbao-paragraph-classifier"
FORMAT_VERSION = 1
MODEL_FILENAME = "paragraph_classifier.json"
ARRAYS_FILENAME = "paragraph_classifier.npz"
METRICS_FILENAME = "paragraph_classifier.metrics.json"

ModelDir = Union[Path, Traversable]
Rows = list[list[float]]  # probabilities: one row per text, one column per label


def _floats(values: Any) -> array:
    """A 1-D float array (from numpy at training time, or from ``read_npz``)."""
    return values if isinstance(values, array) and values.typecode == "d" else array("d", map(float, values))


def _float_rows(values: Any) -> list[array]:
    return [_floats(row) for row in values]


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


class ModelMissingWarning(UserWarning):
    """No trained model file: paragraphs are labelled by heading rules only."""


def packaged_model_dir() -> Traversable:
    """The model that ships inside the package (``nianbao/models``)."""
    return resources.files("nianbao") / "models"


# ---- text features ---------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")
_RUNS_OF_SPACE = re.compile(r"\s\s+")


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
    return not any(map(str.isalnum, word))


def char_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """Character n-grams as scikit-learn's ``analyzer="char"`` makes them (runs of spaces first
    become one space)."""
    text = _RUNS_OF_SPACE.sub(" ", text)
    return [text[i : i + n] for n in range(min_n, min(max_n, len(text)) + 1) for i in range(len(text) - n + 1)]


ANALYZERS = ("jieba_words", "char")


@dataclass
class TfidfFeatures:
    """One block of the feature vector: term counts over a fixed vocabulary, sublinear tf,
    times idf, l2-normalised, times the block's weight (scikit-learn's TfidfVectorizer inside a
    weighted FeatureUnion)."""

    name: str
    analyzer: str  # one of ANALYZERS
    terms: list[str]  # the vocabulary, in column order
    idf: Sequence[float] | None
    offset: int  # first column of this block in the whole vector
    ngram_range: tuple[int, int] = (1, 1)
    lowercase: bool = False
    sublinear_tf: bool = True
    norm: str | None = "l2"
    weight: float = 1.0
    columns: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.analyzer not in ANALYZERS:
            raise ValueError(f"unknown analyzer {self.analyzer!r} in the model (known: {', '.join(ANALYZERS)})")
        if self.norm not in (None, "l2"):
            raise ValueError(f"unknown norm {self.norm!r} in the model (known: l2)")
        self.columns = {term: i for i, term in enumerate(self.terms)}
        if self.idf is not None:
            self.idf = _floats(self.idf)

    @property
    def tokenizer(self) -> tuple[Any, ...]:
        """Blocks with the same tokenizer share one tokenization of a text."""
        return (self.analyzer,) if self.analyzer == "jieba_words" else (self.analyzer, self.lowercase, *self.ngram_range)

    def tokens(self, text: str) -> list[str]:
        if self.analyzer == "jieba_words":
            return jieba_words(text)
        return char_ngrams(text.lower() if self.lowercase else text, *self.ngram_range)

    def vector(self, counts: Mapping[str, int]) -> tuple[list[int], list[float]]:
        """(columns, values) of the non-zero features of one text's token counts."""
        columns_of = self.columns
        if len(columns_of) < len(counts):  # a small vocabulary (the cue words): look up its terms
            kept = [(c, counts[t]) for t, c in columns_of.items() if t in counts]
        else:
            kept = [(columns_of[t], n) for t, n in counts.items() if t in columns_of]
        columns = [c for c, _ in kept]
        log, idf = math.log, self.idf
        if self.sublinear_tf:
            values = [log(n) + 1.0 for _, n in kept] if idf is None else [(log(n) + 1.0) * idf[c] for c, n in kept]
        else:
            values = [float(n) for _, n in kept] if idf is None else [n * idf[c] for c, n in kept]
        weight = self.weight
        if self.norm == "l2":
            length = math.sqrt(sum(map(mul, values, values)))
            if length > 0:
                values = [v / length * weight for v in values]
            elif weight != 1.0:
                values = [v * weight for v in values]
        elif weight != 1.0:
            values = [v * weight for v in values]
        offset = self.offset
        return [c + offset for c in columns], values


@dataclass
class LinearModel:
    """Class scores = features · coef + intercept; probabilities by softmax (multinomial
    logistic regression, naive Bayes) or, for one row of coefficients, the logistic function
    (binary logistic regression: P(classes[1]))."""

    classes: list[str]
    coef: Sequence[Sequence[float]]  # (n_classes or 1) rows of n_features
    intercept: Sequence[float]
    link: str = "softmax"  # or "logistic"

    def __post_init__(self) -> None:
        if self.link not in ("softmax", "logistic"):
            raise ValueError(f"unknown link {self.link!r} in the model (known: softmax, logistic)")
        self.coef, self.intercept = _float_rows(self.coef), _floats(self.intercept)
        if len(self.coef) != len(self.intercept):
            raise ValueError(f"{len(self.coef)} rows of coefficients for {len(self.intercept)} intercepts in the model")

    def scores(self, columns: Sequence[int], values: Sequence[float]) -> list[float]:
        """features · coef + intercept, one score per row of coefficients."""
        if len(columns) < 2:  # itemgetter of one index gives the item, not a tuple
            return [sum(map(mul, values, map(row.__getitem__, columns))) + b for row, b in zip(self.coef, self.intercept)]
        pick = itemgetter(*columns)
        return [sum(map(mul, values, pick(row))) + b for row, b in zip(self.coef, self.intercept)]

    def predict_proba(self, rows: Sequence[tuple[Sequence[int], Sequence[float]]]) -> Rows:
        out = []
        for columns, values in rows:
            scores = self.scores(columns, values)
            if self.link == "logistic":
                positive = 1.0 / (1.0 + math.exp(-scores[0]))
                out.append([1.0 - positive, positive])
                continue
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            out.append([e / total for e in exps])
        return out


@dataclass
class LabelOrder:
    """How labels follow each other in a report (preamble → overview → … → measure → other).

    A first-order Markov chain over labels, estimated from the training reports' label
    sequences (``nianbao.training``); ``decode`` finds the most likely label sequence (Viterbi)
    given per-paragraph probabilities.  It fixes paragraphs whose text alone is ambiguous, e.g. a
    measure worded like a proactive-disclosure paragraph right after the problems.
    """

    start: Sequence[float]  # P(first label)
    matrix: Sequence[Sequence[float]]  # P(next label | label)
    weight: float = 1.0  # how much the order counts against the text (log-linear)

    def __post_init__(self) -> None:
        self.start, self.matrix = _floats(self.start), _float_rows(self.matrix)

    def decode(self, probs: Sequence[Sequence[float]]) -> list[int]:
        eps = 1e-9
        n = len(self.start)
        log_emit = [[_log(p + eps) for p in row] for row in probs]
        log_trans = [[self.weight * _log(p) for p in row] for row in self.matrix]
        score = [self.weight * _log(p) + e for p, e in zip(self.start, log_emit[0])]
        back: list[list[int]] = [[0] * n]
        for t in range(1, len(probs)):
            came_from, best = [], []
            for j in range(n):
                column = [score[i] + log_trans[i][j] for i in range(n)]
                i_best = _argmax(column)
                came_from.append(i_best)
                best.append(column[i_best] + log_emit[t][j])
            back.append(came_from)
            score = best
        path = [_argmax(score)]
        for t in range(len(probs) - 1, 0, -1):
            path.append(back[t][path[-1]])
        return path[::-1]


def _argmax(values: Sequence[float]) -> int:
    """Index of the largest value, the first one on a tie (as numpy's argmax)."""
    return max(range(len(values)), key=values.__getitem__)


# ---- the model ---------------------------------------------------------------------------------


class Labeller:
    """What labelling needs from a model: ``probabilities(texts)``, ``transitions`` and
    ``settings``.  The exported model below has them, and so has the scikit-learn model in
    ``nianbao.training`` (which is how the two are compared)."""

    transitions: LabelOrder | None
    settings: Mapping[str, Any]

    def probabilities(self, texts: Sequence[str]) -> tuple[Sequence[Sequence[float]], Sequence[float] | None]:
        raise NotImplementedError

    def predict_proba(self, texts: Sequence[str]) -> Sequence[Sequence[float]]:
        """Probabilities over ``LABELS`` (columns in LABELS order, 0 for a label never trained)."""
        return self.probabilities(texts)[0]

    def problem_probability(self, texts: Sequence[str]) -> Sequence[float] | None:
        """P(problem | problem or measure) per text, or None without the two-label model."""
        return self.probabilities(texts)[1] if texts else None

    def predict(self, texts: Sequence[str], *, in_order: bool = False) -> list[tuple[str, float]]:
        """(label, probability) per text; ``in_order``: the texts are one report's paragraphs in
        reading order, so the label order model is applied too."""
        return self.decide(self.text_probabilities(texts), in_order=in_order)

    def text_probabilities(self, texts: Sequence[str]) -> Rows:
        """P(label) of texts without their report: the text model, and (``inline_headings``) the
        descriptive title a paragraph opens with when it names one label ("（五）监督保障情况。…"
        -> management), which keeps ``subsection_floor`` for the other labels, as a subsection
        heading does in a report."""
        probs = _as_rows(self.predict_proba(texts))
        if not self.settings.get("inline_headings", False):
            return probs
        for row, text in enumerate(texts):
            label = subsection_label(inline_heading(text))
            if label is not None:
                weighted = list(map(mul, probs[row], _prior_for((label,), self.settings["subsection_floor"])))
                total = sum(weighted)
                probs[row] = [p / total for p in weighted]
        return probs

    def decide(self, probs: Sequence[Sequence[float]], *, in_order: bool) -> list[tuple[str, float]]:
        if in_order and self.transitions is not None and len(probs):
            best = self.transitions.decode(probs)
        else:
            best = [_argmax(row) for row in probs]
        return [(LABELS[i], float(row[i])) for row, i in zip(probs, best)]

    def label_report(self, paragraphs: Sequence[Paragraph]) -> list[tuple[str, float]]:
        """(label, probability) per paragraph of one report, in reading order: text model,
        place prior, label order model."""
        text_probs, p_problem = self.probabilities([p.text for p in paragraphs])
        probs = apply_context(paragraphs, text_probs, p_problem, self.settings)
        return self.decide(probs, in_order=True)


@dataclass
class ParagraphClassifier(Labeller):
    """The exported model: feature blocks, the text model, the part 五 problem/measure model,
    the label order model, the labelling settings and what it was trained on (``info``)."""

    features: list[TfidfFeatures]
    text_model: LinearModel
    problem_measure: LinearModel | None = None
    transitions: LabelOrder | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return list(self.text_model.classes)

    def vectorise(self, texts: Sequence[str]) -> list[tuple[list[int], list[float]]]:
        """Sparse feature rows (columns, values) of raw paragraph texts."""
        rows = []
        for text in texts:
            text = normalise(text)
            counts: dict[tuple[Any, ...], Counter[str]] = {}
            parts = []
            for block in self.features:
                key = block.tokenizer
                if key not in counts:
                    counts[key] = Counter(block.tokens(text))
                parts.append(block.vector(counts[key]))
            columns: list[int] = []
            values: list[float] = []
            for block_columns, block_values in parts:
                columns += block_columns
                values += block_values
            rows.append((columns, values))
        return rows

    def probabilities(self, texts: Sequence[str]) -> tuple[Rows, list[float] | None]:
        """(P(label) over ``LABELS`` per text, P(problem | problem or measure) per text or None).

        The features are computed once for both models (jieba is most of the cost).
        """
        if not texts:
            return [], None
        rows = self.vectorise(texts)
        where = [LABELS.index(label) for label in self.labels]
        out = []
        for raw in self.text_model.predict_proba(rows):
            row = [0.0] * len(LABELS)
            for j, p in zip(where, raw):
                row[j] = p
            out.append(row)
        p_problem = None
        if self.problem_measure is not None:
            problem = self.problem_measure.classes.index("problem")
            p_problem = [row[problem] for row in self.problem_measure.predict_proba(rows)]
        return out, p_problem

    # -- the file format: JSON + npz, nothing executable --

    def save(self, model_dir: Path) -> Path:
        """Write ``paragraph_classifier.json`` + ``.npz`` (and the metrics JSON) to ``model_dir``."""
        import numpy as np  # writing is training's side; reading needs no numpy

        model_dir.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {}
        blocks = []
        for block in self.features:
            blocks.append({
                "name": block.name, "analyzer": block.analyzer, "ngram_range": list(block.ngram_range),
                "lowercase": block.lowercase, "sublinear_tf": block.sublinear_tf, "norm": block.norm,
                "weight": block.weight, "offset": block.offset, "use_idf": block.idf is not None, "terms": block.terms,
            })
            if block.idf is not None:
                arrays[f"features.{block.name}.idf"] = np.asarray(block.idf, dtype=np.float64)
        spec: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "labels": list(LABELS),
            "features": blocks,
            "settings": self.settings,
        }
        for key, linear in (("text_model", self.text_model), ("problem_measure", self.problem_measure)):
            if linear is None:
                continue
            spec[key] = {"classes": list(linear.classes), "link": linear.link}
            arrays[f"{key}.coef"] = np.asarray(linear.coef, dtype=np.float64)
            arrays[f"{key}.intercept"] = np.asarray(linear.intercept, dtype=np.float64)
        if self.transitions is not None:
            spec["label_order"] = {"weight": self.transitions.weight}
            arrays["label_order.start"] = np.asarray(self.transitions.start, dtype=np.float64)
            arrays["label_order.matrix"] = np.asarray(self.transitions.matrix, dtype=np.float64)
        path = model_dir / MODEL_FILENAME
        path.write_text(json.dumps(spec, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        np.savez_compressed(model_dir / ARRAYS_FILENAME, **arrays)
        (model_dir / METRICS_FILENAME).write_text(json.dumps(self.info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, model_dir: ModelDir | str | None = None) -> ParagraphClassifier:
        """Load the model in ``model_dir`` (default: the one shipped in the package).

        FileNotFoundError when the folder has no model; ValueError when the files are not a
        model this version can apply.
        """
        root: ModelDir = packaged_model_dir() if model_dir is None else Path(model_dir) if isinstance(model_dir, str) else model_dir
        spec_file = root / MODEL_FILENAME
        if not spec_file.is_file():
            raise FileNotFoundError(
                f"no paragraph model at {spec_file}; run `nianbao train` to create it, "
                "or point NIANBAO_MODEL_DIR (--model-dir) to a folder that has one"
            )
        try:
            spec = json.loads(spec_file.read_text(encoding="utf-8"))
            with (root / ARRAYS_FILENAME).open("rb") as fh:
                arrays = read_npz(fh)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{spec_file} (or its .npz) cannot be read: {exc}; retrain with `nianbao train`") from exc
        if spec.get("format") != FORMAT or spec.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{spec_file} is not a {FORMAT} v{FORMAT_VERSION} file; retrain with `nianbao train`")
        if list(spec.get("labels", [])) != list(LABELS):
            raise ValueError(f"{spec_file} was trained for labels {spec.get('labels')}; retrain with `nianbao train`")
        try:
            features = [
                TfidfFeatures(
                    name=b["name"], analyzer=b["analyzer"], terms=list(b["terms"]),
                    idf=arrays[f"features.{b['name']}.idf"] if b["use_idf"] else None, offset=int(b["offset"]),
                    ngram_range=tuple(b["ngram_range"]), lowercase=bool(b["lowercase"]),
                    sublinear_tf=bool(b["sublinear_tf"]), norm=b["norm"], weight=float(b["weight"]),
                )
                for b in spec["features"]
            ]

            def linear(key: str) -> LinearModel | None:
                if key not in spec:
                    return None
                return LinearModel(list(spec[key]["classes"]), arrays[f"{key}.coef"], arrays[f"{key}.intercept"], spec[key]["link"])

            order = None
            if "label_order" in spec:
                order = LabelOrder(arrays["label_order.start"], arrays["label_order.matrix"], float(spec["label_order"]["weight"]))
            text_model = linear("text_model")
            if text_model is None:
                raise KeyError("text_model")
        except KeyError as exc:
            raise ValueError(f"{spec_file} lacks {exc}; retrain with `nianbao train`") from exc
        except ValueError as exc:
            raise ValueError(f"{spec_file} (or its .npz) cannot be applied: {exc}; retrain with `nianbao train`") from exc
        info_file = root / METRICS_FILENAME
        info = json.loads(info_file.read_text(encoding="utf-8")) if info_file.is_file() else {}
        return cls(features=features, text_model=text_model, problem_measure=linear("problem_measure"),
                   transitions=order, settings=dict(spec.get("settings", {})), info=info)


@lru_cache(maxsize=4)
def _cached_model(model_dir: str) -> ParagraphClassifier:
    return ParagraphClassifier.load(Path(model_dir) if model_dir else None)


def load_model(model_dir: Path | str | None = None) -> tuple[ParagraphClassifier | None, list[Message]]:
    """The model in ``model_dir`` (default: the packaged one), cached; with no usable model,
    None and a message saying what happened and what to do."""
    try:
        return _cached_model(str(model_dir) if model_dir else ""), []
    except FileNotFoundError as exc:
        code = "model-missing"
        text = str(exc)
    except ValueError as exc:
        code = "model-unreadable"
        text = str(exc)
    return None, [Message("warning", code, f"{text}. Paragraphs are labelled from their headings only (some stay unlabelled)")]


def load_default_model(model_dir: Path | str | None = None) -> ParagraphClassifier | None:
    """``load_model`` for callers with no result to carry a message: a ModelMissingWarning."""
    model, messages = load_model(model_dir)
    for message in messages:
        warnings.warn(message.text, ModelMissingWarning, stacklevel=3)
    return model


def clear_model_cache() -> None:
    _cached_model.cache_clear()


# ---- labelling paragraphs --------------------------------------------------------------------


def label_paragraphs(
    paragraphs: list[Paragraph], model: Labeller | None = None, *, model_dir: Path | str | None = None
) -> list[Message]:
    """Set ``label`` and ``score`` on each paragraph (in place); returns messages for the result.

    ``model``, else the model in ``model_dir``, else the packaged one.  With no usable model the
    paragraphs are labelled from their headings alone (``classifier_data.weak_label``,
    ``score=None``; a paragraph whose place gives no label keeps ``label=None``) and the
    returned message says so.
    """
    if not paragraphs:
        return []
    messages: list[Message] = []
    if model is None:
        model, messages = load_model(model_dir)
    if model is None:
        for para in paragraphs:
            para.label, para.score = weak_label(para), None
        return messages
    for para, (label, prob) in zip(paragraphs, model.label_report(paragraphs)):
        para.label, para.score = label, round(prob, 4)
    return messages


def apply_context(
    paragraphs: Sequence[Paragraph],
    text_probs: Sequence[Sequence[float]],
    problem_probability: Sequence[float] | None,
    settings: Mapping[str, Any],
) -> Rows:
    """Combine text probabilities with the paragraph's place in the report.

    A part of the standard layout (0 preamble, 1 overview…management, 5 problem/measure,
    6 other; the model's ``part_labels`` table) down-weights the labels it rules out (they keep
    ``part_floor`` of their probability), but only when the text model itself puts at least
    ``agreement_min`` of its mass on the part's labels on average (a legacy report numbers its
    parts differently).  In part 五 the mass left on problem/measure is shared by
    ``problem_probability`` (the two-label model) when given.  A subsection heading that names a
    label ("（一）主动公开", "（二）改进措施") down-weights the others (``subsection_floor``;
    ``part5_subsection_floor`` for part 五's unambiguous problem/measure headings).
    """
    part_labels = {int(part): tuple(labels) for part, labels in settings["part_labels"].items()}
    text_probs = _as_rows(text_probs)
    probs = [list(row) for row in text_probs]
    trusted_parts = _parts_agreeing(paragraphs, text_probs, part_labels, settings["agreement_min"])
    for row, para in enumerate(paragraphs):
        prior = [1.0] * len(LABELS)
        allowed = part_labels.get(para.part) if para.part is not None else None
        if allowed is not None and para.part in trusted_parts:
            prior = list(map(mul, prior, _prior_for(allowed, settings["part_floor"])))
            if problem_probability is not None and set(allowed) == {"problem", "measure"}:
                probs[row] = _share_problem_measure(list(map(mul, probs[row], prior)), float(problem_probability[row]))
                prior = [1.0] * len(LABELS)
        heading_label = subsection_label(para.subsection)
        if heading_label is None and settings.get("inline_headings", False):
            heading_label = subsection_label(inline_heading(para.text))
        if heading_label is not None and (allowed is None or heading_label in allowed or para.part not in trusted_parts):
            in_part5 = heading_label in ("problem", "measure") and para.part == 5
            floor = settings["part5_subsection_floor"] if in_part5 else settings["subsection_floor"]
            prior = list(map(mul, prior, _prior_for((heading_label,), floor)))
        weighted = list(map(mul, probs[row], prior))
        total = sum(weighted)
        probs[row] = [p / total for p in weighted] if total > 0 else list(text_probs[row])
    return probs


def _as_rows(probs: Sequence[Sequence[float]]) -> Rows:
    """Probabilities as lists of floats (a scikit-learn model in training gives numpy arrays)."""
    return [[float(p) for p in row] for row in probs]


def _share_problem_measure(row: list[float], p_problem: float) -> list[float]:
    out = list(row)
    i_problem, i_measure = LABELS.index("problem"), LABELS.index("measure")
    mass = row[i_problem] + row[i_measure]
    out[i_problem], out[i_measure] = mass * p_problem, mass * (1.0 - p_problem)
    return out


def _prior_for(allowed: Sequence[str], floor: float) -> list[float]:
    return [1.0 if label in allowed else floor for label in LABELS]


def _parts_agreeing(
    paragraphs: Sequence[Paragraph], text_probs: Rows, part_labels: Mapping[int, tuple[str, ...]], minimum: float
) -> set[int]:
    by_part: dict[int, list[float]] = {}
    for para, row in zip(paragraphs, text_probs):
        allowed = part_labels.get(para.part) if para.part is not None else None
        if allowed is None:
            continue
        mass = sum(row[LABELS.index(label)] for label in allowed)
        by_part.setdefault(para.part, []).append(float(mass))
    return {part for part, masses in by_part.items() if sum(masses) / len(masses) >= minimum}


def classify_texts(
    texts: Sequence[str], model: Labeller | None = None, *, in_order: bool = False
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


def split_mixed(text: str, model: Labeller | None = None) -> list[tuple[int, int, str]]:
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


