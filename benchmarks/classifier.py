"""How long does labelling one paragraph take?  (Not a timed test: run it and read the figure.)

    .venv/bin/python benchmarks/classifier.py [--repeat 5]

Labels every real paragraph the project has (labels jsonl + gold + the segmented sample
reports) with ``label_paragraphs`` (text model + place prior + label order model), one report
per call as the pipeline does, and prints the mean milliseconds per paragraph.  The model is
loaded (and jieba's dictionary built) before the clock starts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

from nianbao.model import Paragraph
from nianbao import training
from nianbao.sections import classifier as clf


def _reports() -> list[list[Paragraph]]:
    """Every real paragraph, grouped as the pipeline would get them (one list per report)."""
    from nianbao.sections.classifier_data import load_labels_jsonl, segment_reports

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reports = [r.paragraphs for r in segment_reports(sorted(training.DEFAULT_SAMPLES_DIR.glob("*/source.*")))]
    by_url: dict[str, list[Paragraph]] = {}
    for ex in load_labels_jsonl(training.DEFAULT_LABELS_PATH):
        group = by_url.setdefault(ex.document, [])
        group.append(Paragraph(text=ex.text, part=-1, index=len(group)))
    return reports + list(by_url.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    model = clf.ParagraphClassifier.load()
    reports = _reports()
    n = sum(len(r) for r in reports)
    chars = sum(len(p.text) for r in reports for p in r)
    clf.label_paragraphs(reports[0], model)  # warm-up: jieba dictionary, numpy paths
    runs, cpu_runs = [], []
    for _ in range(args.repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        for paragraphs in reports:
            clf.label_paragraphs(paragraphs, model)
        runs.append((time.perf_counter() - started) / n * 1000)
        cpu_runs.append((time.process_time() - cpu_started) / n * 1000)
    bare_started = time.perf_counter()
    clf.classify_texts([p.text for r in reports for p in r], model)
    bare = (time.perf_counter() - bare_started) / n * 1000
    print(f"{n} paragraphs in {len(reports)} reports, {chars / n:.0f} characters on average")
    print(
        f"label_paragraphs, one call per report: {statistics.median(runs):.3f} ms per paragraph wall clock "
        f"(median of {args.repeat}, min {min(runs):.3f}); {statistics.median(cpu_runs):.3f} ms CPU"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"classify_texts, one batch of all texts: {bare:.3f} ms per paragraph")


if __name__ == "__main__":
    main()
