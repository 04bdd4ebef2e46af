"""Offline OCR of image-only PDF pages: a page image in, positioned characters and rules out.

The engine is RapidOCR's PP-OCRv6 detector and recogniser, ONNX models that ship inside
the ``rapidocr`` wheel (the ``nianbao[ocr]`` extra): nothing is downloaded, the model
files are passed by path so RapidOCR never looks for them elsewhere.  Detection goes
through RapidOCR's public call; recognition runs the recogniser's ONNX session here, so
that every character keeps its own box and probability (RapidOCR averages them per line).

Per page:

1. the page is rendered (pdfium) to a grey image at ``dpi`` and deskewed (the angle that
   sharpens the horizontal projection profile);
2. ruling lines are found by morphological opening (long thin runs of ink) and erased
   from the image the recogniser sees, so a rule beside a "0" is never read as "10";
3. text lines are detected, recognised in batches, and every character gets a box
   (its CTC column, tightened to its ink) and the recogniser's probability.

Coordinates in ``PageScan`` are pixels of the deskewed image; ``to_points`` converts.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import IngestError

log = logging.getLogger(__name__)

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
REC_HEIGHT = 48
REC_BATCH = 8
MIN_LINE_CONF = 0.6
# Detection runs on the page scaled to this longest side: an A4 page at 200 dpi is 2339 px,
# text lines stay 15 px or more at 1280, and detection takes a third of the time.
DET_SIDE = 1280


class OcrUnavailable(IngestError):
    code = "ocr-unavailable"


class PageOverBudget(Exception):
    """OCR of one page took longer than its budget."""


@dataclass
class OcrChar:
    text: str
    conf: float  # recogniser probability of this character
    box: tuple[float, float, float, float]  # x0, top, x1, bottom (pixels)


@dataclass
class OcrLine:
    text: str
    box: tuple[float, float, float, float]
    chars: list[OcrChar]


@dataclass
class PageScan:
    width: int  # pixels of the rendered page
    height: int
    dpi: float
    angle: float  # degrees the page was turned back by (deskew)
    lines: list[OcrLine] = field(default_factory=list)
    h_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (x0, x1, y) pixels
    v_rules: list[tuple[float, float, float]] = field(default_factory=list)  # (y0, y1, x) pixels
    seconds: float = 0.0


# ---------------------------------------------------------------- engine
def models_dir() -> Path:
    """Where the installed rapidocr wheel keeps its ONNX models; OcrUnavailable if not installed."""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr
    except ImportError as exc:
        raise OcrUnavailable(f"the OCR engine is not installed ({exc.name or exc}); install nianbao[ocr]") from exc
    root = Path(rapidocr.__file__).resolve().parent / "models"
    missing = [m for m in (DET_MODEL, REC_MODEL) if not (root / m).is_file()]
    if missing:
        raise OcrUnavailable(f"the OCR models {', '.join(missing)} are missing from {root}; reinstall nianbao[ocr]")
    return root


class OcrEngine:
    """RapidOCR's detector plus the recogniser's ONNX session, both from the wheel's model files."""

    def __init__(self, threads: int = 0):
        root = models_dir()
        import onnxruntime as ort
        from rapidocr import RapidOCR

        params = {
            "Global.log_level": "error",
            "Global.use_cls": False,
            "Global.use_rec": False,
            "Global.max_side_len": DET_SIDE,
            "Det.model_path": str(root / DET_MODEL),
            "Rec.model_path": str(root / REC_MODEL),
        }
        if threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
        self._det = RapidOCR(params=params)
        options = ort.SessionOptions()
        options.log_severity_level = 4
        if threads:
            options.intra_op_num_threads = threads
        self._rec = ort.InferenceSession(str(root / REC_MODEL), sess_options=options, providers=["CPUExecutionProvider"])
        meta = self._rec.get_modelmeta().custom_metadata_map
        # CTC classes: blank, the model's characters, space (as PaddleOCR's decoder lays them out).
        self._classes = ["", *meta["character"].splitlines(), " "]
        self._input = self._rec.get_inputs()[0].name

    def detect(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Text line boxes (x0, top, x1, bottom) in pixels, top to bottom."""
        out = self._det(image, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(out, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        h, w = image.shape[:2]
        rects = []
        for quad in boxes:
            xs, ys = quad[:, 0], quad[:, 1]
            x0, x1 = max(int(math.floor(xs.min())), 0), min(int(math.ceil(xs.max())), w)
            y0, y1 = max(int(math.floor(ys.min())), 0), min(int(math.ceil(ys.max())), h)
            if x1 - x0 >= 3 and y1 - y0 >= 3:
                rects.append((x0, y0, x1, y1))
        return sorted(rects, key=lambda r: (r[1], r[0]))

    def recognise(self, crops: list[np.ndarray]) -> list[list[tuple[str, float, float]]]:
        """Each crop's characters as (char, probability, centre x in crop pixels)."""
        shapes = []
        for crop in crops:
            h, w = crop.shape[:2]
            shapes.append(max(1, int(math.ceil(REC_HEIGHT * w / h))))
        width = max(max(shapes), REC_HEIGHT * 4)
        width = int(math.ceil(width / 8) * 8)
        batch = np.zeros((len(crops), 3, REC_HEIGHT, width), dtype=np.float32)
        import cv2

        for i, (crop, rw) in enumerate(zip(crops, shapes)):
            resized = cv2.resize(crop, (rw, REC_HEIGHT)).astype(np.float32) / 255.0
            batch[i, :, :, :rw] = ((resized - 0.5) / 0.5).transpose(2, 0, 1)
        probs = self._rec.run(None, {self._input: batch})[0]  # (n, T, classes)
        steps = probs.shape[1]
        out = []
        for i, (crop, rw) in enumerate(zip(crops, shapes)):
            best = probs[i].argmax(axis=1)
            conf = probs[i].max(axis=1)
            scale = crop.shape[1] / rw  # crop pixels per resized pixel
            step_px = width / steps
            chars = []
            prev = -1
            for t, k in enumerate(best):
                if k != prev and k != 0 and k < len(self._classes):
                    chars.append([self._classes[k], float(conf[t]), (t + 0.5) * step_px * scale])
                elif k == prev and k != 0 and chars:
                    chars[-1][1] = max(chars[-1][1], float(conf[t]))
                prev = k
            out.append([(c, p, x) for c, p, x in chars if c.strip()])
        return out


@lru_cache(maxsize=2)
def engine(threads: int = 0) -> OcrEngine:
    """One engine per process (loading the models takes about a second)."""
    return OcrEngine(threads)


# ---------------------------------------------------------------- image steps
def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0 (Otsu's threshold)."""
    import cv2

    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def estimate_skew(ink: np.ndarray, limit: float = 3.0) -> float:
    """The rotation (degrees) that best aligns text lines and rules with the x axis."""
    import cv2

    scale = 800 / max(ink.shape)
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    coarse = max(np.arange(-limit, limit + 1e-9, 0.25), key=sharpness)
    return float(max(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.05), key=sharpness))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def find_rules(ink: np.ndarray, dpi: float):
    """Horizontal (x0, x1, y) and vertical (y0, y1, x) ruling lines, and their ink mask.

    A rule is a thin run of ink (at most ~1 mm thick), either long (15 mm or more) or at
    least 4 mm long with an end on a long rule across it (a short cell border); strokes of
    characters, even of a large title, are neither."""
    import cv2

    mm = dpi / 25.4
    short, long_, thick, tol = max(8, int(4 * mm)), 15 * mm, max(3, int(mm)), max(3, int(mm / 2))
    found = {}
    for horizontal, kernel in ((True, (short, 1)), (False, (1, short))):
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        found[horizontal] = [(int(x), int(y), int(w), int(h)) for x, y, w, h, area in stats[1:n]
                             if _thin(w, h, area, horizontal, thick)]
    long_h = [b for b in found[True] if b[2] >= long_]
    long_v = [b for b in found[False] if b[3] >= long_]

    def on_long_v(x: int, y0: int, y1: int) -> bool:
        return any(vx - tol <= x <= vx + vw + tol and vy - tol <= y0 and y1 <= vy + vh + tol for vx, vy, vw, vh in long_v)

    def on_long_h(y: int, x0: int, x1: int) -> bool:
        return any(hy - tol <= y <= hy + hh + tol and hx - tol <= x0 and x1 <= hx + hw + tol for hx, hy, hw, hh in long_h)

    kept_h = long_h + [(x, y, w, h) for x, y, w, h in found[True] if w < long_
                       and (on_long_v(x, y, y + h) or on_long_v(x + w, y, y + h))]
    kept_v = long_v + [(x, y, w, h) for x, y, w, h in found[False] if h < long_
                       and (on_long_h(y, x, x + w) or on_long_h(y + h, x, x + w))]
    mask = np.zeros_like(ink)
    for x, y, w, h in kept_h + kept_v:
        mask[y:y + h, x:x + w] = ink[y:y + h, x:x + w]
    h_rules = [(float(x), float(x + w), y + h / 2) for x, y, w, h in kept_h]
    v_rules = [(float(y), float(y + h), x + w / 2) for x, y, w, h in kept_v]
    return h_rules, v_rules, mask


def _thin(w: int, h: int, area: int, horizontal: bool, thick: int) -> bool:
    """Whether a run of ink is as thin as a rule.  Its mean thickness (ink over length) is
    what counts, not its box: a full-page column rule left turned by the deskew's residue
    (under 0.15 degrees) drifts sideways by more than its own width over 1800 px."""
    length, across = (w, h) if horizontal else (h, w)
    return area / max(length, 1) <= thick and across <= thick + length * _MAX_RESIDUAL_SLOPE


_MAX_RESIDUAL_SLOPE = 0.005  # about 0.3 degrees: what deskewing to the nearest 0.05 (or not, under 0.15) leaves


def split_at_rules(rects, v_rules, ink: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Cut detected lines at the vertical rules they cross: the detector joins the text of
    neighbouring cells once the rules are erased, and a cell's figure must never be read
    (or placed) as part of its neighbour's label."""
    out = []
    for x0, y0, x1, y1 in rects:
        mid = (y0 + y1) / 2
        cuts = sorted(x for top, bottom, x in v_rules if x0 + 2 < x < x1 - 2 and top <= mid <= bottom)
        edges = [x0, *[int(round(x)) for x in cuts], x1]
        for a, b in zip(edges, edges[1:]):
            box = _ink_box(ink, a, y0, b, y1)
            if box is not None and b - a >= 3:
                pad = 2
                out.append((max(box[0] - pad, a), y0, min(box[2] + pad, b), y1))
    return out


def missed_ink(ink: np.ndarray, rects: list[tuple[int, int, int, int]], dpi: float) -> list[tuple[int, int, int, int]]:
    """Line boxes around ink the detector left out (it misses lone digits in table cells).

    Connected components outside every detected box, at least ~1 mm tall, are joined
    into lines when they overlap vertically and their gap is under half their height
    (cells are further apart than that once the rules are erased)."""
    import cv2

    rest = ink.copy()
    for x0, y0, x1, y1 in rects:
        rest[y0:y1, x0:x1] = 0
    n, _, stats, _ = cv2.connectedComponentsWithStats(rest, connectivity=8)
    min_h = dpi / 25.4
    comps = [[int(x), int(y), int(x + w), int(y + h)] for x, y, w, h, _ in stats[1:n] if h >= min_h or (w >= min_h and h >= 2)]
    comps.sort(key=lambda b: b[0])
    lines: list[list[int]] = []
    for b in comps:
        for ln in lines:
            height = max(ln[3] - ln[1], b[3] - b[1])
            overlap = min(ln[3], b[3]) - max(ln[1], b[1])
            if overlap >= 0.5 * min(ln[3] - ln[1], b[3] - b[1]) and b[0] - ln[2] <= 0.5 * height:
                ln[:] = [min(ln[0], b[0]), min(ln[1], b[1]), max(ln[2], b[2]), max(ln[3], b[3])]
                break
        else:
            lines.append(list(b))
    h, w = ink.shape
    pad = max(2, int(dpi / 50))
    return [(max(x0 - pad, 0), max(y0 - pad, 0), min(x1 + pad, w), min(y1 + pad, h))
            for x0, y0, x1, y1 in lines if y1 - y0 >= min_h]


def _ink_box(ink: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> tuple[int, int, int, int] | None:
    sub = ink[y0:y1, x0:x1]
    cols = np.flatnonzero(sub.any(axis=0))
    rows = np.flatnonzero(sub.any(axis=1))
    if not len(cols) or not len(rows):
        return None
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def _line_chars(found: list[tuple[str, float, float]], rect, ink: np.ndarray) -> list[OcrChar]:
    """Boxes for a line's characters: from each one's CTC column to halfway to its
    neighbours, tightened to the ink inside."""
    x0, y0, x1, y1 = rect
    centres = [x0 + x for _, _, x in found]
    chars = []
    for i, (text, conf, _) in enumerate(found):
        left = x0 if i == 0 else (centres[i - 1] + centres[i]) / 2
        right = x1 if i == len(found) - 1 else (centres[i] + centres[i + 1]) / 2
        box = _ink_box(ink, int(left), y0, max(int(math.ceil(right)), int(left) + 1), y1)
        if box is None:
            half = (right - left) / 4
            box = (centres[i] - half, y0, centres[i] + half, y1)
        chars.append(OcrChar(text, conf, tuple(float(v) for v in box)))
    return chars


def scan_image(gray: np.ndarray, dpi: float, ocr: OcrEngine, deadline: float | None = None) -> PageScan:
    """OCR one page image (grey, 0-255): deskew, rules, text lines with character boxes.

    Raises PageOverBudget when ``deadline`` (time.monotonic()) passes; it is checked after
    each step and between recognition batches."""
    import cv2

    start = time.monotonic()

    def check(step: str) -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise PageOverBudget(f"over the time budget after {time.monotonic() - start:.1f} s ({step})")

    angle = estimate_skew(binarise(gray))
    if abs(angle) >= 0.15:  # below that, turning the image blurs more than it straightens
        gray = rotate(gray, angle)
    ink = binarise(gray)
    h_rules, v_rules, rule_mask = find_rules(ink, dpi)
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(rule_mask, np.ones((3, 3), np.uint8))))
    clean = 255 - text_ink  # the page without its rules, black text on white
    check("rules")
    colour = cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR)
    rects = split_at_rules(ocr.detect(colour), v_rules, text_ink)
    rects += missed_ink(text_ink, rects, dpi)
    check("detection")
    scan = PageScan(gray.shape[1], gray.shape[0], dpi, angle, h_rules=h_rules, v_rules=v_rules)
    order = sorted(range(len(rects)), key=lambda i: (rects[i][2] - rects[i][0]) / max(rects[i][3] - rects[i][1], 1))
    found: dict[int, list[tuple[str, float, float]]] = {}
    for at in range(0, len(order), REC_BATCH):
        idx = order[at:at + REC_BATCH]
        crops = []
        for i in idx:
            x0, y0, x1, y1 = rects[i]
            crops.append(colour[y0:y1, x0:x1])
        for i, chars in zip(idx, ocr.recognise(crops)):
            found[i] = chars
        check("recognition")
    for i, rect in enumerate(rects):
        chars = found.get(i) or []
        # A line the recogniser is unsure of throughout is a picture, a stamp or a logo, not text.
        if chars and sum(p for _, p, _ in chars) / len(chars) >= MIN_LINE_CONF:
            line_chars = _line_chars(chars, rect, text_ink)
            scan.lines.append(OcrLine("".join(c.text for c in line_chars), tuple(float(v) for v in rect), line_chars))
    scan.seconds = time.monotonic() - start
    return scan
