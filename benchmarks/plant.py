"""Planted mismatches: does nianbao find a narrative figure that no longer agrees with its table?

    .venv/bin/python benchmarks/plant.py corpus/samples corpus/putian [--seed 13] [--out out/plant]
                                         [--per-report N] [--json]

Takes any folder of reports (a folder holding ``source.*``, or folders of them: gold is not
needed).  For each report it runs nianbao once, and takes every narrative figure that a
table figure backs (the claim agrees with its table cell, is exact and written in Arabic
digits; a cell the narrative itself settled, as in a flattened table split, backs nothing).  For each such figure it writes a planted copy of the report in which that one
figure is changed in the source file, everything else byte for byte the same, and the
finding expected of it (family ``narrative_vs_table`` naming the claim's cells):

    OUT/<report>--p<k>/source.<ext>, meta.json (copied), expected.json

It then checks every planted copy and counts

- planted recall: copies where a ``narrative_vs_table`` finding (not an ``info`` note)
  names at least one of the expected cells (the gold.md matching rule);
- new false alarms: findings of the planted copy that the original did not have and
  that are not about the planted figure (its cells or its claim);
- lost findings: findings of the original that the planted copy no longer has.

The new value is drawn from a generator seeded by ``--seed``, the report name and the
claim, so a run is repeatable; it differs from the table figure and from the other
readings nianbao accepts (新收 + 上年结转, …), which would make the change a note, not an error.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nianbao import ingest  # noqa: E402
from nianbao.model import Claim, Finding, ReportResult  # noqa: E402
from nianbao.pipeline import check  # noqa: E402
from nianbao.reconcile.claimcheck import ALTERNATIVES, check_claim  # noqa: E402
from nianbao.reconcile.config import Config  # noqa: E402
from nianbao.reconcile.context import RuleContext  # noqa: E402

SOURCE_NAMES = ("source.html", "source.htm", "source.txt", "source.docx", "source.pdf")
PLANTABLE_SUFFIXES = {".html", ".htm", ".txt"}  # text formats: one figure can be changed in place
ENCODINGS = ("utf-8", "gb18030")


@dataclass
class Plant:
    report: str
    source: str
    claim_index: int
    claim_text: str
    metric: str
    old: int
    new: int
    cells: list[str]
    folder: str = ""
    found: bool = False
    found_by: list[str] = field(default_factory=list)
    new_false_alarms: list[dict] = field(default_factory=list)
    lost: list[dict] = field(default_factory=list)


def report_sources(paths: list[Path]) -> list[Path]:
    """The source file of every report folder under ``paths``."""
    out = []
    for path in paths:
        folders = [path] if any((path / n).exists() for n in SOURCE_NAMES) else sorted(p for p in path.rglob("*") if p.is_dir())
        for folder in folders:
            source = next((folder / n for n in SOURCE_NAMES if (folder / n).exists()), None)
            if source is not None:
                out.append(source)
    return out


def _decode(data: bytes) -> tuple[str, str] | None:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def backed_claims(result: ReportResult) -> list[tuple[int, Claim, tuple[str, ...]]]:
    """Claims that agree with a certain table figure: exact, in Arabic digits, not zero."""
    ctx = RuleContext(result, Config())
    out = []
    for i, claim in enumerate(result.claims):
        if claim.qualifier != "exact" or not isinstance(claim.value, int) and not float(claim.value).is_integer():
            continue
        if claim.value < 1 or str(int(claim.value)) not in claim.text:
            continue
        verdict = check_claim(ctx, claim, 0)
        if verdict.status != "agree" or verdict.reading is not None:
            continue
        figures = [result.figure(c) for c in verdict.cells]
        if any(f is None or f.confidence < 1 for f in figures):
            continue  # the narrative settled this cell (a flattened split): it backs nothing
        out.append((i, claim, verdict.cells))
    return out


def _readings(result: ReportResult, claim: Claim) -> set[float]:
    """Values nianbao would accept for the claim under another reading (a plant must avoid them)."""
    table, _, rest = claim.metric.partition(".")
    row_key, _, col = claim.metric.rpartition(".")
    values = set()
    for _, rows in ALTERNATIVES.get(row_key, []):
        got = [result.figure(f"{table}.{r}.{col}") for r in rows]
        if all(f is not None and f.value is not None for f in got):
            values.add(float(sum(f.value for f in got)))
    for t in result.tables.values():  # any figure of the same column: a coincidence would read as another row
        values.update(float(f.value) for k, f in t.figures.items() if f.value is not None and k.endswith("." + col))
    return values


def new_value(rng: random.Random, old: int, avoid: set[float]) -> int | None:
    spread = max(3, round(0.3 * old))
    choices = [v for d in range(1, spread + 1) for v in (old + d, old - d) if v >= 1 and float(v) not in avoid]
    return rng.choice(choices) if choices else None


def plant_text(raw: str, document_text: str, claim: Claim, new: int) -> str | None:
    """``raw`` with the claim's figure changed, or None when it cannot be placed for sure."""
    digits = str(int(claim.value))
    if len(re.findall(rf"(?<!\d){digits}(?!\d)", claim.text)) != 1:
        return None
    if raw == document_text and claim.prov.start is not None and claim.prov.end is not None:
        # a text file is its own document text: the claim's span holds the figure, line breaks and all
        span = raw[claim.prov.start:claim.prov.end]
        hits = list(re.finditer(rf"(?<!\d){digits}(?!\d)", span))
        if len(hits) != 1:
            return None
        at = claim.prov.start + hits[0].start()
        return raw[:at] + str(new) + raw[at + len(digits):]
    needle = claim.text
    if raw.count(needle) != document_text.count(needle) or not raw.count(needle):
        return None  # markup inside the statement, or the raw text differs from the document's
    ordinal = document_text[: claim.prov.start].count(needle) if claim.prov.start is not None else 0
    at = -1
    for _ in range(ordinal + 1):
        at = raw.find(needle, at + 1)
    if at < 0:
        return None
    planted = re.sub(rf"(?<!\d){digits}(?!\d)", str(new), needle, count=1)
    return raw[:at] + planted + raw[at + len(needle):]


def _key(f: Finding) -> tuple:
    return f.code, tuple(sorted(f.cells)), f.severity


def _about_plant(f: Finding, plant: Plant, result: ReportResult) -> bool:
    if set(f.cells) & set(plant.cells):
        return True
    texts = [result.claims[i].text for i in f.claims if 0 <= i < len(result.claims)]
    return any(str(plant.new) in t for t in texts) or str(plant.new) in f.message


def run(paths: list[Path], out: Path, seed: int, per_report: int | None) -> dict:
    plants: list[Plant] = []
    skipped: dict[str, int] = {}
    reports = 0
    for source in report_sources(paths):
        if source.suffix.lower() not in PLANTABLE_SUFFIXES:
            skipped["not a text format"] = skipped.get("not a text format", 0) + 1
            continue
        decoded = _decode(source.read_bytes())
        if decoded is None:
            skipped["undecodable"] = skipped.get("undecodable", 0) + 1
            continue
        raw, encoding = decoded
        original = check(source)
        if not original.tables:
            skipped["no table read"] = skipped.get("no table read", 0) + 1
            continue
        reports += 1
        document_text = ingest.load(source).text
        name = source.parent.name
        candidates = backed_claims(original)
        rng = random.Random(f"{seed}:{name}")
        if per_report is not None and len(candidates) > per_report:
            candidates = rng.sample(candidates, per_report)
        for k, (i, claim, cells) in enumerate(candidates):
            claim_rng = random.Random(f"{seed}:{name}:{i}:{claim.metric}")
            new = new_value(claim_rng, int(claim.value), _readings(original, claim))
            text = None if new is None else plant_text(raw, document_text, claim, new)
            if text is None:
                skipped["figure not placeable"] = skipped.get("figure not placeable", 0) + 1
                continue
            folder = out / f"{name}--p{k}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / source.name).write_bytes(text.encode(encoding))
            if (source.parent / "meta.json").exists():
                shutil.copyfile(source.parent / "meta.json", folder / "meta.json")
            plant = Plant(name, str(source), i, claim.text, claim.metric, int(claim.value), new, list(cells), str(folder))
            (folder / "expected.json").write_text(json.dumps(
                {"family": "narrative_vs_table", "cells": plant.cells, "claim": claim.text, "metric": claim.metric,
                 "old": plant.old, "new": new, "seed": seed}, ensure_ascii=False, indent=1), encoding="utf-8")
            _score(plant, original, check(folder / source.name))
            plants.append(plant)
    found = sum(p.found for p in plants)
    alarms = sum(len(p.new_false_alarms) for p in plants)
    return {
        "seed": seed,
        "reports_with_tables": reports,
        "planted": len(plants),
        "found": found,
        "recall": round(found / len(plants), 4) if plants else None,
        "new_false_alarms": alarms,
        "lost_findings": sum(len(p.lost) for p in plants),
        "skipped": skipped,
        "plants": [asdict(p) for p in plants],
    }


def _score(plant: Plant, original: ReportResult, planted: ReportResult) -> None:
    hits = [f for f in planted.findings
            if f.family == "narrative_vs_table" and f.severity != "info" and set(f.cells) & set(plant.cells)]
    plant.found, plant.found_by = bool(hits), [f.code for f in hits]
    before = {_key(f) for f in original.findings}
    after = {_key(f) for f in planted.findings}
    plant.new_false_alarms = [
        {"code": f.code, "cells": f.cells, "message": f.message}
        for f in planted.findings
        if _key(f) not in before and f.severity != "info" and not _about_plant(f, plant, planted)
    ]
    plant.lost = [{"code": f.code, "cells": f.cells} for f in original.findings if _key(f) not in after]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="report folders, or folders of them")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "plant")
    parser.add_argument("--per-report", type=int, default=None, help="plant at most N figures per report")
    parser.add_argument("--json", action="store_true", help="print every plant as JSON")
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    summary = run(args.paths, args.out, args.seed, args.per_report)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0
    for p in summary["plants"]:
        mark = "found" if p["found"] else "MISSED"
        extra = f"  new false alarms: {p['new_false_alarms']}" if p["new_false_alarms"] else ""
        print(f"{mark:6} {p['report']}: 「{p['claim_text']}」 {p['old']} -> {p['new']} ({p['metric']}) "
              f"{','.join(p['found_by'])}{extra}")
    print(f"\nreports with tables read: {summary['reports_with_tables']}; planted {summary['planted']}, "
          f"found {summary['found']} (recall {summary['recall']}); new false alarms {summary['new_false_alarms']}; "
          f"lost findings {summary['lost_findings']}; skipped {summary['skipped']}; seed {summary['seed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
