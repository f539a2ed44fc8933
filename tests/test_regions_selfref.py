"""我省 / 我市 / 我州 / 我区 resolved to the page's own place (issue 8 item 13); sentences are our own."""

from __future__ import annotations

import pytest

from duikou.regions import default_gazetteer, resolve_self_references


def _self(text: str, url: str | None = None) -> list[tuple[str, str | None, str]]:
    gaz = default_gazetteer()
    found = resolve_self_references(text, gaz.find_mentions(text), url=url)
    assert all(text[m.start:m.end] == m.surface for m in found)
    assert all(m.why.startswith("self:") for m in found)
    return [(m.surface, m.region.code, m.why) for m in found]


@pytest.mark.parametrize(("text", "url", "expected"), [
    # the publisher's name begins with its region
    ("本报讯 来源：浙江日报。今年我省援青干部在海西州开展义诊，我省援建的学校已投用。", None, "330000"),
    ("近年来，江苏省向我省投入协作资金20亿元。来源：陕西日报", None, "610000"),
    # a paper whose name hides its region (data/media.tsv)
    ("新华日报讯 我省10个设区市与陕西的贫困县结对帮扶。", None, "320000"),
    # a known counterpart of what the pronoun assists (山东 is the only official donor of 北川)
    ("我省部分援建北川的干部重返北川，看望当地群众。", None, "370000"),
    # the agency dateline names the place
    ("新华社拉萨5月2日电 自治区领导表示，我区将继续做好援藏项目对接。", None, "540000"),
    # the municipality's own paper: 我市 = the municipality
    ("天津日报讯 我市会同陕西省推进水源区对口协作。", None, "120000"),
    # the prefecture's own paper: 我州
    ("中国甘肃网6月1日讯 据临夏民族日报报道，厦门市采访团来我州考察对口帮扶工作。", None, "622900"),
    # the site's host
    ("我省今年新增帮扶项目二十个。", "https://www.sc.gov.cn/news/1.html", "510000"),
])
def test_own_place_resolved(text: str, url: str | None, expected: str) -> None:
    found = _self(text, url)
    assert found and all(code == expected for _, code, _ in found), found


def test_qualifier_names_the_province() -> None:
    found = _self("天津市对口支援我省黄南藏族自治州，结对以来成效明显。")
    assert found == [("我省", "630000", "self:我省 (qualifies 黄南藏族自治州)")]


def test_county_list_after_the_pronoun_names_the_city() -> None:
    found = _self("这里的务工人员来自我市田东、田阳等县。")
    assert [code for _, code, _ in found] == ["451000"]


@pytest.mark.parametrize("text", [
    "我省干部在会上发言。",  # nothing says which province
    "各地按不低于本省市上年财政收入的1%安排援建资金。",  # 本省市 = each province, generic
    "本市场监管部门开展检查，江苏省也派员参加。",  # 本市场 is not 本市
    # the clause names the publisher's own province as the other side: unclear, left out
    "来源：江苏日报。会上，我省与江苏省签署了协议。",
])
def test_unclear_or_generic_is_left_out(text: str) -> None:
    assert _self(text) == []


def test_agency_dateline_does_not_reach_a_glued_later_article() -> None:
    filler = "会议强调要把工作做细做实。" * 150
    assert _self("新华社成都3月5日电 " + filler + "我省将继续推进对口帮扶。") == []


def test_no_pronoun_costs_nothing() -> None:
    assert resolve_self_references("江苏省对口支援新疆伊犁州。", []) == []


def test_bare_province_word_before_aid_is_the_own_province() -> None:
    found = _self("大众网讯 三年来，省援藏干部深耕日喀则，完成投资十亿元。")
    assert [(surface, code) for surface, code, _ in found] == [("省", "370000")]
    assert _self("大众网讯 全省上下共同努力。") == []  # 全省 is no pronoun
