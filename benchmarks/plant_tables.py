"""Planted table errors: does nianbao find one T3/T4 figure that no longer adds up?

    .venv/bin/python benchmarks/plant_tables.py corpus/putian [--seed 13] [--per-report 8]
                                                [--out out/plant-tables] [--json]

The arithmetic twin of ``benchmarks/plant.py``.  Takes any folder of reports whose source is a
text file that is its own document text (page text as portals serve it: the tables printed as
lines of figures, one cell per line or with blanks left out).  For each report it runs nianbao
once and takes every T3/T4 figure that the table read for certain (exact, printed as its own
token, zeros included: a line that stands for several merged cells is left alone).  For a sample of
them (``--per-report``) it writes a copy of the report with that one figure changed in the
source, everything else byte for byte the same, and checks the copy.  Each plant ends as one of

- ``found``: an arithmetic finding (t3_balance, t3_row_total, t3_result_total, t4_group_total)
  names the planted cell (the gold.md matching rule);
- ``found elsewhere``: a new arithmetic finding whose equation holds the planted cell, naming
  another of its cells (the arithmetic may not tell which of two cells is wrong; a reviewer still
  sees the equation flagged);
- ``found by another rule``: no arithmetic finding, but a new finding of another family names a
  cell of the planted table (page text that leaves blanks out and merges repeated lines can
  print a changed figure as another table that adds up; the narrative may still contradict it);
- ``warned``: no finding, but the report says the table as printed breaks its own arithmetic
  (the decoder could not tell which cells the printed lines are, so no cell is named and no
  finding raised: a figure with more than one possible value never raises one);
- ``not read``: the table is reported unreadable for that file (an error, not a silent pass,
  but no finding);
- ``missed``: the copy passes the arithmetic silently (the decoder found another reading of the
  printed lines that adds up, or the cell is in no equation).

New false alarms are counted too: findings of the copy that the original lacked and that are not
about the plant (an arithmetic finding none of whose equations holds the planted cell; another
rule's finding naming no cell of the planted table).  The new value is drawn from a generator
seeded by ``--seed``, the report and the cell, so a run is repeatable.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from plant import _decode, report_sources  # noqa: E402  (the narrative twin: same report finding, same decoding)

from nianbao import ingest  # noqa: E402
from nianbao.model import Finding, ReportResult  # noqa: E402
from nianbao.pipeline import check  # noqa: E402

ARITHMETIC = {"t3_balance", "t3_row_total", "t3_result_total", "t4_group_total"}


@dataclass
class TablePlant:
    report: str
    cell: str
    old: int
    new: int
    folder: str = ""
    outcome: str = ""
    found_by: list[str] = field(default_factory=list)
    new_false_alarms: list[dict] = field(default_factory=list)


def plantable_cells(result: ReportResult, raw: str) -> list[tuple[str, int, int, int]]:
    """(ref, value, start, end) of every certain T3/T4 figure printed as its own token."""
    spans: Counter = Counter()
    cells = []
    for name in ("T3", "T4"):
        table = result.tables.get(name)
        if table is None:
            continue
        for key, fig in table.figures.items():
            start, end = fig.prov.start, fig.prov.end
            if start is None or end is None:
                continue
            spans[(start, end)] += 1
            if fig.value is None or fig.confidence < 1 or fig.candidates or not float(fig.value).is_integer():
                continue
            value = int(fig.value)
            if raw[start:end] != str(value):
                continue
            if (start > 0 and raw[start - 1].isdigit()) or (end < len(raw) and raw[end].isdigit()):
                continue
            cells.append((f"{name}.{key}", value, start, end))
    return [c for c in cells if spans[(c[2], c[3])] == 1]  # a merged line stands for several cells


def new_value(rng: random.Random, old: int) -> int:
    spread = max(3, round(0.3 * old))
    return rng.choice([v for d in range(1, spread + 1) for v in (old + d, old - d) if v >= 0 and v != old])


def _key(f: Finding) -> tuple:
    return f.code, tuple(sorted(f.cells)), f.severity


def _equation_cells(f: Finding) -> set[str]:
    """The cells a finding names and those of the equations it reports (its evidence)."""
    return set(f.cells) | {c.get("ref") for c in f.evidence.get("cells", [])}


def score(plant: TablePlant, original: ReportResult, planted: ReportResult) -> None:
    table = plant.cell.partition(".")[0]
    before = {_key(f) for f in original.findings}
    new = [f for f in planted.findings if _key(f) not in before and f.severity != "info"]
    arithmetic = [f for f in planted.findings if f.family in ARITHMETIC and f.severity != "info"]
    hits = [f for f in arithmetic if plant.cell in f.cells]
    # a new arithmetic finding is about the plant when the planted cell is in one of its equations
    about = [f for f in new if f.family in ARITHMETIC and plant.cell in _equation_cells(f)]
    if hits:
        plant.outcome, plant.found_by = "found", sorted({f.code for f in hits})
    elif about:
        plant.outcome, plant.found_by = "found elsewhere", sorted({f.code for f in about})
    elif any(f.family not in ARITHMETIC and any(c.startswith(table + ".") for c in f.cells) for f in new):
        plant.outcome = "found by another rule"
    elif any(m.code == "flattened-printed-arithmetic" and m.text.startswith(table) for m in planted.messages):
        plant.outcome = "warned"
    elif planted.table_status.get(table) not in (None, "read"):
        plant.outcome = "not read"
    else:
        plant.outcome = "missed"
    plant.new_false_alarms = [
        {"code": f.code, "cells": f.cells, "message": f.message}
        for f in new
        if (plant.cell not in _equation_cells(f) if f.family in ARITHMETIC
            else not any(c.startswith(table + ".") for c in f.cells))
    ]


def run(paths: list[Path], out: Path, seed: int, per_report: int | None) -> dict:
    plants: list[TablePlant] = []
    skipped: Counter = Counter()
    reports = 0
    for source in report_sources(paths):
        if source.suffix.lower() != ".txt":
            skipped["not page text"] += 1
            continue
        decoded = _decode(source.read_bytes())
        if decoded is None:
            skipped["undecodable"] += 1
            continue
        raw, encoding = decoded
        if ingest.load(source).text != raw:
            skipped["source is not its own document text"] += 1
            continue
        original = check(source)
        cells = plantable_cells(original, raw)
        if not cells:
            skipped["no T3/T4 figure read for certain"] += 1
            continue
        reports += 1
        name = source.parent.name
        rng = random.Random(f"{seed}:{name}")
        if per_report is not None and len(cells) > per_report:
            cells = rng.sample(cells, per_report)
        for k, (ref, old, start, end) in enumerate(cells):
            new = new_value(random.Random(f"{seed}:{name}:{ref}"), old)
            folder = out / f"{name}--t{k}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / source.name).write_bytes((raw[:start] + str(new) + raw[end:]).encode(encoding))
            if (source.parent / "meta.json").exists():
                shutil.copyfile(source.parent / "meta.json", folder / "meta.json")
            plant = TablePlant(name, ref, old, new, str(folder))
            (folder / "expected.json").write_text(json.dumps(
                {"families": sorted(ARITHMETIC), "cells": [ref], "old": old, "new": new, "seed": seed},
                ensure_ascii=False, indent=1), encoding="utf-8")
            score(plant, original, check(folder / source.name))
            plants.append(plant)
    outcomes = Counter(p.outcome for p in plants)
    return {
        "seed": seed,
        "reports": reports,
        "planted": len(plants),
        "outcomes": dict(outcomes),
        "recall_on_cell": round(outcomes["found"] / len(plants), 4) if plants else None,
        "recall_flagged": round((outcomes["found"] + outcomes["found elsewhere"]) / len(plants), 4) if plants else None,
        "new_false_alarms": sum(len(p.new_false_alarms) for p in plants),
        "skipped": dict(skipped),
        "plants": [asdict(p) for p in plants],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="report folders, or folders of them")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "plant-tables")
    parser.add_argument("--per-report", type=int, default=8, help="plant at most N cells per report (0: all)")
    parser.add_argument("--json", action="store_true", help="print every plant as JSON")
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    summary = run(args.paths, args.out, args.seed, args.per_report or None)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0
    for p in summary["plants"]:
        extra = f"  new false alarms: {p['new_false_alarms']}" if p["new_false_alarms"] else ""
        print(f"{p['outcome']:15} {p['report']}: {p['cell']} {p['old']} -> {p['new']} {','.join(p['found_by'])}{extra}")
    print(f"\nreports: {summary['reports']}; planted {summary['planted']}; outcomes {summary['outcomes']}; "
          f"recall on the cell {summary['recall_on_cell']}, flagged {summary['recall_flagged']}; "
          f"new false alarms {summary['new_false_alarms']}; skipped {summary['skipped']}; seed {summary['seed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
