"""Percentages tied to their base (issue 5): a share or growth rate is a claim only when the
figure or measure it is a share/growth of is clear. Sentences written for these tests."""

from __future__ import annotations

import pytest

from duikou.extract.claims import extract_claims, load_share_bases
from duikou.models import Claim, Mention, Region

JIANGSU = Region("320000", "江苏省", "江苏省", "province")
LHASA = Region("540100", "拉萨市", "西藏自治区拉萨市", "prefecture", "540000", "540000")


def percents(text: str, mentions: list[Mention] | None = None) -> list[Claim]:
    claims = extract_claims(text, mentions or [], "2021-06-01")
    for c in claims:
        assert c.evidence.quote == text[c.evidence.start:c.evidence.end]
    return [c for c in claims if c.unit == "%"]


def test_share_of_a_figure_in_the_sentence() -> None:
    text = "甲市今年安排援助资金2亿元，其中80%以上用于民生项目建设。"
    (c,) = percents(text)
    assert (c.measure, c.value, c.unit, c.qualifier) == ("民生项目资金占比", 80.0, "%", "超过")
    assert (c.base_measure, c.base_value, c.base_unit) == ("援助资金", 2e8, "元")
    assert c.period == "2021"
    assert c.evidence.extractor == "claims.percentage"
    # the base figure is still its own claim, in text order before the share
    claims = extract_claims(text, [], "2021-06-01")
    assert [(x.measure, x.unit) for x in claims] == [("援助资金", "元"), ("民生项目资金占比", "%")]


def test_share_of_a_count() -> None:
    (c,) = percents("三年来共实施援建项目150个，其中近70%为产业项目。")
    assert (c.measure, c.value, c.qualifier) == ("产业项目占比", 70.0, "近")
    assert (c.base_measure, c.base_value, c.base_unit) == ("项目数", 150.0, "个")


def test_share_named_with_zhan() -> None:
    (c,) = percents("教育卫生项目资金占援助资金总额的35%。")
    assert (c.measure, c.value) == ("教育卫生项目资金占比", 35.0)
    assert (c.base_measure, c.base_value, c.base_unit) == ("援助资金", None, None)


def test_share_named_with_zhan_takes_the_base_figure_not_the_numerator() -> None:
    (c,) = percents("今年援疆资金10亿元，用于产业发展的资金达4亿元，占援疆资金总量的40%。")
    assert (c.measure, c.value) == ("用于产业发展的资金占比", 40.0)
    assert (c.base_measure, c.base_value, c.base_unit) == ("援助资金", 1e9, "元")
    # the numerator's figure in the same clause is not the base
    (c,) = percents("已竣工援建项目210个占已确定项目的92.5%。")
    assert (c.measure, c.value, c.base_measure, c.base_value) == ("已竣工援建项目占比", 92.5, "项目数", None)


def test_growth_of_a_figure() -> None:
    (c,) = percents("通过消费帮扶销往乙市的农副产品销售额4.5亿元，同比增长18.5%。")
    assert (c.measure, c.value, c.unit) == ("销售额增长率", 18.5, "%")
    assert (c.base_measure, c.base_value, c.base_unit) == ("销售额", 4.5e8, "元")


def test_subject_and_object_as_for_other_claims() -> None:
    text = "江苏支援拉萨的援藏资金超过30亿元，其中85%投向基层。"
    ms = [Mention(0, 2, "江苏", JIANGSU), Mention(text.index("拉萨"), text.index("拉萨") + 2, "拉萨", LHASA)]
    (c,) = percents(text, ms)
    assert (c.measure, c.value, c.subject, c.object) == ("基层资金占比", 85.0, JIANGSU, LHASA)


@pytest.mark.parametrize("text", [
    "全县生产总值年均增长在11%以上，贫困发生率降至0.6%。",  # no figure of the measure
    "全市生产总值95亿元，同比增长8%。",  # the base figure is not a claim (GDP)
    "农民人均可支配收入1.2万元，增长9.5%。",  # incomes are blocked: no base
    "援助资金3亿元，全县财政收入增长12%。",  # growth of something else
    "全县少数民族占总人口的92%。",  # Y is not a measure of the vocabulary
    "特色产业占比达到55%以上。",  # 占比 with no base named
    "援助资金3亿元，项目完工率超过90%。",  # a rate, not a share of the figure
    "援助资金3亿元，其中10%—20%用于培训。",  # a range
    "以甲县为例，援助资金3000万元，其中60%用于教育。",  # an illustration
    "援助资金2亿元，其中80%来自中央。",  # not what the share goes to
    "援疆资金占全县固定资产投资的30%。",  # the recipient's own statistic is not a base
])
def test_bare_percentages_are_not_claims(text: str) -> None:
    assert percents(text) == []


def test_a_figure_between_breaks_the_tie() -> None:
    # 15% follows the 3000人次 of visitors, not the money: it is not the 援助资金's growth
    assert percents("援助资金3亿元，接待游客3000人次，同比增长15%。") == []
    # a figure of another measure right before gives the growth its own measure
    (c,) = percents("援助资金3亿元，实施项目120个，同比增长15%。")
    assert (c.measure, c.base_measure, c.base_value) == ("项目数增长率", "项目数", 120.0)


def test_share_vocabulary_is_data() -> None:
    bases = dict(load_share_bases())
    assert bases["援助资金"].search("援藏资金总额")
    assert bases["项目数"].search("已确定项目")
