"""Page text broken at every inline span (莆田 portal): paragraphs rebuilt, figures whole, provenance kept."""

from __future__ import annotations

from pathlib import Path

from nianbao.ingest import load
from nianbao.pipeline import check
from nianbao.sections import segment

PUTIAN = Path(__file__).resolve().parent.parent / "corpus" / "putian"
KJJ = PUTIAN / "putian-ptkjj-2019" / "source.txt"


def test_lines_broken_mid_sentence_are_one_paragraph_again():
    _parts, paragraphs = segment(load(KJJ))
    texts = [p.text for p in paragraphs]
    # The preamble runs over 11 lines in the page text ("（以下简称" / "“《条例》”）…" / "www.putian.gov.cn" …).
    preamble = next(t for t in texts if t.startswith("根据《中华人民共和国政府信息公开条例》（以下简称"))
    assert "“《条例》”）以及" in preamble and "（www.putian.gov.cn）下载" in preamble and preamble.endswith("）。")
    # Part 一 (一) is one paragraph holding its figures whole, headed by its run-in heading.
    proactive = next(t for t in texts if t.startswith("（一）主动公开及依申请公开情况。"))
    assert "主动公开政府信息87件" in proactive and "来办理依申请公开申请。" in proactive
    # Table cells printed one per line are not narrative paragraphs.
    assert not any(t.strip() in {"0", "不予公开", "自然人"} for t in texts)
    assert len(paragraphs) < 20


def test_claims_across_a_line_break_point_at_the_source():
    text = KJJ.read_text(encoding="utf-8")
    result = check(KJJ, classify=False)
    assert ("proactive_total", 87) in {(c.metric, c.value) for c in result.claims}
    for c in result.claims:
        # The span covers the printed characters, line breaks included; the claim's text leaves them out.
        assert text[c.prov.start : c.prov.end].replace("\n", "") == c.text


def test_text_with_a_line_per_paragraph_is_left_as_it_is():
    seed = Path(__file__).resolve().parent.parent / "corpus" / "samples" / "jinshui-sfj-2023-txt" / "source.txt"
    _parts, paragraphs = segment(load(seed))
    assert all(not p.gaps for p in paragraphs)
