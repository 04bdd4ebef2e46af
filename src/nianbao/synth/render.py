"""Render a SynthReport (or a real HTML report) into PDF several ways.

Makers:
- ``chromium``: headless Chromium print-to-pdf of HTML in Noto Sans CJK SC; its
  PDFs extract Kangxi radicals (⼀⼈⾏) with pdfminer: the charfix case.
- ``libreoffice``: ``soffice --headless --infilter="HTML (StarWriter)" --convert-to pdf``.
- ``reportlab-wqy``: reportlab platypus with the WenQuanYi Zen Hei TTC embedded.
- ``reportlab-cid``: reportlab with the built-in STSong-Light CID font (no file, not embedded).

Every maker prints a ruled or a borderless variant (``ruled=False``) and
``split_t3`` pushes T3 across a page break (``repeat_header`` repeats its header
rows on the new page).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

from .report import Item, SynthReport, TableSpec

CHROMIUM = "/usr/bin/chromium"
WQY_TTC = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
MAKERS = ("chromium", "libreoffice", "reportlab-wqy", "reportlab-cid")


class MakerUnavailable(RuntimeError):
    """The program or font a maker needs is not installed."""


def chromium_path() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def soffice_path() -> str | None:
    return shutil.which("soffice")


def available_makers() -> list[str]:
    out = []
    if chromium_path():
        out.append("chromium")
    if soffice_path():
        out.append("libreoffice")
    if WQY_TTC.exists():
        out.append("reportlab-wqy")
    out.append("reportlab-cid")
    return out


# ---------------------------------------------------------------- HTML
_CSS = """
@page { size: A4; margin: 2.2cm 2cm; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; font-size: 12pt; line-height: 1.6; }
h1 { font-size: 18pt; text-align: center; font-weight: bold; }
h2 { font-size: 14pt; font-weight: bold; margin: 10pt 0 6pt 0; }
p { text-indent: 2em; margin: 0 0 4pt 0; text-align: justify; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; margin: 6pt 0; }
td, th { padding: 2pt 3pt; text-align: center; vertical-align: middle; font-weight: normal; }
tr { page-break-inside: avoid; break-inside: avoid; }
"""


def table_html(spec: TableSpec, ruled: bool, header_rows: int = 0, repeat_header: bool = True) -> str:
    cls = "ruled" if ruled else "plain"
    # LibreOffice's HTML import ignores CSS borders: the border attribute rules the table for both.
    attrs = ' border="1" cellspacing="0" cellpadding="3"' if ruled else ' border="0" cellspacing="0" cellpadding="3"' 
    rows = []
    for r, row in enumerate(spec):
        cells = []
        for c in row:
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"'
            align = "center" if c.header or _is_figure(c.text) else "left"
            # Inline styles: LibreOffice's HTML import ignores most style-sheet rules.
            border = "border: 0.8pt solid #000000;" if ruled else "border: none;"
            cells.append(f'<td{attrs} style="{border} text-align: {align}; vertical-align: middle; padding: 2pt 3pt">'
                         f"{html.escape(c.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if header_rows and repeat_header:
        head, body = rows[:header_rows], rows[header_rows:]
        return f'<table class="{cls}"{attrs}><thead>{"".join(head)}</thead><tbody>{"".join(body)}</tbody></table>'
    return f'<table class="{cls}"{attrs}><tbody>{"".join(rows)}</tbody></table>'


def _is_figure(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).isdigit()


def report_html(report: SynthReport, ruled: bool = True, split_t3: bool = False, repeat_header: bool = True) -> str:
    """The report as a standalone HTML page.  ``split_t3`` inserts filler before T3
    so that a page break falls inside it (A4, the CSS above)."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(report.name)}</title>"
             f"<style>{_CSS}</style></head><body>"]
    for item in report.items:
        if item.kind == "title":
            parts.append(f"<h1>{html.escape(item.text)}</h1>")
        elif item.kind == "heading":
            parts.append(f"<h2>{html.escape(item.text)}</h2>")
            if split_t3 and item.text.startswith("三、"):
                # start T3 low on a fresh page so that about half of it spills over
                parts.append('<div style="break-before: page; height: 15cm"></div>')
        elif item.kind == "paragraph":
            parts.append(f"<p>{html.escape(item.text)}</p>")
        elif item.kind == "table" and item.table is not None:
            parts.append(table_html(item.table, ruled, item.header_rows, repeat_header))
    parts.append("</body></html>")
    return "\n".join(parts)


def _run(cmd: list[str], timeout: float = 120) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-500:]}")


def html_to_pdf_chromium(html_path: Path, out: Path, header_footer: bool = False) -> Path:
    exe = chromium_path()
    if not exe:
        raise MakerUnavailable("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="nianbao-chromium-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               f"--print-to-pdf={out}"]
        if not header_footer:
            cmd.append("--no-pdf-header-footer")
        _run(cmd + [html_path.resolve().as_uri()])
    if not out.exists():
        raise RuntimeError(f"chromium wrote no PDF for {html_path}")
    return out


def html_to_pdf_libreoffice(html_path: Path, out: Path) -> Path:
    exe = soffice_path()
    if not exe:
        raise MakerUnavailable("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        _run([exe, f"-env:UserInstallation={profile}", "--headless", '--infilter=HTML (StarWriter)',
              "--convert-to", "pdf", "--outdir", tmp, str(html_path)], timeout=180)
        produced = Path(tmp, html_path.with_suffix(".pdf").name)
        if not produced.exists():
            raise RuntimeError(f"LibreOffice wrote no PDF for {html_path}")
        shutil.move(str(produced), out)
    return out


# ---------------------------------------------------------------- reportlab
def _reportlab_font(maker: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if maker == "reportlab-wqy":
        if not WQY_TTC.exists():
            raise MakerUnavailable(f"{WQY_TTC} is missing (apt-get install fonts-wqy-zenhei)")
        if "WQYZenHei" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("WQYZenHei", str(WQY_TTC), subfontIndex=0))
        return "WQYZenHei"
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def report_pdf_reportlab(report: SynthReport, out: Path, maker: str = "reportlab-wqy", ruled: bool = True,
                         split_t3: bool = False, repeat_header: bool = True) -> Path:
    """Render with reportlab platypus; a running header and a "- N -" page number on each page."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _reportlab_font(maker)
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=19, firstLineIndent=24, wordWrap="CJK", spaceAfter=4)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=12)
    head = ParagraphStyle("head", fontName=font, fontSize=14, leading=22, spaceBefore=8, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=12, wordWrap="CJK")
    cell_c = ParagraphStyle("cellc", parent=cell, alignment=TA_CENTER)
    running = report.items[0].text if report.items and report.items[0].kind == "title" else report.name

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 1.2 * cm, running)
        canvas.drawCentredString(A4[0] / 2, 1.0 * cm, f"- {doc.page} -")
        canvas.restoreState()

    story = []
    for item in report.items:
        if item.kind == "title":
            story.append(Paragraph(html.escape(item.text), title))
        elif item.kind == "heading":
            story.append(Paragraph(html.escape(item.text), head))
            if split_t3 and item.text.startswith("三、"):
                story += [PageBreak(), Spacer(1, 14 * cm)]
        elif item.kind == "paragraph":
            story.append(Paragraph(html.escape(item.text), body))
        elif item.kind == "table" and item.table is not None:
            story.append(_rl_table(item, ruled, repeat_header, cell, cell_c, Table, TableStyle, Paragraph, colors))
            story.append(Spacer(1, 6))
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm,
                            topMargin=2.2 * cm, bottomMargin=2.2 * cm, title=report.name)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out


def expand(spec: TableSpec) -> tuple[list[list[str | None]], list[tuple[int, int, int, int]]]:
    """A span table as a dense grid (None under spans) and its spans (c0, r0, c1, r1)."""
    n_cols = sum(c.colspan for c in spec[0])
    taken: set[tuple[int, int]] = set()
    grid: list[list[str | None]] = [[None] * n_cols for _ in spec]
    spans = []
    for r, row in enumerate(spec):
        c = 0
        for sc in row:
            while (r, c) in taken:
                c += 1
            grid[r][c] = sc.text
            for dr in range(sc.rowspan):
                for dc in range(sc.colspan):
                    taken.add((r + dr, c + dc))
            if sc.rowspan > 1 or sc.colspan > 1:
                spans.append((c, r, c + sc.colspan - 1, r + sc.rowspan - 1))
            c += sc.colspan
    return grid, spans


def _rl_table(item: Item, ruled, repeat_header, cell, cell_c, Table, TableStyle, Paragraph, colors):
    grid, spans = expand(item.table)
    # Figures stay plain strings so that they never wrap; labels wrap inside their cell.
    data = [[t if not t or _is_figure(t) else Paragraph(html.escape(t), cell if len(t) > 6 else cell_c) for t in row] for row in grid]
    n_cols = len(grid[0])
    width = 16.0 * 28.35  # the frame is 16.17 cm wide
    if item.name == "T3":
        widths = [1.6 * 28.35, 2.2 * 28.35, 3.6 * 28.35] + [(width - 7.4 * 28.35) / 7] * 7
    elif item.name == "T2":
        widths = [width * 0.31] + [width * 0.23] * 3
    else:
        widths = [width / n_cols] * n_cols
    style = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("FONTNAME", (0, 0), (-1, -1), cell.fontName),
             ("FONTSIZE", (0, 0), (-1, -1), 9.5), ("ALIGN", (0, 0), (-1, -1), "CENTER")]
    # reportlab cannot break a page inside a row span: body labels spanning rows
    # (三、本年度办理结果, （三）不予公开 …) print in their first row only.
    style += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans if r0 < item.header_rows or r1 == r0]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
    return Table(data, colWidths=widths, repeatRows=item.header_rows if repeat_header else 0, style=TableStyle(style))


# ---------------------------------------------------------------- entry points
def render(report: SynthReport, maker: str, out: Path, *, ruled: bool = True, split_t3: bool = False,
           repeat_header: bool = True) -> Path:
    """Write ``report`` as a PDF made by ``maker`` (one of MAKERS) to ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if maker.startswith("reportlab"):
        return report_pdf_reportlab(report, out, maker, ruled, split_t3, repeat_header)
    html_path = out.with_suffix(".html")
    html_path.write_text(report_html(report, ruled, split_t3, repeat_header), encoding="utf-8")
    if maker == "chromium":
        return html_to_pdf_chromium(html_path, out)
    if maker == "libreoffice":
        return html_to_pdf_libreoffice(html_path, out)
    raise ValueError(f"unknown PDF maker {maker!r}; choose one of {', '.join(MAKERS)}")


def sample_article_html(sample_dir: Path, font: str = "Noto Sans CJK SC") -> str:
    """The article body of a real HTML report (corpus/samples/*-html), as printed:
    its own inline styles and table rules kept, portal navigation dropped."""
    import lxml.html

    tree = lxml.html.parse(str(Path(sample_dir) / "source.html"))
    body = tree.xpath("//div[contains(@class,'article_content')]") or tree.xpath("//body")
    article = lxml.html.tostring(body[0], encoding="unicode")
    title = tree.findtext(".//title") or Path(sample_dir).name
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>body {{ font-family: '{font}', sans-serif; }}</style></head><body>"
            f"<h1 style='text-align:center'>{html.escape(title)}</h1>{article}</body></html>")


def render_sample(sample_dir: Path, maker: str, out: Path) -> Path:
    """Print a real HTML report of corpus/samples to PDF with Chromium or LibreOffice."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    html_path = out.with_suffix(".html")
    html_path.write_text(sample_article_html(Path(sample_dir)), encoding="utf-8")
    if maker == "chromium":
        return html_to_pdf_chromium(html_path, out)
    if maker == "libreoffice":
        return html_to_pdf_libreoffice(html_path, out)
    raise ValueError(f"real HTML reports are printed with chromium or libreoffice, not {maker!r}")
