"""Number and money grammar: the values claims are built from must be exact."""

import pytest

from duikou.extract.numbers import normalize_digits, parse_cn_numeral, parse_money, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.845亿", 184_500_000.0),
        ("772.97亿", 77_297_000_000.0),
        ("3万", 30_000.0),
        ("276.79万", 2_767_900.0),
        ("2,188", 2188.0),
        ("１２", 12.0),
        ("４５.５万", 455_000.0),
        ("一百二十", 120.0),
        ("两千万", 20_000_000.0),
        ("十五", 15.0),
        ("一百零五", 105.0),
        ("三千五百万", 35_000_000.0),
        ("百亿", 10_000_000_000.0),
        ("1.2万亿", 1_200_000_000_000.0),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "一二", "万", "1.2.3"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.845亿元", 184_500_000.0),
        ("12亿多元", 1_200_000_000.0),
        ("1000多万元", 10_000_000.0),
        ("3680万元", 36_800_000.0),
        ("两千万元", 20_000_000.0),
        ("25760.58万元", 257_605_800.0),
        ("500元", 500.0),
        ("１.５亿元", 150_000_000.0),
    ],
)
def test_parse_money(text: str, value: float) -> None:
    assert parse_money(text) == pytest.approx(value)


def test_parse_money_needs_yuan() -> None:
    assert parse_money("1.845亿") is None
    assert parse_money("50吨") is None


def test_digit_by_digit_chinese_is_positional() -> None:
    assert parse_cn_numeral("二〇二〇") == 2020.0


def test_normalize_digits_keeps_length() -> None:
    s = "投入１２．５亿元"
    assert len(normalize_digits(s)) == len(s)
    assert normalize_digits(s) == "投入12.5亿元"


@pytest.mark.parametrize(
    "text, value",
    [("二点五亿", 250_000_000.0), ("十二点三六万", 123_600.0), ("一点五", 1.5), ("三百点零五万", 3_000_500.0)],
)
def test_chinese_decimal_point(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["三点", "点五", "二点五千", "五亿点三"])
def test_chinese_decimal_point_rejects_malformed(text: str) -> None:
    assert parse_number(text) is None


def test_chinese_decimal_money() -> None:
    assert parse_money("二点五亿元") == pytest.approx(250_000_000.0)
