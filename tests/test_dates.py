"""Publication dates from metadata, page header and URL."""

from __future__ import annotations

import pytest

from duikou.clean import publication_date
from duikou.clean.dates import date_from_text, date_from_url


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("某某标题\n2020年08月19日 07:14:42 来源: 某某日报\n正文", "2020-08-19"),
        ("标题\n时间:2019-02-18 08:33:21\n正文", "2019-02-18"),
        ("标题\n发布时间:2020-01-14 18:01:17 阅读:\n正文", "2020-01-14"),
        ("标题\n30.08.2017  09:04\n正文", "2017-08-30"),
        ("标题\n2023年12月04日09:44 | 来源:某报\n正文", "2023-12-04"),
        ("标题\n２０２１年３月５日\n正文", "2021-03-05"),
    ],
)
def test_dates_in_the_page_header(head: str, expected: str) -> None:
    assert date_from_text(head) == expected


def test_event_date_inside_a_sentence_is_not_the_publication_date() -> None:
    text = "某县位于西部,2008年5月12日发生地震后,某省对口援建该县,建成学校医院等一批项目,群众安居乐业。"
    assert date_from_text(text) is None


def test_date_in_the_footer_is_ignored() -> None:
    text = "某省对口支援某州,成效显著。" * 100 + "\n2023-09-09 14:17:56重新编辑"
    assert date_from_text(text) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.example.cn/2019-10/30/c_123.htm", "2019-10-30"),
        ("http://example.com/cn/news/202010/t20201030_6883149.html", "2020-10-30"),
        ("http://example.com/a/2020/0707/abc.html", "2020-07-07"),
        ("http://example.com/system/2011/08/18/017775465.shtml", "2011-08-18"),
        ("http://example.com/news/2023-10-22/1418413.html", "2023-10-22"),
        ("http://example.com/yw/201903/", "2019-03"),
        ("http://example.com/article-77-1.html", None),
        (None, None),
    ],
)
def test_dates_in_urls(url: str | None, expected: str | None) -> None:
    assert date_from_url(url) == expected


def test_precedence_meta_then_text_then_url() -> None:
    raw = "标题\n2020-08-19 07:14 来源:某报\n正文"
    url = "http://x.cn/2019-10/30/a.htm"
    assert publication_date(raw, url, {"date": "2018-01-02T10:00:00Z"}) == "2018-01-02"
    assert publication_date(raw, url, {}) == "2020-08-19"
    assert publication_date("正文没有日期,某省对口支援某州。", url, {}) == "2019-10-30"
    assert publication_date("正文没有日期。", None, {}) is None


def test_dateline_without_year_takes_the_year_from_a_year_month_url() -> None:
    raw = "某网成都10月30日电(记者 某某)某省对口援建工作全面完成。"
    assert publication_date(raw, "http://x.cn/2010/10/index.html", {}) == "2010-10-30"
    assert publication_date(raw, None, {}) is None


def test_invalid_dates_are_rejected() -> None:
    assert date_from_text("标题\n发布时间:2020-13-45\n") is None
    assert date_from_url("http://x.cn/2020-02/30/a.htm") == "2020-02"  # the month still holds
