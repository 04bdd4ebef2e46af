"""A learned second opinion for figures the rules could not link.

A logistic regression over the linker's context features (cue labels left and
right of the figure, unit, the rule's own answer, character bigrams) chooses the
metric.  It is consulted only where the rules found no head cue (confidence at
most ``RULE_CONFIDENCE``) and it overrides "other" only when it is confident.

Trained on the *tune* split of corpus/labels/claims.jsonl (and, optionally, the
gold folders), measured on the held-out *test* split against rules alone by
``compare_on_labels``.  Whether it is used by default is decided by that
measurement (see the report in this module's tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from ..claims.cues import cue_finder
from ..claims.linking import OTHER, Link, Linker
from ..claims.numbers import find_numbers

RULE_CONFIDENCE = 0.5  # the rules' "no head found" answer
MIN_PROBABILITY = 0.6


@dataclass
class LearnedLinker:
    """A fitted model and when to trust it."""

    model: Pipeline
    min_probability: float = MIN_PROBABILITY
    rule_confidence: float = RULE_CONFIDENCE

    def revise(self, linker: Linker, i: int, link: Link) -> Link:
        if link.metrics != [OTHER] or link.confidence > self.rule_confidence or linker.mentions[i].is_percent:
            return link
        proba = self.model.predict_proba([linker.features(i, link)])[0]
        best = int(proba.argmax())
        metric = str(self.model.classes_[best])
        if metric == OTHER or proba[best] < self.min_probability:
            return link
        return Link([metric], link.head, link.time, link.polarity, float(proba[best]))


def training_examples(rows: list[dict]) -> tuple[list[dict[str, float]], list[str]]:
    """(features, metric) for every figure of the labelled sentences that a label covers."""
    finder = cue_finder()
    feats: list[dict[str, float]] = []
    targets: list[str] = []
    for row in rows:
        text = row["sentence"]
        mentions = find_numbers(text)
        linker = Linker(text, mentions, finder(text))
        for i, m in enumerate(mentions):
            link = linker.link(i)
            gold = _label_for(row["claims"], m.start, m.end, m.value)
            if gold is not None:
                feats.append(linker.features(i, link))
                targets.append(gold)
    return feats, targets


def _label_for(claims: list[dict], start: int, end: int, value: Any) -> str | None:
    for c in claims:
        c_start = c.get("start", -1)
        c_end = c_start + len(c.get("text", ""))
        if c_start < end and start < c_end and round(float(c["value"]), 6) == round(float(value), 6):
            return str(c["metric"])
    return None


def fit(rows: list[dict]) -> LearnedLinker:
    feats, targets = training_examples(rows)
    model = make_pipeline(DictVectorizer(), LogisticRegression(max_iter=2000, C=1.0, class_weight="balanced"))
    model.fit(feats, targets)
    return LearnedLinker(model)


def compare_on_labels(path: Path) -> dict[str, dict]:
    """Rules alone vs rules + learned on the held-out test split (trained on tune)."""
    from .claims import evaluate_labels, read_labels, split_of

    rows = read_labels(path)
    learned = fit([r for r in rows if split_of(r["url"]) == "tune"])
    return {
        "rules": evaluate_labels(path, "test"),
        "rules+learned": evaluate_labels(path, "test", learned=learned),
    }
