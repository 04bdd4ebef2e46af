"""Scores of the paragraph classifier on labelled paragraphs (numpy only: ``nianbao evaluate``
runs on the base install)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Paragraph
from ..sections.classifier import Labeller, ParagraphClassifier, load_model
from ..sections.classifier_data import LABELS, LabelledText, is_test_agency, load_labels_jsonl


def score(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Macro-F1 (over the labels present in ``gold``), per-label precision/recall/F1/support and
    the confusion matrix (rows gold, columns predicted); an undefined ratio counts as 0."""
    labels = list(labels or [label for label in LABELS if label in set(gold) | set(predicted)])
    present = [label for label in labels if label in set(gold)]
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    for g, p in zip(gold, predicted):
        if g in index and p in index:
            confusion[index[g], index[p]] += 1
    per_label: dict[str, dict[str, Any]] = {}
    unrounded_f1: dict[str, float] = {}
    for label in labels:
        tp = int(sum(1 for g, p in zip(gold, predicted) if g == label and p == label))
        n_pred = sum(1 for p in predicted if p == label)
        n_gold = sum(1 for g in gold if g == label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0
        unrounded_f1[label] = f1
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": n_gold}
    f1s = [unrounded_f1[label] for label in present]
    return {
        "n": len(gold),
        "accuracy": round(float(np.mean([g == q for g, q in zip(gold, predicted)])), 4) if gold else 0.0,
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "per_label": per_label,
        "labels": labels,
        "confusion": confusion.tolist(),
    }


def predict_labels(model: Labeller, examples: Sequence[LabelledText], *, in_order: bool) -> list[str]:
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
        for i, (label, _) in zip(rows, model.label_report(paragraphs)):
            predicted[i] = label
    return predicted


def evaluate_examples(model: Labeller, examples: Sequence[LabelledText], *, in_order: bool) -> dict[str, Any]:
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
    model_dir: Path | None = None,
) -> dict[str, Any]:
    """Score the model on a labelled paragraphs jsonl ({"id","url","text","label"}).

    ``held_out_only`` (default) keeps only rows of held-out agencies, so the score is never on
    training data.  ``in_order`` (default) labels each URL's rows together, in file order, as
    ``label_paragraphs`` labels a report; False scores each text alone.  Labels are taken as
    written; a ``preamble`` prediction counts as ``other`` when the file has no ``preamble`` label.
    Returns {"n", "accuracy", "macro_f1", "per_label": {label: {precision, recall, f1, support}},
    "labels", "confusion" (rows gold, columns predicted, in "labels" order), "errors", …}.
    """
    if model is None:
        model, messages = load_model(model_dir)
        if model is None:
            raise FileNotFoundError(messages[0].text)
    examples = load_labels_jsonl(Path(path), harmonise_preamble=False)
    if held_out_only:
        examples = [ex for ex in examples if is_test_agency(ex.agency)]
    result = evaluate_examples(model, examples, in_order=in_order)
    result["source"] = str(path)
    result["held_out_only"] = held_out_only
    result["model_version"] = model.info.get("version", "")
    return result


__all__ = ["score", "predict_labels", "evaluate_examples", "evaluate_labels"]
