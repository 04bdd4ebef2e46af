"""Image-only ("scanned") copies of PDFs: test data for the OCR path.

Each page is rendered at ``dpi`` (150-200), turned by a small random angle, blurred,
speckled and saved as a JPEG, and the JPEG pages are written into a PDF with no text
layer, as a scanner would.  Everything random comes from ``seed``, the file name and the
page index, so the same call makes the same file.  The command line is benchmarks/scan_pdf.py.
"""

from __future__ import annotations

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


def scan_pdf(src: Path, dst: Path, style: ScanStyle = ScanStyle(), pages: list[int] | None = None) -> Path:
    """Write an image-only copy of ``src`` (one JPEG per page, page size kept); ``pages``
    (1-based) keeps only those pages."""
    pdf = pdfium.PdfDocument(str(src))
    out_pages = []
    try:
        for i in range(len(pdf)):
            if pages is not None and i + 1 not in pages:
                continue
            page = pdf[i]
            image = page.render(scale=style.dpi / 72.0, grayscale=True).to_pil()
            page.close()
            out_pages.append(scan_page(image, style, _rng(style, Path(src).name, i)))
    finally:
        pdf.close()
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    out_pages[0].save(dst, "PDF", save_all=True, append_images=out_pages[1:], resolution=style.dpi)
    return dst
