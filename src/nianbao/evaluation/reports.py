"""Scoring nianbao's results against labelled reports (gold.md).

- table cells: exact-match accuracy over the gold keys of each table;
- claims: precision and recall of (metric, value) pairs;
- findings: precision and recall, a finding matching when its family and cells agree;
- paragraphs: macro-F1 over labels (a gold paragraph is matched to the
  predicted paragraph that contains it, or that it contains).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..model import ReportResult, plain_number
from .claims import score_claims
from .findings import finding_counts
from .folders import find_labelled, source_file  # noqa: F401  (part of this module's API)

Checker = Callable[[Path], ReportResult]


@dataclass
class PRCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: PRCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None and r is None else 0.0
        return 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision, "recall": self.recall, "f1": self.f1}


def _multiset_pr(pred: list[Any], gold: list[Any]) -> PRCounts:
    p, g = Counter(pred), Counter(gold)
    tp = sum((p & g).values())
    return PRCounts(tp, sum(p.values()) - tp, sum(g.values()) - tp)


_num = plain_number


@dataclass
class ReportScore:
    name: str
    layout: str
    cells_total: int = 0
    cells_correct: int = 0
    cells_wrong: list[tuple[str, Any, Any]] = field(default_factory=list)
    cells_ambiguous: int = 0  # gold cells the tool left open (several candidates)
    cells_misread: int = 0  # gold cells the tool gave a certain value that is not gold's
    cells_undetermined: int = 0  # gold's undetermined_cells: left out of the accuracy
    cells_undetermined_agree: int = 0  # … of which the tool's value (or one of its candidates) is gold's reading
    blank: PRCounts = field(default_factory=PRCounts)
    claims: PRCounts = field(default_factory=PRCounts)
    claim_errors: dict[str, list] = field(default_factory=dict)
    findings: dict[str, PRCounts] = field(default_factory=dict)
    paragraph_pairs: list[tuple[str, str]] = field(default_factory=list)  # (gold, predicted)
    messages: list[str] = field(default_factory=list)

    @property
    def cell_accuracy(self) -> float | None:
        return self.cells_correct / self.cells_total if self.cells_total else None


def _norm_text(s: str) -> str:
    return re.sub(r"\s+", "", s)


def score_report(name: str, result: ReportResult, gold: dict[str, Any], layout: str = "",
                 complete: bool = True) -> ReportScore:
    d = result.to_dict()
    score = ReportScore(name=name, layout=layout or result.layout)
    undetermined = set(gold.get("undetermined_cells", []))
    # Tables: exact match over gold's keys; cells gold could not determine by reading are counted apart.
    for table, values in (gold.get("tables") or {}).items():
        got = d["tables"].get(table, {})
        for key, want in values.items():
            have = got.get(key)
            fig = result.figure(f"{table}.{key}")
            open_ = fig is not None and fig.value is None and bool(fig.candidates)
            if f"{table}.{key}" in undetermined:
                score.cells_undetermined += 1
                agree = (have is not None and _num(have) == _num(want)) or (
                    open_ and _num(want) in [_num(v) for v in fig.candidates])
                score.cells_undetermined_agree += int(agree)
                continue
            score.cells_total += 1
            if have is not None and _num(have) == _num(want):
                score.cells_correct += 1
            else:
                if open_:
                    score.cells_ambiguous += 1
                elif have is not None:
                    score.cells_misread += 1
                score.cells_wrong.append((f"{table}.{key}", want, have))
    score.blank = _multiset_pr(d["blank_cells"], gold.get("blank_cells", []))
    # Claims: (metric, value) pairs; "other" figures link to nothing and are not scored.
    claims = score_claims(d["claims"], gold.get("claims", []))
    score.claims = PRCounts(claims["tp"], claims["fp"], claims["fn"])
    pred = [(c["metric"], _num(c["value"])) for c in d["claims"] if c["metric"] != "other"]
    want = [(c["metric"], _num(c["value"])) for c in gold.get("claims", [])]
    score.claim_errors = {
        "false_positive": sorted((Counter(pred) - Counter(want)).elements(), key=str),
        "missed": sorted((Counter(want) - Counter(pred)).elements(), key=str),
    }
    # Findings: family + cell set (finer gold rule names mapped to their family).
    for fam, c in finding_counts(d["findings"], gold.get("findings", []), complete=complete).items():
        score.findings[fam] = PRCounts(c["tp"], c["fp"], c["fn"])
    # Paragraphs.
    paras = d["paragraphs"]
    normed = [(_norm_text(p["text"]), p.get("label")) for p in paras]
    for gp in gold.get("paragraphs", []):
        t = _norm_text(gp["text"])
        match = next((lab for txt, lab in normed if t and t in txt), None)
        if match is None:
            match = next((lab for txt, lab in normed if len(txt) > 10 and txt in t), None)
        score.paragraph_pairs.append((gp["label"], match or "(missing)"))
    score.messages = [f"{m['level']}: {m['text']}" for m in d["messages"]]
    return score


def macro_f1(pairs: list[tuple[str, str]]) -> tuple[float | None, dict[str, dict[str, float | None]]]:
    labels = sorted({g for g, _ in pairs})
    per: dict[str, dict[str, float | None]] = {}
    for lab in labels:
        c = PRCounts(
            tp=sum(1 for g, p in pairs if g == lab and p == lab),
            fp=sum(1 for g, p in pairs if g != lab and p == lab),
            fn=sum(1 for g, p in pairs if g == lab and p != lab),
        )
        per[lab] = {"precision": c.precision, "recall": c.recall, "f1": c.f1 or 0.0, "support": c.tp + c.fn}
    if not per:
        return None, per
    return sum(v["f1"] or 0.0 for v in per.values()) / len(per), per


@dataclass
class Summary:
    reports: list[ReportScore]

    def as_dict(self) -> dict[str, Any]:
        cells_total = sum(r.cells_total for r in self.reports)
        cells_correct = sum(r.cells_correct for r in self.reports)
        claims = PRCounts()
        findings: dict[str, PRCounts] = {}
        pairs: list[tuple[str, str]] = []
        for r in self.reports:
            claims.add(r.claims)
            for fam, c in r.findings.items():
                findings.setdefault(fam, PRCounts()).add(c)
            pairs.extend(r.paragraph_pairs)
        all_findings = PRCounts()
        for c in findings.values():
            all_findings.add(c)
        mf1, per_label = macro_f1(pairs)
        return {
            "reports": [
                {
                    "name": r.name,
                    "layout": r.layout,
                    "cells": {"total": r.cells_total, "correct": r.cells_correct, "accuracy": r.cell_accuracy,
                              "ambiguous": r.cells_ambiguous, "misread": r.cells_misread,
                              "undetermined": r.cells_undetermined,
                              "undetermined_agree": r.cells_undetermined_agree, "wrong": r.cells_wrong[:50]},
                    "claims": r.claims.as_dict(),
                    "claim_errors": r.claim_errors,
                    "findings": {k: v.as_dict() for k, v in r.findings.items()},
                    "messages": r.messages,
                }
                for r in self.reports
            ],
            "cells": {"total": cells_total, "correct": cells_correct,
                      "accuracy": cells_correct / cells_total if cells_total else None,
                      "ambiguous": sum(r.cells_ambiguous for r in self.reports),
                      "misread": sum(r.cells_misread for r in self.reports),
                      "undetermined": sum(r.cells_undetermined for r in self.reports),
                      "undetermined_agree": sum(r.cells_undetermined_agree for r in self.reports)},
            "claims": claims.as_dict(),
            "findings": {"all": all_findings.as_dict(), **{k: v.as_dict() for k, v in findings.items()}},
            "paragraphs": {"macro_f1": mf1, "per_label": per_label, "n": len(pairs)},
        }


def evaluate_folders(folders: list[Path], checker: Checker) -> Summary:
    scores = []
    for folder in folders:
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        meta_path = folder / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        result = checker(source_file(folder))
        scores.append(score_report(folder.name, result, gold, meta.get("layout", ""), meta.get("complete", True)))
    return Summary(scores)
