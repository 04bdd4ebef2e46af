"""The held-out portal: does the classifier work on reports of a portal it never saw?

A model is fitted on everything except the 莆田 portal's reports (hand labels, the samples' gold
and weak labels), then labels

- ``portal_dev``: the portal's development reports (``corpus/putian``), scored on their weak
  labels;
- ``portal_heldout``: the portal's held-out split (``corpus/heldout``), scored on its weak labels
  and on its hand-labelled gold paragraphs (``gold.json``).  Test data only: no example of it is
  ever fitted, and only the scores are kept (no paragraph text, no error list).

``score_heldout`` scores any model on that split the same way (``nianbao train`` also scores the
shipped model, which was fitted with the portal's development reports, on it).

Both uses are scored: *in report* (``label_paragraphs`` on the whole segmented report, as
``nianbao check`` does) and *isolated* (each paragraph alone, as ``nianbao classify`` does).  On
weak labels the in-report run hides the subsection headings and the inline titles the weak labels
were read from (it keeps the part numbers and the reading order), so it does not score the
headings against themselves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..model import Paragraph
from ..sections.classifier import Labeller
from ..sections.classifier_data import LabelledText, SegmentedReport, TrainingData, report_sources
from ..sections.classifier_weak import harvest
from .evaluate import score
from .reports import segment_reports

PORTAL_PREFIX = "putian-"  # the folder names of the 莆田 portal's reports (corpus/putian, corpus/heldout)
PORTAL_NAME = "莆田"


def from_portal(document: str, agency: str) -> bool:
    """Is this example or report from the 莆田 portal (by its folder, or an agency named 莆田…)?"""
    return document.startswith(PORTAL_PREFIX) or agency.startswith(PORTAL_NAME)


def portal_holdout(
    data: TrainingData, fit: Callable[[Sequence[LabelledText]], Labeller], *, heldout_dir: Path | None = None
) -> dict[str, Any]:
    """Fit (``fit(examples)``, e.g. ``training.fit(examples).export()``) without any 莆田 report and
    score the portal's reports (see the module docstring).

    ValueError when ``heldout_dir`` holds an agency the training data has (the split would leak).
    """
    held: list[SegmentedReport] | None = None
    if heldout_dir is not None:
        if not Path(heldout_dir).is_dir():
            raise ValueError(f"{heldout_dir} is not a folder of held-out reports")
        held = segment_reports(report_sources(Path(heldout_dir)))
        overlap = {ex.agency for ex in data.examples} & {r.agency for r in held}
        if overlap:
            raise ValueError(
                f"{heldout_dir} shares agencies with the training data ({', '.join(sorted(overlap))}): "
                "the held-out split must hold other agencies"
            )
    train_set = [ex for ex in data.examples if not from_portal(ex.document, ex.agency)]
    model = fit(train_set)
    dev = [r for r in data.reports if from_portal(r.document, r.agency)]
    out: dict[str, Any] = {
        "portal_train": {"n": len(train_set), "agencies": len({ex.agency for ex in train_set})},
        "portal_dev": evaluate_weak_reports(model, dev, keep_errors=True),
    }
    if held is not None:
        out["portal_heldout"] = score_heldout(model, Path(heldout_dir), held)
    return out


def score_heldout(model: Labeller, heldout_dir: Path, reports: Sequence[SegmentedReport] | None = None) -> dict[str, Any]:
    """Scores of ``model`` on a held-out split: its weak labels and its hand labels, in report
    order and isolated; no paragraph or error is kept."""
    held = list(reports) if reports is not None else segment_reports(report_sources(heldout_dir))
    return {
        "reports": len(held),
        "weak": evaluate_weak_reports(model, held, keep_errors=False),
        "gold": evaluate_gold_reports(model, heldout_dir, held),
    }


def _masked_report(report: SegmentedReport) -> tuple[list[Paragraph], dict[int, str]]:
    """The report's paragraphs as the in-report run sees them (subsection headings hidden, the
    weak label's inline title cut off) and the weak label of each paragraph that has one."""
    by_index: dict[int, list] = {}
    for weak in harvest(report.paragraphs):
        by_index.setdefault(weak.index, []).append(weak)
    paragraphs, labels = [], {}
    for i, para in enumerate(report.paragraphs):
        weak = by_index.get(i, [])
        text = weak[0].text if len(weak) == 1 else para.text
        if len(weak) == 1:
            labels[i] = weak[0].label
        paragraphs.append(Paragraph(text=text, part=para.part, index=i, subsection=None))
    return paragraphs, labels


def evaluate_weak_reports(model: Labeller, reports: Sequence[SegmentedReport], *, keep_errors: bool) -> dict[str, Any]:
    """Scores on the weak labels of whole reports, in report order and isolated."""
    gold_in, pred_in, gold_iso, texts_iso, errors = [], [], [], [], []
    for report in reports:
        paragraphs, labels = _masked_report(report)
        predicted = model.label_report(paragraphs) if paragraphs else []
        for i, label in labels.items():
            gold_in.append(label)
            pred_in.append(predicted[i][0])
            if keep_errors and predicted[i][0] != label:
                errors.append({"document": report.document, "gold": label, "predicted": predicted[i][0],
                               "text": paragraphs[i].text, "mode": "in_report"})
        for weak in harvest(report.paragraphs):
            gold_iso.append(weak.label)
            texts_iso.append((report.document, weak.text))
    pred_iso = [label for label, _ in model.predict([t for _, t in texts_iso])] if texts_iso else []
    if keep_errors:
        errors += [{"document": d, "gold": g, "predicted": p, "text": t, "mode": "isolated"}
                   for (d, t), g, p in zip(texts_iso, gold_iso, pred_iso) if g != p]
    out = {"reports": len(reports), "in_report": score(gold_in, pred_in), "isolated": score(gold_iso, pred_iso)}
    if keep_errors:
        out["errors"] = errors
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def evaluate_gold_reports(model: Labeller, folder: Path, reports: Sequence[SegmentedReport]) -> dict[str, Any]:
    """Scores on the hand-labelled paragraphs of ``folder/*/gold.json``: in report order (the
    segmented report labelled whole, with its headings; a gold paragraph takes the label of the
    segmented paragraph that holds it, or that it holds; one segmentation does not find counts
    as wrong) and isolated (the gold text alone)."""
    by_document = {r.document: r for r in reports}
    gold_labels, in_report, isolated_texts, missing = [], [], [], 0
    for gold_path in sorted(folder.glob("*/gold.json")):
        report = by_document.get(gold_path.parent.name)
        labelled = model.label_report(report.paragraphs) if report and report.paragraphs else []
        hay = [_norm(p.text) for p in report.paragraphs] if report else []
        for row in json.loads(gold_path.read_text(encoding="utf-8")).get("paragraphs", []):
            needle = _norm(row["text"])
            if not needle:
                continue
            match = next((k for k, h in enumerate(hay) if h and (needle in h or h in needle)), None)
            gold_labels.append(row["label"])
            isolated_texts.append(row["text"])
            if match is None:
                missing += 1
                in_report.append("(missing)")
            else:
                in_report.append(labelled[match][0])
    isolated = [label for label, _ in model.predict(isolated_texts)] if isolated_texts else []
    labels = sorted(set(gold_labels), key=gold_labels.index)
    result_in = score(gold_labels, in_report)
    result_in["not_found_by_segmentation"] = missing
    return {"in_report": result_in, "isolated": score(gold_labels, isolated), "labels_present": labels}


__all__ = ["portal_holdout", "score_heldout", "evaluate_weak_reports", "evaluate_gold_reports", "from_portal"]
