"""Scoring findings against gold (gold.md: a finding matches when its rule family
and its cells agree), and ReportResults built from gold labels.

    python -m nianbao.evaluation.findings corpus/samples            # gold tables + gold claims
    python -m nianbao.evaluation.findings corpus/samples --pipeline # end to end (nianbao.pipeline.check)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Iterable

from ..gold import report_from_gold
from ..model import FAMILIES, Finding, ReportResult


def family_of(rule_or_family: str) -> str:
    """A gold/predicted rule name mapped to its family (finer names via the catalog)."""
    if rule_or_family in FAMILIES:
        return rule_or_family
    from ..reconcile.rulebook import builtin_rules

    for r in builtin_rules():
        if rule_or_family in (r.name, r.code):
            return r.family
    return rule_or_family


def _as_key(f: Finding | dict[str, Any]) -> tuple[str, frozenset[str]]:
    if isinstance(f, Finding):
        return f.family, frozenset(f.cells)
    family = f.get("family") or family_of(f.get("rule", ""))
    return family, frozenset(f.get("cells", []))


def _severity(f: Finding | dict[str, Any]) -> str | None:
    return f.severity if isinstance(f, Finding) else f.get("severity")


def _matches(pred: tuple[str, frozenset[str]], gold: tuple[str, frozenset[str]]) -> bool:
    """gold.md: same family, and (a gold finding naming cells) at least one of its cells named."""
    return pred[0] == gold[0] and (not gold[1] or bool(pred[1] & gold[1]))


def finding_counts(
    predicted: Iterable[Finding | dict], gold: Iterable[dict], *, complete: bool = True
) -> dict[str, dict[str, int]]:
    """tp/fp/fn per family, as gold.md scores them: a finding matches a gold one of its family that
    names no cells, or names at least one of its cells (cell-set equal matches are paired first).
    ``info`` findings are notes, not scored; nor are ``missing`` findings when the report is only part
    of a page (``complete`` False)."""
    scored = [_as_key(p) for p in predicted if _severity(p) != "info"]
    if not complete:
        scored = [k for k in scored if k[0] != "missing"]
    golds = [_as_key(g) for g in gold if complete or _as_key(g)[0] != "missing"]
    counts: dict[str, dict[str, int]] = {}
    matched_pred: set[int] = set()
    matched_gold: set[int] = set()
    for exact in (True, False):
        for gi, g in enumerate(golds):
            if gi in matched_gold:
                continue
            for pi, p in enumerate(scored):
                if pi not in matched_pred and (p == g if exact else _matches(p, g)):
                    matched_pred.add(pi)
                    matched_gold.add(gi)
                    break
    for pi, (family, _) in enumerate(scored):
        c = counts.setdefault(family, {"tp": 0, "fp": 0, "fn": 0})
        c["tp" if pi in matched_pred else "fp"] += 1
    for gi, (family, _) in enumerate(golds):
        if gi not in matched_gold:
            counts.setdefault(family, {"tp": 0, "fp": 0, "fn": 0})["fn"] += 1
    return counts


def _with_rates(counts: dict[str, int]) -> dict[str, Any]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    # No prediction means no false alarm (precision 1); no gold means nothing missed (recall 1).
    return dict(
        counts,
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
    )


def score_findings(predicted: list[Finding | dict], gold: list[dict]) -> dict[str, Any]:
    """Per-family and overall precision/recall of predicted findings against gold findings.

    Returns ``{"families": {family: {tp, fp, fn, precision, recall}}, "overall": {...}}``.
    Precision is 1.0 when nothing was predicted and recall 1.0 when gold is empty,
    so check the counts too.
    """
    return _summarise(finding_counts(predicted, gold))


def score_many(pairs: Iterable[tuple[list[Finding | dict], list[dict]]]) -> dict[str, Any]:
    """score_findings summed over several reports (one (predicted, gold) pair each)."""
    total: dict[str, dict[str, int]] = {}
    for predicted, gold in pairs:
        for family, c in finding_counts(predicted, gold).items():
            t = total.setdefault(family, {"tp": 0, "fp": 0, "fn": 0})
            for k in t:
                t[k] += c[k]
    return _summarise(total)


def _summarise(counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    overall = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    return {
        "families": {f: _with_rates(c) for f, c in sorted(counts.items())},
        "overall": _with_rates(overall),
    }


def result_from_gold(folder: str | Path) -> ReportResult:
    """A ReportResult holding a labelled report's gold tables, claims and paragraphs.

    Lets the rules be measured (and tested) on what a careful reader took from
    the report, independently of extraction quality.
    """
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    return report_from_gold(gold, meta, source=str(folder))


def evaluate_folders(folders: list[Path], *, pipeline: bool = False, config=None) -> dict[str, Any]:
    """Run the rules on each labelled folder and score them against its gold findings."""
    from ..reconcile import reconcile

    pairs = []
    per_report = {}
    for folder in folders:
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        if pipeline:
            from ..pipeline import check

            source = next(folder.glob("source.*"))
            result = check(source, classify=False, config=config)  # the rules do not read paragraph labels
            predicted = result.findings
        else:
            result = result_from_gold(folder)
            predicted = reconcile(result, config)
        pairs.append((predicted, gold.get("findings", [])))
        per_report[folder.name] = {
            "predicted": [{"code": f.code, "family": f.family, "cells": f.cells, "message": f.message} for f in predicted],
            "gold": gold.get("findings", []),
        }
    return {"score": score_many(pairs), "reports": per_report}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Score nianbao findings against gold findings, per family.")
    parser.add_argument("corpus", type=Path, help="folder of labelled report folders (each with gold.json)")
    parser.add_argument("--pipeline", action="store_true", help="run the full pipeline instead of gold tables/claims")
    parser.add_argument("--verbose", action="store_true", help="print every predicted and gold finding")
    args = parser.parse_args(argv)
    folders = sorted(p.parent for p in args.corpus.glob("*/gold.json"))
    report = evaluate_folders(folders, pipeline=args.pipeline)
    if args.verbose:
        for name, r in report["reports"].items():
            print(f"== {name}")
            for f in r["predicted"]:
                print("  predicted", f["code"], f["family"], f["cells"], f["message"])
            for g in r["gold"]:
                print("  gold     ", g["rule"], g["cells"])
    print(f"{'family':22} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for family, s in list(report["score"]["families"].items()) + [("OVERALL", report["score"]["overall"])]:
        print(f"{family:22} {s['tp']:>4} {s['fp']:>4} {s['fn']:>4} {s['precision']:>10.3f} {s['recall']:>8.3f}")


if __name__ == "__main__":
    main()
