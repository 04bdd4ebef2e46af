"""`nianbao train` (fit the paragraph classifier, write the model into the package) and `nianbao classify`."""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path
from typing import Optional

import typer

from .app import app
from .lines import input_lines


@app.command("classify")
def classify_command(
    source: str = typer.Argument(..., help="Text file with one paragraph per line, or - for standard input."),
    in_order: bool = typer.Option(
        False, "--in-order", help="The lines are one report's paragraphs in reading order: use the label order model too."
    ),
    model_dir: Optional[Path] = typer.Option(
        None, "--model-dir", help="Folder holding paragraph_classifier.json + .npz (default: $NIANBAO_MODEL_DIR, else the packaged model)."
    ),
) -> None:
    """Label each paragraph (preamble, overview, proactive, on_request, management, problem, measure, other).

    Prints one JSON object per non-empty input line: {"text", "label", "score"}.
    """
    from ..sections.classifier import ParagraphClassifier, classify_texts

    model_dir = model_dir or _env_model_dir()
    try:
        model = ParagraphClassifier.load(model_dir)
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    lines = list(input_lines(source))
    for row in classify_texts(lines, model, in_order=in_order):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@app.command("train")
def train_command(
    out: Path = typer.Option(
        None, "--out", help="Folder to write the model to (default: $NIANBAO_MODEL_DIR, else the package's nianbao/models)."
    ),
    kind: str = typer.Option("logreg", "--kind", help="Text model: logreg (default), svm or cnb."),
    labels: Path = typer.Option(None, "--labels", help="Hand-labelled paragraphs jsonl (default: corpus/labels/paragraphs.jsonl)."),
    samples: Path = typer.Option(None, "--samples", help="Folder of labelled reports (default: corpus/samples)."),
    weak: bool = typer.Option(True, "--weak/--no-weak", help="Add weak labels read off the reports' headings."),
    reports: Optional[list[Path]] = typer.Option(
        None, "--reports", help="Folder of unlabelled real reports whose headings give weak labels (repeatable; default: corpus/putian)."
    ),
    heldout: Optional[Path] = typer.Option(
        None, "--heldout", help="The held-out portal split (e.g. corpus/heldout): scored, never trained on; its scores go in the model card."
    ),
    evaluate: bool = typer.Option(False, "--evaluate", help="Print the held-out scores as JSON."),
    cross_validate: bool = typer.Option(
        True, "--cv/--no-cv", help="Also cross-validate by agency over all labelled data (5 more fits, a few seconds)."
    ),
) -> None:
    """Train the paragraph classifier on the training agencies, score it on the held-out ones,
    and write paragraph_classifier.json + .npz (+ .metrics.json, MODEL_CARD.md)."""
    from .. import training
    from ..extras import MissingExtra
    from ..sections import classifier as clf

    out = out or _env_model_dir() or Path(str(clf.packaged_model_dir()))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _model, report = training.train(
                kind=kind,
                labels_path=labels or training.DEFAULT_LABELS_PATH,
                samples_dir=samples or training.DEFAULT_SAMPLES_DIR,
                weak=weak,
                report_dirs=tuple(reports) if reports else training.DEFAULT_REPORT_DIRS,
                save_dir=out,
                cross_validate=cross_validate,
                heldout_dir=heldout,
            )
        except (MissingExtra, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
    for message in {str(w.message) for w in caught}:
        typer.echo(f"warning: {message}", err=True)
    held = report["held_out"]
    typer.echo(
        f"trained {kind} on {report['train']['n']} paragraphs ({len(report['train']['agencies'])} agencies); "
        f"held out {report['test']['n']} ({len(report['test']['agencies'])} agencies): "
        f"macro-F1 {held['macro_f1']:.3f} in report order, {report['held_out_text_only']['macro_f1']:.3f} text only",
        err=True,
    )
    if "agency_cv" in report:
        cv = report["agency_cv"]
        typer.echo(
            f"cross-validated by agency ({cv['folds']} folds, {cv['agencies']} agencies, n = {cv['n']} hand labels): "
            f"macro-F1 {cv['macro_f1']:.3f} in report order, {cv['isolated']['macro_f1']:.3f} isolated",
            err=True,
        )
    if "portal_dev" in report:
        dev = report["portal_dev"]
        typer.echo(
            f"held-out portal, trained without 莆田: its development reports' weak labels "
            f"macro-F1 {dev['in_report']['macro_f1']:.3f} in report order (headings hidden), "
            f"{dev['isolated']['macro_f1']:.3f} isolated",
            err=True,
        )
    if "portal_heldout" in report:
        held = report["portal_heldout"]
        typer.echo(
            f"held-out portal split ({held['reports']} reports): weak labels {held['weak']['in_report']['macro_f1']:.3f} "
            f"in report order, {held['weak']['isolated']['macro_f1']:.3f} isolated; hand labels "
            f"{held['gold']['in_report']['macro_f1']:.3f} in report order, {held['gold']['isolated']['macro_f1']:.3f} isolated",
            err=True,
        )
    typer.echo(f"wrote {out / clf.MODEL_FILENAME}", err=True)
    if evaluate:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n")


def _env_model_dir() -> Optional[Path]:
    from ..settings import MODEL_DIR_ENV

    env = os.environ.get(MODEL_DIR_ENV)
    return Path(env) if env else None
