"""Scanned (image-only) PDFs read by offline OCR.

The scans are made here from real files (the published WPS PDF of 洪泽区 2023, whose T4
has two real errors) by nianbao.synth.scan: rendered at 200 dpi, turned, blurred, noisy,
JPEG.  OCR tests read two pages at most; accuracy over whole reports is measured in
benchmarks/ocr.py.
"""

from __future__ import annotations

import json
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
    gold = json.loads((HUAIAN / "gold.json").read_text(encoding="utf-8"))["tables"]
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


def test_check_says_each_scanned_page_as_it_is_read(huaian_scan):
    import subprocess

    res = subprocess.run([sys.executable, "-m", "nianbao", "check", "--no-classify", str(huaian_scan)],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    lines = [line for line in res.stderr.splitlines() if " OCR page " in line]
    assert [line.split(" OCR page ")[1].split(" in ")[0] for line in lines] == ["1 (1 of 2)", "2 (2 of 2)"], res.stderr
    assert "tables: T2" in res.stdout or "T3" in res.stdout


# ---------------------------------------------------------------- OCR figures settled by the arithmetic
def _ocr_tables(name: str, misread: dict[str, tuple[float, float]]):
    """The real gold tables of a sample as if read by OCR, some figures misread: {ref: (read, confidence)}."""
    from nianbao.model import CanonicalTable, Figure, Provenance

    gold = sample_gold(name)
    layout = "2021" if any(k.startswith("other.") for k in gold["tables"]["T3"]) else "2019"
    tables = {}
    for table in ("T3", "T4"):
        t = CanonicalTable(table, layout, method="ocr")
        for key, value in gold["tables"][table].items():
            read, conf = misread.get(f"{table}.{key}", (value, 0.99))
            t.figures[key] = Figure(table, key, read, raw=str(read), prov=Provenance(page=1, method="ocr"), confidence=conf)
        tables[table] = t
    return tables, layout


def test_low_confidence_misread_digit_corrected_by_two_equations():
    from nianbao.tables.ocr_settle import settle_ocr_figures

    # pingtan-2021: T3 一、新收 自然人 is 64 (row total 70, column 一+二 = （七）63 + 四 1)
    tables, layout = _ocr_tables("pingtan-2021-html", {"T3.new_received.natural": (84, 0.62)})
    messages = settle_ocr_figures(tables, layout)
    assert tables["T3"].figures["new_received.natural"].value == 64
    assert [m.code for m in messages] == ["ocr-corrected"]


def test_figure_the_arithmetic_cannot_settle_is_uncertain_and_raises_no_finding():
    from nianbao.model import ReportResult
    from nianbao.reconcile import reconcile
    from nianbao.tables.ocr_settle import settle_ocr_figures

    # Two unsure figures in one row: neither row total can be used, so neither is settled.
    misread = {"T3.granted.natural": (21, 0.55), "T3.granted.total": (36, 0.7)}
    tables, layout = _ocr_tables("pingtan-2021-html", misread)
    messages = settle_ocr_figures(tables, layout)
    for ref in misread:
        fig = tables["T3"].figures[ref.split(".", 1)[1]]
        assert fig.value is None and fig.candidates and fig.candidates[0] == misread[ref][0]
    assert {m.code for m in messages} == {"ocr-uncertain"}
    result = ReportResult(source="scan.pdf", layout=layout, tables=tables)
    findings = reconcile(result)
    assert not [f for f in findings if set(f.cells) & set(misread)], [f.message for f in findings]


def test_confident_figure_is_never_changed():
    from nianbao.model import ReportResult
    from nianbao.reconcile import reconcile
    from nianbao.tables.ocr_settle import settle_ocr_figures

    # A confidently read wrong figure is what the page prints: the arithmetic reports it.
    tables, layout = _ocr_tables("pingtan-2021-html", {"T3.new_received.natural": (84, 0.98)})
    assert settle_ocr_figures(tables, layout) == []
    assert tables["T3"].figures["new_received.natural"].value == 84
    findings = reconcile(ReportResult(source="scan.pdf", layout=layout, tables=tables))
    assert any("T3.new_received.natural" in f.cells for f in findings)


# ---------------------------------------------------------------- row labels misread on a small scan
def test_row_labels_misread_at_150_dpi_still_take_their_rows(tmp_path):
    """pingtan-2021 printed by LibreOffice and scanned at 150 dpi: OCR reads 「7.属于行政执法案卷」 as
    「…执法来卷」 and 「8.属于行政查询事项」 as 「…查询手项」, two neighbouring labels no template wording
    matches; the two rows missing between the rows found around them take them, in order."""
    import pypdfium2 as pdfium
    from nianbao.pipeline import check
    from nianbao.synth import available_makers, render_sample

    if "libreoffice" not in available_makers():
        pytest.skip("soffice (libreoffice-writer-nogui) is not installed")
    printed = render_sample(SAMPLES / "pingtan-2021-html", "libreoffice", tmp_path / "lo.pdf")
    pdf = pdfium.PdfDocument(str(printed))
    page = next(i + 1 for i in range(len(pdf)) if "执法案卷" in "".join(pdf[i].get_textpage().get_text_range().split()))
    pdf.close()
    scan = scan_pdf(printed, tmp_path / "scan.pdf", ScanStyle(dpi=150, seed=0), pages=[page])
    result = check(scan, classify=False)
    gold = sample_gold("pingtan-2021-html")["tables"]["T3"]
    t3 = result.tables["T3"]
    for row in ("denied.enforcement_file", "denied.query_item"):
        keys = [k for k in gold if k.startswith(row + ".")]
        assert len(keys) == 7 and {k: t3.figures[k].value for k in keys if k in t3.figures} == {k: gold[k] for k in keys}, row
    said = [m.text for m in result.messages if m.code == "table-label-misprinted"]
    assert any("7.属于行政执法案卷" in t for t in said) and any("8.属于行政查询事项" in t for t in said), said


# ---------------------------------------------------------------- a repeated header OCR reads differently
def test_header_repeated_on_the_next_page_is_dropped_though_ocr_reads_it_differently(tmp_path):
    """A T3 that LibreOffice splits over pages, its header repeated on each, scanned at 150 dpi: OCR
    reads the long header cell with a character more on one page (「…第四日项之和」).  The repeated
    header must still be dropped, or the tail of the label the page break cut (「确认或重新出具已获取信息」)
    is not joined to its row and becomes a row of blanks read as zeros."""
    import pypdfium2 as pdfium
    from nianbao.pipeline import check
    from nianbao.synth import available_makers, random_report, render

    if "libreoffice" not in available_makers():
        pytest.skip("soffice (libreoffice-writer-nogui) is not installed")
    report = random_report(6, "2019", pages=3)
    # (the scan's turn and noise are seeded by the file name too: this name gives the misread header)
    printed = render(report, "libreoffice", tmp_path / "syn-2019-6-libreoffice-split.pdf", ruled=True, split_t3=True)
    pdf = pdfium.PdfDocument(str(printed))
    texts = ["".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    pdf.close()
    cut = next(i for i, t in enumerate(texts) if "要求行政机关确认" not in t and "要求行政机关" in t and "出具已获取信息" in texts[i + 1])
    scan = scan_pdf(printed, tmp_path / "scan.pdf", ScanStyle(dpi=150, seed=0), pages=[cut, cut + 1, cut + 2])  # from the page T3 starts on (the header OCR compares with)
    assert "申请人情况" in texts[cut - 1]
    result = check(scan, classify=False)
    t3 = result.tables["T3"]
    want = {k: v for k, v in report.truth["T3"].items() if k.startswith("not_processed.confirmation.")}
    assert len(want) == 7 and any(want.values())
    assert {k: t3.figures[k].value for k in want} == want
    assert not [f for f in result.findings if f.family.startswith("t3")], [f.message for f in result.findings]


# ---------------------------------------------------------------- column rules of a page-tall table, slightly turned
@pytest.mark.parametrize("turn", [0.13, -0.12])
def test_page_tall_column_rules_under_the_deskew_threshold_are_found(tmp_path, turn):
    """The middle page of pingtan-2021's T3 (Chromium) is all table: its column rules run ~1800 px
    at 200 dpi.  Scanned at 150 dpi and turned by less than the deskew threshold (0.15 degrees), each
    rule drifts sideways by more than its own width; it must still be a rule, or the page's
    columns merge and its label and figure cells are read as one."""
    import pypdfium2 as pdfium
    from nianbao.pipeline import check
    from nianbao.synth import available_makers, render_sample
    from nianbao.synth.scan import scan_page

    if "chromium" not in available_makers():
        pytest.skip("chromium is not installed")
    printed = render_sample(SAMPLES / "pingtan-2021-html", "chromium", tmp_path / "p.pdf")
    pdf = pdfium.PdfDocument(str(printed))
    texts = ["".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    index = next(i for i, t in enumerate(texts) if "予以公开" in t and "申请人情况" not in t and "本年新收" not in t)
    image = pdf[index].render(scale=150 / 72, grayscale=True).to_pil()
    pdf.close()

    class Turn:  # the scan's random draws, with the turn fixed
        def uniform(self, a, b):
            return turn

        def randrange(self, n):
            return 7

    page = scan_page(image, ScanStyle(dpi=150), Turn())
    scan = tmp_path / "scan.pdf"
    page.save(scan, "PDF", resolution=150)
    result = check(scan, classify=False)
    gold = sample_gold("pingtan-2021-html")["tables"]["T3"]
    got = {k: f.value for k, f in result.tables["T3"].figures.items()}
    assert len(got) >= 12 * 7 and got.items() <= gold.items()  # the 12 rows the page prints, every figure right
