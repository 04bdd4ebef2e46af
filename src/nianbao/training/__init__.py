"""Training and evaluation of the paragraph classifier (the runtime side is
``nianbao.sections.classifier``).

- ``classifier``: fit with scikit-learn (the ``[train]`` extra), cross-validate by agency, export
  to the plain JSON + npz model that ``sections.classifier`` applies with numpy alone.
- ``evaluate``: scores on labelled paragraphs (numpy only; ``nianbao evaluate`` uses it).
- ``portal``: the held-out portal (a model fitted without any 莆田 report, scored on that portal).
- ``card``: the model card, written by ``nianbao train`` beside the model.
"""

from .classifier import (
    CUE_WEIGHT,
    CUE_WORDS,
    DEFAULT_HELDOUT_DIR,
    DEFAULT_LABELS_PATH,
    DEFAULT_REPORT_DIRS,
    DEFAULT_SAMPLES_DIR,
    MODEL_VERSION,
    ORDER_WEIGHT,
    WEAK_WEIGHT,
    SklearnClassifier,
    agency_cross_validation,
    build_classifier,
    build_pipeline,
    estimate_label_order,
    fit,
    load_training_data,
    load_training_examples,
    settings,
    split_examples,
    train,
    weak_label_agreement,
)
from ..sections.classifier_data import TrainingData
from .evaluate import evaluate_examples, evaluate_labels, predict_labels, score

__all__ = [
    "CUE_WEIGHT", "CUE_WORDS", "DEFAULT_HELDOUT_DIR", "DEFAULT_LABELS_PATH", "DEFAULT_REPORT_DIRS", "DEFAULT_SAMPLES_DIR",
    "MODEL_VERSION", "ORDER_WEIGHT", "WEAK_WEIGHT", "SklearnClassifier", "TrainingData",
    "agency_cross_validation", "build_classifier", "build_pipeline", "estimate_label_order", "fit",
    "load_training_data", "load_training_examples", "settings", "split_examples", "train", "weak_label_agreement",
    "evaluate_examples", "evaluate_labels", "predict_labels", "score",
]
