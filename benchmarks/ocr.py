"""Scanned PDFs read by OCR: table accuracy, findings against the text PDF, seconds per page.

For every report it makes a text PDF (the real HTML reports of corpus/samples printed by
Chromium; the real WPS PDF as published) and, from it, image-only "scans"
(benchmarks/scan_pdf.py: 150-200 dpi, a small random turn, blur, noise, JPEG), then checks
both with ``nianbao.pipeline.check`` and reports

- T3/T4 cells exact against gold.json (a figure left uncertain counts as not exact);
- whether the scan gives the same findings (family + cells) as the text PDF;
- findings that rest on an uncertain figure (must be 0);
- OCR seconds per page (the scan's load time minus the text PDF's, per page), on this machine.

Reports are split into those the OCR path was tuned on (their errors were looked at while
developing) and the held-out ones (only measured), printed separately.

    .venv/bin/python benchmarks/ocr.py [--out DIR] [--seeds 2] [--dpi 200 150] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from nianbao.pipeline import check  # noqa: E402
from nianbao.synth.scan import ScanStyle, scan_pdf  # noqa: E402
from nianbao.synth import render_sample  # noqa: E402

SAMPLES = ROOT / "corpus" / "samples"
TUNED = {"pingtan-2021-html", "pingtan-2023-html"}
HELD_OUT = {"pingtan-2019-html", "pingtan-2020-html", "pingtan-2025-html", "huaian-hongze-2023-pdf"}


def text_pdf(folder: Path, out: Path) -> Path:
    source = folder / "source.pdf"
    if source.exists():
        return source
    pdf = out / f"{folder.name}-chromium.pdf"
    if not pdf.exists():
        render_sample(folder, "chromium", pdf)
    return pdf


def findings(result) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((f.family, tuple(sorted(f.cells))) for f in result.findings if f.severity != "info")


def uncertain_findings(result) -> list[str]:
    bad = []
    for f in result.findings:
        for ref in f.cells:
            fig = result.figure(ref)
            if fig is not None and (fig.value is None or fig.candidates):
                bad.append(f"{f.code} {ref}")
    return bad


def cells(result, gold: dict) -> tuple[int, int, list[str]]:
    right = total = 0
    wrong = []
    for table in ("T3", "T4"):
        for key, want in gold.get(table, {}).items():
            total += 1
            fig = result.figure(f"{table}.{key}")
            if fig is not None and fig.value is not None and not fig.candidates and abs(float(fig.value) - float(want)) < 1e-9:
                right += 1
            else:
                wrong.append(f"{table}.{key}: gold {want}, read {None if fig is None else (fig.value, fig.candidates)}")
    return right, total, wrong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "nianbao-ocr-bench")
    ap.add_argument("--seeds", type=int, default=2, help="scans per report and dpi (different turns and noise)")
    ap.add_argument("--dpi", type=float, nargs="+", default=[200.0, 150.0])
    ap.add_argument("--only", nargs="*", help="report folder names (default: all tuned and held-out ones)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    names = args.only or sorted(TUNED | HELD_OUT)
    check(SAMPLES / "pingtan-2021-html" / "source.html", classify=False)  # imports and models out of the timings
    rows = []
    for name in names:
        folder = SAMPLES / name
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["tables"]
        pdf = text_pdf(folder, args.out)
        start = time.perf_counter()
        base = check(pdf, classify=False)
        base_s = time.perf_counter() - start
        for dpi in args.dpi:
            for seed in range(args.seeds):
                style = ScanStyle(dpi=dpi, seed=seed)
                scan = args.out / f"{name}-scan-{int(dpi)}-{seed}.pdf"
                if not scan.exists():
                    scan_pdf(pdf, scan, style)
                start = time.perf_counter()
                got = check(scan, classify=False)
                seconds = time.perf_counter() - start
                pages = next((m.text for m in got.messages if m.code == "pdf-ocr"), "")
                n_pages = _pages(scan)
                right, total, wrong = cells(got, gold)
                row = {
                    "report": name, "split": "tuned" if name in TUNED else "held-out", "dpi": dpi, "seed": seed,
                    "cells": [right, total], "wrong": wrong, "same_findings": findings(got) == findings(base),
                    "findings_text_pdf": findings(base), "findings_scan": findings(got),
                    "uncertain_findings": uncertain_findings(got), "pages": n_pages,
                    "s_per_page": (seconds - base_s) / n_pages, "errors": [str(m) for m in got.messages if m.level == "error"],
                    "uncertain": sum(1 for t in got.tables.values() for f in t.figures.values() if f.value is None or f.candidates),
                    "ocr_note": bool(pages),
                }
                rows.append(row)
                print(f"{name:26s} {row['split']:8s} {int(dpi):3d} dpi seed {seed}: cells {right}/{total}  "
                      f"uncertain {row['uncertain']}  same findings {row['same_findings']}  "
                      f"findings from uncertain {len(row['uncertain_findings'])}  {row['s_per_page']:.1f} s/page", flush=True)
                for w in wrong:
                    print("    ", w)
                if not row["same_findings"]:
                    print("     text PDF:", row["findings_text_pdf"], "\n     scan:    ", row["findings_scan"])
    print()
    for split in ("tuned", "held-out"):
        part = [r for r in rows if r["split"] == split]
        if not part:
            continue
        right = sum(r["cells"][0] for r in part)
        total = sum(r["cells"][1] for r in part)
        pages = sum(r["pages"] for r in part)
        print(f"{split:8s}: {len(part)} scans, T3/T4 cells exact {right}/{total} = {100 * right / total:.2f} %, "
              f"same findings as the text PDF {sum(r['same_findings'] for r in part)}/{len(part)}, "
              f"findings from uncertain figures {sum(len(r['uncertain_findings']) for r in part)}, "
              f"OCR {sum(r['s_per_page'] * r['pages'] for r in part) / pages:.1f} s/page")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def _pages(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


if __name__ == "__main__":
    main()
