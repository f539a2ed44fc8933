"""General claim rules (what counts as the programme's figure, and the fields a claim carries),
each on sentences written for these tests.

Since issue 8 the measure rules are no longer the decision (a learned model over candidate
figures is, see test_claims_model.py); they still name the measure of a kept figure, give the
percentages their base, and are the extractor when no model file ships. These tests pin the
rules themselves, through rule_claims."""

from __future__ import annotations

import pytest

from duikou.extract.claims import rule_claims as extract_claims
from duikou.extract.periods import parse_period
from duikou.models import Region
from test_claims import mentions_for

ANHUI = Region("340000", "安徽省", "安徽省", "province")
BEIJING = Region("110000", "北京市", "北京市", "province")
HOTAN = Region("653200", "和田地区", "新疆维吾尔自治区和田地区", "prefecture", "650000", "650000")
XPCC14 = Region(None, "第十四师", "新疆生产建设兵团第十四师", "other")
KUNMING = Region("530100", "昆明市", "云南省昆明市", "prefecture", "530000", "530000")
DONGCHUAN = Region("530113", "东川区", "云南省昆明市东川区", "county", "530000", "530100")
XUNDIAN = Region("530129", "寻甸回族彝族自治县", "云南省昆明市寻甸回族彝族自治县", "county", "530000", "530100")
LUQUAN = Region("530128", "禄劝彝族苗族自治县", "云南省昆明市禄劝彝族苗族自治县", "county", "530000", "530100")
YANAN = Region("610600", "延安市", "陕西省延安市", "prefecture", "610000", "610000")
HAIDONG = Region("630200", "海东市", "青海省海东市", "prefecture", "630000", "630000")
NAQU = Region("540600", "那曲市", "西藏自治区那曲市", "prefecture", "540000", "540000")



def values(text: str, published: str | None = None) -> list[float]:
    return [c.value for c in extract_claims(text, [], published)]


# --- outcome figures (beneficiaries, people out of poverty, jobs) ---------------------------

def test_beneficiaries_count_only_poor_people() -> None:
    # the measure is 受益贫困人口: the poor people reached, not everyone near a project
    assert values("累计投入帮扶资金2亿元，带动1.2万贫困人口受益。") == [200_000_000.0, 12_000.0]
    assert values("援建的安居房项目使近8万名农牧民直接受益。") == []
    assert values("协作项目建成后，受益群众4500余人。") == []
    assert values("帮扶项目覆盖全乡，受益的建档立卡贫困人口达3600人。") == [3600.0]


def test_consolidating_past_gains_is_not_lifting_out_of_poverty() -> None:
    text = "今年计划安排帮扶资金3亿元，巩固提升8.5万人口的脱贫成果。"
    assert values(text) == [300_000_000.0]
    assert values("援助项目着力提高4.2万贫困人口的脱贫质量。") == []


def test_people_out_of_poverty_as_a_cumulative_aid_result() -> None:
    # no money or project in the sentence, but a cumulative result of the aid relationship
    assert values("多年来我市累计助力协作地区减少贫困人口12.3万人。") == [123_000.0]
    # a target the recipient sets itself is not the donor's figure
    assert values("工作队表示，将助推该州年内实现3.2万贫困人口脱贫。") == []


def test_jobs_for_the_poor_with_the_count_first() -> None:
    text = "通过劳务协作和扶贫车间，已帮助620名贫困人口就业。"
    (claim,) = extract_claims(text, [])
    assert (claim.measure, claim.value, claim.unit) == ("就业人数", 620.0, "人")
    assert values("新建的产业园可吸纳900名群众就业。") == []
    assert values("扶贫车间已帮助1200名贫困群众就业。") == [1200.0]
    # the recipient's own statistic, with no aid in the sentence
    assert values("某县1200名贫困群众实现就业。") == []


# --- signed investment --------------------------------------------------------------------

def test_investment_of_projects_signed_in_the_sentence() -> None:
    # 签约 in the first clause governs the investment figure in the next one
    claims = extract_claims("两市签约项目15个，总投资额12亿元。", [])
    assert [(c.measure, c.value) for c in claims] == [("签约投资额", 1_200_000_000.0)]
    # investment signed by businesses is their money, not the programme's
    assert values("当地引进企业签约项目20个，总投资50亿元。") == []
    # without 签约 or an aid word, an investment figure is nobody's claim
    assert values("该园区一期工程总投资3亿元。") == []


def test_investment_of_one_region_in_another_is_aid() -> None:
    # no aid word, but a region of one province spends on a project in another's
    text = "为推动牦牛产业升级，安徽投资2亿元在那曲市建设现代农牧产业园。"
    ms = mentions_for(text, ("安徽", ANHUI), ("那曲市", NAQU))
    claims = extract_claims(text, ms)
    assert [(c.measure, c.value, c.subject) for c in claims] == [("投资额", 200_000_000.0, ANHUI)]
    # a region investing in itself is its own statistic
    text = "那曲市投资2亿元建设现代农牧产业园。"
    assert extract_claims(text, mentions_for(text, ("那曲市", NAQU))) == []
    # companies of one province investing in another are business, not aid
    text = "安徽企业投资2亿元在那曲市建设产业园。"
    assert extract_claims(text, mentions_for(text, ("安徽", ANHUI), ("那曲市", NAQU))) == []


def test_counties_assisted() -> None:
    claims = extract_claims("该省承担的35个国家级贫困县的帮扶任务全面完成。", [])
    assert [(c.measure, c.value, c.unit) for c in claims] == [("帮扶贫困县数", 35.0, "个")]
    # counties leaving poverty are the recipients' own outcome
    assert values("全市12个贫困县全部脱贫摘帽。") == []


# --- parts, subsets and progress ----------------------------------------------------------

def test_a_subset_singled_out_after_a_total_is_not_a_new_total() -> None:
    text = "自1996年以来，某省累计投入帮扶资金60亿元。特别是近五年，投入帮扶资金超过30亿元。"
    assert values(text) == [6_000_000_000.0]
    # a different measure in the 特别是 sentence is new information
    text = "自1996年以来，某省累计投入帮扶资金60亿元。特别是近五年，实施帮扶项目300个。"
    assert values(text) == [6_000_000_000.0, 300.0]
    # 特别是 opening a paragraph refers to nothing before it
    text = "自1996年以来，某省累计投入帮扶资金60亿元。\n特别是近五年，投入帮扶资金超过30亿元。"
    assert values(text) == [6_000_000_000.0, 3_000_000_000.0]


def test_among_them_marks_a_part() -> None:
    text = "两地政府签约帮扶项目40个，总投资80亿元，签约项目中有12个项目将落户协作园区，投资额达20亿元。"
    assert values(text) == [8_000_000_000.0]


def test_progress_towards_a_plan_is_not_a_second_total() -> None:
    claims = extract_claims("今年计划培训基层干部1.2万人，上半年已完成培训6000人。", [])
    assert [(c.value, c.qualifier) for c in claims] == [(12_000.0, "计划")]
    # without a plan, progress so far is the figure
    assert values("今年以来已完成培训基层干部6000人。") == [6000.0]


# --- fields: qualifier, period, status -----------------------------------------------------

@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("累计投入帮扶资金12亿元。", "累计"),
        ("今年拟安排援疆资金3亿元。", "计划"),
        ("今年援藏资金将增加至2亿元左右。", "约"),
        ("实施援青项目约120个。", "约"),
        ("投入援助资金逾5亿元。", "超过"),
        ("投入援助资金5亿元以上。", "超过"),
        ("选派干部人才近300名。", "近"),
        ("实施援建项目200余个。", "多"),
        ("投入援助资金5亿元。", None),
    ],
)
def test_qualifier_is_filled_where_stated(text: str, qualifier: str | None) -> None:
    (claim,) = extract_claims(text, [])
    assert claim.qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "published", "period"),
    [
        ("“十三五”期间，某市投入帮扶资金9亿元。", None, "2016-2020"),
        ("今年，某市安排协作资金6000万元。", "2019-05-01", "2019"),
        ("去年，某市安排协作资金6000万元。", "2019-05-01", "2018"),
        ("三年来，某市安排协作资金6亿元。", "2013-05-01", "2010-2013"),
        ("“十三五”及“十四五”至今，某省支援资金14亿元。", "2024-08-16", "2016-2024"),
        ("2016年至今，某市累计落实帮扶资金2亿元。", "2019-03-01", "2016-2019"),
    ],
)
def test_period_is_filled_where_stated(text: str, published: str | None, period: str) -> None:
    (claim,) = extract_claims(text, [], published)
    assert claim.period == period


def test_a_period_inside_brackets_governs_only_the_bracket() -> None:
    text = "1994年以来，某省共投入援藏资金50亿元（含“十三五”期间支援那曲市20亿元），实施援藏项目300个。"
    ms = mentions_for(text, ("那曲市", NAQU))
    claims = extract_claims(text, ms, "2024-08-16")
    assert [(c.value, c.period) for c in claims] == [
        (5_000_000_000.0, "1994-2024"),
        (2_000_000_000.0, "2016-2020"),
        (300.0, "1994-2024"),
    ]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("今年已确定援建项目45个。", "确定"),
        ("已建成援藏项目120个。", "建成"),
        ("已开工建设的援疆项目总投资12亿元。", "开工"),
        ("今年安排援疆资金12亿元。", None),
    ],
)
def test_status_is_filled_where_stated(text: str, status: str | None) -> None:
    (claim,) = extract_claims(text, [])
    assert claim.status == status


def test_plan_range_period() -> None:
    assert parse_period("“十三五”及“十四五”至今", "2024-08-16") == "2016-2024"
    assert parse_period("十二五至十三五期间") == "2011-2020"
    assert parse_period("十三五和十四五") == "2016-2025"


# --- subject and object ------------------------------------------------------------------

def test_listed_recipients_name_their_common_parent() -> None:
    text = "普陀区向昆明市东川区、寻甸县、禄劝县投入帮扶资金1亿元。"
    ms = mentions_for(text, ("昆明市", KUNMING), ("东川区", DONGCHUAN), ("寻甸县", XUNDIAN), ("禄劝县", LUQUAN))
    (claim,) = extract_claims(text, ms)
    assert claim.object == KUNMING and claim.subject is None


def test_a_coordinated_recipient_is_not_the_donor() -> None:
    text = "北京市累计向和田地区和兵团十四师投入援疆资金100亿元。"
    ms = mentions_for(text, ("北京市", BEIJING), ("和田地区", HOTAN), ("兵团十四师", XPCC14))
    (claim,) = extract_claims(text, ms)
    assert claim.subject == BEIJING and claim.object == HOTAN
    # a list with no common parent: the first partner named
    text = "某市向延安、海东投入协作资金3亿元。"
    ms = mentions_for(text, ("延安", YANAN), ("海东", HAIDONG))
    (claim,) = extract_claims(text, ms)
    assert claim.object == YANAN


def test_region_in_the_figures_own_noun_phrase_is_the_donor() -> None:
    text = "十年来先后有120名安徽援藏干部进藏工作。"
    ms = mentions_for(text, ("安徽", ANHUI))
    (claim,) = extract_claims(text, ms)
    assert claim.subject == ANHUI and claim.value == 120.0
    # a region later in the clause (where the money goes) is not the donor
    text = "安排援藏资金3亿元用于那曲市援建项目。"
    ms = mentions_for(text, ("那曲市", NAQU))
    (claim,) = extract_claims(text, ms)
    assert claim.subject is None


def test_evidence_quote_equals_the_text_span() -> None:
    text = "  １９９４年以来，某省共投入援藏资金５０亿元（含支援那曲市２０亿元）。\n特别是近五年，投入援藏资金超过３０亿元。"
    for c in extract_claims(text, [], "2024-01-01"):
        assert text[c.evidence.start:c.evidence.end] == c.evidence.quote


@pytest.mark.parametrize(
    "text",
    [
        "每个帮扶村安排资金20万元至50万元不等。",
        "对口帮扶资金对每个项目的支持额度为10万至30万元。",
        "援助资金规模在1—2亿元之间。",
    ],
)
def test_ranges_are_not_claims(text: str) -> None:
    assert values(text) == []


def test_rise_to_is_not_a_range() -> None:
    assert values("对口帮扶资金从2018年的3000万元增至2020年的1.2亿元。") == [30_000_000.0, 120_000_000.0]


def test_increment_over_last_year_is_not_a_total() -> None:
    assert values("帮扶资金为3000万元，较上年增加500万元。") == [30_000_000.0]


def test_company_group_money_is_not_aid() -> None:
    assert values("某某集团投入帮扶资金110亿元。") == []


def test_funds_arrived_after_the_figure_are_aid_but_arrived_investment_is_not() -> None:
    assert values("援助项目资金6000万元已全部拨付到位。") == [60_000_000.0]
    assert values("今年到位资金1.2亿元。") == []


def test_share_of_a_part_does_not_make_the_total_a_part() -> None:
    assert values("援助项目共涉及资金1.3亿元，其中产业项目资金占比达62%。") == [130_000_000.0]


def test_share_of_a_plan_is_progress_not_a_part() -> None:
    assert values("已向受援地拨付帮扶资金3.6亿元，占全年计划的72%。") == [360_000_000.0]


def test_yearly_commitment_is_a_claim_but_yearly_yield_is_not() -> None:
    assert values("“十四五”期间每年安排帮扶资金不少于1亿元。") == [100_000_000.0]
    assert values("援建的光伏电站每年发电收益300万元。") == []


def test_employment_in_east_west_cooperation() -> None:
    assert values("东西部协作带动贫困人口就业近5000人。") == [5000.0]
    assert values("东西部协作框架下，累计帮助贫困劳动力转移就业1.36万人。") == [pytest.approx(13600.0)]


def test_people_sent_out() -> None:
    assert values("对口帮扶医院派出专家团队共计180人。") == [180.0]
    assert values("派出所共有民警120人。") == []


def test_among_them_after_a_comma_is_a_part() -> None:
    assert values("选派的236名援藏干部中，有42名为专业技术人才。") == [236.0]


def test_count_increment_over_last_year_is_not_a_total() -> None:
    assert values("2019年，该市援建项目数量较上年增加15个。") == []
