"""Corpus throughput: reports/s with 1 and 2 local workers and with the Dask engine.

    .venv/bin/python benchmarks/corpus.py                 # 1,000 generated reports + the 13 samples
    .venv/bin/python benchmarks/corpus.py --n 300 --configs local:1,local:2
    .venv/bin/python benchmarks/corpus.py --corpus /tmp/c --configs local:1,local:2 --repeat 3 --quiet-load 0.6

Each configuration runs in a fresh Python process (so none inherits another's
warm worker pool) into a fresh store, end to end: discovery and hashing,
checking, batched store writes (corpus checks off: they are not parallel).
Printed per configuration: wall seconds, reports/s end to end and after the
one-off start-up (from the first result on), mean worker seconds per file,
the parent's CPU seconds (is the writer a bottleneck?), peak RSS per worker
(includes pages shared copy-on-write with the forkserver) and the parent's
peak RSS; then the speed-up ratios against 1 local worker.

The machine has 2 cores: measure when it is otherwise quiet (the load average
is printed before and after each configuration).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, resource, sys, time, warnings
from collections import Counter
warnings.simplefilter("ignore")
from nianbao.corpus.run import run_corpus
from nianbao.corpus.store import Store
engine, workers, target, store = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
t0 = time.perf_counter()
s = run_corpus(target, store, workers=workers, engine=engine, progress=False, corpus_checks=False)
wall = time.perf_counter() - t0
me = resource.getrusage(resource.RUSAGE_SELF)
with Store(store, read_only=True) as st:
    reports = st.reports()
elapsed = [r["elapsed_s"] for r in reports if r["elapsed_s"] is not None]
mean_file = sum(elapsed) / len(elapsed) if elapsed else None
by_format = dict(Counter(r["format"] for r in reports))
print(json.dumps({
    "engine": engine, "workers": workers, "processed": s.processed, "statuses": dict(s.statuses),
    "wall_s": wall, "rate": s.processed / wall, "mean_file_s": mean_file,
    "worker_cpu_s": s.worker_cpu_s, "checking_wall_s": s.seconds, "first_result_s": s.first_result_s,
    # after the one-off start-up (imports, models): what a long corpus run sustains
    "steady_rate": (s.processed - 1) / max(s.seconds - (s.first_result_s or 0.0), 1e-9),
    "parent_cpu_s": me.ru_utime + me.ru_stime, "parent_peak_rss_mib": me.ru_maxrss / 1024,
    "worker_peak_rss_mib": max(s.peak_rss_kb.values()) / 1024 if s.peak_rss_kb else None,
    "by_format": by_format,
}))
"""


def corpus_dir(n: int, keep: Path | None) -> Path:
    """The generated corpus plus a copy of the real samples."""
    from nianbao.evaluation.generate import generate_corpus

    out = keep or Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    if not (out / "generated" / "manifest.jsonl").exists():
        generate_corpus(out / "generated", n=n, seed=0)
        shutil.copytree(ROOT / "corpus" / "samples", out / "samples", dirs_exist_ok=True)
    return out


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_quiet(max_load: float, max_wait_s: float) -> None:
    """Wait until the 1-minute load average is below ``max_load`` (others share the machine)."""
    import time

    deadline = time.monotonic() + max_wait_s
    while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        time.sleep(10)


def machine_busy_s() -> float:
    """CPU seconds all processes on the machine have used (non-idle time in /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run_config(engine: str, workers: int, target: Path) -> dict:
    store = Path(tempfile.mkdtemp(prefix="nianbao-bench-store-")) / "bench.duckdb"
    before = loadavg()
    busy0 = machine_busy_s()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, engine, str(workers), str(target), str(store)],
        capture_output=True, text=True, check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load_before"], result["load_after"] = before, loadavg()
    # CPU the rest of the machine used meanwhile (other people's jobs): contention.
    result["machine_busy_s"] = machine_busy_s() - busy0
    result["others_cpu_s"] = result["machine_busy_s"] - result["worker_cpu_s"] - result["parent_cpu_s"]
    shutil.rmtree(store.parent)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="generated reports (the 13 samples are added)")
    parser.add_argument("--corpus", type=Path, help="keep / reuse the corpus in this folder")
    parser.add_argument("--configs", default="local:1,local:2,dask:2", help="engine:workers, comma-separated")
    parser.add_argument("--quiet-load", type=float, default=None,
                        help="before each configuration wait (up to --max-wait s) for the 1-min load average to drop below this")
    parser.add_argument("--max-wait", type=float, default=900)
    parser.add_argument("--repeat", type=int, default=1, help="run all configurations this many times (ratios per round, then min and median)")
    args = parser.parse_args()
    target = corpus_dir(args.n, args.corpus)
    print(f"corpus: {target} ({args.n} generated + samples); load average before: {loadavg()}")
    rounds = [run_round(args, target) for _ in range(args.repeat)]
    if args.repeat > 1:
        ratios: dict[str, list[float]] = {}
        for speedups in rounds:
            for name, ratio in speedups.items():
                ratios.setdefault(name, []).append(ratio)
        for name, values in ratios.items():
            shown = ", ".join(f"{v:.2f}" for v in values)
            print(f"{name} over {len(values)} rounds: {shown}; min {min(values):.2f}x, median {statistics.median(values):.2f}x")


def run_round(args: argparse.Namespace, target: Path) -> dict[str, float]:
    """Every configuration once; returns the speed-ups against 1 local worker."""
    results = []
    for config in args.configs.split(","):
        engine, workers = config.split(":")
        if args.quiet_load is not None:
            wait_quiet(args.quiet_load, args.max_wait)
        r = run_config(engine, int(workers), target)
        results.append(r)
        print(
            f"{engine:5} x{workers}: {r['processed']} reports in {r['wall_s']:.1f} s = {r['rate']:.1f} reports/s; "
            f"first result after {r['first_result_s']:.1f} s, then {r['steady_rate']:.1f} reports/s; "
            f"mean {1000 * r['mean_file_s']:.0f} ms/file in a worker (CPU {1000 * r['worker_cpu_s'] / max(r['processed'], 1):.0f} ms); "
            f"parent CPU {r['parent_cpu_s']:.1f} s; "
            f"peak RSS worker {r['worker_peak_rss_mib'] or 0:.0f} MiB, parent {r['parent_peak_rss_mib']:.0f} MiB; "
            f"statuses {r['statuses']}; load {r['load_before']} -> {r['load_after']}; "
            f"machine CPU busy {r['machine_busy_s']:.0f} s of which not ours (other jobs, startup, Dask) ~{r['others_cpu_s']:.0f} s",
            flush=True,
        )
    base = next((r for r in results if r["engine"] == "local" and r["workers"] == 1), None)
    speedups = {}
    if base:
        for r in results:
            if r is not base:
                name = f"speed-up {r['engine']} x{r['workers']} vs local x1"
                speedups[name] = r["rate"] / base["rate"]
                speedups[f"{name}, after start-up"] = r["steady_rate"] / base["steady_rate"]
                print(f"{name}: {speedups[name]:.2f}x end to end, {r['steady_rate'] / base['steady_rate']:.2f}x after start-up")
    print(json.dumps(results, ensure_ascii=False))
    return speedups


if __name__ == "__main__":
    main()
