"""Accuracy and speed of the flattened-table decoder on the copied-text twins.

    .venv/bin/python benchmarks/flattened.py [--repeat N]

For each corpus/samples/pingtan-*-txt folder: cells equal to gold, cells
left ambiguous (value None, gold among the candidates or not), cells wrong;
how often the most plausible candidate of an ambiguous cell is the gold one
(``guess=True``); and the mean time to decode the T3 alone and the whole
document.  Timing is printed, never asserted.

``--synthetic N`` also decodes N random consistent 2021-layout T3 tables per
setting, flattened with no separators, with stray spaces, with one printed
part wrong (a real arithmetic error), and with empty cells dropped by the
copy: the count that matters there is "wrong" (a figure printed as certain
that is not the true one), which must stay 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nianbao.tables.decode import decode_text_tables as decode_flattened  # noqa: E402
from nianbao.tables.decode.regions import find_regions  # noqa: E402
from nianbao.tables.schema import T3_COLUMNS, T3_ROWS_2021  # noqa: E402

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


# ---------------------------------------------------------------- synthetic tables

_HEADINGS = {
    "granted": "三、本年度办理结果",
    "denied.state_secret": "（三）不予公开",
    "unable.not_held": "（四）无法提供",
    "not_processed.complaint": "（五）不予处理",
    "other.no_correction": "（六）其他处理",
}
_ROWS = [r.key for r in T3_ROWS_2021]
_BALANCE_ROWS = ("new_received", "carried_over", "handled_total", "carried_forward")


def random_t3(rng: random.Random, scale: int) -> dict[str, list[int]]:
    """A consistent T3: results mostly 自然人, some other applicants, small carry-overs."""
    results = [r for r in _ROWS if r not in _BALANCE_ROWS]
    parts: dict[str, list[int]] = {}
    for r in results:
        row = [0] * 6
        if rng.random() < 0.5:
            row[0] = rng.choice([rng.randint(1, 9), rng.randint(1, scale)])
            for c in range(1, 6):
                if rng.random() < 0.15:
                    row[c] = rng.randint(1, max(1, scale // 5))
        parts[r] = row
    handled = [sum(parts[r][c] for r in results) for c in range(6)]
    forward = [rng.randint(0, 3) if rng.random() < 0.3 else 0 for _ in range(6)]
    carried = [min(rng.randint(0, 2) if rng.random() < 0.2 else 0, handled[c] + forward[c]) for c in range(6)]
    parts.update(
        new_received=[handled[c] + forward[c] - carried[c] for c in range(6)],
        carried_over=carried,
        handled_total=handled,
        carried_forward=forward,
    )
    return {r: parts[r] + [sum(parts[r])] for r in _ROWS}


def flatten(t3: dict[str, list[int]], rng: random.Random, spaces: float = 0.0, drop_empty: float = 0.0) -> str:
    """The table as a copied one-line page: labels, then each row's figures run together."""
    out = ["三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"]
    for spec in T3_ROWS_2021:
        out += [_HEADINGS.get(spec.key, ""), spec.label]
        cells = []
        for i, v in enumerate(t3[spec.key]):
            dropped = v == 0 and i < 6 and any(t3[spec.key][:6]) and rng.random() < drop_empty
            cells.append("" if dropped else str(v))
        out.append("".join(c + (" " if rng.random() < spaces else "") for c in cells).rstrip())
    out.append("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼" + "结果维持结果纠正其他结果尚未审结总计" * 3)
    out.append("0" * 15 + "五、存在的主要问题及改进情况")
    return "".join(out)


def synthetic(n: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    settings = [
        ("no separators, small", dict(scale=9)),
        ("no separators, up to 100", dict(scale=100)),
        ("stray spaces (20%)", dict(scale=100, spaces=0.2)),
        ("one printed part wrong", dict(scale=40, error=True)),
        ("30% of empty cells dropped", dict(scale=40, drop_empty=0.3)),
        ("every empty cell dropped", dict(scale=40, drop_empty=1.0)),
    ]
    print(f"\nsynthetic T3 tables ({n} per setting, seed {seed}): a 'wrong' cell is a certain figure that is not the truth")
    print(f"{'setting':28} {'tables exact':>12} {'cells ambiguous':>16} {'wrong':>6} {'ms/table':>9}")
    for label, cfg in settings:
        exact = ambiguous = wrong = cells = 0
        t0 = time.perf_counter()
        for _ in range(n):
            t3 = random_t3(rng, cfg["scale"])
            if cfg.get("error"):
                row, col = rng.choice(_ROWS[:-2]), rng.randrange(6)
                t3[row][col] += rng.randint(1, 5)  # printed wrong: its totals not updated
            text = flatten(t3, rng, cfg.get("spaces", 0.0), cfg.get("drop_empty", 0.0))
            decoded = decode_flattened(text).tables.get("T3")
            a = w = 0
            for row, values in t3.items():
                for col, want in zip(T3_COLUMNS, values):
                    fig = decoded.figures.get(f"{row}.{col}") if decoded else None
                    cells += 1
                    if fig is None or fig.value is None:
                        a += 1
                    elif fig.value != want:
                        w += 1
            exact += not (a or w)
            ambiguous += a
            wrong += w
        ms = (time.perf_counter() - t0) / n * 1000
        print(f"{label:28} {exact:>5}/{n:<6} {ambiguous:>7}/{cells:<8} {wrong:>6} {ms:>9.0f}")


def synthetic_t4(n: int, seed: int = 2) -> None:
    """Random T4 rows (half with one printed part wrong) under a fixed small T3."""
    rng = random.Random(seed)
    exact = ambiguous = wrong = 0
    for i in range(n):
        row: list[int] = []
        for _ in range(3):
            parts = [rng.choice([0, 0, 0, 1, 2, 3, 12, 25, 40]) if rng.random() < 0.6 else 0 for _ in range(4)]
            row += parts + [sum(parts)]
        if i % 2:
            row[rng.choice([0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13])] += rng.randint(1, 5)
        text = flatten(random_t3(rng, 9), rng).replace("0" * 15 + "五、", "".join(map(str, row)) + "五、")
        t4 = decode_flattened(text).tables.get("T4")
        got = list(t4.values().values()) if t4 else [None] * len(row)
        exact += got == row
        wrong += any(v is not None and v != w for v, w in zip(got, row))
        ambiguous += sum(v is None for v in got)
    print(f"{'T4 rows (half printed wrong)':28} {exact:>5}/{n:<6} {ambiguous:>7}/{n * 15:<8} {wrong:>6}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--synthetic", type=int, default=0, help="random tables per synthetic setting (0: none)")
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
    if args.synthetic:
        synthetic(args.synthetic)
        synthetic_t4(args.synthetic * 5)


if __name__ == "__main__":
    main()
