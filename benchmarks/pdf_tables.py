"""PDF tables: nianbao's PDF path vs camelot lattice on every page, same run, same PDFs.

For each rendered PDF (synthetic reports with known truth, printed by every installed
maker, ruled and borderless; the real HTML reports of corpus/samples printed by
Chromium and LibreOffice) it measures

- nianbao: ``load_pdf`` (pdfium text layer of every page + camelot vector lattice or the
  borderless reader on the candidate pages only), per report and per page;
- camelot: ``camelot.read_pdf(pages="all", flavor="lattice", split_text=True)`` with
  its default engine (renders every page), per report and per page;

and the cell accuracy of both against the truth, by mapping each one's table grids with
the tables stage (``nianbao.tables.extract_tables``).  camelot's cell texts get the same
character repair and line joining as nianbao's, so the comparison is about layout.

    .venv/bin/python benchmarks/pdf_tables.py [--out DIR] [--pages 12] [--seeds 2] [--first-seed 100] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.ingest.pdf import load_pdf  # noqa: E402
from nianbao.ingest.pdf_tables import clean_cell_text  # noqa: E402
from nianbao.model import Block, Cell, Document  # noqa: E402
from nianbao.synth import available_makers, random_report, render, render_sample, score_document  # noqa: E402


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def build_set(out: Path, pages: int, seeds: int, quick: bool, first_seed: int = 100) -> list[tuple[Path, dict]]:
    """(pdf, truth) pairs: synthetic reports by every maker, ruled and borderless, and the
    real sample reports printed by chromium and libreoffice."""
    items = []
    makers = available_makers()
    for i in range(seeds):
        seed = first_seed + i
        report = random_report(seed, "2021" if i % 2 == 0 else "2019", pages=pages)
        for maker in makers:
            for ruled in (True, False):
                pdf = out / f"{report.name}-{maker}-{'ruled' if ruled else 'borderless'}.pdf"
                if not pdf.exists():
                    render(report, maker, pdf, ruled=ruled, split_t3=True, repeat_header=i % 2 == 0)
                items.append((pdf, report.truth))
    if not quick:
        for folder in sorted((ROOT / "corpus" / "samples").glob("*-html")):
            truth = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["tables"]
            for maker in [m for m in makers if m in ("chromium", "libreoffice")]:
                pdf = out / f"{folder.name}-{maker}.pdf"
                if not pdf.exists():
                    render_sample(folder, maker, pdf)
                items.append((pdf, truth))
    return items


def camelot_everywhere(pdf: Path) -> Document:
    """camelot lattice on every page, its tables as Document table blocks."""
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = camelot.read_pdf(str(pdf), pages="all", flavor="lattice", split_text=True, suppress_stdout=True)
    doc = Document(source=str(pdf), format="pdf")
    for t in tables:
        rows = [[Cell(clean_cell_text(str(v)), r, c) for c, v in enumerate(row)] for r, row in enumerate(t.df.values.tolist())]
        text = "\n".join("\t".join(c.text for c in row) for row in rows)
        doc.blocks.append(Block("table", text, rows=rows))
        doc.text += text + "\n"
    return doc


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "nianbao-pdf-bench", help="folder for the rendered PDFs (kept, reused)")
    ap.add_argument("--pages", type=int, default=10, help="target length of the synthetic reports in pages")
    ap.add_argument("--seeds", type=int, default=2, help="synthetic reports per maker and table style")
    ap.add_argument("--quick", action="store_true", help="synthetic set only (no real sample reports)")
    ap.add_argument("--first-seed", type=int, default=100, help="seed of the first synthetic report (use fresh seeds for held-out figures)")
    ap.add_argument("--json", type=Path, help="also write the per-file results here")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    items = build_set(args.out, args.pages, args.seeds, args.quick, args.first_seed)
    camelot_everywhere(items[0][0])  # warm-up: imports and first-call costs out of the timings
    load_pdf(items[0][0], items[0][0].read_bytes())

    print(f"machine: {machine()}")
    print(f"{'file':58s} {'pages':>5s} {'ours s':>7s} {'camelot s':>9s} {'ratio':>6s} {'ours %':>7s} {'camelot %':>9s}")
    rows = []
    for pdf, truth in items:
        data = pdf.read_bytes()
        doc, ours = timed(load_pdf, pdf, data)
        base_doc, base = timed(camelot_everywhere, pdf)
        ours_score, base_score = score_document(doc, truth), score_document(base_doc, truth)
        n_pages = doc.meta.get("pages", 0)
        row = {
            "file": pdf.name, "pages": n_pages, "ours_s": ours, "camelot_s": base, "ratio": ours / base,
            "ours_cells": [ours_score.correct, ours_score.total], "camelot_cells": [base_score.correct, base_score.total],
            "table_pages": doc.meta.get("table_pages"),
        }
        rows.append(row)
        print(f"{pdf.name[:58]:58s} {n_pages:5d} {ours:7.2f} {base:9.2f} {ours / base:6.3f} "
              f"{100 * ours_score.accuracy:7.2f} {100 * base_score.accuracy:9.2f}")

    def summary(label: str, subset: list[dict]) -> None:
        if not subset:
            return
        ours = sum(r["ours_s"] for r in subset)
        base = sum(r["camelot_s"] for r in subset)
        pages = sum(r["pages"] for r in subset)
        oc = [sum(r["ours_cells"][i] for r in subset) for i in (0, 1)]
        bc = [sum(r["camelot_cells"][i] for r in subset) for i in (0, 1)]
        print(f"{label:34s} n={len(subset):3d}  time ratio {ours / base:.3f} (median per file "
              f"{statistics.median(r['ratio'] for r in subset):.3f}); per page ours {1000 * ours / pages:.0f} ms, "
              f"camelot {1000 * base / pages:.0f} ms; cells ours {oc[0]}/{oc[1]} = {100 * oc[0] / oc[1]:.2f} %, "
              f"camelot {bc[0]}/{bc[1]} = {100 * bc[0] / bc[1]:.2f} %")

    print()
    synth = [r for r in rows if r["file"].startswith("synth-")]
    summary("all", rows)
    summary("synthetic", synth)
    summary(f"synthetic >= {args.pages - 1} pages", [r for r in synth if r["pages"] >= args.pages - 1])
    for maker in available_makers():
        for style in ("ruled", "borderless"):
            summary(f"synthetic {maker} {style}", [r for r in synth if f"-{maker}-{style}" in r["file"]])
    summary("real samples (chromium, libreoffice)", [r for r in rows if not r["file"].startswith("synth-")])
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
