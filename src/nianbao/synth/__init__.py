"""Test-data maker: reports with known truth rendered into PDF several ways.

    from nianbao.synth import random_report, render
    report = random_report(seed=1, layout="2021", pages=4)
    render(report, "chromium", Path("out/r1.pdf"), ruled=False, split_t3=True)
    report.truth  # {"T2": {...}, "T3": {...}, "T4": {...}} in gold.json format

``render_sample`` prints a real HTML report of corpus/samples to PDF; its
gold.json is the truth.  ``score_document`` scores a loaded Document.
"""

from .render import MAKERS, MakerUnavailable, available_makers, render, render_sample, report_html
from .report import SynthReport, random_report, random_truth
from .score import Score, score_document, score_values

__all__ = [
    "MAKERS",
    "MakerUnavailable",
    "Score",
    "SynthReport",
    "available_makers",
    "random_report",
    "random_truth",
    "render",
    "render_sample",
    "report_html",
    "score_document",
    "score_values",
]
