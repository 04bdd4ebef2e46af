"""Make image-only ("scanned") PDFs from PDFs: test data for the OCR path (nianbao.synth.scan).

Each page is rendered at ``--dpi`` (150-200), turned by a small random angle, blurred,
speckled and saved as a JPEG, into a PDF with no text layer.  Seeded: the same command
makes the same files.

    .venv/bin/python benchmarks/scan_pdf.py IN.pdf [IN2.pdf ...] --out DIR [--dpi 200] [--seed 0]
        [--max-angle 0.8] [--blur 0.6] [--quality 75] [--noise 6] [--pages 3 4]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from nianbao.synth.scan import ScanStyle, scan_pdf  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--dpi", type=float, default=200.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-angle", type=float, default=0.8)
    ap.add_argument("--blur", type=float, default=0.6)
    ap.add_argument("--quality", type=int, default=75)
    ap.add_argument("--noise", type=float, default=6.0)
    ap.add_argument("--pages", type=int, nargs="*", help="1-based pages to keep (default: all)")
    args = ap.parse_args()
    style = ScanStyle(args.dpi, args.max_angle, args.blur, args.quality, args.noise, args.seed)
    for src in args.pdfs:
        dst = scan_pdf(src, args.out / f"{src.stem}-scan.pdf", style, args.pages)
        print(dst)


if __name__ == "__main__":
    main()
