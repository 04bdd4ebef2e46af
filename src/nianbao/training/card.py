"""nianbao/models/MODEL_CARD.md, written by ``nianbao train`` from the training report so the card and
the model file never disagree."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any



def _scores_table(scores: dict[str, Any], text_only: dict[str, Any]) -> str:
    rows = ["| label | precision | recall | F1 | F1 isolated | support |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for label in scores["labels"]:
        s, t = scores["per_label"][label], text_only["per_label"].get(label, {})
        rows.append(
            f"| {label} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} | "
            f"{t.get('f1', float('nan')):.2f} | {s['support']} |"
        )
    return "\n".join(rows)


def _confusion_table(scores: dict[str, Any]) -> str:
    labels = scores["labels"]
    rows = ["| gold \\ predicted | " + " | ".join(labels) + " |", "| --- |" + " ---: |" * len(labels)]
    for label, counts in zip(labels, scores["confusion"]):
        rows.append(f"| {label} | " + " | ".join(str(c) for c in counts) + " |")
    return "\n".join(rows)


def _counts_table(report: dict[str, Any], labels: tuple[str, ...]) -> str:
    rows = ["| label | train | held out |", "| --- | ---: | ---: |"]
    for label in labels:
        rows.append(f"| {label} | {report['train']['labels'].get(label, 0)} | {report['test']['labels'].get(label, 0)} |")
    rows.append(f"| **total** | **{report['train']['n']}** | **{report['test']['n']}** |")
    return "\n".join(rows)


def _met(value: float, target: float) -> str:
    return f"{value:.3f} (target ≥ {target:.2f}: {'met' if value >= target else '**not met**'})"


# issue 14's done-when figures
TARGET_CV = 0.92
TARGET_PORTAL = 0.90
TARGET_ISOLATED = 0.90
CONFUSED = ("overview", "proactive", "management", "measure")  # where the text model fails most


def _f1_table(columns: list[tuple[str, dict[str, Any]]]) -> str:
    """Per-label F1 of several runs side by side (support of the first)."""
    labels = [label for label in columns[0][1]["labels"] if label in columns[0][1]["per_label"]]
    head = "| label | " + " | ".join(name for name, _ in columns) + " | support |"
    rows = [head, "| --- |" + " ---: |" * (len(columns) + 1)]
    for label in labels:
        cells = []
        for _, scores in columns:
            value = scores["per_label"].get(label)
            cells.append(f"{value['f1']:.2f}" if value and value["support"] else "–")
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {columns[0][1]['per_label'][label]['support']} |")
    rows.append("| **macro-F1** | " + " | ".join(f"**{scores['macro_f1']:.3f}**" for _, scores in columns) + " | |")
    return "\n".join(rows)


def _sub_confusion(scores: dict[str, Any], labels: tuple[str, ...] = CONFUSED) -> str:
    """The confusion among ``labels`` only (rows gold, columns predicted); "other labels" counts
    the rest of each row."""
    index = {label: i for i, label in enumerate(scores["labels"])}
    present = [label for label in labels if label in index]
    rows = ["| gold \\ predicted | " + " | ".join(present) + " | other labels |", "| --- |" + " ---: |" * (len(present) + 1)]
    for label in present:
        row = scores["confusion"][index[label]]
        kept = [row[index[p]] for p in present]
        rows.append(f"| {label} | " + " | ".join(str(c) for c in kept) + f" | {sum(row) - sum(kept)} |")
    return "\n".join(rows)


def _figures_table(report: dict[str, Any]) -> str:
    rows = [
        "| figure | in report | isolated | n | data | command |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    cv = report.get("agency_cv")
    if cv:
        rows.append(
            f"| cross-validation by agency, hand labels | {cv['macro_f1']:.3f} | {cv['isolated']['macro_f1']:.3f} | {cv['n']} | "
            f"{cv['hand_agencies']} agencies of `corpus/labels` + `corpus/samples` gold ({cv['folds']} folds; weak labels train only) | `nianbao train` |"
        )
    held = report.get("portal_heldout")
    if held:
        g, w = held["gold"], held["weak"]
        rows.append(
            f"| held-out portal 莆田, hand labels | {g['in_report']['macro_f1']:.3f} | {g['isolated']['macro_f1']:.3f} | "
            f"{g['in_report']['n']} | `corpus/heldout/*/gold.json` ({held['reports']} reports; model fitted without any 莆田 report) | "
            "`nianbao train --heldout corpus/heldout` |"
        )
        rows.append(
            f"| held-out portal 莆田, weak labels | {w['in_report']['macro_f1']:.3f} | {w['isolated']['macro_f1']:.3f} | "
            f"{w['isolated']['n']} | `corpus/heldout` headings (same model) | `nianbao train --heldout corpus/heldout` |"
        )
    shipped = report.get("heldout_shipped")
    if shipped:
        g = shipped["gold"]
        rows.append(
            f"| the shipped model (fitted with `corpus/putian`) on the same split, hand labels | {g['in_report']['macro_f1']:.3f} | "
            f"{g['isolated']['macro_f1']:.3f} | {g['in_report']['n']} | `corpus/heldout/*/gold.json` (its agencies are not in "
            "`corpus/putian`) | `nianbao train --heldout corpus/heldout` |"
        )
    dev = report.get("portal_dev")
    if dev:
        rows.append(
            f"| held-out portal 莆田, development reports' weak labels | {dev['in_report']['macro_f1']:.3f} | "
            f"{dev['isolated']['macro_f1']:.3f} | {dev['isolated']['n']} | `corpus/putian` ({dev['reports']} reports; same model) | "
            "`nianbao train` |"
        )
    rows.append(
        f"| fixed split by agency (the shipped model) | {report['held_out']['macro_f1']:.3f} | "
        f"{report['held_out_text_only']['macro_f1']:.3f} | {report['held_out']['n']} | "
        f"{len(report['test']['agencies'])} held-out agencies | `nianbao train --evaluate` |"
    )
    return "\n".join(rows)


def _targets(report: dict[str, Any]) -> str:
    lines = []
    cv = report.get("agency_cv")
    if cv:
        lines.append(f"- cross-validation by agency over the hand labels, in report order: {_met(cv['macro_f1'], TARGET_CV)}")
        lines.append(f"- isolated paragraphs, the same cross-validation: {_met(cv['isolated']['macro_f1'], TARGET_ISOLATED)}")
    held = report.get("portal_heldout")
    if held:
        for name, key in (("hand labels", "gold"), ("weak labels", "weak")):
            lines.append(
                f"- held-out portal, {name}: in report order {_met(held[key]['in_report']['macro_f1'], TARGET_PORTAL)}; "
                f"isolated {_met(held[key]['isolated']['macro_f1'], TARGET_ISOLATED)}"
            )
    else:
        lines.append("- held-out portal split: not scored in this run (`nianbao train --heldout corpus/heldout` scores it)")
    dev = report.get("portal_dev")
    if dev:
        lines.append(
            f"- held-out portal, development reports (weak labels): in report order {_met(dev['in_report']['macro_f1'], TARGET_PORTAL)}; "
            f"isolated {_met(dev['isolated']['macro_f1'], TARGET_ISOLATED)}"
        )
    return "\n".join(lines)


def _shipped_on_heldout(report: dict[str, Any]) -> str:
    shipped = report.get("heldout_shipped")
    if not shipped:
        return ""
    g, w = shipped["gold"], shipped["weak"]
    return (
        "The shipped model, which was fitted with the portal's development reports (`corpus/putian`, other agencies), "
        f"on the same split: hand labels {g['in_report']['macro_f1']:.3f} in report order, {g['isolated']['macro_f1']:.3f} "
        f"isolated; weak labels {w['in_report']['macro_f1']:.3f} / {w['isolated']['macro_f1']:.3f}.\n\n"
        + _f1_table([("shipped, hand, in report", g["in_report"]), ("shipped, hand, isolated", g["isolated"])])
    )


def _weak_section(report: dict[str, Any]) -> str:
    agreement = report.get("weak_agreement")
    if not agreement:
        return ""
    share = agreement["agree"] / agreement["n"] if agreement["n"] else float("nan")
    disagree = ", ".join(f"{k} ×{v}" for k, v in agreement["disagree"].items()) or "none"
    return (
        f"Weak labels against the hand labels of the same text (the sample reports that have both): "
        f"{agreement['agree']}/{agreement['n']} = {share:.1%} agree; the rest: {disagree}."
    )


def render(report: dict[str, Any], labels: tuple[str, ...], settings: dict[str, Any]) -> str:
    held, text_only = report["held_out"], report["held_out_text_only"]
    speed = report.get("speed", {})
    cv = report.get("agency_cv")
    portal = report.get("portal_heldout")
    dev = report.get("portal_dev")
    dev_measure = dev["in_report"]["per_label"].get("measure", {}).get("f1") if dev else None
    dev_measure_text = f"{dev_measure:.2f}" if dev_measure is not None else "not measured"
    cv_section = ""
    if cv:
        cv_section = f"""## Cross-validation by agency (the hand labels)

{cv['folds']}-fold grouped by agency over all {cv['agencies']} agencies (`nianbao train`, `--cv` is the default): each
fold's model is fitted on the other agencies' hand labels and weak labels and scores this fold's hand-labelled
paragraphs (n = {cv['n']}, {cv['hand_agencies']} agencies): *in report* as `label_paragraphs` labels a report (each URL's rows or
report's gold paragraphs together, in order, with part/subsection where segmentation gives them: only the samples'
gold has them), *isolated* each paragraph alone, as `nianbao classify` does.

{_f1_table([("in report", cv), ("isolated", cv["isolated"])])}

Confusion among {", ".join(CONFUSED)} (rows gold, columns predicted), isolated:

{_sub_confusion(cv["isolated"])}

In report order:

{_sub_confusion(cv)}

"""
    portal_section = ""
    if portal:
        g, w = portal["gold"], portal["weak"]
        portal_section = f"""## Held-out portal: 莆田

A second model is fitted without any 莆田 report ({report['portal_train']['n']} examples of {report['portal_train']['agencies']} agencies:
the hand labels, the samples' gold and weak labels) and labels the portal's held-out split (`corpus/heldout`,
{portal['reports']} reports of agencies not in `corpus/putian`): its hand-labelled paragraphs (`gold.json`) and its weak labels.
*In report*: `label_paragraphs` on the whole segmented report; for the hand labels with its headings (a gold paragraph
takes the label of the segmented paragraph that holds it; {g['in_report']['not_found_by_segmentation']} that segmentation did not find count as
wrong), for the weak labels with the subsection headings and inline titles hidden (they are what the weak label was
read from), part numbers and order kept. *Isolated*: each paragraph's text alone. Only these scores were read: no
paragraph or error of the held-out split is kept or printed.

{_f1_table([("hand, in report", g["in_report"]), ("hand, isolated", g["isolated"]), ("weak, in report", w["in_report"]), ("weak, isolated", w["isolated"])])}

(support: the hand labels'.) {_shipped_on_heldout(report)}

Confusion among {", ".join(CONFUSED)} on the hand labels, isolated:

{_sub_confusion(g["isolated"])}

In report order:

{_sub_confusion(g["in_report"])}

"""
    dev_section = ""
    if dev:
        dev_section = f"""## The same model on the portal's development reports

`corpus/putian` ({dev['reports']} reports), weak labels only, scored like the held-out split's weak labels. This is
the side that was read while building the weak-label rules (`nianbao.sections.classifier_weak`) and while
choosing the settings, so these figures are not a held-out measurement.

{_f1_table([("in report", dev["in_report"]), ("isolated", dev["isolated"])])}

Confusion among {", ".join(CONFUSED)}, isolated:

{_sub_confusion(dev["isolated"])}

"""
    return f"""# Model card: narrative paragraph classifier

- **Version** {report['version']} (`src/nianbao/models/paragraph_classifier.json` + `.npz`: vocabularies, idf,
  coefficients and the label order model as JSON and numpy arrays, no pickle; trained with scikit-learn,
  applied in plain Python, the arrays read without numpy), written
  {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.
- **Reproduce**: `.venv/bin/nianbao train --heldout corpus/heldout` (writes this folder; `--evaluate` also prints
  the full report as JSON; without `--heldout` the held-out portal section is left out). Held-out scores of the
  labels file alone: `.venv/bin/nianbao evaluate corpus/labels/paragraphs.jsonl`. Speed:
  `.venv/bin/python benchmarks/classifier.py`. Notebooks: `notebooks/train_classifier.ipynb` (data, weak labels,
  model comparison), `notebooks/evaluate_classifier.ipynb` (confusion matrices, errors on development data).
- **Entry points**: `nianbao.sections.classifier.label_paragraphs(paragraphs)` (used by `sections.classify`),
  `split_mixed(text)`, `nianbao.training.evaluate_labels(path)`, `nianbao classify FILE|-`, the spaCy factory
  `nianbao_paragraph_classifier` (`nianbao.sections.classifier_spacy.make_nlp()`).

## Scores

{_figures_table(report)}

{_targets(report)}

## What it does

Tags each narrative paragraph of a 政府信息公开工作年度报告 with one of
{', '.join(f'`{label}`' for label in labels)} (gold.md).

1. **Text model** ({report['kind']}): TF-IDF over jieba words (HMM off), character 1–3-grams (min_df 2) and a
   fixed list of cue words (继续/进一步/将 … 存在/不足/有待 … 收费/申请 …, weight {report.get('cue_weight', 0.5)}), digits folded
   to one symbol; multinomial logistic regression (C=20, balanced class weights, newton-cg). A second logistic
   model on the same features decides problem vs measure.
2. **Place in the report** (when `sections.segment` gives it): a part allows only its labels (0 preamble;
   1 overview/proactive/on_request/management; 2 proactive; 3–4 on_request; 5 problem/measure; 6 other),
   other labels keep {settings['part_floor']} of their probability; in part 五 the remaining problem/measure
   mass is shared by the two-label model; a subsection heading that names a label ("（一）主动公开",
   "(二) 改进措施") keeps {settings['subsection_floor']} for the others ({settings['part5_subsection_floor']} for a
   problem/measure heading in part 五, where those headings are unambiguous).
3. **Label order** (one report's paragraphs in reading order): a first-order Markov chain over labels
   estimated from the training reports, decoded with Viterbi (weight {settings['order_weight']}); the format's
   fixed part order is imposed on it: a step from problem/measure back to preamble…management keeps
   {settings['return_from_part5']} of its estimated probability.

Isolated text (`nianbao classify`, the spaCy component) uses step 1 and the descriptive title a paragraph may open
with ("（五）监督保障情况。", read as a subsection heading would be); `--in-order` adds step 3.

## Data

- Hand labels: `corpus/labels/paragraphs.jsonl` (159 rows; its annotator filed preamble paragraphs under
  `other`: rows labelled `other` that read like a preamble — "本报告根据《条例》…编制", "统计期限", "电子版…下载" —
  are trained as `preamble`; when scoring that file a `preamble` prediction counts as `other`), and the
  `paragraphs` of `corpus/samples/*/gold.json` (html and txt copies of a report counted once).
- Weak labels: every report of `corpus/samples` and `corpus/putian` (the 莆田 portal's development side) through
  `ingest.load` + `sections.segment`, then `nianbao.sections.classifier_weak.harvest`: the heading a paragraph sits
  under gives its label (text before 一、 → preamble; part 一's opening paragraph → overview, its subsections
  （一）主动公开 → proactive, （二）依申请公开 → on_request, （三）信息管理/（四）平台建设/（五）监督保障 → management;
  part 二 → proactive; 三/四 → on_request; part 五 → problem, then measure from where the measures begin —
  （二）改进措施, 下一步, 针对…, 将…, a second 一是… list — a paragraph that turns inside itself gives one example per
  side; 六 → other; legacy numbering likewise, by the part titles). The heading is **masked**: a title the
  paragraph carries inline ("（三）政府信息管理方面。") is cut off the example, so the model learns the wording.
  A heading that names two topics, table text, signatures and an appendix give no label. Training only.
  {_weak_section(report)}
- In training (the fixed split below): {', '.join(f'{n} {source}' for source, n in report['train']['sources'].items())}
  examples; a weak example weighs as much as a hand label ({report.get('weak_weight', 1.0)}).
- Never trained on: `corpus/heldout` (the 莆田 held-out split; scored only, see below).

**Fixed split by agency** (the shipped model): agency = URL host (without www./m./port) for the labels file, the
`meta.json` agency for the report folders (all pingtan reports are one agency). A stable hash puts ~30% of the
agencies with hand labels in the held-out split; the seed's agency is always held out, pingtan always trains; an
agency with weak labels only always trains (none of its paragraphs is scored). The shipped model is fitted on the
training side only, so every held-out hand label is unseen by it.

{_counts_table(report, labels)}

Held-out agencies ({len(report['test']['agencies'])}): {', '.join(report['test']['agencies'])}.

- macro-F1 in report order: {held['macro_f1']:.3f}; accuracy {held['accuracy']:.3f}; n = {held['n']}
- macro-F1 isolated: {text_only['macro_f1']:.3f}; accuracy {text_only['accuracy']:.3f}

{_scores_table(held, text_only)}

**Seed** (`corpus/samples/jinshui-sfj-2023-txt`, held out): through `ingest.load` + `sections.segment` +
`label_paragraphs`, every gold paragraph gets its gold label, checked by
`tests/test_classifier.py::test_seed_paragraphs_get_their_gold_labels`.

**Speed**: {speed.get('ms_per_paragraph', float('nan')):.3f} ms per paragraph ({speed.get('paragraphs', 0)} held-out
paragraphs labelled report by report at training time, load average {speed.get('load', float('nan')):.1f} on
{os.cpu_count()} cores). `benchmarks/classifier.py --baseline-rev REV` measures every real paragraph of the
development side the same way, this model and the one at git revision REV side by side (runs interleaved), with
their sizes: the trade of a model trained on more text.

{cv_section}{portal_section}{dev_section}## How the choices were made (and where held-out data was looked at)

- **Held-out portal split** (`corpus/heldout`): read only by code that keeps scores (no paragraph, label or
  error list of it is kept or printed). Its aggregate scores, per-label F1 and the confusion tables in this card
  were first read once the model and its settings were fixed; nothing in the model, the weak-label rules or the
  settings was changed after that (the one change after it added the shipped model's row, a measurement only).
  A later session (issue 14 follow-up) changed one setting, the label order weight (1.0 → 0.5), and the legacy
  part titles segmentation knows (below), both chosen on the agency cross-validation and the development reports
  only; it had seen this card's held-out aggregate figures (no paragraph or error of the split), and ran the
  held-out scoring once, after both were fixed (before: hand labels 0.830 / 0.760, weak labels 0.855 / 0.718, the
  shipped model 0.846 / 0.818, in report order / isolated).
- **Weak-label rules** (`classifier_weak`) were written by reading the segmented `corpus/putian` and
  `corpus/samples` reports, and checked against the samples' gold (agreement above).
- **Settings** (cue weight {report.get('cue_weight', 0.5)}, weak weight 1.0, model family) were chosen by the agency
  cross-validation above and by the development reports' figures: the cue weight went from 2.0 to 0.5 (agency CV
  0.932 → 0.935 in report order, 0.828 → 0.842 isolated; development reports 0.811 → 0.864 in report order,
  0.686 → 0.745 isolated; 0.25 and 0 were no better on the hand labels). Tried and dropped (no gain in isolated CV or on the
  development reports): C 5–100, character 4-grams, word bigrams, unbalanced classes, weak weights 0.5–3, a
  first-sentence block, hand-made style features, sentence-level augmentation, LSA features, a vocabulary kept to
  terms of ≥ 2 agencies, LinearSVC, ComplementNB, ridge, masking inline titles at inference too, a prior for
  paragraphs opening with a turn cue (对此, 针对…; it came after the fixed split's p0373 regressed, and was neutral).
  Adding `corpus/putian`'s weak labels was the one large gain (`notebooks/train_classifier.ipynb`, agency CV: hand
  labels only 0.918 in report order / 0.823 isolated, with the samples' weak labels 0.907 / 0.803, with
  `corpus/putian`'s too 0.940 / 0.859; all at order weight 1.0, before the legacy part titles). Reading a paragraph's own descriptive opening title when it is classified
  alone (`inline_headings`) gave isolated 0.842 → 0.852 (in report order unchanged).
- **Label order weight** {settings['order_weight']} (was 1.0, chosen before the weak labels): agency CV in report order
  0.940 → 0.947, development reports in report order 0.858 → 0.880 (isolated unchanged: it does not use it); 0 gave
  0.905 / 0.843, 0.25 0.932 / 0.872, 0.35 0.935 / 0.880, 0.75 0.945 / 0.872, 2 0.914 / 0.793. Tried in the same
  session and dropped (agency CV in report order / isolated, development reports in report order / isolated, against
  0.940 / 0.859 / 0.858 / 0.744 or, with the order weight 0.5, 0.947 / 0.859 / 0.880 / 0.744): a log-linear blend with
  complement naive Bayes (weight 0.3: 0.945 / 0.865 / 0.815 / 0.736; 1.0: 0.939 / 0.872 / 0.806 / 0.714), an extended
  cue list (intent 着力/力争/计划…, achieved 完成/共计/累计…, topic words; 0.937 / 0.856 / 0.866 / 0.749), examples
  weighted down by agency size (1/n^0.25…1: isolated CV 0.853–0.856, development isolated 0.719–0.735), the claim
  sentences of `corpus/labels/claims.jsonl` as weak proactive/on_request examples (0.939 / 0.849 / 0.869 / 0.744),
  training with leading enumerators or titles cut (0.948 / 0.857 / 0.880 / 0.742; 0.941 / 0.854 / 0.881 / 0.737),
  C 10/40, weak weight 0.7/1.5, subsection floor 0.05/0.3 (within ±0.005), and per-label biases for isolated text
  fitted on the cross-validation's out-of-fold probabilities (CV isolated 0.859 → 0.895 in-sample, but development
  isolated 0.744 → 0.710: it fits the hand labels' writers, not the portal's), and for isolated text the mean of its
  sentences' log-probabilities mixed with the paragraph's (weight 0.3–0.7: isolated CV 0.848–0.851, development
  isolated 0.721–0.723).
- **Legacy part titles** (`sections.PART_TITLES`): the 2008–2018 template's 三、依申请公开政府信息办理情况 and
  七、需要说明的事项与附表 were not part titles, so a legacy report's requests stayed in part 二 (labelled proactive) and
  its notes and 附表 in part 五 (labelled measure); found by reading the development reports' part 五 in report
  order. With them (part 3 and part 6): development reports in report order 0.880 → 0.906, isolated 0.744 → 0.730,
  agency CV 0.947 / 0.859 → 0.947 / 0.856; the development figures are on a changed set of weak labels (those
  reports' parts 三 and 七 now give on_request and other examples: 288 → 294 isolated). `nianbao check` gives the same
  claims and findings on every development report (`corpus/samples`, `corpus/putian`) with and without it.
- Earlier sessions (kept): the part-agreement gate (0.35 → {settings['agreement_min']}), the part 五 problem/measure
  model, the part 五 heading floor {settings['part5_subsection_floor']} and the no-step-back-from-part-五 rule
  ({settings['return_from_part5']}) came after reading held-out errors of the fixed split (the seed, one report's
  measures), so **the fixed split's figures are optimistic**; the cross-validation and the held-out portal are the
  broader figures.

## Limitations

- Isolated paragraphs stay well below paragraphs in their report: without the part and the heading, a measure
  worded as an action ("(二)做好财政预决算…公开") reads as proactive or management, a part 六 item about disclosure
  work ("政务公开工作要点落实情况") as proactive, and platform work (网站、新媒体) as proactive; the confusion tables
  above show where. Use `nianbao check` (or `label_paragraphs` on a segmented report) when the report is at hand.
- Weak labels are as good as the segmentation and the headings: a report whose item titles are dropped or whose
  headings name two topics gives fewer (or wrong) examples; see the agreement figure.
- On the held-out 莆田 split, in report order, problem, measure and other are the weak labels (see its table); this
  is not diagnosed, since that split's errors are not read. On the development reports measure is
  {dev_measure_text} in report
  order. One cause found there (legacy part titles, above) is fixed; others of the kind (part 五 paragraphs that
  segmentation merges or numbers apart) may remain.
- Small data: the hand labels come from {cv['hand_agencies'] if cv else 'about 40'} agencies, the weak labels from
  {report.get('weak_reports', '?')} reports of {report.get('weak_agencies', '?')} agencies; one report moves a per-label F1 by several points.
- The fixed split's p0373 ("对此,我们加强对工作人员进行培训…") is a measure in its report but management alone;
  the model before issue 14 got it alone too (its isolated macro-F1 on that split was 0.778, now
  {text_only['macro_f1']:.3f}).
- Probabilities: after the place prior and Viterbi, `score` is the adjusted probability of the chosen label, not
  a calibrated one.
"""


def write(model_dir: Path, report: dict[str, Any], labels: tuple[str, ...], settings: dict[str, Any]) -> Path:
    path = model_dir / "MODEL_CARD.md"
    path.write_text(render(report, labels, settings), encoding="utf-8")
    return path
