"""How long does labelling one paragraph take, and what does the current model cost against an
earlier one?  (Not a timed test: run it and read the figures.)

    .venv/bin/python benchmarks/classifier.py [--repeat 5] [--baseline-rev main]

Labels every real paragraph of the development side (labels jsonl rows, the segmented sample
reports and the segmented corpus/putian reports) with ``label_paragraphs`` (text model + place
prior + label order model), one report per call as the pipeline does, and prints the mean
milliseconds per paragraph (wall and CPU).  ``--baseline-rev`` also loads the model files as they
are at that git revision and times both models side by side, runs interleaved, so the ratio is
measured under the same load; the models' sizes are printed too (the trade: a model trained on
more text has a larger vocabulary).  Models are loaded (and jieba's dictionary built) before the
clock starts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

from nianbao import training
from nianbao.model import Paragraph
from nianbao.sections import classifier as clf

ROOT = Path(__file__).resolve().parents[1]
MODEL_FILES = (clf.MODEL_FILENAME, clf.ARRAYS_FILENAME, clf.METRICS_FILENAME)


def _reports() -> list[list[Paragraph]]:
    """Every real paragraph of the development side, grouped as the pipeline gets them."""
    from nianbao.sections.classifier_data import load_labels_jsonl, report_sources
    from nianbao.training.reports import segment_reports

    folders = [training.DEFAULT_SAMPLES_DIR, *training.DEFAULT_REPORT_DIRS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reports = [r.paragraphs for folder in folders for r in segment_reports(report_sources(folder))]
    by_url: dict[str, list[Paragraph]] = {}
    for ex in load_labels_jsonl(training.DEFAULT_LABELS_PATH):
        group = by_url.setdefault(ex.document, [])
        group.append(Paragraph(text=ex.text, part=-1, index=len(group)))
    return [r for r in reports if r] + list(by_url.values())


def _model_at(rev: str, into: Path) -> clf.ParagraphClassifier:
    """The packaged model files as they are at git revision ``rev``."""
    for name in MODEL_FILES:
        blob = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:src/nianbao/models/{name}"], capture_output=True, check=True
        ).stdout
        (into / name).write_bytes(blob)
    return clf.ParagraphClassifier.load(into)


def _one_run(model: clf.ParagraphClassifier, reports: list[list[Paragraph]], n: int) -> tuple[float, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    for paragraphs in reports:
        clf.label_paragraphs(paragraphs, model)
    return (time.perf_counter() - started) / n * 1000, (time.process_time() - cpu_started) / n * 1000


def _size(model: clf.ParagraphClassifier) -> str:
    terms = sum(len(block.terms) for block in model.features)
    trained = model.info.get("train", {}).get("n", "?")
    return f"{terms} features, trained on {trained} paragraphs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-rev", default=None, help="git revision whose packaged model is timed beside the current one")
    args = parser.parse_args()
    model = clf.ParagraphClassifier.load()
    reports = _reports()
    n = sum(len(r) for r in reports)
    chars = sum(len(p.text) for r in reports for p in r)
    with tempfile.TemporaryDirectory() as tmp:
        models = {"current": model}
        if args.baseline_rev:
            models[args.baseline_rev] = _model_at(args.baseline_rev, Path(tmp))
        for m in models.values():
            clf.label_paragraphs(reports[0], m)  # warm-up: jieba dictionary, numpy paths
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in models}
        for _ in range(args.repeat):
            for name, m in models.items():  # interleaved: both see the same load
                runs[name].append(_one_run(m, reports, n))
        print(f"{n} paragraphs in {len(reports)} reports, {chars / n:.0f} characters on average")
        for name, m in models.items():
            wall = [w for w, _ in runs[name]]
            cpu = [c for _, c in runs[name]]
            print(
                f"{name}: label_paragraphs, one call per report: {statistics.median(wall):.3f} ms per paragraph wall "
                f"(median of {args.repeat}, min {min(wall):.3f}); {statistics.median(cpu):.3f} ms CPU; {_size(m)}"
            )
        if args.baseline_rev:
            ratio = statistics.median(c for _, c in runs["current"]) / statistics.median(c for _, c in runs[args.baseline_rev])
            print(f"current / {args.baseline_rev}: {ratio:.2f}x CPU per paragraph")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bare_started = time.perf_counter()
    clf.classify_texts([p.text for r in reports for p in r], model)
    print(f"classify_texts (isolated), one batch of all texts: {(time.perf_counter() - bare_started) / n * 1000:.3f} ms per paragraph")


if __name__ == "__main__":
    main()
