"""nianbao.numerals gives cn2an's value wherever it reads a numeral itself, and reads the
canonical forms reports use without importing cn2an."""

from __future__ import annotations

import itertools
import subprocess
import sys

import cn2an
import pytest

from nianbao.numerals import canonical_value, to_number

ALPHABET = "零〇一二两三四五六七八九十百千万"


def _cn2an(text: str):
    try:
        return cn2an.cn2an(text, "smart")
    except Exception as exc:  # noqa: BLE001 - any rejection counts as "not a number"
        return type(exc)


def test_fast_path_agrees_with_cn2an_on_every_short_string():
    accepted = 0
    for n in range(1, 5):
        for chars in itertools.product(ALPHABET, repeat=n):
            text = "".join(chars)
            value = canonical_value(text)
            if value is not None:
                accepted += 1
                assert _cn2an(text) == value, text
    assert accepted > 1000  # the fast path is not vacuous


def test_fast_path_reads_cn2an_renderings_of_integers():
    """Every integer below 20,000, then every 99,991st up to 10^8."""
    for n in [*range(20_000), *range(20_000, 100_000_000, 99_991)]:
        text = cn2an.an2cn(n, "low")
        assert canonical_value(text) == n, (n, text)
        two = text.replace("二千", "两千").replace("二百", "两百")
        assert canonical_value(two) in (None, n), two


def test_arabic_digits_times_wan_or_yi_as_cn2an_reads_them():
    for n in [*range(3_000), *range(3_000, 100_000_000, 199_999), 99_999_999]:
        for unit in "万亿":
            assert canonical_value(f"{n}{unit}") == _cn2an(f"{n}{unit}"), f"{n}{unit}"
    assert canonical_value("007万") == 70000 and canonical_value("1.5万") is None


@pytest.mark.parametrize("text,value", [("二十八", 28), ("一百零五", 105), ("两千", 2000), ("十二", 12), ("两", 2),
                                        ("一万零三百", 10300), ("十万", 100000), ("零", 0), ("8232万", 82320000)])
def test_the_usual_forms(text, value):
    assert canonical_value(text) == value == to_number(text)


@pytest.mark.parametrize("text", ["三千二", "十一万三", "二零二三", "一二", "二两", "零五", "1.5万", "十二点五", "一亿零五"])
def test_other_forms_are_cn2an_s(text):
    assert canonical_value(text) is None
    assert to_number(text) == cn2an.cn2an(text, "smart")


@pytest.mark.parametrize("text", ["十十", "亿两", "万", "百", "四十零"])
def test_what_cn2an_rejects_is_rejected(text):
    with pytest.raises((ValueError, KeyError, TypeError)):
        to_number(text)


def test_usual_forms_do_not_import_cn2an():
    code = "import sys\nfrom nianbao.numerals import to_number\nassert to_number('一百零五') == 105\nprint('cn2an' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
