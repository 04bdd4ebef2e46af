"""The narrative paragraph classifier on real report text (held-out agencies only)."""

from __future__ import annotations

import json
import os
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nianbao import training
from nianbao.model import Paragraph
from nianbao.sections import classifier as clf
from nianbao.sections.classifier_data import (
    LABELS,
    agency_of_url,
    is_test_agency,
    load_gold_paragraphs,
    load_labels_jsonl,
    split_by_agency,
    weak_label,
)

ROOT = Path(__file__).resolve().parents[1]
LABELS_PATH = ROOT / "corpus" / "labels" / "paragraphs.jsonl"
SAMPLES = ROOT / "corpus" / "samples"
SEED = SAMPLES / "jinshui-sfj-2023-txt"


@pytest.fixture(scope="module")
def model() -> clf.ParagraphClassifier:
    return clf.ParagraphClassifier.load()  # the model shipped in the package


def _labels_rows() -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, LABELS_PATH.read_text(encoding="utf-8").splitlines())}


# ---- the split ---------------------------------------------------------------------------------


def test_split_keeps_every_agency_on_one_side():
    examples = load_labels_jsonl(LABELS_PATH) + load_gold_paragraphs(SAMPLES)
    train, test = split_by_agency(examples)
    assert {e.agency for e in train}.isdisjoint({e.agency for e in test})
    assert "郑州市金水区司法局" in {e.agency for e in test}  # the seed is always held out
    assert "平潭综合实验区管委会" in {e.agency for e in train}
    # every label the scores are reported for is present in the held-out split
    assert {e.label for e in test} == set(LABELS)


def test_agency_of_url_ignores_www_and_port():
    assert agency_of_url("https://www.sinan.gov.cn/zwgk/x.html") == "sinan.gov.cn"
    assert agency_of_url("http://180.76.149.248:88/book/dzs/shenji/p.html") == "180.76.149.248"
    assert agency_of_url("https://m.zjtcn.com/news/1.html") == "zjtcn.com"


def test_the_shipped_model_never_saw_a_held_out_agency(model):
    trained_on = set(model.info["train"]["agencies"])
    held_out = set(model.info["test"]["agencies"])
    assert trained_on.isdisjoint(held_out)
    assert all(is_test_agency(a) for a in held_out)


# ---- real held-out paragraphs ------------------------------------------------------------------

HELD_OUT_EXPECTED = {
    "p0027": "other",  # 本报告由南平市…根据《条例》… (a preamble; the labels file calls it other)
    "p0032": "problem",  # 目前,我市政府信息公开工作还存在一些不足:一是…
    "p0050": "on_request",  # (二)依申请公开情况。…
    "p0067": "problem",
    "p0146": "other",  # 2021年文瀛湖街道无其他需要报告的事项
    "p0252": "problem",
    "p0270": "overview",
    "p0369": "on_request",
    "p0370": "other",  # 没有因政府信息公开而产生的收费
    "p0372": "problem",
    "p0315": "management",  # (四)平台建设情况。我镇专门配备人员负责平台后台…: its own title says so
}


@pytest.mark.parametrize("row_id,expected", sorted(HELD_OUT_EXPECTED.items()))
def test_held_out_paragraph_gets_its_hand_label(model, row_id, expected):
    row = _labels_rows()[row_id]
    assert is_test_agency(agency_of_url(row["url"])), "only held-out paragraphs may be used here"
    label, score = model.predict([row["text"]])[0]
    label = "other" if label == "preamble" else label  # the labels file has no preamble label
    assert label == expected, f"{row_id}: {row['text'][:40]}… got {label} ({score:.2f})"


def test_a_measure_worded_as_management_work_is_a_measure_in_its_report(model):
    """p0373 "对此,我们加强对工作人员进行培训…同时制定…目录指引" (held out): right after its
    report's problems it is a measure; alone it reads as management (the model card's limitation),
    which is why ``nianbao check`` labels whole reports."""
    rows = _labels_rows()
    report = [row for row in rows.values() if row["url"] == rows["p0373"]["url"]]
    assert is_test_agency(agency_of_url(rows["p0373"]["url"]))
    paragraphs = [Paragraph(row["text"], part=-1, index=i) for i, row in enumerate(report)]
    labels = {row["id"]: label for row, (label, _) in zip(report, model.label_report(paragraphs))}
    assert (labels["p0372"], labels["p0373"]) == ("problem", "measure")


def test_an_opening_title_decides_a_paragraph_alone(model):
    """A paragraph that opens with its own descriptive title ("(四)平台建设情况。") is read by it
    when classified alone, as a subsection heading is read in a report."""
    text = _labels_rows()["p0315"]["text"]
    assert text.startswith("(四)平台建设情况。")
    assert clf.LABELS[int(np.argmax(model.predict_proba([text])[0]))] != "management"  # the words alone
    assert model.predict([text])[0][0] == "management"


def test_held_out_scores_do_not_regress(model):
    """Scores on all held-out hand labels, labelled in report order (what label_paragraphs does)."""
    examples = training.load_training_examples()
    _train, test = training.split_examples(examples)
    assert {e.source for e in test} <= {"labels", "gold"}
    result = training.evaluate_examples(model, test, in_order=True)
    assert result["macro_f1"] >= 0.80, result["per_label"]
    assert result["per_label"]["problem"]["f1"] >= 0.85
    assert result["per_label"]["measure"]["f1"] >= 0.85
    assert result["per_label"]["preamble"]["f1"] >= 0.9


def test_label_order_does_not_step_back_from_part_five():
    """A run of measures worded like disclosure work, right after the problems, stays measures:
    the format's part order is imposed on the label order model."""
    order = training.estimate_label_order([["overview", "proactive", "proactive", "management", "problem", "measure", "measure", "other"]] * 3)
    i = clf.LABELS.index
    probs = np.full((4, len(clf.LABELS)), 0.02)
    probs[0, i("problem")] = 0.9
    for row in probs[1:]:
        row[i("proactive")], row[i("measure")] = 0.55, 0.25
    probs /= probs.sum(axis=1, keepdims=True)
    assert [clf.LABELS[k] for k in order.decode(probs)] == ["problem", "measure", "measure", "measure"]


def test_evaluate_labels_scores_only_held_out_rows(model):
    result = training.evaluate_labels(LABELS_PATH, model)
    held_out = [r for r in _labels_rows().values() if is_test_agency(agency_of_url(r["url"]))]
    assert result["n"] == len(held_out)
    assert 0.6 <= result["macro_f1"] <= 1.0
    matrix = result["confusion"]
    assert len(matrix) == len(result["labels"]) and sum(map(sum, matrix)) == result["n"]
    assert set(result["per_label"]["problem"]) == {"precision", "recall", "f1", "support"}
    assert "preamble" not in result["labels"]  # a preamble prediction counts as `other` here


# ---- the seed report, through ingest + segment -------------------------------------------------


def _segmented_seed() -> list[Paragraph]:
    from nianbao import ingest, sections

    _parts, paragraphs = sections.segment(ingest.load(SEED / "source.txt"))
    return paragraphs


def test_seed_paragraphs_get_their_gold_labels(model):
    paragraphs = _segmented_seed()
    clf.label_paragraphs(paragraphs, model)
    gold = {p["text"]: p["label"] for p in json.loads((SEED / "gold.json").read_text(encoding="utf-8"))["paragraphs"]}
    by_text = {p.text.strip(): p for p in paragraphs}
    missing = [t for t in gold if t not in by_text]
    assert not missing, f"segment no longer yields these gold paragraphs: {missing}"
    wrong = {t[:30]: (by_text[t].label, label) for t, label in gold.items() if by_text[t].label != label}
    assert not wrong, wrong
    part5 = [p for p in paragraphs if p.part == 5]
    assert part5 and all(p.label in ("problem", "measure") for p in part5)
    assert all(0.0 <= (p.score or 0) <= 1.0 for p in paragraphs)


def test_seed_part_one_subsections_get_their_labels(model):
    paragraphs = [p for p in _segmented_seed() if p.part == 1 and p.subsection]
    clf.label_paragraphs(paragraphs, model)
    by_heading = {p.subsection[:5]: p.label for p in paragraphs}
    assert by_heading["（一）主动"] == "proactive"
    assert by_heading["（二）依申"] == "on_request"
    assert by_heading["（三）政府"] == "management"
    assert by_heading["（四）政府"] == "management"


# ---- mixed problem / measure paragraphs ---------------------------------------------------------


def test_split_mixed_finds_the_turn_to_measures(model):
    # pingtan-2016 gold: one "problem" paragraph that ends by announcing the measures
    text = next(e.text for e in load_gold_paragraphs(SAMPLES) if e.text.startswith("2016年，我区政府信息公开工作取得了明显进展"))
    spans = clf.split_mixed(text, model)
    assert [label for _, _, label in spans] == ["problem", "measure"]
    assert text[spans[1][0] : spans[1][1]].startswith("2016年，我们将采取以下措施加以改进")
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a < b for a, b, _ in spans) and all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))


def test_split_mixed_keeps_a_pure_problem_list_whole(model):
    seed_problem = "一是重点领域信息公开工作还需加强，公共法律服务领域是群众关切的领域，对相关政策的进一步解读、细化较少；二是信息公开缺少标准化。"
    assert clf.split_mixed(seed_problem, model) == [(0, len(seed_problem), "problem")]


def test_split_mixed_of_a_held_out_problem_then_measure_paragraph(model):
    text = _labels_rows()["p0142"]["text"]  # pingcheng (held out): 虽然…存在⼀些差距…针对上述问题,我街将…
    labels = [label for _, _, label in clf.split_mixed(text, model)]
    assert labels == ["problem", "measure"]


# ---- weak labels -------------------------------------------------------------------------------


def test_weak_labels_follow_the_report_headings():
    assert weak_label(Paragraph("…", part=0, index=0)) == "preamble"
    assert weak_label(Paragraph("…", part=5, index=0, subsection="(一) 存在问题")) == "problem"
    assert weak_label(Paragraph("…", part=5, index=0, subsection="(二) 改进措施")) == "measure"
    assert weak_label(Paragraph("…", part=1, index=0, subsection="（一）主动公开情况；")) == "proactive"
    assert weak_label(Paragraph("…", part=6, index=0)) == "other"
    assert weak_label(Paragraph("…", part=5, index=0)) is None  # no heading: cannot tell


# ---- saving, loading, fallback -----------------------------------------------------------------

SMALL_TRAINING = [
    ("本报告根据《中华人民共和国政府信息公开条例》要求编制。", "preamble"),
    ("本年度报告中所列数据统计期限为2022年1月1日至12月31日。", "preamble"),
    ("全年主动公开政府信息141条。", "proactive"),
    ("及时公开财政预决算信息，主动公开政策文件。", "proactive"),
    ("共收到政府信息公开申请3件，均已按时答复。", "on_request"),
    ("未收到政府信息公开申请。", "on_request"),
    ("一是信息公开不够及时；二是公开内容不够全面。", "problem"),
    ("存在的问题主要是政策解读形式单一。", "problem"),
    ("下一步，我局将加强培训，进一步规范信息发布。", "measure"),
    ("继续完善信息公开机制，提高公开质量。", "measure"),
]


def _small_model() -> training.SklearnClassifier:
    from nianbao.sections.classifier_data import LabelledText

    examples = [LabelledText(t, label, agency="a", source="labels", document="d") for t, label in SMALL_TRAINING]
    return training.fit(examples)


def test_saved_model_is_json_and_npz_and_gives_the_same_probabilities(tmp_path):
    fitted = _small_model()
    model = fitted.export()
    model.info = {"version": training.MODEL_VERSION}
    path = model.save(tmp_path)
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == clf.FORMAT
    assert zipfile.is_zipfile(tmp_path / clf.ARRAYS_FILENAME)  # numpy's npz: plain arrays, no pickle
    loaded = clf.ParagraphClassifier.load(tmp_path)
    texts = [t for t, _ in SMALL_TRAINING] + ["本年度未收取信息处理费。"]
    assert np.allclose(loaded.predict_proba(texts), fitted.predict_proba(texts), rtol=0, atol=1e-12)
    assert loaded.transitions is not None and np.array_equal(loaded.transitions.matrix, fitted.transitions.matrix)
    assert np.allclose(loaded.problem_probability(texts), fitted.problem_probability(texts), rtol=0, atol=1e-12)
    assert loaded.info == {"version": training.MODEL_VERSION}


def test_loading_refuses_pickled_arrays(tmp_path):
    """An npz whose array needs pickle (an object array could run code on load) is refused."""
    _small_model().export().save(tmp_path)
    np.savez(tmp_path / clf.ARRAYS_FILENAME, **{"text_model.coef": np.array([os.system], dtype=object)})
    with pytest.raises(ValueError, match="cannot be read"):
        clf.ParagraphClassifier.load(tmp_path)


def test_loading_refuses_a_file_of_another_format(tmp_path):
    _small_model().export().save(tmp_path)
    spec = json.loads((tmp_path / clf.MODEL_FILENAME).read_text(encoding="utf-8"))
    spec["format_version"] = 99
    (tmp_path / clf.MODEL_FILENAME).write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ValueError, match="nianbao train"):
        clf.ParagraphClassifier.load(tmp_path)


def test_fallback_without_model_is_a_message_and_uses_headings(tmp_path):
    paragraphs = [
        Paragraph("本报告根据《条例》编制。", part=0, index=0),
        Paragraph("一是公开不及时。", part=5, index=1, subsection="(一) 存在问题"),
        Paragraph("对于群众关切的领域，要提高信息公开频率。", part=5, index=2),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the result carries it: no Python warning on the side
        messages = clf.label_paragraphs(paragraphs, model_dir=tmp_path)
    assert [(m.level, m.code) for m in messages] == [("warning", "model-missing")]
    assert str(tmp_path) in messages[0].text and "nianbao train" in messages[0].text
    assert [p.label for p in paragraphs] == ["preamble", "problem", None]
    assert paragraphs[2].score is None


def test_the_packaged_model_gives_no_message(model):
    paragraphs = [Paragraph("一是公开不及时。", part=5, index=0, subsection="(一) 存在问题")]
    assert clf.label_paragraphs(paragraphs) == []
    assert paragraphs[0].label == "problem" and paragraphs[0].score is not None


def test_label_paragraphs_on_nothing_is_a_no_op(model):
    clf.label_paragraphs([], model)


# ---- spaCy component ---------------------------------------------------------------------------


def test_spacy_component_sets_doc_cats(model):
    from nianbao.sections.classifier_spacy import FACTORY, make_nlp

    nlp = make_nlp()
    assert nlp.lang == "zh" and nlp.pipe_names == [FACTORY]
    text = _labels_rows()["p0372"]["text"]  # held out: 一年下来…但仍存在的以下问题有
    doc = nlp(text)
    assert [t.text for t in doc][:3] == ["一年", "下来", "政府"]  # jieba words
    assert set(doc.cats) == set(LABELS)
    assert abs(sum(doc.cats.values()) - 1.0) < 1e-6
    assert doc._.paragraph_label == "problem" == max(doc.cats, key=doc.cats.get)
    docs = list(nlp.pipe([text, _labels_rows()["p0370"]["text"]]))
    assert [d._.paragraph_label for d in docs] == ["problem", "other"]


def test_spacy_component_without_model_says_what_to_do(tmp_path):
    from nianbao.sections.classifier_spacy import make_nlp

    with pytest.raises(FileNotFoundError, match="nianbao train"):
        make_nlp(tmp_path)


# ---- CLI ---------------------------------------------------------------------------------------


def _runner():
    from typer.testing import CliRunner

    from nianbao.cli import app

    return CliRunner(), app


def test_cli_classify_reads_stdin_and_prints_json_lines():
    runner, app = _runner()
    rows = _labels_rows()
    lines = [rows["p0252"]["text"], rows["p0370"]["text"], ""]
    result = runner.invoke(app, ["classify", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in out] == lines[:2]
    assert [o["label"] for o in out] == ["problem", "other"]
    assert all(0 < o["score"] <= 1 for o in out)


def test_cli_classify_file_and_missing_file(tmp_path):
    runner, app = _runner()
    src = tmp_path / "paras.txt"
    src.write_text("2013年,我镇政府未收到信息公开的申请,也无不予公开信息的情况发生。\n", encoding="utf-8")
    ok = runner.invoke(app, ["classify", str(src)])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["label"] == "on_request"
    missing = runner.invoke(app, ["classify", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "not a readable file" in missing.output


def test_cli_classify_without_model_fails_clearly(tmp_path):
    runner, app = _runner()
    result = runner.invoke(app, ["classify", "-", "--model-dir", str(tmp_path)], input="一是公开不及时。\n")
    assert result.exit_code == 2 and "nianbao train" in result.output


def test_cli_train_writes_a_loadable_model(tmp_path):
    runner, app = _runner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = runner.invoke(app, ["train", "--out", str(tmp_path), "--no-weak", "--evaluate"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["train"]["agencies"]).isdisjoint(report["test"]["agencies"])
    assert 0.5 < report["held_out"]["macro_f1"] <= 1.0
    cv = report["agency_cv"]  # every hand label scored once, by a model that never saw its agency
    assert cv["n"] == report["test"]["n"] + sum(report["train"]["sources"].get(s, 0) for s in ("labels", "gold"))
    assert 0.5 < cv["macro_f1"] <= 1.0
    assert cv["isolated"]["n"] == cv["n"] and 0.5 < cv["isolated"]["macro_f1"] <= 1.0  # and each paragraph alone
    assert "portal_dev" not in report  # no weak labels, no 莆田 reports: nothing to hold out
    card = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert f"| cross-validation by agency, hand labels | {cv['macro_f1']:.3f} | {cv['isolated']['macro_f1']:.3f} |" in card
    loaded = clf.ParagraphClassifier.load(tmp_path)
    assert loaded.predict(["本年度未收取政府信息公开处理费。"])[0][0] == "other"


def test_a_missing_model_is_a_message_on_the_checked_result(tmp_path):
    """Settings.model_dir (nianbao.toml [classifier], NIANBAO_MODEL_DIR) reaches the classifier;
    a folder without a model is said on the result, and the paragraphs keep their heading labels."""
    from nianbao.pipeline import check

    missing = check(SEED / "source.txt", model_dir=tmp_path)
    assert [m.code for m in missing.messages if m.code.startswith("model")] == ["model-missing"]
    assert str(tmp_path) in next(m.text for m in missing.messages if m.code == "model-missing")
    assert all(p.score is None for p in missing.paragraphs)
    shipped = check(SEED / "source.txt")
    assert not [m for m in shipped.messages if m.code.startswith("model")]
    assert all(p.score is not None for p in shipped.paragraphs)
