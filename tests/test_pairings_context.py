"""Pairing rules that look beyond one clause: negation words inside names, the recipient of an
earlier sentence (antecedent), weak readings subsumed by explicit ones, and the programme read
from the whole document. All sentences are written for these tests."""

from __future__ import annotations

from test_pairings import mentions, pairs

from duikou.extract.pairings import extract_pairings
from duikou.regions import default_gazetteer

# ----------------------------------------------------------------- negation words


def test_a_negation_character_inside_a_place_name_does_not_negate():
    text = "协作启动后,南京市对口帮扶西宁市,无锡市对口帮扶海东市,两地往来频繁。"
    names = {"南京市": "320100", "西宁市": "630100", "无锡市": "320200", "海东市": "630200"}
    assert pairs(text, names) == {("南京市", "西宁市"), ("无锡市", "海东市")}


def test_wuchang_is_not_a_negation():
    text = "多年来,上海市无偿援助喀什地区建设资金数十亿元。"
    assert pairs(text, {"上海市": "310000", "喀什地区": "653100"}) == {("上海市", "喀什地区")}


def test_a_real_negation_still_negates():
    text = "青海、西藏等没有对口支援任务的省区也主动参与捐助。"
    assert pairs(text, {"青海": "630000", "西藏": "540000"}) == set()


def test_programme_cue_with_duikou():
    text = "叶城县地处边陲,是上海对口援疆任务最重的县之一。"
    assert pairs(text, {"叶城县": "653126", "上海": "310000"}) == {("上海市", "叶城县")}


# ----------------------------------------------------------------- antecedent


def test_recipient_from_the_sentence_before():
    text = "地震过后,什邡市受灾严重,百废待兴。作为对口援建省市,北京第一时间派出了工作组。"
    assert pairs(text, {"什邡市": "510682", "北京": "110000"}) == {("北京市", "什邡市")}


def test_recipient_from_a_caption_line():
    text = "5月20日四川青川。\n一排排新房前,群众敲锣打鼓,送别即将返程的浙江援建者。"
    assert pairs(text, {"四川": "510000", "青川": "510822", "浙江": "330000"}) == {("浙江省", "青川县")}


def test_antecedent_skips_sentences_without_places_and_event_names():
    text = ("在汶川特大地震极重灾区彭州市,一座新桥横跨河谷。桥上车来车往。"
            "为打通生命线,来自福建的援建者们日夜施工,半年就建成通车。")
    names = {"汶川": "513221", "彭州市": "510182", "福建": "350000"}
    assert pairs(text, names) == {("福建省", "彭州市")}


def test_antecedent_needs_exactly_one_recipient():
    text = "青川、平武两县受灾严重。浙江援建者第一时间赶到。"
    assert pairs(text, {"青川": "510822", "平武": "510727", "浙江": "330000"}) == set()


def test_antecedent_not_when_the_earlier_sentence_names_another_donor():
    text = "南京市的企业在西宁市建起了车间。江苏援青干部也来参观。"
    assert pairs(text, {"南京市": "320100", "西宁市": "630100", "江苏": "320000"}) == set()


def test_antecedent_does_not_guess_across_levels():
    text = "林芝市巴宜区的新城拔地而起。从那年起,广东援藏干部一批批来到这里。"
    names = {"林芝市": "540400", "巴宜区": "540402", "广东": "440000"}
    assert pairs(text, names) == set()
    text = "林芝的新城拔地而起。从那年起,广东援藏干部一批批来到这里。"
    assert pairs(text, {"林芝": "540400", "广东": "440000"}) == {("广东省", "林芝市")}


def test_antecedent_needs_people_not_money():
    text = "莎车县的新房陆续建成。上海援疆资金为每户补贴一万元。"
    assert pairs(text, {"莎车县": "653125", "上海": "310000"}) == set()


# ----------------------------------------------------------------- subsumption


def test_weak_prefecture_reading_gives_way_to_explicit_counties():
    text = "广东省对口援建喀什地区疏附县、伽师县。广东援疆干部与喀什群众结下深厚友谊。"
    names = {"广东省": "440000", "喀什地区": "653100", "疏附县": "653121", "伽师县": "653129",
             "广东": "440000", "喀什": "653100"}
    assert pairs(text, names) == {("广东省", "疏附县"), ("广东省", "伽师县")}


def test_explicit_prefecture_pairing_is_kept_with_its_counties():
    text = "上海市对口支援喀什地区。上海市对口支援泽普县、叶城县。"
    names = {"上海市": "310000", "喀什地区": "653100", "泽普县": "653124", "叶城县": "653126"}
    assert pairs(text, names) == {("上海市", "喀什地区"), ("上海市", "泽普县"), ("上海市", "叶城县")}


# ----------------------------------------------------------------- programme from the document


def _programmes(text: str, names: dict[str, str]) -> set[tuple[str, str, str]]:
    return {(p.donor.name, p.recipient.name, p.programme) for p in extract_pairings(text, mentions(text, names))}


def test_one_disaster_word_and_a_known_2008_pair():
    text = "地震过后,江苏省对口支援绵竹市,建起了学校和医院。"
    assert _programmes(text, {"江苏省": "320000", "绵竹市": "510683"}) == {("江苏省", "绵竹市", "灾后重建")}


def test_one_disaster_word_and_the_reconstruction_cue():
    text = "地震过后,广东省深圳市对口援建甘肃省陇南市。"
    names = {"广东省": "440000", "深圳市": "440300", "甘肃省": "620000", "陇南市": "621200"}
    assert _programmes(text, names) == {("深圳市", "陇南市", "灾后重建")}


def test_no_disaster_words_keep_the_default():
    text = "江苏省对口支援绵竹市的企业拓展市场。"
    assert _programmes(text, {"江苏省": "320000", "绵竹市": "510683"}) == {("江苏省", "绵竹市", "东西部协作")}


def test_one_programme_per_pair_in_a_document():
    text = ("汶川地震灾后恢复重建中,山东省对口援建北川县。"
            "如今,山东与北川两地继续开展东西部协作。")
    found = extract_pairings(text, mentions(text, {"山东省": "370000", "北川县": "510726",
                                                   "山东": "370000", "北川": "510726"}))
    assert len(found) >= 2
    assert {p.programme for p in found} == {"灾后重建"}


def test_traditional_wenchuan_page_end_to_end():
    from duikou.clean import clean_text

    text, _ = clean_text("汶川地震災後恢復重建三年。當時,浙江省對口援建青川縣,山東省對口援建北川羌族自治縣。")
    found = extract_pairings(text, default_gazetteer().find_mentions(text))
    assert {(p.donor.name, p.recipient.name, p.programme) for p in found} == {
        ("浙江省", "青川县", "灾后重建"), ("山东省", "北川羌族自治县", "灾后重建")}


def test_every_sentence_stating_a_pair_gives_evidence():
    text = "宁商协作结硕果\n东西部扶贫协作中,江苏省南京市对口帮扶陕西省商洛市,成效明显。"
    found = extract_pairings(text, default_gazetteer().find_mentions(text))
    quotes = {p.evidence.quote for p in found if p.donor.name == "南京市" and p.recipient.name == "商洛市"}
    assert any("对口帮扶陕西省商洛市" in q for q in quotes)


def test_antecedent_with_a_central_province_donor_and_its_2008_programme():
    text = "10月19日,四川理县。湖南援建者在新建成的学校前合影留念。"
    found = extract_pairings(text, mentions(text, {"四川": "510000", "理县": "513222", "湖南": "430000"}))
    assert {(p.donor.name, p.recipient.name, p.programme) for p in found} == {("湖南省", "理县", "灾后重建")}


def test_to_list_with_a_modifier_before_the_cue():
    text = "二十年来,上海市累计向云南省投入财政帮扶资金300多亿元。"
    assert pairs(text, {"上海市": "310000", "云南省": "530000"}) == {("上海市", "云南省")}


def test_antecedent_not_from_a_generic_cue():
    text = "喀什地区今年接待游客突破千万人次。上海市对口支援工作会议在上海召开。"
    assert pairs(text, {"喀什地区": "653100", "上海市": "310000", "上海": "310000"}) == set()
    text = "云南省昆明市的鲜花销往全国。江苏省对口帮扶工作取得新进展。"
    assert pairs(text, {"云南省": "530000", "昆明市": "530100", "江苏省": "320000"}) == set()


def test_antecedent_skips_a_venue():
    text = "博览会昨天在西宁开幕。来自江苏的援青干部也到场参观。"
    assert pairs(text, {"西宁": "630100", "江苏": "320000"}) == set()


def test_a_county_short_name_trusted_by_its_known_counterpart():
    text = "山东援建的北川新县城是灾后重建的标志性工程。"
    found = extract_pairings(text, mentions(text, {"山东": "370000", "北川": "510726"}, why={"北川": "short"}))
    assert {(p.donor.name, p.recipient.name, p.programme) for p in found} == {("山东省", "北川羌族自治县", "灾后重建")}


def test_a_county_short_name_alone_is_not_trusted():
    text = "山东客商到平武采购茶叶,并表示愿意帮扶当地企业。"
    assert pairs(text, {"山东": "370000", "平武": "510727"}, why={"平武": "short"}) == set()


def test_a_sub_team_named_by_where_it_works():
    text = "江苏省第十批援藏工作队拉萨工作组在墨竹工卡县调研。"
    names = {"江苏省": "320000", "拉萨": "540100", "墨竹工卡县": "540127"}
    assert pairs(text, names) == {("江苏省", "拉萨市")}


def test_respectively_through_a_qualifying_prefecture():
    text = "上海市闵行区、嘉定区分别与云南省红河州的元阳县、金平县结对。"
    names = {"上海市": "310000", "闵行区": "310112", "嘉定区": "310114", "云南省": "530000",
             "红河州": "532500", "元阳县": "532528", "金平县": "532530"}
    assert pairs(text, names) == {("闵行区", "元阳县"), ("嘉定区", "金平苗族瑶族傣族自治县")}


def test_to_list_with_a_count_of_units():
    text = "协作开展以来,山东省累计向重庆市14个区县投入财政援助资金。"
    assert pairs(text, {"山东省": "370000", "重庆市": "500000"}) == {("山东省", "重庆市")}


def test_cooccurrence_is_only_a_fallback():
    text = "近年来,苏州对口帮扶铜仁的成效显著,两市共建的苏州工业园区铜仁园吸引了企业入驻。"
    names = {"苏州工业园区": "320571", "苏州": "320500", "铜仁": "520600"}
    g = default_gazetteer()
    zone = g.unit("zone:320571")
    if zone is not None:
        names["苏州工业园区"] = zone.region
    assert pairs(text, names) == {("苏州市", "铜仁市")}


def test_reconstruction_pairs_start_in_2008_when_the_document_dates_the_quake():
    text = "5·12汶川特大地震后,江苏省对口援建绵竹市。十年后,绵竹已是一座新城。"
    found = extract_pairings(text, mentions(text, {"江苏省": "320000", "绵竹市": "510683"}))
    assert {(p.recipient.name, p.programme, p.since) for p in found} == {("绵竹市", "灾后重建", 2008)}
    text = "江苏省对口支援绵竹市的企业拓展市场。"
    found = extract_pairings(text, mentions(text, {"江苏省": "320000", "绵竹市": "510683"}))
    assert {p.since for p in found} == {None}


def test_a_team_at_a_training_venue_is_not_paired_with_it():
    text = "北京和上海的援疆干部在乌鲁木齐参加培训。"
    assert pairs(text, {"北京": "110000", "上海": "310000", "乌鲁木齐": "650100"}) == set()


def test_central_province_recipient_in_an_east_west_document():
    text = "杭州市代表团赴恩施州对接东西部协作工作。杭州市累计向恩施州投入帮扶资金15亿元。"
    assert _programmes(text, {"杭州市": "330100", "恩施州": "422800"}) == {
        ("杭州市", "恩施土家族苗族自治州", "东西部协作")}
    text = "杭州市累计向恩施州投入帮扶资金15亿元。"
    assert _programmes(text, {"杭州市": "330100", "恩施州": "422800"}) == {
        ("杭州市", "恩施土家族苗族自治州", "其他对口支援")}


def test_a_township_locating_a_village_project_gives_way_to_its_county():
    from duikou.extract.pairings import extract_pairings
    from duikou.regions import default_gazetteer

    text = "东西部扶贫协作中，连云港市援建岐山县蒲村镇双桥村道路项目。"
    found = extract_pairings(text, default_gazetteer().find_mentions(text))
    assert {(p.donor.name, p.recipient.name) for p in found} == {("连云港市", "岐山县")}
