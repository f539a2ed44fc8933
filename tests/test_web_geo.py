"""Map points: every region lands inside China, by code, and 海南藏族自治州 is in Qinghai."""

from __future__ import annotations

from duikou.web import geo


def test_points_cover_provinces_and_prefectures_inside_china():
    table = geo.points()
    assert len(table) > 400
    for code, (name, (lon, lat)) in table.items():
        assert 73 <= lon <= 136 and 3 <= lat <= 54, (code, name, lon, lat)
    for code in ("110000", "320000", "630000", "650000", "540000", "320100", "650500"):
        assert code in table, code


def test_hainan_prefecture_is_drawn_in_qinghai_never_on_hainan_island():
    hainan_province = geo.code_point("460000")
    hainan_prefecture = geo.region_point({"code": "632500", "name": "青海省海南藏族自治州"})
    qinghai = geo.code_point("630000")
    assert hainan_province[1] < 21  # the island
    assert 35 < hainan_prefecture[1] < 37.5 and 99 < hainan_prefecture[0] < 102
    assert abs(hainan_prefecture[0] - qinghai[0]) < 6
    # named without a code, by its full name: still Qinghai
    assert geo.region_point({"code": None, "name": "海南藏族自治州"}) == hainan_prefecture


def test_counties_and_uncoded_units_fall_back_to_their_parents():
    assert geo.code_point("632521") == geo.code_point("632500")  # 共和县 -> 海南藏族自治州
    assert geo.code_point("999999") is None and geo.code_point("abc") is None and geo.code_point(None) is None
    xpcc = geo.region_point({"code": None, "name": "新疆生产建设兵团第一师"})
    assert xpcc is not None and 73 <= xpcc[0] <= 96  # somewhere in Xinjiang
    assert geo.region_point({"code": None, "name": "不存在的地方"}) is None
