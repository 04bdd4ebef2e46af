"""Part segmentation and paragraphs, on real reports and heading variants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nianbao.ingest import load
from nianbao.model import Document, Block, Provenance
from nianbao.sections import part_of_heading, segment

from sample_data import SAMPLES, sample_gold, sample_source


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_every_gold_paragraph_is_found_with_its_part(name: str):
    parts, paras = segment(load(sample_source(name)))
    gold = sample_gold(name)["paragraphs"]
    texts = [_norm(p.text) for p in paras]
    found = sum(1 for g in gold if any(_norm(g["text"]) in t or (len(t) > 10 and t in _norm(g["text"])) for t in texts))
    assert found >= len(gold) - 1, f"{found}/{len(gold)} gold paragraphs found"
    if not name.startswith(("pingtan-2015", "pingtan-2016")):
        assert [p.number for p in parts] == [0, 1, 2, 3, 4, 5, 6]
        for g in gold:
            hit = next((p for p in paras if _norm(g["text"]) in _norm(p.text)), None)
            if hit is None:
                continue
            if g["label"] in ("problem", "measure"):
                assert hit.part == 5, g["text"][:30]
            if g["label"] == "preamble":
                assert hit.part == 0


@pytest.mark.parametrize(
    "heading,part",
    [
        ("一、总体情况", 1),
        ("二、主动公开政府信息情况", 2),
        ("三、收到和处理政府信息公开申请情况", 3),
        ("四、政府信息公开行政复议、行政诉讼情况", 4),
        ("五、政府信息公开工作存在的主要问题及改进情况", 5),
        ("五、存在的主要问题及改进情况", 5),
        ("六、其他需要报告的事项", 6),
        ("第一部分 总体情况", 1),
        ("一、概述", 1),
        # the legacy (2008-2018) template's titles
        ("三、依申请公开政府信息办理情况", 3),
        ("七、需要说明的事项与附表", 6),
        ("（一）主动公开情况", None),
        ("2023年全年共主动公开信息", None),
    ],
)
def test_part_heading_variants(heading: str, part):
    assert part_of_heading(heading) == part


def test_merged_and_missing_parts_keep_order():
    text = "一、总体情况\n本年度工作平稳。\n五、存在的主要问题及改进情况\n一是解读不够。下一步将加强。\n六、其他需要报告的事项\n无。"
    blocks, pos = [], 0
    for line in text.split("\n"):
        blocks.append(Block("paragraph", line, Provenance(start=pos, end=pos + len(line))))
        pos += len(line) + 1
    parts, paras = segment(Document(source="x", format="txt", text=text, blocks=blocks))
    assert [p.number for p in parts] == [1, 5, 6]
    assert [(p.part, p.text) for p in paras] == [(1, "本年度工作平稳。"), (5, "一是解读不够。下一步将加强。"), (6, "无。")]
    for p in paras:
        assert text[p.prov.start:p.prov.end] == p.text


def test_one_line_copied_page_is_cut_at_headings():
    parts, paras = segment(load(sample_source("pingtan-2023-txt")))
    assert [p.number for p in parts] == [0, 1, 2, 3, 4, 5, 6]
    part5 = [p for p in paras if p.part == 5]
    assert any(p.text.startswith("存在的问题主要有以下几个方面") for p in part5)
    # Flattened table text is not narrative.
    assert not any("本年新收" in p.text for p in paras)


def test_a_legacy_report_keeps_its_part_three_and_its_notes_apart():
    """莆田 2009 (legacy template): "三、依申请公开政府信息办理情况" opens part 3, and
    "七、需要说明的事项与附表" ends part 五 (problems and measures): its notes are part 六's."""
    source = Path(__file__).resolve().parents[1] / "corpus" / "putian" / "putian-ptszf-2009" / "source.txt"
    _parts, paras = segment(load(source))

    def part_of(start: str) -> int:
        return next(p.part for p in paras if p.text.startswith(start))

    assert part_of("全市各级政府及其工作部门共受理政府信息公开申请421件") == 3
    assert part_of("“不予公开”的政府信息情况主要为") == 3
    assert part_of("3.通过建立政府信息公开示范单位") == 5
    assert part_of("2009年全市依申请政府信息公开信息数仅421件") == 6
