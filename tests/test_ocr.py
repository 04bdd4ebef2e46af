"""Scanned (image-only) PDFs read by offline OCR.

The scans are made here from real files (the published WPS PDF of 洪泽区 2023, whose T4
has two real errors) by nianbao.synth.scan: rendered at 200 dpi, turned, blurred, noisy,
JPEG.  OCR tests read two pages at most; accuracy over whole reports is measured in
benchmarks/ocr.py.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from nianbao.errors import IngestError
from nianbao.ingest.pdf import load_pdf
from nianbao.ingest.pdf_ocr import OcrOptions
from nianbao.synth.scan import ScanStyle, scan_pdf
from sample_data import SAMPLES, sample_gold

HUAIAN = SAMPLES / "huaian-hongze-2023-pdf"
ocr = pytest.importorskip("nianbao.ingest.ocr")
pytest.importorskip("rapidocr", reason="the OCR extra is not installed (pip install 'nianbao[ocr]')")


@pytest.fixture(scope="module")
def huaian_scan(tmp_path_factory) -> Path:
    """Pages 3-4 of the real WPS PDF (T3 split over both, T4 on page 4) as a turned, noisy scan."""
    return scan_pdf(HUAIAN / "source.pdf", tmp_path_factory.mktemp("scan") / "huaian-p3-4.pdf",
                    ScanStyle(dpi=200, seed=3, max_angle=0.8), pages=[3, 4])


@pytest.fixture(scope="module")
def huaian_loaded(huaian_scan):
    """(Document, progress calls) of the scan, read once."""
    seen = []
    doc = load_pdf(huaian_scan, huaian_scan.read_bytes(),
                   OcrOptions(progress=lambda done, todo, page, seconds: seen.append((done, todo, page))))
    return doc, seen


@pytest.fixture(scope="module")
def huaian_checked(huaian_scan):
    from nianbao.pipeline import check

    return check(huaian_scan, classify=False)


def test_models_ship_in_the_wheel_and_nothing_is_downloaded(monkeypatch, tmp_path):
    import numpy as np
    import rapidocr

    root = ocr.models_dir()
    assert root.is_relative_to(Path(rapidocr.__file__).resolve().parent)
    assert (root / ocr.DET_MODEL).stat().st_size > 1e6 and (root / ocr.REC_MODEL).stat().st_size > 1e6

    def no_network(*args, **kwargs):
        raise AssertionError(f"OCR tried to open a network connection {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    engine = ocr.OcrEngine()  # a fresh engine: models loaded with the network blocked
    gray = ocr.rotate(np.full((200, 900), 255, np.uint8), 0)
    import cv2

    cv2.putText(gray, "2023 1136", (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 2.5, 0, 6)
    scan = ocr.scan_image(gray, 200, engine)
    assert "".join(ln.text for ln in scan.lines).replace(" ", "") == "20231136"


def test_deskew_finds_the_turn_of_a_real_page(tmp_path):
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(HUAIAN / "source.pdf"))
    gray = pdf[3].render(scale=150 / 72, grayscale=True).to_numpy().copy()
    pdf.close()
    for angle in (-0.7, 0.4):
        turned = ocr.rotate(gray, angle)
        assert abs(ocr.estimate_skew(ocr.binarise(turned)) + angle) <= 0.1


def test_scanned_tables_equal_gold_through_the_same_table_path(huaian_loaded):
    doc, _ = huaian_loaded
    assert doc.meta["ocr_pages"] == [1, 2]
    from nianbao.tables import extract_tables

    tables = extract_tables(doc).tables
    text_layer = extract_tables(load_pdf(HUAIAN / "source.pdf", (HUAIAN / "source.pdf").read_bytes())).tables
    gold = sample_gold("huaian-hongze-2023-pdf")["tables"]
    for name in ("T3", "T4"):
        got = {k: f.value for k, f in tables[name].figures.items()}
        assert got == {k: f.value for k, f in text_layer[name].figures.items()}, name  # what the text layer gives
        assert got.items() <= gold[name].items() and len(got) >= len(gold[name]) - 7, name  # (the text layer
        # misses the misprinted row 「2.其他法律行政止公开」: a label-matching matter, not OCR's)
        assert tables[name].method == "ocr"
        for fig in tables[name].figures.values():
            assert fig.prov.method == "ocr" and fig.confidence < 1 and fig.prov.page in (1, 2) and fig.prov.bbox


def test_scan_gives_the_text_pdfs_findings(huaian_checked):
    from nianbao.pipeline import check

    text = check(HUAIAN / "source.pdf", classify=False)

    def arithmetic(result):
        return sorted((f.family, tuple(f.cells)) for f in result.findings if f.family.startswith(("t3", "t4")))

    assert arithmetic(huaian_checked) == arithmetic(text) == [
        ("t4_group_total", ("T4.litigation_after_review.total",)), ("t4_group_total", ("T4.review.total",))]
    assert any(m.code == "pdf-ocr" for m in huaian_checked.messages)


def test_scan_without_the_ocr_engine_is_an_error_not_a_pass(huaian_scan, monkeypatch):
    from nianbao.pipeline import check

    ocr.engine.cache_clear()
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # as if nianbao[ocr] were not installed
    with pytest.raises(IngestError, match=r"this PDF is a scan \(2 image-only pages\).*install nianbao\[ocr\]"):
        load_pdf(huaian_scan, huaian_scan.read_bytes())
    result = check(huaian_scan, classify=False)
    assert not result.ok and "nianbao[ocr]" in result.messages[0].text
    ocr.engine.cache_clear()


def test_page_over_its_budget_is_not_read_and_said(huaian_scan):
    with pytest.raises(IngestError, match="scan"):
        load_pdf(huaian_scan, huaian_scan.read_bytes(), OcrOptions(page_budget=0.0))


def test_progress_reports_pages_done(huaian_loaded):
    _, seen = huaian_loaded
    assert seen == [(1, 2, 1), (2, 2, 2)]
