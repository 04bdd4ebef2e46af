"""Weak labels read off a report's own headings (``sections.classifier_weak``), on real reports of
the development side (corpus/putian, corpus/samples) and on paragraphs shaped as sections.segment
gives them."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao import ingest, sections
from nianbao.model import Paragraph
from nianbao.sections.classifier_weak import harvest, heading_label, split_title

ROOT = Path(__file__).resolve().parents[1]
PUTIAN = ROOT / "corpus" / "putian"


def _harvest(folder: str) -> tuple[list[Paragraph], dict[int, list]]:
    source = next((PUTIAN / folder).glob("source.*"))
    _parts, paragraphs = sections.segment(ingest.load(source))
    by_index: dict[int, list] = {}
    for weak in harvest(paragraphs):
        by_index.setdefault(weak.index, []).append(weak)
    return paragraphs, by_index


def _labels_of(folder: str, start: str) -> list[str]:
    """The weak labels of the paragraphs whose text starts with ``start``."""
    paragraphs, by_index = _harvest(folder)
    return [w.label for i, p in enumerate(paragraphs) if p.text.startswith(start) for w in by_index.get(i, [])]


# ---- the national layout, on a real report -----------------------------------------------------


def test_a_2023_report_gets_the_labels_its_headings_give():
    paragraphs, by_index = _harvest("putian-ptwgj-2023")
    labels = {w.label for ws in by_index.values() for w in ws}
    assert labels == {"preamble", "overview", "proactive", "on_request", "management", "problem", "measure", "other"}
    assert _labels_of("putian-ptwgj-2023", "根据《中华人民共和国政府信息公开条例》") == ["preamble"]
    assert _labels_of("putian-ptwgj-2023", "2023年，莆田市文化和旅游局围绕") == ["overview"]
    assert _labels_of("putian-ptwgj-2023", "2023年，我局办理答复信息公开申请4件") == ["on_request"]
    assert _labels_of("putian-ptwgj-2023", "我局2023年度未产生信息公开处理费用") == ["other"]


def test_a_title_split_from_its_bare_numeral_is_still_the_heading():
    """Segmentation gives the subsection "（三）" and the paragraph "加强政府信息管理。": the
    paragraphs after it are management, and the title line itself is no example."""
    assert _labels_of("putian-ptwgj-2023", "结合上级部门信息公开发布、信息公开审查") == ["management"]
    assert _labels_of("putian-ptwgj-2023", "加强政府信息管理。") == []


def test_part_five_problems_then_measures_by_their_headings():
    assert _labels_of("putian-ptwgj-2023", "一是信息公开的内容有待进一步充实") == ["problem"]
    # a list item closing the problems ("二是…有待进一步提高。") is an example of its own
    assert _labels_of("putian-ptwgj-2023", "二是信息公开新思路、新举措还有待进一步提高") == ["problem"]
    assert _labels_of("putian-ptwgj-2023", "围绕文化旅游领域中心工作及社会关注关切") == ["measure"]


def test_an_item_title_line_joins_the_paragraph_it_heads():
    paragraphs, by_index = _harvest("putian-ptwgj-2023")
    body = next(i for i, p in enumerate(paragraphs) if p.text.startswith("围绕文化旅游领域中心工作"))
    assert [w.text[:12] for w in by_index[body]] == ["一是加大政务公开工作力度"]


def test_signature_and_date_lines_are_no_example():
    assert _labels_of("putian-ptcg-2024", "莆田市城市管理局") == []
    assert _labels_of("putian-ptcg-2024", "2025年1月10日") == []
    assert _labels_of("putian-ptcg-2024", "（此件主动公开）") == []
    assert _labels_of("putian-ptcg-2024", "2024年，我局未收取信息处理费") == ["other"]


# ---- part 五 without problem/measure headings ---------------------------------------------------


def test_a_part_five_paragraph_that_turns_to_measures_gives_both_sides():
    """wgxj 2016: "…但还需进一步拓展公开渠道…。下一步，我局将继续加强组织领导…" is split where the
    measures begin; the numbered items after it are measures."""
    paragraphs, by_index = _harvest("putian-wgxj-2016")
    i = next(i for i, p in enumerate(paragraphs) if p.text.startswith("总之，我局的政府信息公开工作"))
    assert [(w.label, w.text[:4]) for w in by_index[i]] == [("problem", "总之，我"), ("measure", "下一步，")]
    assert _labels_of("putian-wgxj-2016", "按照政务公开工作的要求，加强与上级主管部门沟通联系") == ["measure"]


def test_a_problem_list_then_a_measure_list_without_headings():
    paragraphs = [
        Paragraph("一是信息公开内容深度和广度不够；二是网上办事功能不够完善。", part=5, index=0),
        Paragraph("一是不断健全完善政府信息公开工作机制，切实做好信息的更新维护。", part=5, index=1),
        Paragraph("本年度未收取信息处理费。", part=6, index=2),
    ]
    assert [w.label for w in harvest(paragraphs)] == ["problem", "measure", "other"]


# ---- legacy numbering and lost headings ---------------------------------------------------------


def test_a_legacy_report_by_its_legacy_part_titles():
    """莆田 2008 (legacy template): part 三 "依申请公开政府信息办理情况" gives on_request, part 七
    "需要说明的事项与附表" other (it is not part of 六, the problems and measures), its 附表 nothing."""
    assert _labels_of("putian-ptszf-2008", "全市各级政府及其工作部门共受理政府信息公开申请100件") == ["on_request"]
    assert _labels_of("putian-ptszf-2008", "各级政府及其工作部门分别对政府信息进行了梳理和编目") == ["proactive"]
    assert _labels_of("putian-ptszf-2008", "2.政府信息公开文件移交不及时") == ["problem"]
    assert _labels_of("putian-ptszf-2008", "因2003年至2005年间部分县（区）政府及部门的信息") == ["other"]
    assert _labels_of("putian-ptszf-2008", "指标名称计量单位年末统计主动公开信息数") == []


def test_a_part_heading_taken_for_a_subsection():
    """ptwgj 2019: "一、" was read as a bare subsection of the preamble with "总体情况今年以来…"
    after it: the part heading is recognised, the paragraph is the overview (not a preamble),
    and the heading's words are cut off the example."""
    paragraphs, by_index = _harvest("putian-ptwgj-2019")
    i = next(i for i, p in enumerate(paragraphs) if p.text.startswith("总体情况今年以来"))
    assert paragraphs[i].part == 0
    assert [(w.label, w.text[:4]) for w in by_index[i]] == [("overview", "今年以来")]
    assert _labels_of("putian-ptwgj-2019", "2019年，我局共受理依申请公开1件") == ["on_request"]


# ---- the heading is masked ---------------------------------------------------------------------


def test_an_inline_title_is_cut_off_the_example(samples):
    """pingtan 2021: "（三）政府信息管理方面。一是加强组织领导。…" -> management, learned from
    "一是加强组织领导。…" (the words that gave the label are not in the example)."""
    _parts, paragraphs = sections.segment(ingest.load(samples / "pingtan-2021-html" / "source.html"))
    weak = [w for w in harvest(paragraphs) if paragraphs[w.index].text.startswith("（三）政府信息管理方面")]
    assert [(w.label, w.text[:6]) for w in weak] == [("management", "一是加强组织")]


def test_split_title_keeps_wording_that_names_no_label():
    assert split_title("（三）政府信息管理方面。一是加强组织领导。") == ("政府信息管理方面", "一是加强组织领导。")
    assert split_title("（一）继续强化信息公开责任。切实贯彻落实条例。") == (None, "（一）继续强化信息公开责任。切实贯彻落实条例。")
    # a title run into the text is only a title where the numeral was split off
    assert split_title("依申请公开工作2021年，我局共受理依申请公开4件。", unnumbered=True)[0] == "依申请公开工作"
    assert split_title("依申请公开工作2021年，我局共受理依申请公开4件。")[0] is None


@pytest.mark.parametrize(
    "heading,allowed,expected",
    [
        ("（一）主动公开情况；", None, "proactive"),
        ("(一) 存在问题", None, "problem"),
        ("(二) 改进措施", None, "measure"),
        ("（一）主动公开及依申请公开情况。", None, None),  # two topics: no label
        ("五、存在的主要问题及改进情况", None, None),
        ("(一)加强组织领导,完善工作机制", None, "management"),  # the first clause decides
        ("（三）落实和制定相关配套措施情况", ("overview", "proactive", "on_request", "management"), None),
    ],
)
def test_heading_label(heading, allowed, expected):
    assert heading_label(heading, allowed) == expected


def test_weak_labels_agree_with_the_samples_gold():
    """On the sample reports, a weak label and the hand label of the same text agree."""
    from nianbao import training
    from nianbao.sections.classifier_data import report_sources
    from nianbao.training.reports import segment_reports

    reports = segment_reports(report_sources(training.DEFAULT_SAMPLES_DIR))
    agreement = training.weak_label_agreement(reports)
    assert agreement["n"] >= 150
    assert agreement["agree"] / agreement["n"] >= 0.93, agreement
