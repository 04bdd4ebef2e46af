"""A report served in traditional characters (a portal's 繁體 page) reads like its simplified original."""

from __future__ import annotations

from pathlib import Path

import pytest
from opencc import OpenCC

from nianbao.ingest.script import to_simplified
from nianbao.pipeline import check

from sample_data import SAMPLES, sample_gold


@pytest.mark.parametrize("name", ["pingtan-2023-html", "pingtan-2020-txt"])
def test_traditional_page_gives_the_same_tables_claims_and_findings(tmp_path: Path, name: str):
    source = next((SAMPLES / name).glob("source.*"))
    printed = OpenCC("s2t").convert(source.read_text(encoding="utf-8"))  # what a 繁體 button serves
    assert "資訊" not in printed and "報告" in printed  # character conversion, as portals do it
    trad = tmp_path / source.name
    trad.write_text(printed, encoding="utf-8")
    simple, converted = check(source, classify=False), check(trad, classify=False)
    for table in simple.tables:
        assert converted.tables[table].values() == simple.tables[table].values()
    if name.endswith("-html"):  # every cell read (the copied-text twin leaves some T2 splits open)
        assert {t: converted.tables[t].values() for t in converted.tables} == sample_gold(name)["tables"]
    assert [(c.metric, c.value) for c in converted.claims] == [(c.metric, c.value) for c in simple.claims]
    assert [(f.code, f.cells) for f in converted.findings] == [(f.code, f.cells) for f in simple.findings]
    assert converted.agency == simple.agency and converted.year == simple.year
    assert any(m.code == "traditional-script" for m in converted.messages)
    # Evidence quotes the printed (traditional) words, at the printed offsets.
    quoted = [c for c in converted.claims if c.printed]
    assert len(quoted) == len(converted.claims) and any(c.printed != c.text for c in quoted)
    for c in quoted:
        assert printed.find(c.printed) >= 0 and to_simplified(c.printed) == c.text
    assert all(p.printed and to_simplified(p.printed) == p.text for p in converted.paragraphs)


def test_simplified_reports_are_not_converted():
    result = check(SAMPLES / "jinshui-sfj-2023-txt" / "source.txt", classify=False)
    assert not any(m.code == "traditional-script" for m in result.messages)
    assert all(c.printed is None for c in result.claims)


def test_the_character_map_holds_every_one_to_one_line_of_opencc_t2s():
    """Read line by line, OpenCC's TSCharacters.txt gives the same map as the one-pass reading."""
    import importlib.resources

    from nianbao.ingest.script import _char_map

    text = (importlib.resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8")
    expected = {}
    for line in text.splitlines():
        trad, _, readings = line.partition("\t")
        first = readings.split(" ")[0]
        if len(trad) == 1 and len(first) == 1:
            expected[ord(trad)] = first
    assert len(expected) > 4000
    assert _char_map() == expected
