"""Start-up cost of `nianbao check`, as ratios against baselines run side by side (issue 18).

    .venv/bin/python benchmarks/cold_start.py                     # HTML cold + warm, PDF cold + warm
    .venv/bin/python benchmarks/cold_start.py --runs 9 --corpus-rounds 5   # + the corpus 2-worker speed-up

Measured, each as whole processes (cold) or in one process after a warm-up (warm), the runs of
the two sides interleaved so that load from other jobs hits both alike:

- cold HTML: `nianbao check REPORT.html` (the installed script, run from an empty folder) vs the
  cold floor: start Python, `jieba.initialize()`, parse the page with lxml, one jieba pass over
  its text.  Target <= 1.5x.
- the same without the command line: a fresh Python running `pipeline.check(REPORT.html)` (what
  the CLI layer adds is the difference).
- warm HTML: `pipeline.check(REPORT.html)` vs the same floor's parse + jieba pass, in one
  process after a warm-up.  Target <= 2x.
- born-digital PDFs (the same real report printed by Chromium, and the real WPS PDF of
  corpus/samples/huaian-hongze-2023-pdf; or those given with --pdf): cold `nianbao check
  REPORT.pdf` vs a process that imports camelot and runs lattice on every page (target <= 0.5x);
  warm, the same two in one process (target <= 0.1x).  camelot is only the baseline here:
  nianbao reads ruled tables from the PDF's own vector rules and never imports it.
- with --corpus-rounds N: benchmarks/corpus.py with 1 and 2 local workers, N rounds; the median
  speed-up (target >= 1.9x).

nianbao's bytecode is compiled first (``compileall`` on the installed package), as ``pip install``
does for a wheel and as Python does on a user's first run: the baseline's libraries (jieba, lxml)
come with theirs, and a shell with PYTHONDONTWRITEBYTECODE=1 (as on the project's machines)
would otherwise make every cold run compile nianbao's source again (about 0.1 s).  With
--no-compile the runs find whatever bytecode there is.

Cold runs are timed in wall seconds and in the CPU seconds of the process, warm runs in wall
seconds and the process's CPU seconds around each call (CPU is less moved by other jobs on a
shared machine); both ratios are printed.  Both sides of the cold runs find their jieba cache already built (one untimed run each first),
as every run after a user's first does.  Medians are printed with min and max; the ratio is of
the medians.  The machine is shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_HTML = ROOT / "corpus" / "samples" / "pingtan-2023-html" / "source.html"
REAL_PDF = ROOT / "corpus" / "samples" / "huaian-hongze-2023-pdf" / "source.pdf"  # published by WPS

FLOOR = r"""
import logging, sys
import jieba
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
import lxml.html
text = lxml.html.fromstring(open(sys.argv[1], "rb").read()).text_content()
jieba.lcut(text)
"""

# The library without the command line (the difference is what the CLI layer costs).
API = r"""
import sys
from nianbao.pipeline import check
check(sys.argv[1])
"""

CAMELOT = r"""
import sys, warnings
warnings.simplefilter("ignore")
import camelot
camelot.read_pdf(sys.argv[1], pages="all", flavor="lattice")
"""

WARM = r"""
import json, logging, statistics, sys, time, warnings
warnings.simplefilter("ignore")
import jieba, lxml.html
from nianbao.pipeline import check
from nianbao.segmenter import quiet_jieba
quiet_jieba().initialize()
path, runs, other = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def floor():
    jieba.lcut(lxml.html.fromstring(open(path, "rb").read()).text_content())

def camelot_lattice():
    import camelot
    camelot.read_pdf(path, pages="all", flavor="lattice")

def ours():
    result = check(path)
    assert result.ok, [m.text for m in result.messages]

baseline = floor if other == "floor" else camelot_lattice
for f in (ours, baseline, ours, baseline):  # warm-up: imports, model, dictionaries
    f()
times = {"ours": [], "baseline": [], "ours_cpu": [], "baseline_cpu": []}
for _ in range(runs):
    for name, f in (("ours", ours), ("baseline", baseline)):
        t, c = time.perf_counter(), time.process_time(); f()
        times[name].append(time.perf_counter() - t); times[name + "_cpu"].append(time.process_time() - c)
print(json.dumps(times))
"""


def compile_bytecode() -> str:
    """Compile the installed nianbao's bytecode (what `pip install` does); says what it did."""
    import compileall
    import importlib.util

    package = Path(importlib.util.find_spec("nianbao").origin).parent
    ok = compileall.compile_dir(str(package), quiet=1)
    return f"nianbao bytecode compiled in {package} ({'ok' if ok else 'with errors'})"


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process."""
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # check: 1 = findings
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, _children_cpu() - cpu


def describe(name: str, values: list[float]) -> str:
    return f"{name}: median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f}, n={len(values)})"


def compare_cold(label: str, ours: list[str], baseline: list[str], runs: int, cwd: Path) -> tuple[float, float]:
    """(wall ratio, CPU ratio) of the medians."""
    timed(ours, cwd), timed(baseline, cwd)  # untimed: caches built, files in the page cache
    a, b = [], []
    for _ in range(runs):
        a.append(timed(ours, cwd))
        b.append(timed(baseline, cwd))
    wall = statistics.median(x for x, _ in a) / statistics.median(x for x, _ in b)
    cpu = statistics.median(c for _, c in a) / statistics.median(c for _, c in b)
    print(f"{label}\n  {describe('nianbao check, wall', [x for x, _ in a])}\n  {describe('baseline, wall', [x for x, _ in b])}"
          f"\n  {describe('nianbao check, CPU', [c for _, c in a])}\n  {describe('baseline, CPU', [c for _, c in b])}"
          f"\n  ratio {wall:.2f}x wall, {cpu:.2f}x CPU", flush=True)
    return wall, cpu


def compare_warm(label: str, path: Path, baseline: str, runs: int, cwd: Path) -> tuple[float, float]:
    """(wall ratio, CPU ratio) of the medians, both sides in one process."""
    proc = subprocess.run([sys.executable, "-c", WARM, str(path), str(runs), baseline], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"warm run failed: {proc.stderr[-2000:]}")
    times = json.loads(proc.stdout.strip().splitlines()[-1])
    wall = statistics.median(times["ours"]) / statistics.median(times["baseline"])
    cpu = statistics.median(times["ours_cpu"]) / statistics.median(times["baseline_cpu"])
    print(f"{label}\n  {describe('check(), wall', times['ours'])}\n  {describe('baseline, wall', times['baseline'])}"
          f"\n  {describe('check(), CPU', times['ours_cpu'])}\n  {describe('baseline, CPU', times['baseline_cpu'])}"
          f"\n  ratio {wall:.3f}x wall, {cpu:.3f}x CPU", flush=True)
    return wall, cpu


def born_digital_pdf(html_report: Path, out: Path) -> Path | None:
    from nianbao.synth.render import available_makers, render_sample

    if "chromium" not in available_makers():
        print("PDF: skipped, no Chromium to print the report with (apt-get install chromium)")
        return None
    return render_sample(html_report.parent, "chromium", out / "report.pdf")


def corpus_speedup(rounds: int, n: int) -> float | None:
    cmd = [sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--configs", "local:1,local:2", "--repeat", str(rounds), "--n", str(n)]
    print("corpus:", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    median = None
    for line in proc.stdout.splitlines():
        if line.startswith("{") or line.startswith("["):
            continue
        print("  " + line[:400])
        m = re.match(r"speed-up local x2 vs local x1 over \d+ rounds: .*median ([0-9.]+)x", line)
        if m:
            median = float(m.group(1))
    return median


def compare_html(html: Path, runs: int, empty: Path, results: list) -> None:
    nianbao = str(BIN / "nianbao")
    r, c = compare_cold("cold HTML check vs cold floor (python + jieba.initialize + lxml + one jieba pass)",
                        [nianbao, "check", str(html)], [sys.executable, "-c", FLOOR, str(html)], runs, empty)
    results.append(("cold HTML check / cold floor, wall", r, "<= 1.5", r <= 1.5))
    results.append(("cold HTML check / cold floor, CPU", c, "(<= 1.5)", c <= 1.5))
    r, c = compare_cold("cold pipeline.check() in a fresh Python (no CLI) vs the same cold floor",
                        [sys.executable, "-c", API, str(html)], [sys.executable, "-c", FLOOR, str(html)], runs, empty)
    results.append(("cold HTML pipeline.check() without the CLI / cold floor, wall", r, "(<= 1.5)", r <= 1.5))
    results.append(("cold HTML pipeline.check() without the CLI / cold floor, CPU", c, "(<= 1.5)", c <= 1.5))
    r, c = compare_warm("warm in-process check() vs warm floor (lxml parse + one jieba pass)", html, "floor", runs, empty)
    results.append(("warm HTML check / warm floor, wall", r, "<= 2", r <= 2))
    results.append(("warm HTML check / warm floor, CPU", c, "(<= 2)", c <= 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=DEFAULT_HTML, help="the HTML report (a real one of corpus/samples)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each side")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF comparisons")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML comparisons")
    parser.add_argument("--pdf", type=Path, action="append",
                        help="a born-digital PDF to compare (repeatable; default: the HTML report printed by Chromium, "
                             "and the real WPS PDF of corpus/samples)")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not compile nianbao's bytecode first (runs then pay for compiling it if it is missing)")
    parser.add_argument("--corpus-rounds", type=int, default=0, help="also run benchmarks/corpus.py local:1,local:2 this many rounds")
    parser.add_argument("--corpus-n", type=int, default=1000, help="generated reports for the corpus run")
    args = parser.parse_args()
    html = args.html.resolve()
    nianbao = str(BIN / "nianbao")
    print(f"{os.cpu_count()} cores; load average before: {loadavg()}; report {html.relative_to(ROOT) if html.is_relative_to(ROOT) else html}")
    print(compile_bytecode() if not args.no_compile else
          f"nianbao bytecode not compiled first (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})")
    results: list[tuple[str, float | None, str, bool | None]] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-cold-") as tmp:
        empty = Path(tmp) / "empty"
        empty.mkdir()
        if not args.no_html:
            compare_html(html, args.runs, empty, results)
        pdfs = [] if args.no_pdf else [p.resolve() for p in args.pdf] if args.pdf else [born_digital_pdf(html, Path(tmp)), REAL_PDF]
        for pdf in (p for p in pdfs if p is not None):
            name = pdf.name if pdf.parent == Path(tmp) else pdf.relative_to(ROOT) if pdf.is_relative_to(ROOT) else pdf
            r, c = compare_cold(f"cold PDF check vs camelot lattice on every page (whole processes): {name}",
                                [nianbao, "check", str(pdf)], [sys.executable, "-c", CAMELOT, str(pdf)], args.runs, empty)
            results.append((f"cold PDF check / camelot lattice, wall ({name})", r, "<= 0.5", r <= 0.5))
            results.append((f"cold PDF check / camelot lattice, CPU ({name})", c, "(<= 0.5)", c <= 0.5))
            r, c = compare_warm(f"warm in-process PDF check() vs camelot lattice on every page: {name}", pdf, "camelot", args.runs, empty)
            results.append((f"warm PDF check / camelot lattice, wall ({name})", r, "<= 0.1", r <= 0.1))
            results.append((f"warm PDF check / camelot lattice, CPU ({name})", c, "(<= 0.1)", c <= 0.1))
    if args.corpus_rounds:
        r = corpus_speedup(args.corpus_rounds, args.corpus_n)
        results.append((f"corpus 2 workers / 1 (median of {args.corpus_rounds})", r, ">= 1.9", None if r is None else r >= 1.9))
    print(f"load average after: {loadavg()}")
    print("\n| what | ratio | target | met |\n| --- | ---: | --- | --- |")
    for name, ratio, target, met in results:
        shown = "n/a" if ratio is None else f"{ratio:.3f}x" if ratio < 0.2 else f"{ratio:.2f}x"
        print(f"| {name} | {shown} | {target} | {'yes' if met else 'no' if met is not None else '?'} |")


if __name__ == "__main__":
    main()
