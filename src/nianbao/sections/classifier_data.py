"""Training data for the paragraph classifier: hand labels, gold labels, weak labels.

Three sources, all real report text:

- ``corpus/labels/paragraphs.jsonl``: hand-labelled paragraphs, one agency per URL host;
- ``corpus/samples/*/gold.json`` "paragraphs": hand labels of the sample reports (agency from
  ``meta.json``);
- weak labels: the reports' own headings (a paragraph under "存在的主要问题" is a problem …),
  read by ``classifier_weak.harvest`` off ``sections.segment``'s paragraphs, heading masked, from
  every report folder given (``corpus/samples``, ``corpus/putian``).

Every example carries its agency so that the held-out split never puts one agency on both sides.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..model import Paragraph
from .classifier_weak import PART_LABELS, heading_label

LABELS: tuple[str, ...] = (
    "preamble",
    "overview",
    "proactive",
    "on_request",
    "management",
    "problem",
    "measure",
    "other",
)

# The labels file has no `preamble` label: its annotator filed preamble paragraphs
# ("本报告根据《条例》编制……", "统计期限为……", "电子版可在……下载") under `other`.
# For training we harmonise them to `preamble` with this pattern; at evaluation time a
# `preamble` prediction counts as `other` on a data set that has no `preamble` label.
_PREAMBLE_TEXT = re.compile(
    r"^(根据|依据|按照|本报告|本年度报告|本年报|现将|本年度报告是).{0,80}(条例|规定|通知|要求)"
    r"|统计期限|数据截止|电子版|报告中所列数据|统计时限"
)

# Hosts that publish other agencies' reports: one host is still treated as one "agency"
# (a stricter grouping than needed, so no agency can leak across the split).
_HOST_PREFIXES = ("www.", "m.")


@dataclass
class LabelledText:
    """One labelled paragraph and where it came from."""

    text: str
    label: str
    agency: str
    source: str  # "labels" | "gold" | "weak"
    id: str = ""
    document: str = ""  # the report it comes from (URL or sample folder); rows keep report order
    part: int | None = None
    subsection: str | None = None
    rule: str = ""  # weak labels: what in the report's structure gave the label


def agency_of_url(url: str) -> str:
    """The agency key of a labels row: its URL host without www./m. and port."""
    host = urlparse(url).netloc.lower().split(":")[0]
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
    return host


def looks_like_preamble(text: str) -> bool:
    return bool(_PREAMBLE_TEXT.search(text))


def load_labels_jsonl(path: Path, *, harmonise_preamble: bool = True) -> list[LabelledText]:
    """Read ``paragraphs.jsonl`` rows ({"id","url","text","label"})."""
    rows: list[LabelledText] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        label = row["label"]
        if label not in LABELS:
            raise ValueError(f"{path}:{line_no}: unknown label {label!r}; expected one of {', '.join(LABELS)}")
        if harmonise_preamble and label == "other" and looks_like_preamble(row["text"]):
            label = "preamble"
        rows.append(
            LabelledText(
                text=row["text"],
                label=label,
                agency=agency_of_url(row.get("url", "")) or f"unknown:{row.get('id', line_no)}",
                source="labels",
                id=str(row.get("id", line_no)),
                document=row.get("url", ""),
            )
        )
    return rows


def load_gold_paragraphs(samples_dir: Path) -> list[LabelledText]:
    """The "paragraphs" of every ``gold.json`` under ``samples_dir``, each text once.

    The html and txt copies of one report carry the same paragraphs; the first copy wins.
    """
    seen: dict[str, LabelledText] = {}
    for gold_path in sorted(samples_dir.glob("*/gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        meta_path = gold_path.with_name("meta.json")
        agency = report_agency(meta_path, gold_path.parent.name)
        for i, para in enumerate(gold.get("paragraphs", [])):
            text = para["text"].strip()
            if text and text not in seen:
                seen[text] = LabelledText(
                    text=text,
                    label=para["label"],
                    agency=agency,
                    source="gold",
                    id=f"{gold_path.parent.name}#{i}",
                    document=gold_path.parent.name,
                )
    return list(seen.values())


def report_agency(meta_path: Path, folder: str) -> str:
    """The agency key of a report folder (its ``meta.json`` agency; the folder name without one).

    One key per agency: the pingtan reports (whatever their 汇总 wording) are one agency."""
    name = folder.split("-")[0]
    if meta_path.exists():
        agency = json.loads(meta_path.read_text(encoding="utf-8")).get("agency", "")
        # "平潭综合实验区管委会（全区汇总）" and "…（政府信息公开工作领导小组办公室汇总）" are the same body.
        agency = re.sub(r"[（(].*?[)）]", "", agency).strip()
        if agency:
            return agency
    return name


# ---- weak labels from the report's own structure ------------------------------------------

# The labels a part's narrative can have (format.md); ``classifier_weak`` reads the format.
_PART_LABELS = PART_LABELS


def subsection_label(heading: str | None) -> str | None:
    """The one label a subsection heading announces ("（一）主动公开情况" -> proactive; a heading
    naming two, "存在的主要问题及改进情况", announces none): ``classifier_weak.heading_label``."""
    return heading_label(heading)


# A paragraph that opens with its own descriptive subsection title ("（三）政府信息管理情况。…"),
# as copied pages often do.  Only titles ending in 情况/方面 count: measures open with
# imperative titles ("（二）完善信息公开机制。") that must not be read as a topic heading.
_INLINE_HEADING = re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]\s*([^。：:，,；;]{2,24}(?:情况|方面))[。：:，,；;]?")


def inline_heading(text: str) -> str | None:
    """The descriptive subsection title a paragraph starts with, or None."""
    m = _INLINE_HEADING.match(text)
    return m.group(1) if m else None


def allowed_labels(part: int | None) -> tuple[str, ...] | None:
    """The labels a paragraph of this part can have in the standard layouts (None: any)."""
    if part is None:
        return None
    return _PART_LABELS.get(part)


def weak_label(paragraph: Paragraph) -> str | None:
    """A label read off the paragraph's place in the report, or None when the place is ambiguous.

    Part 0 -> preamble, part 6 -> other; in parts 1 and 5 the subsection heading decides, as long
    as it names a label the part allows (part 1 without subsection is the overview).
    """
    allowed = allowed_labels(paragraph.part)
    if allowed is None:
        return None
    if len(allowed) == 1:
        return allowed[0]
    by_heading = subsection_label(paragraph.subsection)
    if by_heading in allowed:
        return by_heading
    if paragraph.part == 1 and not paragraph.subsection:
        return "overview"
    return None


def weak_examples(paragraphs: Sequence[Paragraph], agency: str, document: str = "") -> list[LabelledText]:
    """The weak labels of one segmented report (``classifier_weak.harvest``): the paragraph's
    wording with the heading that gave the label masked, one example per label (a part 五
    paragraph that turns from problems to measures gives two)."""
    from .classifier_weak import harvest

    out = []
    for weak in harvest(paragraphs):
        para = paragraphs[weak.index]
        out.append(
            LabelledText(
                text=weak.text,
                label=weak.label,
                agency=agency,
                source="weak",
                id=f"{document or agency}#{para.index}",
                document=document or agency,
                part=para.part,
                subsection=para.subsection,
                rule=weak.rule,
            )
        )
    return out


@dataclass
class SegmentedReport:
    """A report as ``sections.segment`` gives it (``nianbao.training.reports.segment_reports``)."""

    agency: str
    document: str  # the report's folder name, the same key as its gold paragraphs
    paragraphs: list[Paragraph]


@dataclass
class TrainingData:
    """Everything the classifier may learn from, with the segmented reports the weak labels came
    from (the evaluations label them again, report by report)."""

    examples: list[LabelledText]
    reports: list[SegmentedReport]


def report_sources(folder: Path) -> list[Path]:
    """The report file of every labelled-report folder under ``folder`` (one per folder: the
    first ``source.*``)."""
    out = []
    for report in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        sources = sorted(report.glob("source.*"))
        if sources:
            out.append(sources[0])
    return out


def load_weak_examples(reports: Sequence[SegmentedReport]) -> list[LabelledText]:
    """Weak labels (``weak_examples``) of every segmented report."""
    out: list[LabelledText] = []
    for report in reports:
        out.extend(weak_examples(report.paragraphs, report.agency, report.document))
    return out


def attach_context(examples: Sequence[LabelledText], reports: Sequence[SegmentedReport]) -> int:
    """Give gold examples the part/subsection of the segmented paragraph holding their text.

    A gold text and a segmented paragraph match when one contains the other (segmentation may
    keep a heading glued to the text).  Returns how many examples got a context.
    """
    by_document = {r.document: r.paragraphs for r in reports}
    found = 0
    for ex in examples:
        needle = _norm(ex.text)
        for para in by_document.get(ex.document, []):
            hay = _norm(para.text)
            if needle and hay and (needle in hay or hay in needle):
                ex.part, ex.subsection = para.part, para.subsection
                found += 1
                break
    return found


def merge_examples(*sources: Sequence[LabelledText]) -> list[LabelledText]:
    """Concatenate sources, keeping each text once; earlier sources (hand labels) win."""
    seen: dict[str, LabelledText] = {}
    for source in sources:
        for ex in source:
            seen.setdefault(_norm(ex.text), ex)
    return list(seen.values())


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---- the held-out split ------------------------------------------------------------------

# Pinned so the split never depends on results: the seed's agency is always held out (its part 五
# is a done-when check), the pingtan archive (the only source of 2019-layout and legacy gold,
# and of `preamble` labels) always trains.
FORCED_TEST = ("郑州市金水区司法局",)
FORCED_TRAIN = ("平潭综合实验区管委会",)


def is_test_agency(agency: str, test_percent: int = 30) -> bool:
    """Deterministic agency split: a stable hash puts about ``test_percent``% of agencies in test."""
    if agency in FORCED_TEST:
        return True
    if agency in FORCED_TRAIN:
        return False
    bucket = int(hashlib.sha1(agency.encode("utf-8")).hexdigest(), 16) % 100
    return bucket < test_percent


def split_by_agency(
    examples: Sequence[LabelledText], test_percent: int = 30
) -> tuple[list[LabelledText], list[LabelledText]]:
    train = [ex for ex in examples if not is_test_agency(ex.agency, test_percent)]
    test = [ex for ex in examples if is_test_agency(ex.agency, test_percent)]
    return train, test
