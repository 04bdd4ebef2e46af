"""End-to-end check of the table rules on synthetic reports with one injected error.

Each synthetic report (``nianbao.synth.random_report``: consistent random
tables, real narrative paragraphs) is rendered to HTML, half of them with one
T3 or T4 figure changed, and run through ``pipeline.check``.  It measures
what the sample corpus cannot: false alarms on clean tables read by the real
extractor, and whether one bad figure yields one finding on the right cell
(T3: that cell; T4: its group's total, the only cell an equation names).

    python -m nianbao.evaluation.synthbench --n 40

Only the table families are scored: the narrative paragraphs are borrowed
from other reports, so their figures do not match the synthetic tables.
"""

from __future__ import annotations

import argparse
import copy
import random
import tempfile
from pathlib import Path
from typing import Any

TABLE_FAMILIES = {"t3_balance", "t3_row_total", "t3_result_total", "t4_group_total", "missing"}


def _inject(truth: dict[str, dict[str, Any]], rng: random.Random) -> tuple[str, list[str]]:
    """Change one T3/T4 figure; returns (ref, the cells a correct checker names)."""
    table = rng.choice(["T3", "T3", "T4"])
    key = rng.choice(sorted(truth[table]))
    delta = rng.choice([1, 2, 3, 5, -1, -2])
    if truth[table][key] + delta < 0:
        delta = -delta
    truth[table][key] += delta
    if table == "T3":
        return f"T3.{key}", [f"T3.{key}"]
    return f"T4.{key}", [f"T4.{key.split('.')[0]}.total"]


def run(n: int = 40, seed: int = 1000, folder: Path | None = None) -> dict[str, Any]:
    from ..pipeline import check
    from ..synth import random_report, report_html
    from ..synth.report import t3_table, t4_table

    folder = folder or Path(tempfile.mkdtemp(prefix="nianbao-synthbench-"))
    clean = clean_alarms = injected = localised = 0
    failures = []
    for i in range(n):
        rng = random.Random(seed + i)
        layout = rng.choice(["2019", "2021"])
        report = random_report(seed + i, layout=layout, pages=3)
        want: list[str] | None = None
        ref = ""
        if i % 2:
            truth = copy.deepcopy(report.truth)
            ref, want = _inject(truth, rng)
            for item in report.items:
                if item.name == "T3":
                    item.table = t3_table(truth["T3"], layout)
                elif item.name == "T4":
                    item.table = t4_table(truth["T4"])
        path = folder / f"{report.name}.html"
        path.write_text(report_html(report), encoding="utf-8")
        result = check(path, classify=False)
        got = [f.cells for f in result.findings if f.family in TABLE_FAMILIES]
        if want is None:
            clean += 1
            if got:
                clean_alarms += 1
                failures.append({"report": path.name, "injected": None, "findings": got})
        else:
            injected += 1
            if got == [want]:
                localised += 1
            else:
                failures.append({"report": path.name, "injected": ref, "want": want, "findings": got})
    return {
        "clean_reports": clean,
        "clean_with_false_alarm": clean_alarms,
        "injected_reports": injected,
        "injected_localised": localised,
        "failures": failures,
        "folder": str(folder),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Synthetic end-to-end check of the table rules.")
    parser.add_argument("--n", type=int, default=40, help="number of synthetic reports (half get one error)")
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args(argv)
    out = run(args.n, args.seed)
    print(f"clean reports: {out['clean_reports']}, with a false table alarm: {out['clean_with_false_alarm']}")
    print(f"reports with one injected error: {out['injected_reports']}, "
          f"reported once on the right cell: {out['injected_localised']}")
    for f in out["failures"]:
        print("  ", f)


if __name__ == "__main__":
    main()
