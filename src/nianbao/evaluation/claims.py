"""Scoring claims: (metric, value) precision and recall, as gold.md defines it.

- ``score_claims(predicted, gold)``: one report (a gold folder's ``claims``).
  Only claims linked to a known metric count: gold lists no "other" figures.
- ``evaluate_labels(path, split)``: the labelled sentences of
  ``corpus/labels/claims.jsonl``, split by page (``url``) into ``tune`` and
  ``test`` by a hash of the url, so no page is on both sides.  Rules are tuned
  on ``tune`` only; ``test`` is held out.
- ``gold_folder_paragraphs(folder)``: paragraphs of a gold folder's source, for
  development until the pipeline's own segmentation is available.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

from ..model import Claim, Paragraph, Provenance
from ..claims import extract_claims

SPLITS = ("tune", "test", "all")


def split_of(url: str) -> str:
    """'tune' or 'test', fixed for a page: the parity of sha256('nianbao-claims' + url)."""
    digest = hashlib.sha256(("nianbao-claims" + url).encode("utf-8")).hexdigest()
    return "test" if int(digest, 16) % 2 == 0 else "tune"


def _key(metric: str, value: Any) -> tuple[str, float]:
    return metric, round(float(value), 6)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4)}


class _Tally:
    """Multiset matching of keys, summed over many units (sentences or reports)."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)  # metric -> tp/fp/fn

    def add(self, predicted: Iterable[tuple[str, Any]], gold: Iterable[tuple[str, Any]]) -> None:
        pred, want = Counter(predicted), Counter(gold)
        for key in pred | want:
            matched = min(pred[key], want[key])
            metric = str(key[0])
            self.counts[metric]["tp"] += matched
            self.counts[metric]["fp"] += pred[key] - matched
            self.counts[metric]["fn"] += want[key] - matched

    def overall(self) -> dict[str, float | int]:
        total = Counter()
        for c in self.counts.values():
            total.update(c)
        return _prf(total["tp"], total["fp"], total["fn"])

    def per_metric(self) -> dict[str, dict[str, float | int]]:
        return {m: _prf(c["tp"], c["fp"], c["fn"]) for m, c in sorted(self.counts.items())}


def score_claims(predicted: list[dict], gold: list[dict]) -> dict[str, Any]:
    """(metric, value) precision/recall of one report's claims against its gold claims.

    Claims with metric "other" are left out on both sides (gold lists only linked figures).
    """
    tally = _Tally()
    tally.add(
        (_key(c["metric"], c["value"]) for c in predicted if c.get("metric", "other") != "other"),
        (_key(c["metric"], c["value"]) for c in gold if c.get("metric", "other") != "other"),
    )
    return dict(tally.overall(), per_metric=tally.per_metric())


def read_labels(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict_labelled_pages(rows: list[dict], learned: Any = None) -> dict[str, list[Claim]]:
    """Claims for each labelled sentence (by id); the sentences of one page go in
    together, as the paragraphs of one report would."""
    by_url: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_url[row["url"]].append(row)
    out: dict[str, list[Claim]] = {}
    for page_rows in by_url.values():
        paragraphs = [Paragraph(text=r["sentence"], part=0, index=i, prov=Provenance(start=0))
                      for i, r in enumerate(page_rows)]
        claims = extract_claims(paragraphs, learned=learned)
        for i, r in enumerate(page_rows):
            out[r["id"]] = [c for c in claims if c.paragraph == i]
    return out


def evaluate_labels(path: Path, split: str = "test", learned: Any = None) -> dict[str, Any]:
    """Scores on the labelled claim sentences of one split ("tune", "test" or "all").

    ``all_claims``: (metric, value) over every labelled figure, "other" included;
    ``linked``: the same restricted to known metrics (what gold folders score);
    ``value_only``: values alone, whatever the metric; ``per_metric``: all_claims by metric.
    ``learned``: a ``learned.LearnedLinker`` to score rules + learned instead of rules alone.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: use one of {', '.join(SPLITS)}")
    rows = [r for r in read_labels(path) if split == "all" or split_of(r["url"]) == split]
    predicted = predict_labelled_pages(rows, learned)
    every, linked, values = _Tally(), _Tally(), _Tally()
    for row in rows:
        pred = predicted[row["id"]]
        gold = row["claims"]
        every.add((_key(c.metric, c.value) for c in pred), (_key(c["metric"], c["value"]) for c in gold))
        linked.add(
            (_key(c.metric, c.value) for c in pred if c.metric != "other"),
            (_key(c["metric"], c["value"]) for c in gold if c["metric"] != "other"),
        )
        values.add((_key("value", c.value) for c in pred), (_key("value", c["value"]) for c in gold))
    return {
        "split": split,
        "sentences": len(rows),
        "pages": len({r["url"] for r in rows}),
        "all_claims": every.overall(),
        "linked": linked.overall(),
        "value_only": values.overall(),
        "per_metric": every.per_metric(),
    }


# ---- gold folders (development) -------------------------------------------------

_BLOCK_TAGS = ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "section")


def html_text_blocks(html: str) -> list[str]:
    """The text of an HTML page cut at block elements, tags stripped (script/style dropped)."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(html)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    body = root.xpath("//div[contains(@class,'article_content')]|//div[contains(@class,'TRS_Editor')]")
    node = body[0] if body else root
    for el in node.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    text = node.text_content()
    return [line.strip() for line in text.split("\n") if line.strip()]


def gold_folder_paragraphs(folder: Path) -> list[Paragraph]:
    """Paragraphs of a gold folder's source: HTML blocks, the lines of a text file, or (PDF, DOCX)
    the paragraphs the sections stage reads."""
    folder = Path(folder)
    if (folder / "source.html").exists():
        lines = html_text_blocks((folder / "source.html").read_text(encoding="utf-8", errors="replace"))
    elif (folder / "source.txt").exists():
        lines = [ln.strip() for ln in (folder / "source.txt").read_text(encoding="utf-8").splitlines()]
    else:
        from .folders import source_file
        from ..ingest import load
        from ..sections import segment

        lines = [p.text for p in segment(load(source_file(folder)))[1]]
    return [Paragraph(text=t, part=0, index=i, prov=Provenance(start=0)) for i, t in enumerate(lines) if t]


def evaluate_gold_folders(folders: Iterable[Path]) -> dict[str, Any]:
    """score_claims summed over gold folders, with each folder's misses listed."""
    tally = _Tally()
    reports = {}
    for folder in folders:
        gold = json.loads((Path(folder) / "gold.json").read_text(encoding="utf-8")).get("claims", [])
        meta_path = Path(folder) / "meta.json"
        layout = json.loads(meta_path.read_text(encoding="utf-8")).get("layout") if meta_path.exists() else None
        claims = extract_claims(gold_folder_paragraphs(Path(folder)), layout=layout)
        predicted = [{"metric": c.metric, "value": c.value, "text": c.text} for c in claims]
        tally.add(
            (_key(c["metric"], c["value"]) for c in predicted if c["metric"] != "other"),
            (_key(c["metric"], c["value"]) for c in gold),
        )
        pred_keys = Counter(_key(c["metric"], c["value"]) for c in predicted if c["metric"] != "other")
        gold_keys = Counter(_key(c["metric"], c["value"]) for c in gold)
        reports[Path(folder).name] = {
            "false_positives": [c for c in predicted if c["metric"] != "other"
                                and (pred_keys - gold_keys)[_key(c["metric"], c["value"])]],
            "missed": [c for c in gold if (gold_keys - pred_keys)[_key(c["metric"], c["value"])]],
        }
    return dict(tally.overall(), per_metric=tally.per_metric(), reports=reports)
