"""Accuracy and speed of the flattened-table decoder on the copied-text twins.

    .venv/bin/python benchmarks/flattened.py [--repeat N]

For each corpus/samples/pingtan-*-txt folder: cells equal to gold, cells
left ambiguous (value None, gold among the candidates or not), cells wrong;
how often the most plausible candidate of an ambiguous cell is the gold one
(``guess=True``); and the mean time to decode the T3 alone and the whole
document.  Timing is printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nianbao.tables.flattened import decode_flattened  # noqa: E402
from nianbao.tables.flattened_text import find_regions  # noqa: E402

TWINS = ["pingtan-2019-txt", "pingtan-2020-txt", "pingtan-2021-txt", "pingtan-2023-txt", "pingtan-2025-txt"]


def _score(name: str) -> dict[str, int]:
    folder = ROOT / "corpus" / "samples" / name
    text = (folder / "source.txt").read_text(encoding="utf-8")
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["tables"]
    dec = decode_flattened(text)
    guessed = decode_flattened(text, guess=True)
    counts = {"cells": 0, "equal": 0, "ambiguous": 0, "amb_gold_in_candidates": 0, "wrong": 0, "guess_right": 0}
    per_table: dict[str, int] = {}
    for table, cells in gold.items():
        for key, want in cells.items():
            counts["cells"] += 1
            fig = dec.tables.get(table).figures.get(key) if table in dec.tables else None
            if fig is not None and f"{table}.{key}" in dec.ambiguous:
                counts["ambiguous"] += 1
                per_table[table] = per_table.get(table, 0) + 1
                counts["amb_gold_in_candidates"] += want in (fig.candidates or [])
                counts["guess_right"] += guessed.tables[table].figures[key].value == want
            elif fig is not None and fig.value == want:
                counts["equal"] += 1
            else:
                counts["wrong"] += 1
    counts["ambiguous_by_table"] = per_table  # type: ignore[assignment]
    counts["broken"] = dec.broken  # type: ignore[assignment]
    return counts


def _time(text: str, repeat: int) -> tuple[float, float]:
    """Mean wall and CPU milliseconds per decode (wall time grows with the machine's load)."""
    decode_flattened(text)  # warm up (imports, CP-SAT start)
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        decode_flattened(text)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.mean(wall) * 1000, statistics.mean(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"{'report':18} {'cells':>5} {'equal':>5} {'amb':>4} {'wrong':>5} {'guess':>6}  {'T3 ms':>6} {'T3 cpu':>6} {'doc ms':>6}  ambiguous by table / printed errors")
    t3_times, t3_cpu, totals = [], [], {"cells": 0, "equal": 0, "ambiguous": 0, "wrong": 0, "guess_right": 0}
    for name in TWINS:
        text = (ROOT / "corpus" / "samples" / name / "source.txt").read_text(encoding="utf-8")
        regions = find_regions(text)
        t3_text = text[regions.t3[0] : regions.t3[1]] if regions.t3 else ""
        t3_ms, t3_cpu_ms = _time(t3_text, args.repeat)
        doc_ms, _ = _time(text, args.repeat)
        t3_times.append(t3_ms)
        t3_cpu.append(t3_cpu_ms)
        c = _score(name)
        for k in totals:
            totals[k] += c[k]
        guess = f"{c['guess_right']}/{c['ambiguous']}"
        print(
            f"{name:18} {c['cells']:5} {c['equal']:5} {c['ambiguous']:4} {c['wrong']:5} {guess:>6}  "
            f"{t3_ms:6.1f} {t3_cpu_ms:6.1f} {doc_ms:6.1f}  {c['ambiguous_by_table']} {c['broken'] or ''}"
        )
    print(
        f"{'total':18} {totals['cells']:5} {totals['equal']:5} {totals['ambiguous']:4} {totals['wrong']:5} "
        f"{totals['guess_right']}/{totals['ambiguous']:<4}"
    )
    print(
        f"mean T3 decode: {statistics.mean(t3_times):.1f} ms wall, {statistics.mean(t3_cpu):.1f} ms CPU "
        f"over {len(TWINS)} reports x {args.repeat} runs (load average now {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
