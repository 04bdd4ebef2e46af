"""The cue matcher finds exactly the cues spaCy's PhraseMatcher found over the same jieba
segmenter, on every labelled sentence and every paragraph of the sample reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.claims.cues import CUE_PHRASES, Cue, CueFinder, _drop_nested

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "corpus" / "labels"
SAMPLES = ROOT / "corpus" / "samples"


class SpacyCueFinder:
    """The former implementation, kept here as the reference: a spaCy PhraseMatcher over a blank
    ``zh`` pipeline whose segmenter is the same private jieba."""

    def __init__(self, cue_phrases=CUE_PHRASES) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        from nianbao.segmenter import private_tokenizer

        self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        segmenter = private_tokenizer()
        for phrases in cue_phrases.values():
            for phrase in phrases:
                segmenter.add_word(phrase, freq=200000)
        self.nlp.tokenizer.jieba_seg = segmenter
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for label, phrases in cue_phrases.items():
            self.matcher.add(label, [self.nlp.make_doc(p) for p in phrases])

    def __call__(self, text: str) -> list[Cue]:
        doc = self.nlp.make_doc(text)
        found = [
            Cue(self.nlp.vocab.strings[match_id], doc[s:e].start_char, doc[s:e].end_char, doc[s:e].text)
            for match_id, s, e in self.matcher(doc)
        ]
        return _drop_nested(found)


def _labelled_texts() -> list[str]:
    texts = [json.loads(line)["sentence"] for line in (LABELS / "claims.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [json.loads(line)["text"] for line in (LABELS / "paragraphs.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for gold in sorted(SAMPLES.glob("*/gold.json")):
        data = json.loads(gold.read_text(encoding="utf-8"))
        texts += [c["text"] for c in data.get("claims", [])] + [p["text"] for p in data.get("paragraphs", [])]
    return texts


def _report_paragraphs() -> list[str]:
    from nianbao import ingest, sections

    texts = []
    for source in sorted(SAMPLES.glob("*/source.*")):
        _parts, paragraphs = sections.segment(ingest.load(source))
        texts += [p.text for p in paragraphs]
    return texts


@pytest.fixture(scope="module")
def finders():
    pytest.importorskip("spacy")
    return CueFinder(), SpacyCueFinder()


def test_same_cues_as_spacy_on_every_labelled_sentence(finders):
    ours, reference = finders
    texts = _labelled_texts()
    assert len(texts) > 250
    differ = [t for t in texts if ours(t) != reference(t)]
    assert not differ, differ[:3]
    assert sum(len(ours(t)) for t in texts) > 1000  # the comparison is not vacuous


def test_same_cues_as_spacy_on_every_sample_report_paragraph(finders):
    ours, reference = finders
    texts = _report_paragraphs()
    assert len(texts) > 200
    differ = [t for t in texts if ours(t) != reference(t)]
    assert not differ, differ[:3]


def test_whitespace_inside_a_phrase_as_in_spacy():
    """Every cue phrase is one jieba token today; a phrase of several tokens matches across one
    plain space between them but not across a line break or a run of spaces (spaCy keeps one
    space as the token's trailing space and makes any other whitespace a token)."""
    pytest.importorskip("spacy")
    phrases = {"SPLIT": ("信息 公开", "申请 数量 统计"), "ONE": ("予以公开",)}
    ours, reference = CueFinder(phrases), SpacyCueFinder(phrases)
    assert [len(t) for v in ours.phrases.values() for t, _ in v if len(t) > 1] == [2, 3]
    texts = ["政府信息 公开3件", "政府信息\n公开", "信息  公开", " 信息 公开", "申请 数量 统计表", "申请 数量\t统计", "\n\n予以公开\t8件 "]
    for text in texts:
        assert ours(text) == reference(text), text
    assert [c.text for c in ours("政府信息 公开3件")] == ["信息 公开"]
    assert ours("政府信息\n公开") == []


def test_claims_do_not_import_spacy():
    code = (
        "import sys\n"
        "from nianbao.claims.cues import cue_finder\n"
        "cues = cue_finder()('全年共收到政府信息公开申请12件，予以公开8件。')\n"
        "assert {'RECEIVE', 'GRANTED'} <= {c.label for c in cues}, cues\n"
        "print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
