"""Make image-only ("scanned") PDFs from PDFs: test data for the OCR path.

Each page is rendered at ``--dpi`` (150-200), turned by a small random angle, blurred,
speckled and saved as a JPEG, and the JPEG pages are written into a PDF with no text
layer, as a scanner would.  Everything random comes from ``--seed`` and the file name, so
the same command makes the same files.

    .venv/bin/python benchmarks/scan_pdf.py IN.pdf [IN2.pdf ...] --out DIR [--dpi 200] [--seed 0]
        [--max-angle 0.8] [--blur 0.6] [--quality 75] [--noise 6]

Also importable: ``scan_pdf(src, dst, ScanStyle(...))``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


@dataclass
class ScanStyle:
    dpi: float = 200.0
    max_angle: float = 0.8  # degrees, either way
    blur: float = 0.6  # Gaussian radius in pixels
    quality: int = 75  # JPEG quality
    noise: float = 6.0  # standard deviation of grey noise
    seed: int = 0


def _rng(style: ScanStyle, name: str, page: int) -> random.Random:
    digest = hashlib.sha256(f"{style.seed}:{name}:{page}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def scan_page(image: Image.Image, style: ScanStyle, rng: random.Random) -> Image.Image:
    """One rendered page degraded like a scan: turned, blurred, noisy, JPEG-compressed."""
    angle = rng.uniform(-style.max_angle, style.max_angle)
    out = image.convert("L").rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if style.blur > 0:
        out = out.filter(ImageFilter.GaussianBlur(style.blur))
    if style.noise > 0:
        seed = rng.randrange(2**32)
        pixels = np.asarray(out, dtype=np.float32)
        pixels = pixels + np.random.default_rng(seed).normal(0, style.noise, pixels.shape)
        out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=style.quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def scan_pdf(src: Path, dst: Path, style: ScanStyle = ScanStyle()) -> Path:
    """Write an image-only copy of ``src`` (one JPEG per page, page size kept)."""
    pdf = pdfium.PdfDocument(str(src))
    pages = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            image = page.render(scale=style.dpi / 72.0, grayscale=True).to_pil()
            page.close()
            pages.append(scan_page(image, style, _rng(style, Path(src).name, i)))
    finally:
        pdf.close()
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(dst, "PDF", save_all=True, append_images=pages[1:], resolution=style.dpi)
    return dst


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
    args = ap.parse_args()
    style = ScanStyle(args.dpi, args.max_angle, args.blur, args.quality, args.noise, args.seed)
    for src in args.pdfs:
        dst = scan_pdf(src, args.out / f"{src.stem}-scan.pdf", style)
        print(dst)


if __name__ == "__main__":
    main()
