"""The flattened-table decoder on the real copied-text twins and on small synthetic tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.tables.decode import decode_text_tables as decode_flattened
from nianbao.tables.decode import looks_like_text_tables
from nianbao.tables.schema import T3_ROWS_2021, T4_COLUMNS, T4_GROUPS

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples"
TXT_TWINS = ["pingtan-2019-txt", "pingtan-2020-txt", "pingtan-2021-txt", "pingtan-2023-txt", "pingtan-2025-txt"]


def _load(name: str) -> tuple[str, dict, dict]:
    folder = SAMPLES / name
    text = (folder / "source.txt").read_text(encoding="utf-8")
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["tables"]
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return text, gold, meta


# ---------------------------------------------------------------- real twins


@pytest.mark.parametrize("name", TXT_TWINS)
def test_txt_twin_decodes_to_gold(name: str) -> None:
    text, gold, meta = _load(name)
    dec = decode_flattened(text)
    assert dec.layout == meta["layout"]
    for table, cells in gold.items():
        decoded = dec.tables[table]
        assert decoded.method == "flattened"
        assert set(decoded.figures) == set(cells), f"{table} keys differ from gold"
        for key, want in cells.items():
            fig = decoded.figures[key]
            if fig.ref in dec.ambiguous:
                assert fig.value is None and want in (fig.candidates or []), fig.ref
            else:
                assert fig.value == want, f"{fig.ref}: decoded {fig.value}, gold {want}"
    # T3 and T4 are settled by their arithmetic; only T2 (no totals) can stay open
    assert not [r for r in dec.ambiguous if not r.startswith("T2.")]


@pytest.mark.parametrize("name", TXT_TWINS)
def test_provenance_points_at_the_digits(name: str) -> None:
    text, _gold, _meta = _load(name)
    offset = 1000
    dec = decode_flattened(text, offset=offset)
    for table in dec.tables.values():
        for fig in table.figures.values():
            span = text[fig.prov.start - offset : fig.prov.end - offset]
            assert span == fig.raw, f"{fig.ref}: span {span!r} != raw {fig.raw!r}"


def test_printed_arithmetic_errors_decode_as_printed() -> None:
    """pingtan-2020's result rows over-count （七）总计 by 6: keep the printed figures."""
    text, gold, _meta = _load("pingtan-2020-txt")
    dec = decode_flattened(text)
    t3 = dec.tables["T3"]
    assert t3.value("handled_total.natural") == 20
    assert t3.value("handled_total.total") == 21
    result_rows = ["granted", "partial", "unable.not_held", "unable.unclear", "not_processed.duplicate", "other"]
    assert sum(t3.value(f"{r}.natural") for r in result_rows) == 26
    assert {"t3_result_total natural", "t3_result_total total"} <= set(dec.broken)
    assert any(m.code == "flattened-printed-arithmetic" for m in dec.messages)
    assert all(f.confidence < 1 for f in t3.figures.values())
    assert t3.values() == gold["T3"]


def test_narrative_figures_settle_a_t2_split() -> None:
    """'77132470' has no totals; '制发的规范性文件77件' fixes 本年制发 = 77."""
    text, _gold, _meta = _load("pingtan-2023-txt")
    dec = decode_flattened(text)
    assert dec.tables["T2"].value("normative_docs.issued") == 77
    assert "T2.normative_docs.repealed" in dec.ambiguous


def test_layout_given_or_detected() -> None:
    text, _gold, _meta = _load("pingtan-2019-txt")
    assert decode_flattened(text).layout == "2019"
    assert "other.total" in decode_flattened(text).tables["T3"].figures
    assert "other.other.total" not in decode_flattened(text).tables["T3"].figures


def test_looks_like_text_tables() -> None:
    for name in TXT_TWINS + ["jinshui-sfj-2023-txt"]:  # the seed's tab-separated tables are text tables too
        assert looks_like_text_tables(_load(name)[0]), name
    # a narrative sentence using the words of T3 is not a table
    assert not looks_like_text_tables("本年度共收到政府信息公开申请3件，全部按时办结。")


def test_text_without_tables() -> None:
    dec = decode_flattened("本年度未收到政府信息公开申请。")
    assert dec.tables == {} and dec.messages and dec.confidence == 0.0


# ---------------------------------------------------------------- synthetic tables

_HEADINGS = {
    "granted": "三、本年度办理结果",
    "denied.state_secret": "（三）不予公开",
    "unable.not_held": "（四）无法提供",
    "not_processed.complaint": "（五）不予处理",
    "other.no_correction": "（六）其他处理",
}
_T4_HEADER = "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼" + "结果维持结果纠正其他结果尚未审结总计" * 3


def _t3_text(runs: dict[str, str], glue: dict[str, str] | None = None, t4: str = "0" * 15) -> str:
    """A flattened 2021-layout T3 (+T4): every row '0000000' unless given.

    ``glue`` overrides how a row label is printed (e.g. without its item dot).
    """
    parts = ["三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"]
    for row in T3_ROWS_2021:
        parts.append(_HEADINGS.get(row.key, ""))
        parts.append((glue or {}).get(row.key, row.label))
        parts.append(runs.get(row.key, "0000000"))
    parts.append(_T4_HEADER + t4 + "五、存在的主要问题及改进情况无。")
    return "".join(parts)


def test_ambiguous_split_is_reported_not_guessed() -> None:
    # 予以公开 and 部分公开 both print '111000012': 1|11|…|12 or 11|1|…|12.
    # Either way round every row total, the balance and the result total hold.
    runs = {
        "new_received": "12 12 0 0 0 0 24",
        "granted": "111000012",
        "partial": "111000012",
        "handled_total": "12 12 0 0 0 0 24",
    }
    dec = decode_flattened(_t3_text(runs))
    t3 = dec.tables["T3"]
    for ref in ("granted.natural", "granted.commercial", "partial.natural", "partial.commercial"):
        assert f"T3.{ref}" in dec.ambiguous
        assert t3.figures[ref].value is None
        assert sorted(t3.figures[ref].candidates) == [1, 11]
    assert t3.value("granted.total") == 12 and "T3.granted.total" not in dec.ambiguous
    assert any("2 decodings satisfy every constraint" in m.text for m in dec.messages)
    guessed = decode_flattened(_t3_text(runs), guess=True).tables["T3"].figures["granted.natural"]
    assert guessed.value in (1, 11) and guessed.confidence < 1


def test_item_number_glued_to_previous_row() -> None:
    # "10000012.其他法律…": the last "2." is the next label's item number.
    runs = {
        "new_received": "1000001",
        "denied.state_secret": "10000012.",
        "handled_total": "1000001",
    }
    law = next(r for r in T3_ROWS_2021 if r.key == "denied.law_forbidden")
    text = _t3_text(runs, glue={law.key: law.label.removeprefix("2.")})
    dec = decode_flattened(text)
    t3 = dec.tables["T3"]
    assert [t3.value(f"denied.state_secret.{c}") for c in ("natural", "commercial", "total")] == [1, 0, 1]
    assert t3.value("denied.law_forbidden.total") == 0
    assert not dec.ambiguous and not dec.broken
    # the same without the dot: "10000012其他法律…" still reads 1,0,0,0,0,0,1
    runs["denied.state_secret"] = "10000012"
    dec = decode_flattened(_t3_text(runs, glue={law.key: law.label.removeprefix("2.")}))
    assert dec.tables["T3"].value("denied.state_secret.total") == 1 and not dec.broken


def test_wrong_printed_table_keeps_row_totals() -> None:
    # 予以公开 prints 5 for 自然人 but （七）总计 says 4: no split fixes that.
    runs = {"new_received": "4000004", "granted": "5000005", "handled_total": "4000004"}
    dec = decode_flattened(_t3_text(runs))
    t3 = dec.tables["T3"]
    assert t3.value("granted.natural") == 5 and t3.value("handled_total.natural") == 4
    assert "t3_result_total natural" in dec.broken and not dec.ambiguous


def test_t4_group_totals_and_narrative() -> None:
    # Two splits keep all three group totals; they differ in 行政复议 总计 (1 or 11).
    run = "0100111221211271000313"
    open_dec = decode_flattened(_t3_text({}, t4=run))
    assert "T4.review.total" in open_dec.ambiguous
    for stated, want in (("行政复议11件", 11), ("行政复议1件", 1), ("行政复议案件十一起", 11), ("行政复议一件", 1)):
        dec = decode_flattened(_t3_text({}, t4=run), narrative=f"全年发生{stated}。")
        t4 = dec.tables["T4"]
        assert t4.value("review.total") == want and not dec.ambiguous
        for g in T4_GROUPS:
            assert sum(t4.value(f"{g}.{c}") for c in T4_COLUMNS[:-1]) == t4.value(f"{g}.total")


def test_narrative_before_the_table_is_not_a_row() -> None:
    narrative = "本年新收政府信息公开申请3件，上年结转1件。"
    runs = {"new_received": "2000002", "handled_total": "2000002", "granted": "2000002"}
    dec = decode_flattened(narrative + _t3_text(runs))
    t3 = dec.tables["T3"]
    assert t3.value("new_received.total") == 2 and t3.value("carried_over.total") == 0
    assert not dec.broken


def test_tab_separated_seed_decodes_too() -> None:
    """Not flattened, but the same reading works when separators survive (shifted tab columns)."""
    text, gold, _meta = _load("jinshui-sfj-2023-txt")
    dec = decode_flattened(text)
    assert not dec.ambiguous and not dec.broken
    for table, cells in gold.items():
        assert dec.tables[table].values() == cells


def test_empty_cells_that_left_no_trace() -> None:
    # 新收 and （七）总计 print only their non-empty cells ("27330" = 27, -, -, -, -, 3, 30);
    # 予以公开 prints every cell, which fixes where the empty ones were.
    runs = {"new_received": "27330", "granted": "270000330", "handled_total": "27330"}
    dec = decode_flattened(_t3_text(runs))
    t3 = dec.tables["T3"]
    for row in ("new_received", "handled_total"):
        assert [t3.value(f"{row}.{c}") for c in ("natural", "commercial", "other_org", "total")] == [27, 0, 3, 30]
        assert t3.figures[f"{row}.commercial"].blank and not t3.figures[f"{row}.natural"].blank
    assert not dec.ambiguous and not dec.broken
    assert any(m.code == "flattened-lost-blanks" for m in dec.messages)


def test_long_row_printed_wrong_is_not_forced_into_a_fitting_split() -> None:
    # 新收 prints 社会公益组织 30 where 27 would balance; its 14 digits also split as
    # 18|6237|3|0|1|7|6266, which keeps the row total by chance.  The first pass only
    # lists such total-keeping splits; the second pass must find the printed reading.
    runs = {
        "new_received": "18623730176266",
        "granted": "186 23 7 27 17 6 266",
        "handled_total": "186 23 7 27 17 6 266",
    }
    dec = decode_flattened(_t3_text(runs))
    t3 = dec.tables["T3"]
    assert [t3.value(f"new_received.{c}") for c in ("natural", "social", "total")] == [186, 30, 266]
    assert "t3_row_total new_received" in dec.broken and "t3_balance social" in dec.broken
