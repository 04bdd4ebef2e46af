"""Ruling lines of born-digital PDF pages: pdfium's page objects (what nianbao uses) vs pdfplumber.

Both read the vector paths of the same table pages, no rendering.  For each PDF (the real
WPS report of corpus/samples, the sample HTML reports printed by Chromium and LibreOffice,
synthetic ruled reports by every maker, the files benchmarks/pdf_tables.py leaves in --from):

- pdfium: load the page and ``pdf_rules.page_rules`` (its characters read first, as
  load_pdf has them anyway, and not timed);
- pdfplumber: ``page.lines`` and ``page.rects`` (pdfminer's layout of the page): the
  horizontal and vertical lines, stroked rectangles' edges, thin filled rectangles as one
  line (curves and background fills left out, as nianbao and camelot leave them).

It prints seconds per table page for both, the ratio, and whether the two find the same
rule positions (horizontal rules' y and vertical rules' x, to 1 pt, on each table page;
nianbao leaves text underlines out, which pdfplumber keeps).
Also the cold import of each (a fresh Python).

    .venv/bin/python benchmarks/pdf_rules.py [--from /tmp/nianbao-pdf-bench] [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pypdfium2 as pdfium  # noqa: E402

from nianbao.ingest.pdf_rules import page_rules  # noqa: E402
from nianbao.ingest.pdf_text import read_page  # noqa: E402

REAL_PDF = ROOT / "corpus" / "samples" / "huaian-hongze-2023-pdf" / "source.pdf"


def table_pages(path: Path) -> list[int]:
    from nianbao.ingest.pdf import load_pdf

    return load_pdf(path, path.read_bytes()).meta.get("table_pages", [])


def positions(h, v) -> tuple[set, set]:
    return {round(y) for *_, y in h}, {round(x) for *_, x in v}


def ours(path: Path, numbers: list[int]) -> tuple[float, list]:
    pdf = pdfium.PdfDocument(path)
    texts = {n: read_page(pdf[n - 1], n) for n in numbers}
    started = time.perf_counter()
    found = []
    for n in numbers:
        page = pdf[n - 1]
        found.append(positions(*page_rules(page, texts[n].height, texts[n].chars)))
        page.close()
    seconds = time.perf_counter() - started
    pdf.close()
    return seconds, found


def plumber(path: Path, numbers: list[int]) -> tuple[float, list]:
    """pdfplumber's lines, stroked rectangles' edges and thin filled rectangles (the pieces
    camelot's vector lattice takes as rules too); curves and background fills left out."""
    import pdfplumber

    started = time.perf_counter()
    found = []
    with pdfplumber.open(path) as pdf:
        for n in numbers:
            page = pdf.pages[n - 1]
            h, v = [], []
            for ln in page.lines:
                if abs(ln["top"] - ln["bottom"]) <= 0.5:
                    h.append((ln["x0"], ln["x1"], ln["top"]))
                elif abs(ln["x0"] - ln["x1"]) <= 0.5:
                    v.append((ln["top"], ln["bottom"], ln["x0"]))
            for r in page.rects:
                thin = min(r["width"], r["height"]) <= 2
                if r["stroke"] and not thin:
                    h += [(r["x0"], r["x1"], r["top"]), (r["x0"], r["x1"], r["bottom"])]
                    v += [(r["top"], r["bottom"], r["x0"]), (r["top"], r["bottom"], r["x1"])]
                elif thin and r["width"] > r["height"]:
                    h.append((r["x0"], r["x1"], (r["top"] + r["bottom"]) / 2))
                elif thin:
                    v.append((r["top"], r["bottom"], (r["x0"] + r["x1"]) / 2))
            found.append(positions(h, v))
            page.close()
    return time.perf_counter() - started, found


def within(a: set, b: set) -> bool:
    return all(any(abs(x - y) <= 1 for y in b) for x in a)


def same(a: set, b: set) -> bool:
    return within(a, b) and within(b, a)


def cold_import(module: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", f"import time; t = time.process_time(); import {module}; print(time.process_time() - t)"],
                             capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="folder", type=Path, default=Path("/tmp/nianbao-pdf-bench"),
                    help="the PDFs benchmarks/pdf_tables.py rendered (--out there)")
    ap.add_argument("--repeat", type=int, default=3, help="timed reads of each file (the fastest counts)")
    args = ap.parse_args()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # pdfminer warns for every CID font without a FontBBox
    files = [REAL_PDF] + sorted(p for p in args.folder.glob("*.pdf") if "borderless" not in p.name)
    if len(files) == 1:
        print(f"(no rendered PDFs in {args.folder}: run benchmarks/pdf_tables.py --out {args.folder} first; the real PDF only)")
    total_ours = total_plumber = 0.0
    n_pages = agree = n_underlined = 0
    print(f"{'file':56s} {'pages':>5s} {'pdfium ms/p':>11s} {'pdfplumber ms/p':>15s} {'same rules':>10s}")
    for path in files:
        numbers = table_pages(path)
        if not numbers:
            continue
        a = min((ours(path, numbers) for _ in range(args.repeat)), key=lambda r: r[0])
        b = min((plumber(path, numbers) for _ in range(args.repeat)), key=lambda r: r[0])
        agreeing = sum(same(x[0], y[0]) and same(x[1], y[1]) for x, y in zip(a[1], b[1]))
        # pages where pdfplumber only has more horizontal rules: the text underlines nianbao leaves out
        underlined = sum(not same(x[0], y[0]) and within(x[0], y[0]) and same(x[1], y[1]) for x, y in zip(a[1], b[1]))
        n_underlined += underlined
        total_ours, total_plumber = total_ours + a[0], total_plumber + b[0]
        n_pages, agree = n_pages + len(numbers), agree + agreeing
        print(f"{path.name[:56]:56s} {len(numbers):5d} {1000 * a[0] / len(numbers):11.1f} {1000 * b[0] / len(numbers):15.1f} "
              f"{agreeing:>5d}/{len(numbers)}")
    print(f"\n{n_pages} table pages: pdfium {1000 * total_ours / n_pages:.1f} ms/page, pdfplumber {1000 * total_plumber / n_pages:.1f} ms/page "
          f"({total_plumber / total_ours:.0f}x); same rule positions on {agree}/{n_pages} pages, "
          f"on {n_underlined} more pdfplumber's differ only by more horizontal rules (text underlines, which nianbao leaves out)")
    print(f"cold import (CPU s, median of 5): pypdfium2 {cold_import('pypdfium2', 5):.3f}, pdfplumber {cold_import('pdfplumber', 5):.3f}")


if __name__ == "__main__":
    main()
