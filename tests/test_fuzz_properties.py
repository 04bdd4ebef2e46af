"""Property tests (hypothesis) on the parsers, with a budget of seconds: the long campaign over
mutated real reports is benchmarks/fuzz.py (issue 19 item 11).

Inputs are real report text (corpus/samples) with generated damage, or generated text over the
characters reports are made of.  Runs are derandomized, so CI sees the same examples each time.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.errors import NianbaoError
from sample_data import SEED, sample_source

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# What report sentences are made of: digits (half and full width), Chinese numerals, units,
# approximation words, punctuation, and a few words of the format.
REPORT_CHARS = st.sampled_from(list("0123456789０１２３４５６７８９,.．%％-")
                               + list("零〇一二两三四五六七八九十百千万亿")
                               + list("件条起次个项元余多约近占共其中其他，。；：、（）() \t\n")
                               + ["收到", "申请", "办结", "结转下年度", "予以公开", "行政复议", "万元", "百分点", "第"]
                               # runs the fuzzing found: over Python's 4,300-digit int() limit, a
                               # Chinese numeral that overflows a float, a figure with two points
                               + ["9" * 4400, "一" * 400, "320.1.5"])
REPORT_TEXT = st.lists(REPORT_CHARS, max_size=120).map("".join)
SEED_TEXT = SEED.read_text(encoding="utf-8")


# ---------------------------------------------------------------- cells and figures


@FAST
@given(st.integers(min_value=0, max_value=10**15 - 1), st.booleans())
def test_read_cell_reads_every_plain_figure(n: int, commas: bool):
    from nianbao.tables.values import read_cell

    cell = read_cell(f"{n:,}" if commas else str(n))
    assert (cell.kind, cell.value) == ("number", n)


@FAST
@given(REPORT_TEXT)
def test_read_cell_never_raises(text: str):
    from nianbao.tables.values import read_cell

    cell = read_cell(text)
    assert cell.kind in {"number", "blank", "label"}
    assert cell.kind != "number" or isinstance(cell.value, (int, float))


@FAST
@given(REPORT_TEXT)
def test_find_numbers_never_raises_and_stays_inside_the_text(text: str):
    from nianbao.claims.numbers import find_numbers

    mentions = find_numbers(text)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    for m in mentions:
        assert 0 <= m.start <= m.num_start < m.end <= len(text)
        assert m.value == m.value and abs(m.value) != float("inf")  # a real number, not nan or inf


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["件", "条", "次", "万元"]))
def test_find_numbers_reads_a_stated_count(n: int, unit: str):
    from nianbao.claims.numbers import find_numbers

    mentions = find_numbers(f"本年度共收到申请{n}{unit}，")
    assert [(m.value, m.unit) for m in mentions] == [(n, unit)]


@FAST
@given(REPORT_TEXT, st.sampled_from(["2019", "2021"]))
def test_narrative_hints_never_raise(text: str, layout: str):
    from nianbao.tables.decode.hints import narrative_hints

    hints = narrative_hints(text, layout)
    assert all(h.value >= 0 for found in hints.values() for h in found)


# ---------------------------------------------------------------- HTML tables

SPAN = st.one_of(st.integers(min_value=-10**12, max_value=10**12).map(str),
                 st.sampled_from(["", "abc", "2.5", " 3 ", "０３", "1e9", "999999999999999999999"]))


def _t4_table() -> str:
    html = sample_source("pingtan-2020-html").read_text(encoding="utf-8")
    start = html.rindex("<table", 0, html.index("行政复议", html.index("四、")))
    return html[start: html.index("</table>", start) + len("</table>")]


T4_TABLE = _t4_table()


@FAST
@given(st.lists(st.tuples(st.sampled_from(["rowspan", "colspan"]), SPAN), min_size=1, max_size=8), st.randoms())
def test_any_span_values_give_a_rectangular_bounded_grid(spans, rnd):
    import lxml.html

    from nianbao.ingest.html import expand_table

    cells = [m.start() for m in re.finditer(r"<td\b", T4_TABLE)]
    html = T4_TABLE
    for (attr, value), pos in sorted(zip(spans, rnd.sample(cells, len(spans))), key=lambda x: -x[1]):
        html = html[: pos + 3] + f' {attr}="{value}"' + html[pos + 3:]
    grid = expand_table(lxml.html.fragment_fromstring(html))
    widths = {len(row) for row in grid}
    assert len(widths) <= 1  # rectangular
    n_cells = len(cells)
    assert not grid or max(widths) <= 200 * n_cells and len(grid) == html.count("<tr")


# ---------------------------------------------------------------- whole files


def _flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    b = bytearray(data)
    for pos, value in flips:
        b[pos % len(b)] = value
    return bytes(b)


FLIPS = st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=40)


@SLOW
@given(FLIPS, st.integers(min_value=1, max_value=100), st.sampled_from([".txt", ".html", ".docx", ".pdf", ""]))
def test_damaged_real_report_loads_or_is_refused_with_a_message(flips, keep_percent: int, suffix: str):
    # Any damage to a real report: the loader gives a Document or a NianbaoError, nothing else.
    from nianbao.ingest import load

    data = SEED.read_bytes()
    data = _flip(data, flips)[: max(1, len(data) * keep_percent // 100)]
    try:
        doc = load(Path("r" + suffix), data=data)
    except NianbaoError as exc:
        assert str(exc)
    else:
        assert doc.blocks


@SLOW
@given(FLIPS, st.sampled_from(["pingtan-2020-html", "pingtan-2023-txt", "jinshui-sfj-2023-txt"]),
       st.sampled_from(["", "\x00" * 50, "9" * 5000, "<table><tr><td>" * 300]))
def test_check_on_a_damaged_real_report_has_no_internal_error(tmp_path_factory, flips, name: str, insert: str):
    from nianbao.pipeline import check

    path = sample_source(name)
    data = path.read_bytes()
    middle = len(data) // 2
    data = _flip(data[:middle] + insert.encode() + data[middle:], flips)
    case = tmp_path_factory.mktemp("case") / path.name
    case.write_bytes(data)
    result = check(case)
    assert not [m for m in result.messages if m.code in ("internal", "rule-failed")], result.messages
