"""Periods: plans, ranges and relative expressions resolved against the publication date."""

import pytest

from duikou.extract.periods import find_periods, guess_published, parse_period


@pytest.mark.parametrize(
    ("text", "published", "period"),
    [
        ("“十三五”期间", None, "2016-2020"),
        ("十二五规划", None, "2011-2015"),
        ("“十四五”以来", "2024-05-01", "2021-2024"),
        ("2019年至2021年", None, "2019-2021"),
        ("2010至2020年", None, "2010-2020"),
        ("2016年以来", "2020-08-19", "2016-2020"),
        ("2016年至今", "2019-08-16", "2016-2019"),
        ("自1998年结对帮扶以来", "2018-03-01", "1998-2018"),
        ("截至2015年底", None, "2015"),
        ("仅2017年", None, "2017"),
        ("今年", "2019-02-18", "2019"),
        ("去年", "2019-02-18", "2018"),
        ("十年来", "2020-10-30", "2010-2020"),
        ("三年来", "2013-05-01", "2010-2013"),
        ("五年内", "2011-01-01", "2011-2015"),
        ("党的十八大以来", "2023-10-22", "2012-2023"),
        ("“十三五”及“十四五”至今", "2024-08-16", "2016-2024"),
        ("十二五至十三五期间", None, "2011-2020"),
    ],
)
def test_parse_period(text: str, published: str | None, period: str) -> None:
    assert parse_period(text, published) == period


def test_relative_without_date_is_unknown() -> None:
    assert parse_period("今年") is None
    assert parse_period("三年来") is None


def test_not_periods() -> None:
    assert parse_period("十五个村") is None
    assert parse_period("九五至尊") is None


def test_find_periods_spans() -> None:
    text = "2018年投入资金，“十三五”期间累计"
    found = find_periods(text)
    assert [p for _, _, p in found] == ["2018", "2016-2020"]
    for start, end, _ in found:
        assert 0 <= start < end <= len(text)


def test_guess_published_uses_byline_dates_only() -> None:
    assert guess_published("标题\n时间：2019-02-18 08:33:21\n正文") == "2019-02-18"
    assert guess_published("来源 2023年12月04日09:44 | 西藏日报") == "2023-12-04"
    assert guess_published("从2014年2月22日至今，超过1000天") is None


def test_since_without_a_known_end_is_open_ended():
    from duikou.extract.periods import find_periods

    assert [p for _, _, p in find_periods("自2016年以来,两地合作不断深化", None)] == ["2016-"]
    assert [p for _, _, p in find_periods("党的十八大以来,累计投入资金", None)] == ["2012-"]
